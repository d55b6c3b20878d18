//! The seal's JSON: read within the payload size and depth limits, with
//! duplicate member names refused (RFC 8785 needs I-JSON, and two readers
//! must not see two different seals), and its envelope members checked.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::crypto::SignatureAlgorithm;
use crate::formats::codec::{base64, json};
use crate::formats::{DeclaredAlgorithm, Failure};
use crate::limits::Limits;
use crate::model::Reason;

/// Longest barcode signer certificate accepted, in bytes.
pub const MAX_CERTIFICATE_LEN: usize = 4096;
/// Longest signature accepted, in bytes (ES512 `r‖s` is 132).
pub const MAX_SIGNATURE_LEN: usize = 256;

/// A JSON value read with duplicate member names refused.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("a number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom("a duplicate member name"));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Parses JSON text of at most `max_len` bytes and `max_depth` levels,
/// refusing duplicate member names and lone surrogates.
pub fn parse_json(bytes: &[u8], max_len: usize, max_depth: usize) -> Result<Value, json::JsonError> {
    json::parse::<Strict>(bytes, max_len, max_depth).map(|s| s.0)
}

/// A seal's members, checked for shape.
pub struct Seal {
    /// `data`, as received (an object with `hdr` and `msg` objects).
    pub data: Value,
    /// `sig.alg`.
    pub algorithm: DeclaredAlgorithm,
    /// `sig.cer`, decoded: the DER barcode signer certificate.
    pub certificate: Vec<u8>,
    /// `sig.sigvl`, decoded: the raw `r‖s` signature.
    pub signature: Vec<u8>,
}

fn malformed(detail: impl Into<String>) -> Failure {
    Failure::new(Reason::VdsMalformed, detail)
}

/// base64url with or without `=` padding (the AU sample pads).
fn base64url(text: &str, cap: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let unpadded = text.strip_suffix("==").or_else(|| text.strip_suffix('=')).unwrap_or(text);
    match base64::decode_url(unpadded, cap) {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        Ok(_) => Err(malformed(format!("sig.{what} is empty"))),
        Err(base64::Base64UrlError::TooLong { cap }) => {
            Err(malformed(format!("sig.{what} is longer than {cap} bytes")))
        }
        Err(base64::Base64UrlError::Invalid) => Err(malformed(format!("sig.{what} is not base64url"))),
    }
}

/// Reads a seal from the payload's bytes.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Seal, Failure> {
    let value = parse_json(bytes, limits.max_payload_len, limits.max_json_depth)
        .map_err(|e| malformed(format!("the seal is not JSON: {e}")))?;
    let Value::Object(mut seal) = value else { return Err(malformed("the seal is not a JSON object")) };
    let data = seal.remove("data").ok_or_else(|| malformed("the seal has no data member"))?;
    let Value::Object(sig) = seal.remove("sig").ok_or_else(|| malformed("the seal has no sig member"))? else {
        return Err(malformed("sig is not an object"));
    };
    if !seal.is_empty() {
        return Err(malformed(format!("the seal has {} members besides data and sig", seal.len())));
    }
    for part in ["hdr", "msg"] {
        if !data.get(part).is_some_and(Value::is_object) {
            return Err(malformed(format!("data.{part} is missing or not an object")));
        }
    }
    let text = |name: &str| match sig.get(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(malformed(format!("sig.{name} is not text"))),
        None => Err(malformed(format!("sig.{name} is missing"))),
    };
    let algorithm = match sig.get("alg") {
        None => DeclaredAlgorithm::Missing,
        Some(_) => match text("alg")? {
            "ES256" => DeclaredAlgorithm::Supported(SignatureAlgorithm::Es256),
            "ES384" => DeclaredAlgorithm::Supported(SignatureAlgorithm::Es384),
            "ES512" => DeclaredAlgorithm::Supported(SignatureAlgorithm::Es512),
            other => DeclaredAlgorithm::Unsupported(crate::text::display_bounded(other, 16).into_owned()),
        },
    };
    let certificate = base64url(text("cer")?, MAX_CERTIFICATE_LEN, "cer")?;
    let signature = base64url(text("sigvl")?, MAX_SIGNATURE_LEN, "sigvl")?;
    Ok(Seal { data, algorithm, certificate, signature })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEAL: &str = r#"{"data":{"hdr":{"t":"icao.vacc","v":1,"is":"UTO"},"msg":{}},"sig":{"alg":"ES256","cer":"MIIB","sigvl":"AAAA=="}}"#;

    #[test]
    fn a_seal_is_read_and_refused_precisely() {
        let seal = parse(SEAL.as_bytes(), &Limits::DEFAULT).unwrap();
        assert_eq!(seal.algorithm, DeclaredAlgorithm::Supported(SignatureAlgorithm::Es256));
        assert_eq!(seal.certificate, [0x30, 0x82, 0x01]);
        assert_eq!(seal.signature, [0, 0, 0]);
        let reason = |t: &str| parse(t.as_bytes(), &Limits::DEFAULT).err().map(|f| f.detail);
        assert!(
            reason(&SEAL.replace("\"ES256\"", "\"HS256\"")).is_none(),
            "an unsupported alg is the signature check's"
        );
        assert!(reason(&SEAL.replace("MIIB", "MI+B")).unwrap().contains("sig.cer is not base64url"));
        assert!(reason(&SEAL.replace("\"msg\":{}", "\"msg\":[]")).unwrap().contains("data.msg"));
        assert!(reason(&SEAL.replace("\"v\":1", "\"v\":1,\"v\":2")).unwrap().contains("duplicate member name"));
        assert!(reason(&SEAL.replacen('{', "{\"extra\":0,", 1)).unwrap().contains("besides data and sig"));
        assert!(reason("[1]").unwrap().contains("not a JSON object"));
        let deep = format!(r#"{{"data":{}1{}}}"#, "[".repeat(40), "]".repeat(40));
        assert!(reason(&deep).unwrap().contains("deeper than 32"));
        let limits = Limits { max_payload_len: 10, ..Limits::DEFAULT };
        assert!(parse(SEAL.as_bytes(), &limits).err().unwrap().detail.contains("10-byte limit"));
    }
}
