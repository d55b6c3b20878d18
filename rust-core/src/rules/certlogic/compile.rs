//! CertLogic JSON → [`Node`] tree, once per expression.
//!
//! Structural problems do not refuse the expression: they become
//! [`Node::Invalid`], which throws only when evaluated, exactly where and
//! when certlogic-js throws (a malformed operation in an `if` branch not
//! taken never fires). Only the resource limits refuse an expression as a
//! whole. Constant parts are folded here: `plusTime` of a string literal is
//! a pre-parsed date-time, and an array of literals a constant JSON array.

use serde_json::Value;

use super::dates::{self, TimeUnit};
use super::error::{CompileError, EvalError};
use super::eval::{Cmp, Frag, Node};
use super::{CertLogicLimits, js_number_to_string};

/// The infix operators of the specification ("Operations with infix operators").
const INFIX: [&str; 12] = ["===", "and", ">", "<", ">=", "<=", "in", "+", "after", "before", "not-after", "not-before"];

pub(super) struct Compiler<'l> {
    limits: &'l CertLogicLimits,
    nodes: usize,
    path: String,
}

/// `Number.isInteger` on a JSON number.
pub(super) fn json_int(v: &Value) -> Option<f64> {
    let f = v.as_f64()?;
    (f.is_finite() && f.fract() == 0.0).then_some(f)
}

/// One fragment of a `var` path, resolved the way certlogic-js `access`
/// does: `parseInt(fragment, 10)`; a number indexes (`acc[index]`, whose
/// property name is the number's string), anything else is a property name.
pub(super) fn fragment(s: &str) -> Frag {
    // parseInt: leading white space, an optional sign, then decimal digits.
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n = t.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return Frag { prop: s.into(), index: None };
    }
    let magnitude: f64 = t[..n].parse().unwrap_or(f64::INFINITY);
    let value = if neg { -magnitude } else { magnitude };
    // Array index: a canonical non-negative integer below 2^32 - 1.
    let index = (0.0..4_294_967_295.0).contains(&value).then_some(value as usize);
    Frag { prop: js_number_to_string(if value == 0.0 { 0.0 } else { value }).into(), index }
}

impl<'l> Compiler<'l> {
    pub(super) fn new(limits: &'l CertLogicLimits) -> Self {
        Compiler { limits, nodes: 0, path: String::new() }
    }

    fn invalid(&self, reason: &'static str) -> Node {
        Node::Invalid(Box::new(EvalError::InvalidExpression { path: self.path.clone(), reason }))
    }

    fn check_str(&self, s: &str) -> Result<(), CompileError> {
        if s.len() > self.limits.max_string_len {
            return Err(CompileError::StringTooLong { max: self.limits.max_string_len });
        }
        Ok(())
    }

