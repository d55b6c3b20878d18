//! The compact JWS of a SMART Health Card (RFC 7515 §7.1): three base64url
//! parts, a JSON header `{alg, zip, kid}`, a raw-DEFLATE payload and a
//! fixed-length ES256 signature.
//!
//! SMART Health Cards Framework, "Health Cards are Compact": the header
//! includes `alg: "ES256"`, `zip: "DEF"` and the `kid` of the issuer's key;
//! the payload is compressed with raw DEFLATE (RFC 1951, no zlib header)
//! before it is signed.

use serde_json::{Map, Value};

use crate::crypto::SignatureAlgorithm;
use crate::formats::codec::base64::{self, Base64UrlError};
use crate::formats::codec::deflate::{self, Container, InflateError};
use crate::formats::codec::json::{self, JsonError};
use crate::formats::{DeclaredAlgorithm, Failure};
use crate::limits::Limits;
use crate::model::Reason;

/// Largest JWS header accepted, in bytes (a SMART Health Card's is about 80).
pub const MAX_HEADER_LEN: usize = 1024;

/// Largest signature accepted, in bytes (ES256 is 64; DER-encoded, at most 72).
pub const MAX_SIGNATURE_LEN: usize = 256;

/// Deepest JSON nesting accepted in a header.
const MAX_HEADER_DEPTH: usize = 4;

/// A compact JWS, its header read and its payload inflated.
#[derive(Clone)]
pub struct Jws {
    /// `alg`, as SMART Health Cards accept it: only ES256 is supported.
    pub algorithm: DeclaredAlgorithm,
    /// `kid`, when present.
    pub kid: Option<String>,
    /// The JWS signing input, `header.payload` (ASCII): the bytes signed.
    pub signing_input: Vec<u8>,
    /// The payload, inflated: the JWT claims as JSON text.
    pub claims: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

impl std::fmt::Debug for Jws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The claims are personal data.
        f.debug_struct("Jws")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("claims", &format_args!("<{} bytes>", self.claims.len()))
            .field("signature", &format_args!("<{} bytes>", self.signature.len()))
            .finish()
    }
}

fn malformed(detail: impl Into<String>) -> Failure {
    Failure::new(Reason::JwsMalformed, detail)
}

fn base64url(part: &str, what: &str, cap: usize) -> Result<Vec<u8>, Failure> {
    base64::decode_url(part, cap).map_err(|e| match e {
        Base64UrlError::TooLong { cap } => malformed(format!("the {what} is longer than {cap} bytes")),
        Base64UrlError::Invalid => malformed(format!("the {what} is not unpadded base64url")),
    })
}

/// A header member that must be text when present.
fn text<'a>(header: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Failure> {
    match header.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(format!("the JWS header member {name} is not text"))),
    }
}

/// The registered JOSE algorithms (RFC 7518 §3.1, RFC 8037) are named;
/// any other header text is described by its size, never repeated.
fn algorithm_name(alg: &str) -> String {
    const JOSE: [&str; 14] = [
        "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
        "EdDSA", "none",
    ];
    match JOSE.iter().find(|a| **a == alg) {
        Some(a) => (*a).to_owned(),
        None => format!("given as a text of {} bytes", alg.len()),
    }
}

/// RFC 7518 §3.4 via RFC 7515 appendix A.3: an ECDSA signature is `r‖s`,
/// 64 bytes for ES256. This recognises the ASN.1 DER form
/// (`SEQUENCE { INTEGER r, INTEGER s }`) some signing libraries produce
/// instead, so that it is named as such.
pub fn is_der_signature(sig: &[u8]) -> bool {
    let [0x30, len, rest @ ..] = sig else { return false };
    if usize::from(*len) != rest.len() {
        return false;
    }
    let mut rest = rest;
    for _ in 0..2 {
        let [0x02, n, tail @ ..] = rest else { return false };
        let n = usize::from(*n);
        if n == 0 || n > 33 || tail.len() < n {
            return false;
        }
        rest = &tail[n..];
    }
    rest.is_empty()
}

