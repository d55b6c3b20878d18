//! A small JSON Schema evaluator for the FHIR R4 JSON schema, used only by
//! the developer validator ([`validate`](super::validate)).
//!
//! It evaluates the keywords the FHIR R4 JSON schema uses (`$ref` to
//! `#/definitions/…`, `type`, `const`, `enum`, `pattern`, `properties`,
//! `additionalProperties: false`, `required`, `items`, `oneOf`) with the
//! semantics of a JSON Schema validator that reports every error (as the
//! SMART Health Cards dev tools' ajv does with `allErrors`): one error per
//! failed keyword, one per missing required member, one per extra member;
//! `properties` and `required` apply to objects only, `pattern` to strings
//! only. Patterns are not general regular expressions here: the FHIR
//! primitive types' patterns (string, uri, code, id, date, dateTime,
//! instant, time, and `^.*$`) are recognised and checked by hand; any other
//! pattern is counted in [`Evaluation::unchecked_patterns`], never guessed.
//! Depth and error count are capped.

use serde_json::{Map, Value};

/// Deepest `$ref`/member nesting evaluated.
pub const MAX_DEPTH: usize = 64;

/// Most errors collected from one evaluation.
pub const MAX_ERRORS: usize = 1000;

/// One schema violation: the data path (JSON pointer) and the keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON pointer of the failing value, from the evaluated root.
    pub path: String,
    /// What failed (`type`, `pattern`, `required`, `additionalProperties`, …).
    pub keyword: &'static str,
    /// The member concerned (a required or extra member's name), if any.
    pub member: Option<String>,
}

/// The result of one evaluation.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// Every violation, in document order.
    pub errors: Vec<SchemaError>,
    /// Patterns met that this evaluator does not know (not checked).
    pub unchecked_patterns: usize,
    /// Whether evaluation stopped at [`MAX_DEPTH`] or [`MAX_ERRORS`].
    pub truncated: bool,
}

/// Evaluates `data` against `schema`, resolving `#/definitions/…` (and the
/// `…fhir-schema.json#/definitions/…` form the dev tools use) in `root`.
pub fn evaluate(root: &Value, schema: &Value, data: &Value) -> Evaluation {
    let mut ev = Evaluation::default();
    let defs = root.get("definitions").and_then(Value::as_object);
    check(defs, schema, data, "", 0, &mut ev);
    ev
}

/// The definition a `$ref` names.
pub fn resolve<'a>(defs: Option<&'a Map<String, Value>>, reference: &str) -> Option<&'a Value> {
    let name = reference.rsplit_once("#/definitions/").map(|(_, n)| n)?;
    defs?.get(name)
}

fn push(ev: &mut Evaluation, path: &str, keyword: &'static str, member: Option<String>) {
    if ev.errors.len() >= MAX_ERRORS {
        ev.truncated = true;
        return;
    }
    ev.errors.push(SchemaError { path: path.to_owned(), keyword, member });
}

fn type_matches(t: &str, data: &Value) -> bool {
    match t {
        "string" => data.is_string(),
        "number" => data.is_number(),
        "integer" => data.as_f64().is_some_and(|f| f.fract() == 0.0),
        "boolean" => data.is_boolean(),
        "object" => data.is_object(),
        "array" => data.is_array(),
        "null" => data.is_null(),
        _ => true,
    }
}

