//! Evaluation of a compiled expression against data, without copying the
//! data: values borrow from the data and from the expression.
//!
//! Semantics are those of certlogic-js 1.2.2, the reference implementation
//! of CertLogic 1.3.3 (`evaluator.ts`, `internals.ts`): JavaScript numbers
//! (`f64`), `===` without coercion (arrays and objects by identity), the
//! narrow truthy/falsy notions of the specification ("Truthy and falsy
//! values"), and date-times as JavaScript `Date`s (see [`dates`](super::dates)).

use std::rc::Rc;

use serde_json::Value;

use super::dates::{self, TimeUnit};
use super::error::EvalError;

/// A comparison, for integers or date-times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Lt,
    Gt,
    Le,
    Ge,
}

impl Cmp {
    fn holds(self, l: f64, r: f64) -> bool {
        match self {
            Cmp::Lt => l < r,
            Cmp::Gt => l > r,
            Cmp::Le => l <= r,
            Cmp::Ge => l >= r,
        }
    }
}

/// One fragment of a `var` path, pre-resolved (see `compile::fragment`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Frag {
    /// The property name JavaScript looks up.
    pub(crate) prop: Box<str>,
    /// The array index, when the fragment reads as one.
    pub(crate) index: Option<usize>,
}

/// A compiled expression node.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Bool(bool),
    Num(f64),
    Str(Box<str>),
    /// An array of literals, folded.
    ConstArray(Box<Value>),
    Array(Box<[Node]>),
    /// `var`; no fragments is the whole data.
    Var(Box<[Frag]>),
    If(Box<[Node; 3]>),
    StrictEq(Box<[Node; 2]>),
    And(Box<[Node]>),
    Compare {
        cmp: Cmp,
        dates: bool,
        op: &'static str,
        args: Box<[Node]>,
    },
    In(Box<[Node; 2]>),
    Plus(Box<[Node; 2]>),
    Not(Box<Node>),
    PlusTime {
        date: Box<Node>,
        amount: f64,
        unit: TimeUnit,
    },
    /// `plusTime` of a string literal, folded.
    DateTime(f64),
    Reduce(Box<[Node; 3]>),
    ExtractFromUvci {
        operand: Box<Node>,
        index: f64,
    },
    DccDateOfBirth(Box<Node>),
    /// Throws this error when evaluated.
    Invalid(Box<EvalError>),
}

impl Node {
    pub(crate) fn is_literal(&self) -> bool {
        matches!(self, Node::Bool(_) | Node::Num(_) | Node::Str(_) | Node::ConstArray(_))
    }
}

/// The data a rule is evaluated on, `{payload, external}`, without building
/// it as JSON: the payload and the value sets are borrowed.
#[derive(Debug)]
pub(crate) struct RuleData<'a> {
    pub(crate) payload: Option<&'a Value>,
    pub(crate) value_sets: &'a Value,
    pub(crate) validation_clock: &'a str,
    pub(crate) country_code: &'a str,
    pub(crate) region: Option<&'a str>,
    pub(crate) issuer_country_code: Option<&'a str>,
    pub(crate) exp: Option<&'a str>,
    pub(crate) iat: Option<&'a str>,
    pub(crate) kid: Option<&'a str>,
}

/// The keys of `external`, in the order the DCC verifier apps serialise them.
const EXTERNAL_KEYS: [&str; 8] =
    ["validationClock", "valueSets", "countryCode", "exp", "iat", "issuerCountryCode", "kid", "region"];

/// The data context of a `reduce` lambda: `{ accumulator, current }`.
#[derive(Debug)]
pub(crate) struct Frame<'a> {
    accumulator: Val<'a>,
    current: Val<'a>,
}