    /// Compiles `v`, found at `self.path`, `depth` levels deep.
    pub(super) fn node(&mut self, v: &Value, depth: usize) -> Result<Node, CompileError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(CompileError::TooManyNodes { max: self.limits.max_nodes });
        }
        if depth > self.limits.max_depth {
            return Err(CompileError::TooDeep { max: self.limits.max_depth });
        }
        Ok(match v {
            Value::Bool(b) => Node::Bool(*b),
            Value::String(s) => {
                self.check_str(s)?;
                Node::Str(s.as_str().into())
            }
            Value::Number(_) => match json_int(v) {
                Some(f) => Node::Num(f),
                None => self.invalid("a non-integer number"),
            },
            Value::Null => self.invalid("null is not an expression"),
            Value::Array(items) => {
                let nodes = self.children(items, depth)?;
                if nodes.iter().all(Node::is_literal) {
                    Node::ConstArray(Box::new(v.clone()))
                } else {
                    Node::Array(nodes.into_boxed_slice())
                }
            }
            Value::Object(map) => {
                let mut entries = map.iter();
                let (Some((op, values)), None) = (entries.next(), entries.next()) else {
                    return Ok(self.invalid("an expression object must have exactly one key"));
                };
                self.check_str(op)?;
                let len = self.path.len();
                self.path.push('/');
                self.path.push_str(&op.replace('~', "~0").replace('/', "~1"));
                let node = self.operation(op, values, depth + 1);
                self.path.truncate(len);
                node?
            }
        })
    }

    fn children(&mut self, items: &[Value], depth: usize) -> Result<Vec<Node>, CompileError> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let len = self.path.len();
            self.path.push_str(&format!("/{i}"));
            let node = self.node(item, depth + 1);
            self.path.truncate(len);
            out.push(node?);
        }
        Ok(out)
    }

    /// An operand the operation names but the expression lacks: certlogic-js
    /// evaluates `undefined`, which throws.
    fn operand(&mut self, items: &[Value], i: usize, depth: usize) -> Result<Node, CompileError> {
        let len = self.path.len();
        self.path.push_str(&format!("/{i}"));
        let node = match items.get(i) {
            Some(v) => self.node(v, depth + 1),
            None => Ok(self.invalid("a required operand is missing")),
        };
        self.path.truncate(len);
        node
    }

    fn operation(&mut self, op: &str, values: &Value, depth: usize) -> Result<Node, CompileError> {
        if op == "var" {
            let Value::String(path) = values else {
                return Ok(self.invalid("not of the form { \"var\": \"<path>\" }"));
            };
            self.check_str(path)?;
            let frags = if path.is_empty() { Vec::new() } else { path.split('.').map(fragment).collect() };
            return Ok(Node::Var(frags.into_boxed_slice()));
        }
        let items = match values {
            Value::Array(items) if !items.is_empty() => items.as_slice(),
            _ => return Ok(self.invalid("operation not of the form { \"<operator>\": [ <values...> ] }")),
        };
        // Count the operand array itself, as the validator and depth see it.
        self.nodes += 1;
        let n = items.len();
        Ok(match op {
            "if" => {
                if n < 3 {
                    return Ok(self.invalid("an if-operation must have a guard, a then and an else"));
                }
                let [g, t, e] =
                    [self.operand(items, 0, depth)?, self.operand(items, 1, depth)?, self.operand(items, 2, depth)?];
                Node::If(Box::new([g, t, e]))
            }
            _ if INFIX.contains(&op) => {
                let arity_ok = match op {
                    "and" => n >= 2,
                    "<" | ">" | "<=" | ">=" | "after" | "before" | "not-after" | "not-before" => n == 2 || n == 3,
                    _ => n == 2,
                };
                if !arity_ok {
                    return Ok(self.invalid("wrong number of operands"));
                }
                let args = self.children(items, depth)?;
                match op {
                    "and" => Node::And(args.into_boxed_slice()),
                    "===" | "in" | "+" => {
                        let [a, b]: [Node; 2] = args.try_into().map_err(|_| CompileError::TooManyNodes { max: 0 })?;
                        match op {
                            "===" => Node::StrictEq(Box::new([a, b])),
                            "in" => Node::In(Box::new([a, b])),
                            _ => Node::Plus(Box::new([a, b])),
                        }
                    }
                    _ => {
                        let (cmp, dates) = match op {
                            "<" => (Cmp::Lt, false),
                            ">" => (Cmp::Gt, false),
                            "<=" => (Cmp::Le, false),
                            ">=" => (Cmp::Ge, false),
                            "before" => (Cmp::Lt, true),
                            "after" => (Cmp::Gt, true),
                            "not-after" => (Cmp::Le, true),
                            _ => (Cmp::Ge, true),
                        };
                        Node::Compare {
                            cmp,
                            dates,
                            op: if dates { date_op_name(cmp) } else { int_op_name(cmp) },
                            args: args.into_boxed_slice(),
                        }
                    }
                }
            }
            "!" => Node::Not(Box::new(self.operand(items, 0, depth)?)),
            "plusTime" => {
                let Some(amount) = items.get(1).and_then(json_int) else {
                    return Ok(self.invalid("\"amount\" argument (#2) of \"plusTime\" must be an integer"));
                };
                let Some(unit) = items.get(2).and_then(Value::as_str).and_then(TimeUnit::parse) else {
                    return Ok(self.invalid("\"unit\" argument (#3) of \"plusTime\" must be a time unit"));
                };
                let date = self.operand(items, 0, depth)?;
                match &date {
                    Node::Str(s) => match dates::parse_plus_time(s) {
                        Ok(t) => Node::DateTime(dates::plus(t, amount, unit)),
                        Err(_) => Node::Invalid(Box::new(EvalError::DateTimeFormat { op: "plusTime" })),
                    },
                    _ => Node::PlusTime { date: Box::new(date), amount, unit },
                }
            }
            "reduce" => {
                let parts =
                    [self.operand(items, 0, depth)?, self.operand(items, 1, depth)?, self.operand(items, 2, depth)?];
                Node::Reduce(Box::new(parts))
            }
            "extractFromUVCI" => {
                let Some(index) = items.get(1).and_then(json_int) else {
                    return Ok(self.invalid("\"index\" argument (#2) of \"extractFromUVCI\" must be an integer"));
                };
                Node::ExtractFromUvci { operand: Box::new(self.operand(items, 0, depth)?), index }
            }
            "dccDateOfBirth" => Node::DccDateOfBirth(Box::new(self.operand(items, 0, depth)?)),
            _ => self.invalid("unrecognised operator"),
        })
    }
}

fn int_op_name(c: Cmp) -> &'static str {
    match c {
        Cmp::Lt => "<",
        Cmp::Gt => ">",
        Cmp::Le => "<=",
        Cmp::Ge => ">=",
    }
}

fn date_op_name(c: Cmp) -> &'static str {
    match c {
        Cmp::Lt => "before",
        Cmp::Gt => "after",
        Cmp::Le => "not-after",
        Cmp::Ge => "not-before",
    }
}
