//! The CertLogic format validator: what is wrong with an expression, found
//! without evaluating it. Messages and the sub-expression each issue names
//! follow certlogic-js `validation/format-validator.ts`, which the
//! specification's validation test suite is written against.

use serde_json::Value;

use super::compile::json_int;
use super::js_number_to_string;

/// Deepest nesting examined; deeper parts are reported, not walked.
const MAX_DEPTH: usize = 128;

/// One problem in an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// JSON pointer of the offending sub-expression.
    pub path: String,
    /// The offending sub-expression (part of the rule, not of any data).
    pub expr: Value,
    /// What is wrong with it.
    pub message: String,
}

/// Every problem of `expr` as a CertLogic expression (none when it is valid).
pub fn validate(expr: &Value) -> Vec<Issue> {
    let mut v = Validator { issues: Vec::new(), path: String::new() };
    v.validate(expr, 0);
    v.issues
}

struct Validator {
    issues: Vec<Issue>,
    path: String,
}

/// JavaScript `String(value)` for a JSON value, as template literals write it.
fn js_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number_to_string(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => s.clone(),
        Value::Array(a) => {
            a.iter().map(|e| if e.is_null() { String::new() } else { js_string(e) }).collect::<Vec<_>>().join(",")
        }
        Value::Object(_) => "[object Object]".into(),
    }
}

impl Validator {
    fn issue(&mut self, expr: &Value, message: String) {
        self.issues.push(Issue { path: self.path.clone(), expr: expr.clone(), message });
    }

    /// Appends `/<segment>` (escaped as a JSON pointer token) to the path;
    /// returns the length to truncate back to.
    fn enter(&mut self, segment: &str) -> usize {
        let len = self.path.len();
        self.path.push('/');
        self.path.push_str(&segment.replace('~', "~0").replace('/', "~1"));
        len
    }

    fn at(&mut self, segment: &str, v: &Value, depth: usize) {
        let len = self.enter(segment);
        self.validate(v, depth + 1);
        self.path.truncate(len);
    }

    /// Validates `values[..n]`, the operands, under `<path>/<op>/<i>`.
    fn operands(&mut self, op: &str, values: &[Value], n: usize, depth: usize) {
        let len = self.enter(op);
        for (i, v) in values.iter().take(n).enumerate() {
            self.at(&i.to_string(), v, depth + 1);
        }
        self.path.truncate(len);
    }

    fn operand(&mut self, op: &str, values: &[Value], i: usize, depth: usize) {
        if let Some(v) = values.get(i) {
            let len = self.enter(op);
            self.at(&i.to_string(), v, depth + 1);
            self.path.truncate(len);
        }
    }

    /// certlogic-js's check that `op` has exactly `want` values: `a "plusTime"-operation
    /// must have exactly 3 values/operands, but it has 2`.
    fn exactly(&mut self, expr: &Value, op: &str, n: usize, want: usize) {
        if n != want {
            let article = if op.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
            let noun = if want == 1 { "value/operand" } else { "values/operands" };
            let m = format!("{article} \"{op}\"-operation must have exactly {want} {noun}, but it has {n}");
            self.issue(expr, m);
        }
    }

    /// certlogic-js's check that the argument `values[i]` of `op`, when
    /// present, is an integer: `"amount" argument (#2) of "plusTime" must be
    /// an integer, but it is: 1.5`.
    fn integer_argument(&mut self, expr: &Value, op: &str, values: &[Value], i: usize, name: &str) {
        if let Some(arg) = values.get(i).filter(|a| json_int(a).is_none()) {
            let m = format!(
                "\"{name}\" argument (#{}) of \"{op}\" must be an integer, but it is: {}",
                i + 1,
                js_string(arg)
            );
            self.issue(expr, m);
        }
    }

