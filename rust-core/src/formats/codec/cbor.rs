//! Bounded, borrowing CBOR reading (RFC 8949), on `minicbor`'s decoder:
//! byte and text strings are borrowed from the input, nesting is bounded,
//! and nothing is allocated for a length a header merely claims. Also the
//! CBOR → JSON mapping of CBOR-carried JSON payloads (the EU DCC, WHO DDCC).

use std::fmt::Write as _;

use minicbor::Decoder;
use minicbor::data::Type;
use serde_json::Value;

use crate::formats::Failure;
use crate::model::Reason;

/// What a JSON pointer in a message shows for a map key the payload's
/// schema does not name.
pub const UNKNOWN_KEY: &str = "<unknown key>";

/// Why reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CborError {
    /// Nested deeper than allowed.
    TooDeep,
    /// Malformed or truncated CBOR, or an item the caller cannot accept;
    /// the message names a position or a JSON pointer, never content.
    Invalid(String),
}

impl CborError {
    /// As a decoding failure with `reason` for malformed input.
    pub fn into_failure(self, reason: Reason, what: &str, max_depth: usize) -> Failure {
        match self {
            CborError::TooDeep => {
                Failure::new(Reason::CborTooDeep, format!("{what} nests deeper than {max_depth} levels"))
            }
            CborError::Invalid(m) => Failure::new(reason, format!("{what}: {m}")),
        }
    }
}

fn invalid(d: &Decoder<'_>, e: minicbor::decode::Error) -> CborError {
    if e.is_end_of_input() {
        CborError::Invalid(format!("truncated at byte {}", d.position()))
    } else {
        CborError::Invalid(format!("invalid CBOR at byte {}", d.position()))
    }
}

/// A bounded CBOR reader over one buffer.
pub struct Reader<'b> {
    d: Decoder<'b>,
    max_depth: usize,
}

/// The kind of the next item, for dispatch and messages.
pub fn type_name(t: Type) -> &'static str {
    match t {
        Type::Bool => "boolean",
        Type::Null => "null",
        Type::Undefined => "undefined",
        Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
            "integer"
        }
        Type::F16 | Type::F32 | Type::F64 => "float",
        Type::Bytes | Type::BytesIndef => "byte string",
        Type::String | Type::StringIndef => "text string",
        Type::Array | Type::ArrayIndef => "array",
        Type::Map | Type::MapIndef => "map",
        Type::Tag => "tagged item",
        _ => "unknown item",
    }
}

impl<'b> Reader<'b> {
    /// A reader over `bytes` allowing `max_depth` levels of nesting.
    pub fn new(bytes: &'b [u8], max_depth: usize) -> Self {
        Self { d: Decoder::new(bytes), max_depth }
    }

    /// Byte offset of the next item.
    pub fn position(&self) -> usize {
        self.d.position()
    }