fn check(
    defs: Option<&Map<String, Value>>,
    schema: &Value,
    data: &Value,
    path: &str,
    depth: usize,
    ev: &mut Evaluation,
) {
    if depth > MAX_DEPTH || ev.errors.len() >= MAX_ERRORS {
        ev.truncated = true;
        return;
    }
    let Some(schema) = schema.as_object() else { return };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match resolve(defs, reference) {
            Some(target) => check(defs, target, data, path, depth + 1, ev),
            None => push(ev, path, "$ref", Some(reference.chars().take(80).collect())),
        }
    }
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(t) => type_matches(t, data),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_matches(t, data)),
            _ => true,
        };
        if !ok {
            push(ev, path, "type", None);
        }
    }
    if let Some(c) = schema.get("const")
        && c != data
    {
        push(ev, path, "const", None);
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(data)
    {
        push(ev, path, "enum", None);
    }
    if let (Some(Value::String(pattern)), Value::String(s)) = (schema.get("pattern"), data) {
        match pattern_matches(pattern, s) {
            Some(true) => {}
            Some(false) => push(ev, path, "pattern", None),
            None => ev.unchecked_patterns += 1,
        }
    }
    if let Value::Object(members) = data {
        if let Some(Value::Array(required)) = schema.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !members.contains_key(name) {
                    push(ev, path, "required", Some(name.to_owned()));
                }
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (name, value) in members {
            match properties.and_then(|p| p.get(name)) {
                // Declared members only: the path names the schema's members.
                Some(sub) => check(defs, sub, value, &format!("{path}/{name}"), depth + 1, ev),
                None if closed => push(ev, path, "additionalProperties", Some(name.clone())),
                None => {}
            }
        }
    }
    if let (Some(items), Value::Array(elements)) = (schema.get("items"), data) {
        for (i, element) in elements.iter().enumerate() {
            check(defs, items, element, &format!("{path}/{i}"), depth + 1, ev);
        }
    }
    if let Some(Value::Array(branches)) = schema.get("oneOf") {
        let mut failed = Vec::new();
        let mut passing = 0;
        for branch in branches {
            let mut sub = Evaluation::default();
            check(defs, branch, data, path, depth + 1, &mut sub);
            ev.unchecked_patterns += sub.unchecked_patterns;
            if sub.errors.is_empty() {
                passing += 1;
            } else {
                failed.extend(sub.errors);
            }
        }
        if passing != 1 {
            if passing == 0 {
                for e in failed {
                    push(ev, &e.path, e.keyword, e.member);
                }
            }
            push(ev, path, "oneOf", None);
        }
    }
}

/// JavaScript's `\s` (ECMAScript WhiteSpace and LineTerminator).
fn js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn in_range(s: &str, lo: u32, hi: u32) -> bool {
    s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v))
}

/// FHIR `date`: YYYY, YYYY-MM or YYYY-MM-DD (year not 0000).
fn fhir_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let year = parts.next().unwrap_or("");
    if !digits(year, 4) || year == "0000" {
        return false;
    }
    match (parts.next(), parts.next(), parts.next()) {
        (None, ..) => true,
        (Some(m), None, _) => digits(m, 2) && in_range(m, 1, 12),
        (Some(m), Some(d), None) => digits(m, 2) && in_range(m, 1, 12) && digits(d, 2) && in_range(d, 1, 31),
        _ => false,
    }
}