    fn validate(&mut self, expr: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            self.issue(expr, format!("expression nested deeper than {MAX_DEPTH} levels"));
            return;
        }
        match expr {
            Value::String(_) | Value::Bool(_) => {}
            Value::Number(_) if json_int(expr).is_some() => {}
            Value::Number(_) => self.issue(expr, format!("{} is a non-integer number", js_string(expr))),
            Value::Null => self.issue(expr, "invalid CertLogic expression".into()),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.at(&i.to_string(), item, depth);
                }
            }
            Value::Object(map) => {
                if map.len() != 1 {
                    self.issue(expr, format!("expression object must have exactly one key, but it has {}", map.len()));
                    return;
                }
                let Some((op, values)) = map.iter().next() else { return };
                self.operation(expr, op, values, depth);
            }
        }
    }

    fn operation(&mut self, expr: &Value, op: &str, values: &Value, depth: usize) {
        if op == "var" {
            match values {
                Value::String(path) => {
                    // ^([^\.]+?)(\.[^\.]+?)*$ : non-empty fragments.
                    if !(path.is_empty() || path.split('.').all(|f| !f.is_empty())) {
                        self.issue(expr, format!("data access path doesn't have a valid format: {path}"));
                    }
                }
                _ => self.issue(expr, "not of the form { \"var\": \"<path>\" }".into()),
            }
            return;
        }
        let Value::Array(values) = values else {
            self.issue(expr, "operation not of the form { \"<operator>\": [ <values...> ] }".into());
            return;
        };
        let n = values.len();
        match op {
            "if" => {
                self.exactly(expr, op, n, 3);
                self.operands(op, values, 3, depth);
            }
            "===" | "and" | ">" | "<" | ">=" | "<=" | "in" | "+" | "after" | "before" | "not-after" | "not-before" => {
                let max = match op {
                    "and" => {
                        if n < 2 {
                            self.issue(
                                expr,
                                format!("an \"and\" operation must have at least 2 operands, but it has {n}"),
                            );
                        }
                        n
                    }
                    "<" | ">" | "<=" | ">=" | "after" | "before" | "not-after" | "not-before" => {
                        if !(2..=3).contains(&n) {
                            self.issue(
                                expr,
                                format!(
                                    "an operation with operator \"{op}\" must have 2 or 3 operands, but it has {n}"
                                ),
                            );
                        }
                        3
                    }
                    _ => {
                        if n != 2 {
                            self.issue(
                                expr,
                                format!("an operation with operator \"{op}\" must have 2 operands, but it has {n}"),
                            );
                        }
                        2
                    }
                };
                self.operands(op, values, max, depth);
            }
            "!" => {
                if n == 1 {
                    self.operands(op, values, 1, depth);
                } else {
                    self.issue(
                        expr,
                        format!("a !-operation (logical not/negation) must have exactly 1 operand, but it has {n}"),
                    );
                }
            }
            "plusTime" => {
                self.exactly(expr, op, n, 3);
                self.operand(op, values, 0, depth);
                self.integer_argument(expr, op, values, 1, "amount");
                if let Some(unit) =
                    values.get(2).filter(|u| !matches!(u.as_str(), Some("year" | "month" | "day" | "hour")))
                {
                    let m = format!(
                        "\"unit\" argument (#3) of \"plusTime\" must be a string equal to one of year, month, day, hour, but it is: {}",
                        js_string(unit)
                    );
                    self.issue(expr, m);
                }
            }
            "reduce" => {
                self.exactly(expr, op, n, 3);
                self.operands(op, values, 3, depth);
            }
            "extractFromUVCI" => {
                self.exactly(expr, op, n, 2);
                self.operand(op, values, 0, depth);
                self.integer_argument(expr, op, values, 1, "index");
            }
            "dccDateOfBirth" => {
                self.exactly(expr, op, n, 1);
                self.operand(op, values, 0, depth);
            }
            _ => self.issue(expr, format!("unrecognised operator: \"{op}\"")),
        }
    }
}