    /// The whole input.
    pub fn input(&self) -> &'b [u8] {
        self.d.input()
    }

    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<(), CborError> {
        let rest = self.d.input().len() - self.d.position();
        if rest == 0 { Ok(()) } else { Err(CborError::Invalid(format!("{rest} bytes follow the item"))) }
    }

    /// The type of the next item.
    pub fn peek(&self) -> Result<Type, CborError> {
        self.d.datatype().map_err(|e| invalid(&self.d, e))
    }

    /// Reads a tag.
    pub fn tag(&mut self) -> Result<u64, CborError> {
        self.d.tag().map(u64::from).map_err(|e| invalid(&self.d, e))
    }

    /// Reads a definite-length array header.
    pub fn array_len(&mut self) -> Result<Option<u64>, CborError> {
        self.d.array().map_err(|e| invalid(&self.d, e))
    }

    /// Reads a map header (`None` for an indefinite-length map).
    pub fn map_len(&mut self) -> Result<Option<u64>, CborError> {
        self.d.map().map_err(|e| invalid(&self.d, e))
    }

    /// Whether an indefinite-length container ends here (and consumes the break).
    pub fn at_break(&mut self) -> Result<bool, CborError> {
        if self.peek()? == Type::Break {
            self.d.set_position(self.d.position() + 1);
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads a definite-length byte string, borrowed.
    pub fn bytes(&mut self) -> Result<&'b [u8], CborError> {
        self.d.bytes().map_err(|e| invalid(&self.d, e))
    }

    /// Reads an integer (major types 0 and 1).
    pub fn int(&mut self) -> Result<i128, CborError> {
        self.d.int().map(i128::from).map_err(|e| invalid(&self.d, e))
    }

    /// Reads a text string (definite or chunked).
    pub fn text(&mut self) -> Result<String, CborError> {
        match self.peek()? {
            Type::String => self.d.str().map(str::to_owned).map_err(|e| invalid(&self.d, e)),
            Type::StringIndef => {
                let mut out = String::new();
                let mut chunks = self.d.str_iter().map_err(|e| CborError::Invalid(e.to_string()))?;
                for c in &mut chunks {
                    out.push_str(c.map_err(|_| CborError::Invalid("invalid text chunk".into()))?);
                }
                Ok(out)
            }
            t => Err(CborError::Invalid(format!("expected text, found a {}", type_name(t)))),
        }
    }

    /// Reads a number (integer or float) as whole seconds, for time claims;
    /// `None` (with the item consumed) if it is not a finite number in range.
    pub fn number(&mut self) -> Result<Option<i64>, CborError> {
        let float = |f: f64| (f.is_finite() && f.abs() < 1e15).then(|| f.trunc() as i64);
        Ok(match self.peek()? {
            Type::F64 => float(self.d.f64().map_err(|e| invalid(&self.d, e))?),
            Type::F32 => float(f64::from(self.d.f32().map_err(|e| invalid(&self.d, e))?)),
            Type::F16 => float(f64::from(self.d.f16().map_err(|e| invalid(&self.d, e))?)),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
                i64::try_from(self.int()?).ok()
            }
            _ => {
                self.skip()?;
                None
            }
        })
    }

    /// Skips one item of any kind, nesting included.
    pub fn skip(&mut self) -> Result<(), CborError> {
        self.skip_at(0)
    }

    fn enter(&self, depth: usize) -> Result<usize, CborError> {
        if depth >= self.max_depth { Err(CborError::TooDeep) } else { Ok(depth + 1) }
    }

    /// Runs `each` for every element of the array or map (counting a map
    /// entry as one call that must read both key and value) whose header has
    /// just been read with `len`.
    fn for_each(
        &mut self,
        len: Option<u64>,
        mut each: impl FnMut(&mut Self) -> Result<(), CborError>,
    ) -> Result<(), CborError> {
        match len {
            Some(n) => {
                for _ in 0..n {
                    each(self)?;
                }
            }
            None => {
                while !self.at_break()? {
                    each(self)?;
                }
            }
        }
        Ok(())
    }

    fn skip_at(&mut self, depth: usize) -> Result<(), CborError> {
        match self.peek()? {
            Type::Array | Type::ArrayIndef => {
                let inner = self.enter(depth)?;
                let len = self.array_len()?;
                self.for_each(len, |r| r.skip_at(inner))
            }
            Type::Map | Type::MapIndef => {
                let inner = self.enter(depth)?;
                let len = self.map_len()?;
                self.for_each(len, |r| {
                    r.skip_at(inner)?;
                    r.skip_at(inner)
                })
            }
            Type::Tag => {
                let inner = self.enter(depth)?;
                self.tag()?;
                self.skip_at(inner)
            }
            Type::Break => Err(CborError::Invalid(format!("unexpected break at byte {}", self.position()))),
            Type::Unknown(b) => {
                Err(CborError::Invalid(format!("reserved initial byte {b:#04x} at byte {}", self.position())))
            }
            _ => self.d.skip().map_err(|e| invalid(&self.d, e)),
        }
    }

    /// Reads one item as JSON (hcert spec §3.3.7: the payload is specified as
    /// JSON and carried as CBOR).
    ///
    /// Tags are unwrapped (tag 1, epoch time, becomes an RFC 3339 string);
    /// byte strings, non-text map keys, duplicate keys, non-finite floats and
    /// `undefined` have no JSON meaning and are refused. `path` is the JSON
    /// pointer of the item, used in messages: its segments are array
    /// indices, keys `known_key` accepts (the names of the payload's schema),
    /// and [`UNKNOWN_KEY`] for any other key (a key is payload text, as a
    /// value is).
    pub fn json(&mut self, path: &mut String, known_key: fn(&str) -> bool) -> Result<Value, CborError> {
        self.json_at(path, 0, known_key)
    }

    fn json_at(&mut self, path: &mut String, depth: usize, known_key: fn(&str) -> bool) -> Result<Value, CborError> {
        let no_json = |what: &str, path: &str| CborError::Invalid(format!("{path}: {what} has no JSON form"));
        Ok(match self.peek()? {
            Type::Null => {
                self.d.null().map_err(|e| invalid(&self.d, e))?;
                Value::Null
            }
            Type::Bool => Value::Bool(self.d.bool().map_err(|e| invalid(&self.d, e))?),
            Type::String | Type::StringIndef => Value::String(self.text()?),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
                let i = self.int()?;
                if let Ok(n) = i64::try_from(i) {
                    Value::from(n)
                } else if let Ok(n) = u64::try_from(i) {
                    Value::from(n)
                } else {
                    return Err(CborError::Invalid(format!("{path}: integer out of range")));
                }
            }
            Type::F16 | Type::F32 | Type::F64 => {
                let f = match self.peek()? {
                    Type::F64 => self.d.f64(),
                    Type::F32 => self.d.f32().map(f64::from),
                    _ => self.d.f16().map(f64::from),
                }
                .map_err(|e| invalid(&self.d, e))?;
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| CborError::Invalid(format!("{path}: number is not finite")))?
            }
            Type::Array | Type::ArrayIndef => {
                let inner = self.enter(depth)?;
                let len = self.array_len()?;
                // Preallocate only what the input could possibly hold.
                let remaining = self.input().len() - self.position();
                let mut out = Vec::with_capacity(len.map_or(0, |n| (n as usize).min(remaining)));
                self.for_each(len, |r| {
                    let at = path.len();
                    let _ = write!(path, "/{}", out.len());
                    out.push(r.json_at(path, inner, known_key)?);
                    path.truncate(at);
                    Ok(())
                })?;
                Value::Array(out)
            }
            Type::Map | Type::MapIndef => {
                let inner = self.enter(depth)?;
                let len = self.map_len()?;
                let mut out = serde_json::Map::new();
                self.for_each(len, |r| {
                    let key = match r.peek()? {
                        Type::String | Type::StringIndef => r.text()?,
                        t => {
                            return Err(CborError::Invalid(format!("{path}: map key is a {}, not text", type_name(t))));
                        }
                    };
                    let at = path.len();
                    path.push('/');
                    // The pointer names keys the schema knows; any other key
                    // is the payload's own text (a name, a birth date) and
                    // must not reach a detail.
                    path.push_str(if known_key(&key) { &key } else { UNKNOWN_KEY });
                    let value = r.json_at(path, inner, known_key)?;
                    if out.insert(key, value).is_some() {
                        return Err(CborError::Invalid(format!("{path}: duplicate key")));
                    }
                    path.truncate(at);
                    Ok(())
                })?;
                Value::Object(out)
            }
            Type::Tag => {
                let inner = self.enter(depth)?;
                if self.tag()? == 1 {
                    let t = self
                        .number()?
                        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
                        .ok_or_else(|| CborError::Invalid(format!("{path}: invalid epoch time")))?;
                    Value::String(crate::time_parse::format_utc(t))
                } else {
                    self.json_at(path, inner, known_key)?
                }
            }
            Type::Bytes | Type::BytesIndef => return Err(no_json("a byte string", path)),
            Type::Undefined => return Err(no_json("undefined", path)),
            Type::Simple => return Err(no_json("a simple value", path)),
            Type::Break => return Err(CborError::Invalid(format!("unexpected break at byte {}", self.position()))),
            Type::Unknown(b) => {
                return Err(CborError::Invalid(format!("reserved initial byte {b:#04x} at byte {}", self.position())));
            }
        })
    }
}

