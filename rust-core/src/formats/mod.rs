//! Certificate formats. Each format lives in its own module, recognises its
//! payloads ([`detect`]), and turns one into a [`Decoded`]: a
//! [`SignedEnvelope`] (what to verify, with which key, and the time claims)
//! plus a format-specific [`Document`] that knows its schema, its type and
//! how to map itself to the normalized [`Certificate`].
//!
//! Today: [`hcert`] (`HC1:`, the EU DCC). SMART Health Cards, ICAO VDS-NC,
//! WHO DDCC and DIVOC plug in beside it.

pub mod hcert;

use base64::Engine as _;
use serde::Serialize;
use time::OffsetDateTime;

use crate::crypto::SignatureAlgorithm;
use crate::model::{Certificate, CertificateType, Check, Reason};

/// A payload format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FormatId {
    /// `HC1:` — EU Digital COVID Certificate (CWT in COSE_Sign1).
    Hcert,
    /// Not recognised.
    Unknown,
}

impl FormatId {
    /// The name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            FormatId::Hcert => "hcert",
            FormatId::Unknown => "unknown",
        }
    }
}

/// Whether a payload must carry its format's context prefix (`HC1:`).
///
/// QR codes always do; text pasted from files or stdin often does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrefixPolicy {
    /// The prefix is required (scanned codes, conformance).
    #[default]
    Required,
    /// A payload without prefix is read as the format's bare encoding.
    Optional,
}

/// Recognises the format of a payload.
pub fn detect(payload: &str, policy: PrefixPolicy) -> FormatId {
    if hcert::detect(payload, policy) { FormatId::Hcert } else { FormatId::Unknown }
}

/// Why decoding stopped: a stable reason and a detail without personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The reason code.
    pub reason: Reason,
    /// What exactly went wrong (positions, sizes; never content).
    pub detail: String,
}

impl Failure {
    pub(crate) fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Self { reason, detail: detail.into() }
    }
}

/// The algorithm an envelope declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredAlgorithm {
    /// A supported algorithm.
    Supported(SignatureAlgorithm),
    /// An algorithm this verifier does not accept (its identifier as text).
    Unsupported(String),
    /// No algorithm in the protected header.
    Missing,
}

/// A time claim (`iat`, `exp`, `nbf`) as found in an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeClaim {
    /// Not present.
    Absent,
    /// Present but not a finite, representable number of seconds.
    Invalid,
    /// A valid instant.
    At(OffsetDateTime),
}

impl TimeClaim {
    /// The instant, when valid.
    pub fn instant(self) -> Option<OffsetDateTime> {
        match self {
            TimeClaim::At(t) => Some(t),
            _ => None,
        }
    }
}

/// What a verifier needs to check a signed certificate, independent of its
/// format.
#[derive(Debug, Clone)]
pub struct SignedEnvelope {
    /// The declared signature algorithm.
    pub algorithm: DeclaredAlgorithm,
    /// The key identifier, when present.
    pub key_id: Option<Vec<u8>>,
    /// Where the key identifier came from (for the verdict's detail).
    pub key_id_location: &'static str,
    /// The exact bytes the signature covers.
    pub signed_bytes: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
    /// Issuer claim (ISO 3166-1 alpha-2 for the EU DCC), when present.
    pub issuer: Option<String>,
    /// Issued-at claim.
    pub issued_at: TimeClaim,
    /// Expiry claim.
    pub expires_at: TimeClaim,
}

/// The format-specific content of a decoded certificate.
pub trait Document: Send + Sync {
    /// The type of certificate, or why it cannot be determined.
    fn certificate_type(&self) -> Result<CertificateType, Failure>;
    /// The format's schema check.
    fn schema_check(&self) -> Check;
    /// The normalized certificate.
    fn normalize(&self, envelope: &SignedEnvelope) -> Certificate;
    /// The payload as JSON (for business rules and diagnostics).
    fn json(&self) -> &serde_json::Value;
}

/// A decoded payload: what to verify and what it says.
pub struct Decoded {
    /// The format it was read as.
    pub format: FormatId,
    /// The signed envelope.
    pub envelope: SignedEnvelope,
    /// The content.
    pub document: Box<dyn Document>,
    /// Remarks about leniencies applied while decoding (no personal data).
    pub notes: Vec<String>,
}

/// Standard base64 of bytes (key identifiers in output).
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
