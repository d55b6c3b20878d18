//! JSON from untrusted bytes, within a size and a nesting depth checked
//! before parsing (`serde_json` stops at 128 levels by itself; payloads need
//! far fewer, and a depth error should say so rather than look like a
//! syntax error).

use std::fmt;

use serde::de::DeserializeOwned;

/// Why a JSON document was refused.
#[derive(Debug)]
pub enum JsonError {
    /// Longer than the byte limit.
    TooLarge {
        /// The limit, in bytes.
        max: usize,
    },
    /// Nested deeper than the depth limit.
    TooDeep {
        /// The limit, in levels.
        max: usize,
    },
    /// Not JSON, or not of the expected shape (serde's message: a line and
    /// column and what was expected, never the content).
    Invalid(serde_json::Error),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::TooLarge { max } => write!(f, "longer than the {max}-byte limit"),
            JsonError::TooDeep { max } => write!(f, "nested deeper than {max} levels"),
            JsonError::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonError::Invalid(e) => Some(e),
            JsonError::TooLarge { .. } | JsonError::TooDeep { .. } => None,
        }
    }
}

/// The deepest nesting of arrays and objects in `bytes`, read as JSON text
/// (brackets inside strings do not count). Stops counting past `stop`.
/// String bodies are skipped to their next quote or backslash at once
/// (`memchr2`), so the scan costs little beside the parse.
pub fn depth(bytes: &[u8], stop: usize) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'"' => loop {
                let rest = bytes.get(i..).unwrap_or_default();
                let Some(at) = memchr::memchr2(b'"', b'\\', rest).map(|j| i + j) else {
                    // An unterminated string: nothing after it counts.
                    return deepest;
                };
                if bytes.get(at) == Some(&b'\\') {
                    // The escaped byte is part of the string, whatever it is.
                    i = at + 2;
                } else {
                    i = at + 1;
                    break;
                }
            },
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > stop {
                    return deepest;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Parses `bytes` as `T` when they are at most `max_len` bytes and nest at
/// most `max_depth` levels.
pub fn parse<T: DeserializeOwned>(bytes: &[u8], max_len: usize, max_depth: usize) -> Result<T, JsonError> {
    if bytes.len() > max_len {
        return Err(JsonError::TooLarge { max: max_len });
    }
    if depth(bytes, max_depth) > max_depth {
        return Err(JsonError::TooDeep { max: max_depth });
    }
    serde_json::from_slice(bytes).map_err(JsonError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn depth_ignores_strings() {
        assert_eq!(depth(br#"{"a": [1, {"b": "[[[{{{"}]}"#, 100), 3);
        assert_eq!(depth(br#"["\"[", ["\\"], 1]"#, 100), 2);
        assert_eq!(depth(b"17", 100), 0);
        assert_eq!(depth(&[b'['; 10_000], 64), 65, "stops past the limit");
    }

    /// The byte-at-a-time scan `depth` replaced, to compare against.
    fn depth_bytewise(bytes: &[u8], stop: usize) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        let (mut in_string, mut escaped) = (false, false);
        for &b in bytes {
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                    if deepest > stop {
                        return deepest;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        deepest
    }

    #[test]
    fn depth_agrees_with_a_bytewise_scan() {
        let cases: [&[u8]; 12] = [
            br#"{"a":"\\","b":[{"c":"\"]["}]}"#,
            br#"["unterminated [[["#,
            br#"["ends in an escape \"#,
            br#"["\\\"[[", [[]]]"#,
            br#"]]]][[{"x":"}"}"#,
            b"",
            b"\"",
            br#"{"a":{"b":{"c":{"d":"e"}}}}"#,
            br#"["\u005b", "\u005d", [["\\"]]]"#,
            b"[\"\xff\xfe[\", [1]]",
            br#""\"#,
            br#"[[["a"]],"b\"c[",[["d"]]]"#,
        ];
        for case in cases {
            for stop in [0, 1, 2, 3, 100] {
                assert_eq!(depth(case, stop), depth_bytewise(case, stop), "{:?} {stop}", String::from_utf8_lossy(case));
            }
        }
        // Every prefix of a document with strings, escapes and brackets.
        let doc = br#"{"entry":[{"resource":{"name":[{"given":["a\"[", "b\\"]}],"x":"]}"}},[["\\\""]]]}"#;
        for end in 0..=doc.len() {
            assert_eq!(depth(&doc[..end], 100), depth_bytewise(&doc[..end], 100), "prefix {end}");
        }
    }

    #[test]
    fn limits_come_before_parsing() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(matches!(parse::<Value>(deep.as_bytes(), 1000, 32), Err(JsonError::TooDeep { max: 32 })));
        assert!(parse::<Value>(deep.as_bytes(), 1000, 40).is_ok());
        assert!(matches!(parse::<Value>(b"[1, 2]", 5, 32), Err(JsonError::TooLarge { max: 5 })));
        let e = parse::<Value>(b"[1, 2", 100, 32).unwrap_err();
        assert!(matches!(e, JsonError::Invalid(_)) && e.to_string().contains("line 1"), "{e}");
    }
}