/// Reads all of `bytes` as one JSON item (see [`Reader::json`]).
pub fn json(bytes: &[u8], max_depth: usize, known_key: fn(&str) -> bool) -> Result<Value, CborError> {
    let mut r = Reader::new(bytes, max_depth);
    let v = r.json(&mut String::new(), known_key)?;
    r.finish()?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: fn(&str) -> bool = |_| true;

    #[test]
    fn depth_is_bounded() {
        let mut deep = vec![0x81u8; 10_000];
        deep.push(0x00);
        assert_eq!(json(&deep, 16, ANY).unwrap_err(), CborError::TooDeep);
        assert_eq!(Reader::new(&deep, 16).skip().unwrap_err(), CborError::TooDeep);
        let mut tags = vec![0xc6u8; 10_000];
        tags.push(0x00);
        assert_eq!(json(&tags, 16, ANY).unwrap_err(), CborError::TooDeep);
    }

    #[test]
    fn trailing_truncated_and_huge_claims_are_refused() {
        assert!(json(&[0x01, 0x02], 16, ANY).is_err());
        assert!(json(&[0x82, 0x01], 16, ANY).is_err());
        // A byte string claiming 2^62 bytes and an array claiming 2^62 items.
        assert!(json(&[0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3], 16, ANY).is_err());
        assert!(json(&[0x9b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1], 16, ANY).is_err());
        assert!(Reader::new(&[0x9b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1], 16).skip().is_err());
        assert!(json(&[0xff], 16, ANY).is_err());
        assert!(json(&[0x1c], 16, ANY).is_err(), "reserved additional information");
    }

    #[test]
    fn json_mapping() {
        // {"a": 1, "b": 1004("2021-01-01"), "c": 1(0), "d": [_ 1, 2], "e": -1.5, "f": (_ "ab" "c")}
        let bytes = [
            0xa6, 0x61, b'a', 0x01, 0x61, b'b', 0xd9, 0x03, 0xec, 0x6a, b'2', b'0', b'2', b'1', b'-', b'0', b'1', b'-',
            b'0', b'1', 0x61, b'c', 0xc1, 0x00, 0x61, b'd', 0x9f, 0x01, 0x02, 0xff, 0x61, b'e', 0xf9, 0xbe, 0x00, 0x61,
            b'f', 0x7f, 0x62, b'a', b'b', 0x61, b'c', 0xff,
        ];
        assert_eq!(
            json(&bytes, 16, ANY).unwrap(),
            serde_json::json!({"a": 1, "b": "2021-01-01", "c": "1970-01-01T00:00:00Z", "d": [1, 2], "e": -1.5, "f": "abc"})
        );
        // {"a": 1, "a": 2}
        let dup = [0xa2, 0x61, b'a', 0x01, 0x61, b'a', 0x02];
        assert!(matches!(json(&dup, 16, ANY), Err(CborError::Invalid(m)) if m.contains("duplicate")));
        assert!(json(&[0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], 16, ANY).is_err(), "NaN");
        assert!(json(&[0x41, 0x01], 16, ANY).is_err(), "byte string");
        assert!(json(&[0xa1, 0x01, 0x01], 16, ANY).is_err(), "integer key");
        assert!(json(&[0xf7], 16, ANY).is_err(), "undefined");
        assert_eq!(
            json(&[0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 16, ANY).unwrap_err(),
            CborError::Invalid(": integer out of range".into())
        );
    }
}
