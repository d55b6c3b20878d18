//! Signed signer lists in the German shape: the first line is the base64
//! ECDSA P-256 / SHA-256 signature of everything after that line, which is
//! the JSON `{"certificates": [{kid, country, rawData, ...}], "timestamp"}`.
//!
//! Nothing of a list is used before its signature verifies with the pinned
//! list-signing key. The list's issue time (its signed `timestamp`, else the
//! newest entry `timestamp`) lets a store refuse a list older than the one it
//! holds.

use std::fmt;

use base64::Engine as _;
use serde::Deserialize;
use time::OffsetDateTime;

use super::SignerKey;
use super::file::{self, LoadReport, SkippedEntry};
use super::update::{SignerChange, SignerRecord, SourceId, SourceMeta, Update};
use crate::crypto::{self, PublicKey};
use crate::time_parse;

/// A verified list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedList {
    /// When the list was issued, as its signed content says.
    pub issued_at: Option<OffsetDateTime>,
    /// Its usable signer certificates.
    pub signers: Vec<SignerRecord>,
    /// Entries that were not usable.
    pub skipped: Vec<SkippedEntry>,
}

/// Why a list was refused as a whole.
#[derive(Debug)]
#[non_exhaustive]
pub enum ListError {
    /// The text is not a signature line followed by a body.
    Malformed(ListShape),
    /// The signature does not verify with the pinned key.
    BadSignature,
    /// The signed body is not a trust-list JSON document.
    BadContent(ListContent),
}

/// How a signed list's text is not a signature line and a body
/// ([`ListError::Malformed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListShape {
    /// No line break after the signature line.
    NoLineBreak,
    /// The signature line is not UTF-8 text.
    SignatureNotText,
    /// The signature line is not base64.
    SignatureNotBase64,
}

/// How a signed list's verified body is unusable ([`ListError::BadContent`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum ListContent {
    /// The body does not start with a JSON object.
    NotJsonObject,
    /// The body is not JSON, or not the trust-list shape; serde's error
    /// (the source) has the line and column.
    NotTrustListJson(serde_json::Error),
    /// The list's `timestamp` is not a date-time.
    BadTimestamp,
}

impl fmt::Display for ListShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ListShape::NoLineBreak => "no line break after the signature",
            ListShape::SignatureNotText => "the signature line is not text",
            ListShape::SignatureNotBase64 => "the signature line is not base64",
        })
    }
}

impl fmt::Display for ListContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListContent::NotJsonObject => f.write_str("the body is not a JSON object"),
            ListContent::NotTrustListJson(e) => write!(f, "not a trust-list JSON document: {e}"),
            ListContent::BadTimestamp => f.write_str("timestamp is not a date-time"),
        }
    }
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListError::Malformed(m) => write!(f, "malformed signed list: {m}"),
            ListError::BadSignature => f.write_str("the list signature does not verify with the pinned key"),
            ListError::BadContent(m) => write!(f, "the signed list content is unusable: {m}"),
        }
    }
}

/// The source is serde's JSON error of [`ListContent::NotTrustListJson`]
/// (its message is part of `Display` already).
impl std::error::Error for ListError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ListError::BadContent(ListContent::NotTrustListJson(e)) => Some(e),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Times {
    timestamp: Option<String>,
    #[serde(default)]
    certificates: Vec<EntryTime>,
}

#[derive(Deserialize)]
struct EntryTime {
    timestamp: Option<String>,
}

impl SignedList {
    /// The list as the complete signer set of `source`; `etag` is kept
    /// for the next conditional request.
    pub fn into_update(self, source: SourceId, etag: Option<String>) -> Update {
        Update {
            signers: SignerChange::Replace(self.signers),
            meta: SourceMeta { etag, resume_token: None, list_issued_at: self.issued_at },
            skipped: self.skipped,
            ..Update::unchanged(source, SourceMeta::default())
        }
    }
}

impl SignerRecord {
    /// The record of a signer read from key material (`None` for a key
    /// built from a bare public key, which cannot be stored).
    pub fn of(s: &SignerKey) -> Option<Self> {
        Some(SignerRecord {
            scheme: s.scheme,
            issuer: s.issuer.clone(),
            kid: s.kid.clone(),
            country: s.country.clone(),
            material: s.material.clone()?,
            status: s.status,
            not_before: s.not_before,
            not_after: s.not_after,
        })
    }
}