/// Reads a compact JWS: its parts, its header, its signature, and its
/// payload inflated within `limits.max_inflated_len`.
pub fn parse(jws: &str, limits: &Limits) -> Result<Jws, Failure> {
    if jws.len() > limits.max_jws_len {
        return Err(Failure::new(
            Reason::PayloadTooLarge,
            format!("the {}-character JWS is longer than the {}-character limit", jws.len(), limits.max_jws_len),
        ));
    }
    let parts: Vec<&str> = jws.splitn(4, '.').collect();
    let [header_b64, payload_b64, signature_b64] = parts[..] else {
        let dots = jws.bytes().filter(|b| *b == b'.').count();
        return Err(malformed(format!("a compact JWS has three parts separated by '.'; this has {}", dots + 1)));
    };

    let header_bytes = base64url(header_b64, "JWS header", MAX_HEADER_LEN)?;
    let header: Value = json::parse(&header_bytes, MAX_HEADER_LEN, MAX_HEADER_DEPTH)
        .map_err(|e: JsonError| malformed(format!("the JWS header is not JSON: {e}")))?;
    let Value::Object(header) = header else { return Err(malformed("the JWS header is not a JSON object")) };
    // RFC 7515 §4.1.11: extensions named in `crit` must be understood, and
    // SMART Health Cards define none.
    if header.contains_key("crit") {
        return Err(malformed("the JWS header names critical extensions (crit), which this verifier does not know"));
    }
    let algorithm = match text(&header, "alg")? {
        None => DeclaredAlgorithm::Missing,
        Some("ES256") => DeclaredAlgorithm::Supported(SignatureAlgorithm::Es256),
        Some(other) => DeclaredAlgorithm::Unsupported(algorithm_name(other)),
    };
    match text(&header, "zip")? {
        Some("DEF") => {}
        None => {
            return Err(Failure::new(
                Reason::JwsZipMissing,
                "the JWS header has no zip: SMART Health Cards compress their payload (zip DEF)",
            ));
        }
        Some(other) => {
            return Err(Failure::new(
                Reason::JwsZipUnsupported,
                format!("the JWS header names a compression of {} bytes; only DEF is defined", other.len()),
            ));
        }
    }
    let kid = text(&header, "kid")?.filter(|k| !k.is_empty()).map(str::to_owned);

    let compressed = base64url(payload_b64, "JWS payload", limits.max_jws_len)?;
    let signature = base64url(signature_b64, "JWS signature", MAX_SIGNATURE_LEN)?;
    if signature.len() != 64 && is_der_signature(&signature) {
        return Err(Failure::new(
            Reason::JwsSignatureDer,
            format!("the {}-byte signature is ASN.1 DER; a JWS carries ES256 as 64 bytes r‖s", signature.len()),
        ));
    }
    let claims = inflate(&compressed, limits.max_inflated_len)?;
    let signing_input = jws.as_bytes()[..header_b64.len() + 1 + payload_b64.len()].to_vec();
    Ok(Jws { algorithm, kid, signing_input, claims, signature })
}

