//! Bounded CBOR reading and the CBOR → JSON mapping of the DCC payload.

use ciborium::Value;

use crate::formats::Failure;
use crate::model::Reason;

/// Parses one CBOR item that must span all of `bytes`, nesting at most
/// `max_depth` levels. `malformed` is the reason reported for bad CBOR.
pub fn parse(bytes: &[u8], max_depth: usize, malformed: Reason, what: &str) -> Result<Value, Failure> {
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut rest, max_depth).map_err(|e| match e {
        ciborium::de::Error::RecursionLimitExceeded => {
            Failure::new(Reason::CborTooDeep, format!("{what} nests deeper than {max_depth} levels"))
        }
        ciborium::de::Error::Io(_) => Failure::new(malformed, format!("{what} is truncated")),
        ciborium::de::Error::Syntax(at) => {
            Failure::new(malformed, format!("{what} has a CBOR syntax error at byte {at}"))
        }
        ciborium::de::Error::Semantic(at, _) => match at {
            Some(at) => Failure::new(malformed, format!("{what} has invalid CBOR at byte {at}")),
            None => Failure::new(malformed, format!("{what} has invalid CBOR")),
        },
    })?;
    if !rest.is_empty() {
        return Err(Failure::new(malformed, format!("{} bytes follow the {what}", rest.len())));
    }
    Ok(value)
}

/// The name of a CBOR item's type, for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Integer(_) => "integer",
        Value::Bytes(_) => "byte string",
        Value::Float(_) => "float",
        Value::Text(_) => "text",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
        Value::Tag(..) => "tagged item",
        Value::Array(_) => "array",
        Value::Map(_) => "map",
        _ => "unknown item",
    }
}

/// Maps a CBOR item of the DCC payload to JSON (hcert spec §3.3.7: the
/// payload is specified as JSON and carried as CBOR).
///
/// Tags are unwrapped (tag 1, epoch time, becomes an RFC 3339 string); byte
/// strings, non-text map keys, duplicate keys and non-finite floats have no
/// JSON meaning and are refused. `path` is a JSON pointer used in messages.
pub fn to_json(v: &Value, path: &mut String) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Text(s) => J::String(s.clone()),
        Value::Integer(i) => {
            let i = i128::from(*i);
            if let Ok(n) = i64::try_from(i) {
                J::from(n)
            } else if let Ok(n) = u64::try_from(i) {
                J::from(n)
            } else {
                return Err(format!("{path}: integer out of range"));
            }
        }
        Value::Float(f) => {
            serde_json::Number::from_f64(*f).map(J::Number).ok_or_else(|| format!("{path}: number is not finite"))?
        }
        Value::Bytes(_) => return Err(format!("{path}: byte string has no JSON form")),
        Value::Tag(1, inner) => {
            let secs = match inner.as_ref() {
                Value::Integer(i) => i64::try_from(i128::from(*i)).ok(),
                Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(f.trunc() as i64),
                _ => None,
            };
            let t = secs
                .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
                .ok_or_else(|| format!("{path}: invalid epoch time"))?;
            J::String(crate::time_parse::format_utc(t))
        }
        Value::Tag(_, inner) => to_json(inner, path)?,
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                out.push(to_json(item, path)?);
                path.truncate(len);
            }
            J::Array(out)
        }
        Value::Map(entries) => {
            let mut out = serde_json::Map::new();
            for (k, item) in entries {
                let Value::Text(key) = k else {
                    return Err(format!("{path}: map key is a {}, not text", type_name(k)));
                };
                let len = path.len();
                path.push('/');
                path.push_str(key);
                let value = to_json(item, path)?;
                if out.insert(key.clone(), value).is_some() {
                    return Err(format!("{path}: duplicate key"));
                }
                path.truncate(len);
            }
            J::Object(out)
        }
        _ => return Err(format!("{path}: unsupported CBOR item")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(v, &mut out).unwrap();
        out
    }

    #[test]
    fn depth_is_bounded() {
        let mut deep = vec![0x81u8; 10_000];
        deep.push(0x00);
        assert_eq!(parse(&deep, 16, Reason::CoseMalformed, "x").unwrap_err().reason, Reason::CborTooDeep);
    }

    #[test]
    fn trailing_and_truncated_are_malformed() {
        assert_eq!(parse(&[0x01, 0x02], 16, Reason::CoseMalformed, "x").unwrap_err().reason, Reason::CoseMalformed);
        assert_eq!(parse(&[0x82, 0x01], 16, Reason::CoseMalformed, "x").unwrap_err().reason, Reason::CoseMalformed);
        // A byte string claiming 2^62 bytes: refused without allocating it.
        let huge = [0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
        assert!(parse(&huge, 16, Reason::CoseMalformed, "x").is_err());
        let huge_array = [0x9b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1];
        assert!(parse(&huge_array, 16, Reason::CoseMalformed, "x").is_err());
    }

    #[test]
    fn json_mapping() {
        let v = Value::Map(vec![
            (Value::Text("a".into()), Value::Integer(1.into())),
            (Value::Text("b".into()), Value::Tag(1004, Box::new(Value::Text("2021-01-01".into())))),
            (Value::Text("c".into()), Value::Tag(1, Box::new(Value::Integer(0.into())))),
        ]);
        let parsed = parse(&enc(&v), 16, Reason::HcertMalformed, "x").unwrap();
        let j = to_json(&parsed, &mut String::new()).unwrap();
        assert_eq!(j, serde_json::json!({"a": 1, "b": "2021-01-01", "c": "1970-01-01T00:00:00Z"}));

        let dup = Value::Map(vec![
            (Value::Text("a".into()), Value::Integer(1.into())),
            (Value::Text("a".into()), Value::Integer(2.into())),
        ]);
        assert!(to_json(&dup, &mut String::new()).unwrap_err().contains("duplicate"));
        assert!(to_json(&Value::Float(f64::NAN), &mut String::new()).is_err());
        assert!(to_json(&Value::Bytes(vec![1]), &mut String::new()).is_err());
    }
}