/// A value during evaluation.
#[derive(Debug, Clone)]
pub(crate) enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    /// A JavaScript `Date` time value (NaN: Invalid Date).
    DateTime(f64),
    /// An array or object of the data (or of the expression's constants).
    Json(&'a Value),
    /// An array built by the expression.
    List(Rc<Vec<Val<'a>>>),
    Frame(Rc<Frame<'a>>),
    /// `{payload, external}` of a rule evaluation.
    Rule(&'a RuleData<'a>),
    /// `external` of a rule evaluation.
    External(&'a RuleData<'a>),
}

impl<'a> Val<'a> {
    pub(crate) fn from_json(v: &'a Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Val::Str(s),
            Value::Array(_) | Value::Object(_) => Val::Json(v),
        }
    }

    fn opt_str(s: Option<&'a str>) -> Val<'a> {
        s.map_or(Val::Null, Val::Str)
    }

    /// `acc[fragment]` of certlogic-js `access`, `undefined` being null.
    fn get(&self, f: &Frag) -> Val<'a> {
        match self {
            Val::Json(Value::Object(m)) => m.get(&*f.prop).map_or(Val::Null, Val::from_json),
            Val::Json(Value::Array(a)) => f.index.and_then(|i| a.get(i)).map_or(Val::Null, Val::from_json),
            Val::List(l) => f.index.and_then(|i| l.get(i)).cloned().unwrap_or(Val::Null),
            Val::Frame(fr) => match &*f.prop {
                "accumulator" => fr.accumulator.clone(),
                "current" => fr.current.clone(),
                _ => Val::Null,
            },
            Val::Rule(d) => match &*f.prop {
                "payload" => d.payload.map_or(Val::Null, Val::from_json),
                "external" => Val::External(d),
                _ => Val::Null,
            },
            Val::External(d) => match &*f.prop {
                "validationClock" => Val::Str(d.validation_clock),
                "valueSets" => Val::Json(d.value_sets),
                "countryCode" => Val::Str(d.country_code),
                "exp" => Val::opt_str(d.exp),
                "iat" => Val::opt_str(d.iat),
                "issuerCountryCode" => Val::opt_str(d.issuer_country_code),
                "kid" => Val::opt_str(d.kid),
                "region" => Val::opt_str(d.region),
                _ => Val::Null,
            },
            // Primitives and dates have no (own, enumerable) properties.
            _ => Val::Null,
        }
    }

    /// Truthy (`Some(true)`), falsy (`Some(false)`) or neither (`None`):
    /// certlogic-js `boolsiness`.
    pub(crate) fn boolsiness(&self) -> Option<bool> {
        Some(match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::DateTime(_) => return None,
            Val::Json(Value::Array(a)) => !a.is_empty(),
            Val::Json(Value::Object(o)) => !o.is_empty(),
            Val::Json(_) => return None,
            Val::List(l) => !l.is_empty(),
            Val::Frame(_) | Val::Rule(_) | Val::External(_) => true,
        })
    }

    fn as_int(&self) -> Option<f64> {
        match self {
            Val::Num(n) if n.is_finite() && n.fract() == 0.0 => Some(*n),
            _ => None,
        }
    }

    /// JavaScript `===`. Arrays and objects are equal only when they are the
    /// same object; two date-times never are (each `plusTime` makes a new `Date`).
    pub(crate) fn strict_eq(&self, other: &Val<'a>) -> bool {
        match (self, other) {
            (Val::Null, Val::Null) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Num(a), Val::Num(b)) => a == b,
            (Val::Str(a), Val::Str(b)) => a == b,
            (Val::Json(a), Val::Json(b)) => std::ptr::eq(*a, *b),
            (Val::List(a), Val::List(b)) => Rc::ptr_eq(a, b),
            (Val::Frame(a), Val::Frame(b)) => Rc::ptr_eq(a, b),
            (Val::Rule(a), Val::Rule(b)) | (Val::External(a), Val::External(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }

    /// `Array.prototype.indexOf(self) > -1` on `array`.
    fn is_in(&self, array: &Val<'a>) -> Option<bool> {
        Some(match array {
            Val::Json(Value::Array(items)) => match self {
                Val::Str(s) => items.iter().any(|e| e.as_str() == Some(s)),
                _ => items.iter().any(|e| self.strict_eq(&Val::from_json(e))),
            },
            Val::List(items) => items.iter().any(|e| self.strict_eq(e)),
            _ => return None,
        })
    }

    /// The value as JSON, as `JSON.stringify` would write it (a date-time
    /// as its ISO string, an Invalid Date as null).
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(n) => number_to_json(*n),
            Val::Str(s) => Value::String((*s).to_owned()),
            Val::DateTime(t) => dates::to_iso_string(*t).map_or(Value::Null, Value::String),
            Val::Json(v) => (*v).clone(),
            Val::List(l) => Value::Array(l.iter().map(Val::to_json).collect()),
            Val::Frame(f) => {
                serde_json::json!({"accumulator": f.accumulator.to_json(), "current": f.current.to_json()})
            }
            Val::Rule(d) => serde_json::json!({"payload": d.payload, "external": Val::External(d).to_json()}),
            Val::External(d) => {
                let mut m = serde_json::Map::new();
                for k in EXTERNAL_KEYS {
                    let v = Val::External(d).get(&Frag { prop: k.into(), index: None });
                    if !matches!(v, Val::Null) {
                        m.insert(k.to_owned(), v.to_json());
                    }
                }
                Value::Object(m)
            }
        }
    }
}

