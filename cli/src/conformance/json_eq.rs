//! Semantic equality of DCC documents, as the dgc-testdata suite compares
//! them: objects and arrays by content, numbers by value, and strings that
//! are both date-times by the instant they name (to the second), because the
//! same certificate may carry `2021-05-03T10:27:15Z` in one encoding and
//! `2021-05-03T10:27:15.000+00:00` in another.

use serde_json::Value;

use healthcert_core::time_parse;

fn same_instant(a: &str, b: &str) -> bool {
    // Only strings that look like date-times (not plain dates or codes).
    if !(a.len() > 10 && b.len() > 10 && a.contains('T') && b.contains('T')) {
        return false;
    }
    match (time_parse::lenient(a), time_parse::lenient(b)) {
        (Some(x), Some(y)) => x.unix_timestamp() == y.unix_timestamp(),
        _ => false,
    }
}

/// Whether `a` and `b` are equal: objects and arrays by content, numbers by
/// value, strings by `same_string`, anything else exactly.
fn equal_by(a: &Value, b: &Value, same_string: fn(&str, &str) -> bool) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal_by(v, w, same_string)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| equal_by(v, w, same_string))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => same_string(x, y),
        _ => a == b,
    }
}

/// Whether `a` and `b` are the same document.
pub(super) fn equivalent(a: &Value, b: &Value) -> bool {
    equal_by(a, b, |x, y| x == y || same_instant(x, y))
}

/// The first place where `a` and `b` differ, as a JSON pointer (for mismatch
/// details; values are never shown).
pub(super) fn first_difference(a: &Value, b: &Value, path: &mut String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let len = path.len();
                path.push('/');
                path.push_str(k);
                let d = match (x.get(k), y.get(k)) {
                    (Some(v), Some(w)) => first_difference(v, w, path),
                    _ => Some(path.clone()),
                };
                path.truncate(len);
                if d.is_some() {
                    return d;
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                let d = first_difference(v, w, path);
                path.truncate(len);
                if d.is_some() {
                    return d;
                }
            }
            None
        }
        _ if equivalent(a, b) => None,
        _ => Some(if path.is_empty() { "/".into() } else { path.clone() }),
    }
}

/// Whether `a` and `b` are the same JSON value: objects and arrays by
/// content, numbers by value (`42` and `42.0` are one JavaScript number),
/// strings exactly.
pub(super) fn same_value(a: &Value, b: &Value) -> bool {
    equal_by(a, b, |x, y| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equivalence() {
        assert!(equivalent(&json!({"a": 1, "b": [1.0]}), &json!({"b": [1], "a": 1.0})));
        assert!(equivalent(&json!("2021-05-03T10:27:15Z"), &json!("2021-05-03T12:27:15.000+02:00")));
        assert!(!equivalent(&json!("2021-05-03"), &json!("2021-05-04")));
        assert!(!equivalent(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert_eq!(
            first_difference(&json!({"a": {"b": 1}}), &json!({"a": {"b": 2}}), &mut String::new()),
            Some("/a/b".into())
        );
    }
}