/// Verifies and reads a signed list. `origin` names it in reports.
pub fn parse(origin: &str, bytes: &[u8], key: &PublicKey) -> Result<SignedList, ListError> {
    let newline = bytes.iter().position(|b| *b == b'\n').ok_or(ListError::Malformed(ListShape::NoLineBreak))?;
    let (line, body) = (&bytes[..newline], &bytes[newline + 1..]);
    let line = std::str::from_utf8(line).map_err(|_| ListError::Malformed(ListShape::SignatureNotText))?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(line.trim())
        .map_err(|_| ListError::Malformed(ListShape::SignatureNotBase64))?;
    crypto::verify_p256_sha256(key, body, &signature).map_err(|_| ListError::BadSignature)?;

    if !body.trim_ascii_start().starts_with(b"{") {
        return Err(ListError::BadContent(ListContent::NotJsonObject));
    }
    let not_json = |e| ListError::BadContent(ListContent::NotTrustListJson(e));
    let times: Times = serde_json::from_slice(body).map_err(not_json)?;
    let issued_at = match times.timestamp.as_deref() {
        Some(t) => Some(time_parse::lenient(t).ok_or(ListError::BadContent(ListContent::BadTimestamp))?),
        None => times.certificates.iter().filter_map(|c| c.timestamp.as_deref().and_then(time_parse::lenient)).max(),
    };
    let mut report = LoadReport::default();
    let signers = file::parse_entries(origin, body, &mut report).map_err(not_json)?;
    Ok(SignedList {
        issued_at,
        signers: signers.iter().filter_map(SignerRecord::of).collect(),
        skipped: report.skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer as _;

    fn key() -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap()
    }

    fn public() -> PublicKey {
        PublicKey::p256_from_sec1(key().verifying_key().to_encoded_point(false).as_bytes()).unwrap()
    }

    fn dsc_b64() -> String {
        let pem = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/trust/dsc/dsc-ec-vaccination.pem"
        ))
        .unwrap();
        let der = crate::crypto::pem_certificates(&pem).remove(0).unwrap();
        base64::engine::general_purpose::STANDARD.encode(der)
    }

    fn signed(body: &str) -> Vec<u8> {
        let sig: p256::ecdsa::Signature = key().sign(body.as_bytes());
        let line = base64::engine::general_purpose::STANDARD.encode(sig.to_der().as_bytes());
        format!("{line}\n{body}").into_bytes()
    }

    #[test]
    fn a_signed_list_is_read_after_its_signature_verifies() {
        let body = format!(
            r#"{{"timestamp":"2026-09-01T10:00:00Z","certificates":[{{"kid":"AAECAwQFBgc=","country":"XT","rawData":"{}","timestamp":"2026-01-01T00:00:00Z"}},{{"kid":"AQ==","country":"XT","rawData":"bm90IGEgY2VydA=="}}]}}"#,
            dsc_b64()
        );
        let list = parse("test", &signed(&body), &public()).unwrap();
        assert_eq!(list.signers.len(), 1);
        assert_eq!(list.signers[0].kid, [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(list.skipped.len(), 1, "the garbage entry is skipped and reported");
        assert_eq!(list.issued_at, time_parse::rfc3339("2026-09-01T10:00:00Z"));

        // Without a list timestamp, the newest entry's timestamp stands in.
        let body = format!(r#"{{"certificates":[{{"rawData":"{}","timestamp":"2026-01-01T00:00:00Z"}}]}}"#, dsc_b64());
        assert_eq!(
            parse("t", &signed(&body), &public()).unwrap().issued_at,
            time_parse::rfc3339("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn nothing_is_used_unless_the_signature_verifies() {
        let body = format!(r#"{{"certificates":[{{"rawData":"{}"}}]}}"#, dsc_b64());
        let mut tampered = signed(&body);
        let last = tampered.len() - 3;
        tampered[last] ^= 1;
        assert!(matches!(parse("t", &tampered, &public()), Err(ListError::BadSignature)));
        let other = PublicKey::p256_from_sec1(
            p256::ecdsa::SigningKey::from_slice(&[8u8; 32]).unwrap().verifying_key().to_encoded_point(false).as_bytes(),
        )
        .unwrap();
        assert!(matches!(parse("t", &signed(&body), &other), Err(ListError::BadSignature)));
        assert!(matches!(parse("t", body.as_bytes(), &public()), Err(ListError::Malformed(ListShape::NoLineBreak))));
        assert!(matches!(parse("t", b"!!!\n{}", &public()), Err(ListError::Malformed(ListShape::SignatureNotBase64))));
        assert!(matches!(parse("t", b"\xff\n{}", &public()), Err(ListError::Malformed(ListShape::SignatureNotText))));
        assert!(matches!(
            parse("t", &signed("[1,2]"), &public()),
            Err(ListError::BadContent(ListContent::NotJsonObject))
        ));
        assert!(matches!(
            parse("t", &signed(r#"{"timestamp":"soon","certificates":[]}"#), &public()),
            Err(ListError::BadContent(ListContent::BadTimestamp))
        ));
    }

    #[test]
    fn content_errors_keep_the_json_error_as_their_source() {
        use std::error::Error as _;
        // Valid JSON, but `certificates` is not a list of entries.
        let e = parse("t", &signed(r#"{"certificates": 3}"#), &public()).unwrap_err();
        assert!(matches!(e, ListError::BadContent(ListContent::NotTrustListJson(_))), "{e:?}");
        let json = e.source().and_then(|s| s.downcast_ref::<serde_json::Error>()).expect("serde's error");
        assert_eq!((json.line(), json.column()), (1, 18), "at the 3");
        assert!(e.to_string().starts_with("the signed list content is unusable: not a trust-list JSON document: "));
        // Times pass, the entries do not: the same reason.
        let e = parse("t", &signed(r#"{"timestamp":"2026-01-01T00:00:00Z"}"#), &public()).unwrap_err();
        assert!(matches!(e, ListError::BadContent(ListContent::NotTrustListJson(_))), "{e:?}");
    }
}