/// FHIR `time`: hh:mm:ss(.fraction)?
fn fhir_time(s: &str) -> bool {
    let (main, fraction) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    let p: Vec<&str> = main.split(':').collect();
    let [h, m, sec] = p[..] else { return false };
    digits(h, 2)
        && in_range(h, 0, 23)
        && digits(m, 2)
        && in_range(m, 0, 59)
        && digits(sec, 2)
        && in_range(sec, 0, 60)
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A time zone: `Z` or ±hh:mm within ±14:00.
fn fhir_zone(z: &str) -> bool {
    if z == "Z" {
        return true;
    }
    let Some(rest) = z.strip_prefix('+').or_else(|| z.strip_prefix('-')) else { return false };
    let Some((h, m)) = rest.split_once(':') else { return false };
    rest == "14:00" || (digits(h, 2) && in_range(h, 0, 13) && digits(m, 2) && in_range(m, 0, 59))
}

/// FHIR `dateTime` (`instant` when `full`): a date, optionally with a
/// time and zone (required together); `instant` needs both.
fn fhir_date_time(s: &str, full: bool) -> bool {
    match s.split_once('T') {
        None => !full && fhir_date(s),
        Some((date, rest)) => {
            let zone_at = rest.find(['Z', '+', '-']);
            let Some(at) = zone_at else { return false };
            date.len() == 10 && fhir_date(date) && fhir_time(&rest[..at]) && fhir_zone(&rest[at..])
        }
    }
}

/// Whether `s` matches a known FHIR primitive pattern; `None` when the
/// pattern is not one this evaluator knows.
pub fn pattern_matches(pattern: &str, s: &str) -> Option<bool> {
    Some(match pattern {
        // string, markdown: not empty, no white space other than space, CR, LF, tab.
        r"^[ \r\n\t\S]+$" => !s.is_empty() && s.chars().all(|c| !js_space(c) || matches!(c, ' ' | '\r' | '\n' | '\t')),
        // uri, url, canonical
        r"^\S*$" => !s.chars().any(js_space),
        // code: words separated by single white space characters.
        r"^[^\s]+(\s[^\s]+)*$" => {
            !s.is_empty()
                && !s.starts_with(js_space)
                && !s.ends_with(js_space)
                && !s.chars().zip(s.chars().skip(1)).any(|(a, b)| js_space(a) && js_space(b))
        }
        r"^[A-Za-z0-9\-\.]{1,64}$" => {
            (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
        r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$" => {
            fhir_date(s)
        }
        r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$" => {
            fhir_date_time(s, false)
        }
        r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$" => {
            fhir_date_time(s, true)
        }
        r"^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$" => fhir_time(s),
        r"^.*$" => !s.contains(['\n', '\r', '\u{2028}', '\u{2029}']),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fhir_primitives() {
        let dt = r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$";
        for ok in ["2021", "2021-01", "2021-01-01", "2015-08-16T06:40:17Z", "2021-01-01T10:00:00.5+14:00"] {
            assert_eq!(pattern_matches(dt, ok), Some(true), "{ok}");
        }
        for bad in ["01-01-2021", "2021-13-01", "2021-01-01T10:00:00", "0000", "2021-1-1", ""] {
            assert_eq!(pattern_matches(dt, bad), Some(false), "{bad}");
        }
        let string = r"^[ \r\n\t\S]+$";
        assert_eq!(pattern_matches(string, ""), Some(false));
        assert_eq!(pattern_matches(string, "Lot #1"), Some(true));
        assert_eq!(pattern_matches(string, "a\u{a0}b"), Some(false));
        assert_eq!(pattern_matches(r"^[^\s]+(\s[^\s]+)*$", "a  b"), Some(false));
        assert_eq!(pattern_matches(r"^[^\s]+(\s[^\s]+)*$", "completed"), Some(true));
        assert_eq!(pattern_matches("^[a-z]+$", "x"), None);
    }

    #[test]
    fn keywords_report_every_error() {
        let root = json!({"definitions": {
            "string": {"type": "string", "pattern": r"^[ \r\n\t\S]+$"},
            "Coding": {"properties": {"code": {"$ref": "#/definitions/string"}}, "additionalProperties": false},
            "R": {"properties": {"resourceType": {"const": "R"}, "coding": {"type": "array", "items": {"$ref": "#/definitions/Coding"}}},
                  "additionalProperties": false, "required": ["resourceType", "x"]}}});
        let schema = json!({"$ref": "#/definitions/R"});
        let ok = evaluate(&root, &schema, &json!({"resourceType": "R", "x": 1, "coding": []}));
        assert_eq!(ok.errors.len(), 1, "x is not a declared member: {:?}", ok.errors);
        let bad = evaluate(&root, &schema, &json!({"resourceType": "S", "coding": [{"code": ""}, {"bad": 1}, 3]}));
        let keywords: Vec<_> = bad.errors.iter().map(|e| e.keyword).collect();
        // Members in name order (serde_json's map).
        assert_eq!(keywords, ["required", "pattern", "additionalProperties", "const"], "{:?}", bad.errors);
        // `properties` applies to objects only: a string in place of an object passes.
        assert!(evaluate(&root, &json!({"$ref": "#/definitions/Coding"}), &json!("text")).errors.is_empty());
        let one_of = json!({"oneOf": [{"$ref": "#/definitions/Coding"}]});
        assert_eq!(evaluate(&root, &one_of, &json!({"bad": 1})).errors.len(), 2);
    }

    #[test]
    fn depth_is_capped() {
        let root = json!({"definitions": {"Loop": {"$ref": "#/definitions/Loop"}}});
        let ev = evaluate(&root, &json!({"$ref": "#/definitions/Loop"}), &json!({}));
        assert!(ev.truncated);
    }
}