/// Inflates the raw DEFLATE payload (RFC 1951), refusing output larger than `cap`.
pub fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, Failure> {
    deflate::inflate(data, Container::Raw, cap).map_err(|e| {
        let reason = match e {
            InflateError::TooLarge { .. } => Reason::InflatedTooLarge,
            _ => Reason::DeflateInvalid,
        };
        let mut detail = format!("the JWS payload: {e}");
        if deflate::has_zlib_header(data) && reason == Reason::DeflateInvalid {
            detail.push_str(" (it starts like a zlib stream; SMART Health Cards use raw DEFLATE)");
        }
        Failure::new(reason, detail)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthcert_test_support::shc::deflate as raw_deflate;

    fn b64(data: &[u8]) -> String {
        base64::encode_url(data)
    }

    fn jws(header: &str, claims: &[u8], signature: &[u8]) -> String {
        format!("{}.{}.{}", b64(header.as_bytes()), b64(&raw_deflate(claims)), b64(signature))
    }

    const HEADER: &str = r#"{"zip":"DEF","alg":"ES256","kid":"k1"}"#;

    #[test]
    fn reads_a_card_shaped_jws() {
        let text = jws(HEADER, br#"{"iss":"https://x"}"#, &[7; 64]);
        let j = parse(&text, &Limits::DEFAULT).unwrap();
        assert_eq!(j.algorithm, DeclaredAlgorithm::Supported(SignatureAlgorithm::Es256));
        assert_eq!(j.kid.as_deref(), Some("k1"));
        assert_eq!(j.claims, br#"{"iss":"https://x"}"#);
        assert_eq!(j.signature, [7; 64]);
        let dot = text.rfind('.').unwrap();
        assert_eq!(j.signing_input, &text.as_bytes()[..dot]);
        assert!(!format!("{j:?}").contains("https"), "claims stay out of Debug");
    }

    #[test]
    fn header_rules() {
        let reason = |header: &str| parse(&jws(header, b"{}", &[1; 64]), &Limits::DEFAULT).map(|j| j.algorithm);
        assert_eq!(reason(r#"{"alg":"ES256","kid":"k"}"#).unwrap_err().reason, Reason::JwsZipMissing);
        assert_eq!(reason(r#"{"zip":"GZ","alg":"ES256"}"#).unwrap_err().reason, Reason::JwsZipUnsupported);
        assert_eq!(reason(r#"{"zip":1,"alg":"ES256"}"#).unwrap_err().reason, Reason::JwsMalformed);
        assert_eq!(reason(r#"{"zip":"DEF","alg":"ES256","crit":["b64"]}"#).unwrap_err().reason, Reason::JwsMalformed);
        assert_eq!(reason(r#"["zip"]"#).unwrap_err().reason, Reason::JwsMalformed);
        assert_eq!(reason(r#"{"zip":"DEF","alg":"ES384"}"#).unwrap(), DeclaredAlgorithm::Unsupported("ES384".into()));
        assert_eq!(reason(r#"{"zip":"DEF","alg":"none"}"#).unwrap(), DeclaredAlgorithm::Unsupported("none".into()));
        let odd = reason(r#"{"zip":"DEF","alg":"\u001b[2JSECRET"}"#).unwrap();
        assert_eq!(odd, DeclaredAlgorithm::Unsupported("given as a text of 10 bytes".into()), "never repeated");
        assert_eq!(reason(r#"{"zip":"DEF"}"#).unwrap(), DeclaredAlgorithm::Missing);
        let no_kid = parse(&jws(r#"{"zip":"DEF","alg":"ES256","kid":""}"#, b"{}", &[1; 64]), &Limits::DEFAULT);
        assert_eq!(no_kid.unwrap().kid, None, "an empty kid is no kid");
    }

    #[test]
    fn structure_rules() {
        let ok = jws(HEADER, b"{}", &[1; 64]);
        let reason = |t: &str| parse(t, &Limits::DEFAULT).unwrap_err().reason;
        assert_eq!(reason("a.b"), Reason::JwsMalformed);
        assert_eq!(reason(&format!("{ok}.x")), Reason::JwsMalformed);
        assert_eq!(reason(&ok.replacen('.', "=.", 1)), Reason::JwsMalformed, "padding");
        assert_eq!(
            reason(&format!("{}.{}.AAAA", b64(HEADER.as_bytes()), b64(b"not deflate at all"))),
            Reason::DeflateInvalid
        );
        let bomb = format!("{}.{}.AAAA", b64(HEADER.as_bytes()), b64(&raw_deflate(&vec![b' '; 1 << 20])));
        assert_eq!(reason(&bomb), Reason::InflatedTooLarge);
        let long = Limits { max_jws_len: 10, ..Limits::DEFAULT };
        assert_eq!(parse(&ok, &long).unwrap_err().reason, Reason::PayloadTooLarge);
        let zlib = healthcert_test_support::hc1::zlib(b"{}");
        let wrapped = parse(&format!("{}.{}.AAAA", b64(HEADER.as_bytes()), b64(&zlib)), &Limits::DEFAULT).unwrap_err();
        assert!(wrapped.detail.contains("zlib"), "{}", wrapped.detail);
    }

    #[test]
    fn der_signatures_are_named() {
        // SEQUENCE { INTEGER (33 bytes, leading zero), INTEGER (32 bytes) }
        let mut der = vec![0x30, 69, 0x02, 33, 0x00];
        der.extend([0x80; 32]);
        der.extend([0x02, 32]);
        der.extend([0x11; 32]);
        assert!(is_der_signature(&der));
        let failure = parse(&jws(HEADER, b"{}", &der), &Limits::DEFAULT).unwrap_err();
        assert_eq!(failure.reason, Reason::JwsSignatureDer);
        assert!(!is_der_signature(&[0x30; 64]) && !is_der_signature(&[]) && !is_der_signature(&der[..70]));
        // Other lengths are left to the signature check (SIGNATURE_MALFORMED).
        assert_eq!(parse(&jws(HEADER, b"{}", &[1; 63]), &Limits::DEFAULT).unwrap().signature.len(), 63);
    }
}