/// A JavaScript number as JSON: integers as integers.
pub(crate) fn number_to_json(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// Evaluation state: the work budget.
pub(crate) struct State {
    pub(crate) steps: u64,
    pub(crate) max_steps: u64,
}

/// `extractFromUVCI` on a string: the fragment at `index` after an optional
/// `URN:UVCI:` prefix, splitting on `/`, `#` and `:`.
fn extract_from_uvci(uvci: &str, index: f64) -> Option<&str> {
    if index < 0.0 {
        return None;
    }
    let body = uvci.strip_prefix("URN:UVCI:").unwrap_or(uvci);
    let i = usize::try_from(index as u64).ok()?;
    body.split(['/', '#', ':']).nth(i)
}

pub(crate) fn eval<'a>(node: &'a Node, data: &Val<'a>, st: &mut State) -> Result<Val<'a>, EvalError> {
    st.steps += 1;
    if st.steps > st.max_steps {
        return Err(EvalError::WorkLimit { max: st.max_steps });
    }
    Ok(match node {
        Node::Bool(b) => Val::Bool(*b),
        Node::Num(n) => Val::Num(*n),
        Node::Str(s) => Val::Str(s),
        Node::ConstArray(v) => Val::Json(v),
        Node::DateTime(t) => Val::DateTime(*t),
        Node::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(eval(item, data, st)?);
            }
            Val::List(Rc::new(out))
        }
        Node::Var(frags) => {
            let mut v = data.clone();
            for f in frags.iter() {
                if matches!(v, Val::Null) {
                    break;
                }
                v = v.get(f);
            }
            v
        }
        Node::If(parts) => {
            let [guard, then, otherwise] = &**parts;
            match eval(guard, data, st)?.boolsiness() {
                Some(true) => eval(then, data, st)?,
                Some(false) => eval(otherwise, data, st)?,
                None => return Err(EvalError::NeitherTruthyNorFalsy { op: "if" }),
            }
        }
        Node::StrictEq(ab) => {
            let a = eval(&ab[0], data, st)?;
            Val::Bool(a.strict_eq(&eval(&ab[1], data, st)?))
        }
        Node::And(ops) => {
            // Lazy and in order: the first falsy operand, or the last one.
            let mut acc = Val::Bool(true);
            for op in ops.iter() {
                if acc.boolsiness() == Some(false) {
                    return Ok(acc);
                }
                acc = eval(op, data, st)?;
                if acc.boolsiness().is_none() {
                    return Err(EvalError::NeitherTruthyNorFalsy { op: "and" });
                }
            }
            acc
        }
        Node::Compare { cmp, dates, op, args } => {
            let a = eval(&args[0], data, st)?;
            let b = eval(&args[1], data, st)?;
            let c = match args.get(2) {
                Some(n) => Some(eval(n, data, st)?),
                None => None,
            };
            let num = |v: &Val<'_>| -> Option<f64> {
                if *dates {
                    match v {
                        Val::DateTime(t) => Some(*t),
                        _ => None,
                    }
                } else {
                    v.as_int()
                }
            };
            let err = || if *dates { EvalError::NotDateTime { op } } else { EvalError::NotInteger { op } };
            let (x, y) = (num(&a).ok_or_else(err)?, num(&b).ok_or_else(err)?);
            match c {
                None => Val::Bool(cmp.holds(x, y)),
                Some(c) => {
                    let z = num(&c).ok_or_else(err)?;
                    Val::Bool(cmp.holds(x, y) && cmp.holds(y, z))
                }
            }
        }
        Node::In(ab) => {
            let needle = eval(&ab[0], data, st)?;
            let hay = eval(&ab[1], data, st)?;
            Val::Bool(needle.is_in(&hay).ok_or(EvalError::NotArray { op: "in" })?)
        }
        Node::Plus(ab) => {
            let a = eval(&ab[0], data, st)?;
            let b = eval(&ab[1], data, st)?;
            match (a.as_int(), b.as_int()) {
                (Some(x), Some(y)) => Val::Num(x + y),
                _ => return Err(EvalError::NotInteger { op: "+" }),
            }
        }
        Node::Not(operand) => match eval(operand, data, st)?.boolsiness() {
            Some(b) => Val::Bool(!b),
            None => return Err(EvalError::NeitherTruthyNorFalsy { op: "!" }),
        },
        Node::PlusTime { date, amount, unit } => match eval(date, data, st)? {
            Val::Str(s) => {
                let t = dates::parse_plus_time(s).map_err(|_| EvalError::DateTimeFormat { op: "plusTime" })?;
                Val::DateTime(dates::plus(t, *amount, *unit))
            }
            _ => return Err(EvalError::NotString { op: "plusTime" }),
        },
        Node::Reduce(parts) => {
            let [operand, lambda, initial] = &**parts;
            let items = eval(operand, data, st)?;
            let mut acc = eval(initial, data, st)?;
            match &items {
                Val::Null => {}
                Val::Json(Value::Array(a)) => {
                    for item in a {
                        let frame = Val::Frame(Rc::new(Frame { accumulator: acc, current: Val::from_json(item) }));
                        acc = eval(lambda, &frame, st)?;
                    }
                }
                Val::List(l) => {
                    for item in l.iter() {
                        let frame = Val::Frame(Rc::new(Frame { accumulator: acc, current: item.clone() }));
                        acc = eval(lambda, &frame, st)?;
                    }
                }
                _ => return Err(EvalError::NotArray { op: "reduce" }),
            }
            acc
        }
        Node::ExtractFromUvci { operand, index } => match eval(operand, data, st)? {
            Val::Null => Val::Null,
            Val::Str(s) => extract_from_uvci(s, *index).map_or(Val::Null, Val::Str),
            _ => return Err(EvalError::NotString { op: "extractFromUVCI" }),
        },
        Node::DccDateOfBirth(operand) => match eval(operand, data, st)? {
            Val::Str(s) => Val::DateTime(
                dates::parse_date_of_birth(s).map_err(|_| EvalError::DateTimeFormat { op: "dccDateOfBirth" })?,
            ),
            _ => return Err(EvalError::NotString { op: "dccDateOfBirth" }),
        },
        Node::Invalid(e) => return Err((**e).clone()),
    })
}
