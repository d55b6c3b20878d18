//! Certificate formats, behind one seam.
//!
//! Each format lives in its own folder and implements [`Format`]: it
//! recognises its payloads ([`Format::detect`]) and decodes one into a
//! [`Decoded`]: a [`SignedEnvelope`] (what to verify, with which key, and
//! the time claims) plus a [`Document`] that answers what only the format
//! knows (its type, schema, key-usage rule, validity policy, business-rules
//! input, revocation keys and the normalized certificate). [`FORMATS`] lists them; the
//! verification pipeline sees only these traits.
//!
//! Adding a format: one folder here, one line in [`FORMATS`], and its reason
//! codes in `model/reason.rs` (see `docs/architecture.md`).
//!
//! Today: [`hcert`] (`HC1:`: the EU DCC, and the WHO DDCC in the same
//! transport, reported as `who-ddcc`), [`shc`] (`shc:/`, SMART Health
//! Cards), [`icao`] (ICAO VDS-NC seals, JSON) and, with the `jsonld`
//! feature, `divoc` (`B64:` or a ZIP archive: DIVOC credentials).

pub mod codec;
#[cfg(feature = "jsonld")]
pub mod divoc;
pub mod hcert;
pub mod icao;
pub mod shc;

use serde_json::Value;
use time::OffsetDateTime;

use crate::crypto::SignatureAlgorithm;
use crate::limits::Limits;
pub use crate::model::FormatId;
use crate::model::{Certificate, CertificateType, Check, Reason};
use crate::trust::{KeyRef, SignerKey};

/// Every supported format, in order of precedence among equal detections.
#[cfg(feature = "jsonld")]
pub static FORMATS: &[&dyn Format] = &[&hcert::Hcert, &shc::Shc, &icao::Icao, &divoc::Divoc];
/// Every supported format, in order of precedence among equal detections
/// (DIVOC needs the `jsonld` feature).
#[cfg(not(feature = "jsonld"))]
pub static FORMATS: &[&dyn Format] = &[&hcert::Hcert, &shc::Shc, &icao::Icao];

/// A certificate format.
pub trait Format: Sync {
    /// Its stable name.
    fn id(&self) -> FormatId;

    /// The context identifier its payloads start with (`HC1:`), named in
    /// messages about payloads no format recognises.
    fn prefix(&self) -> &'static str;

    /// Whether `payload` is (or, with [`PrefixPolicy::Optional`], could be)
    /// one of this format's payloads.
    fn detect(&self, payload: &str, policy: PrefixPolicy) -> Detection;

    /// Decodes a payload this format detected.
    fn decode(&self, payload: &str, policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure>;

    /// The text form of a binary payload (a QR code in byte mode) that is
    /// this format's, which [`detect`](Self::detect) then recognises; `None`
    /// for formats whose payloads are text.
    fn binary_text(&self, payload: &[u8]) -> Option<String> {
        let _ = payload;
        None
    }
}

/// How strongly a format recognises a payload. A prefixed match wins over a
/// bare one, so a format whose bare encoding happens to cover another's
/// payloads (base45 covers digits) never takes a payload that names its
/// format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detection {
    /// Not this format.
    No,
    /// Could be this format's bare encoding (no context prefix), allowed by
    /// [`PrefixPolicy::Optional`].
    Bare,
    /// Starts with this format's context identifier (or one of its family,
    /// such as `HC2:`, which the format then refuses with a precise reason).
    Prefixed,
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

/// The format that recognises `payload` most strongly (the first listed in
/// [`FORMATS`] among equals), if any.
pub fn detect(payload: &str, policy: PrefixPolicy) -> Option<&'static dyn Format> {
    let mut best: Option<(Detection, &'static dyn Format)> = None;
    // A known foreign context identifier is never read as a bare encoding
    // (`NZCP:/1/…` is valid base45).
    let foreign = other_scheme(payload).is_some();
    for &format in FORMATS {
        let d = format.detect(payload, policy);
        let d = if foreign && d == Detection::Bare { Detection::No } else { d };
        if d > Detection::No && best.is_none_or(|(b, _)| d > b) {
            best = Some((d, format));
        }
    }
    best.map(|(_, f)| f)
}

/// Detects and decodes `payload`; on failure, the format it was read as
/// ([`FormatId::UNKNOWN`] when none recognised it) and why.
pub fn decode(payload: &str, policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, (FormatId, Failure)> {
    match detect(payload, policy) {
        Some(format) => format.decode(payload, policy, limits).map_err(|f| (format.id(), f)),
        None => Err((FormatId::UNKNOWN, unknown_format(payload))),
    }
}

/// Health certificate formats this verifier recognises but does not read,
/// by context identifier (matched without regard to case) and name.
const OTHER_SCHEMES: [(&str, &str); 5] = [
    ("NZCP:/", "a NZ COVID Pass"),
    ("LT1:", "a Lithuanian health certificate"),
    ("shlink:/", "a SMART Health Link"),
    ("vhlink:/", "a WHO verifiable health link"),
    ("mdoc:", "an ISO 18013-5 mdoc device engagement"),
];

/// The format of [`OTHER_SCHEMES`] whose context identifier `payload` starts
/// with.
fn other_scheme(payload: &str) -> Option<&'static (&'static str, &'static str)> {
    OTHER_SCHEMES.iter().find(|(p, _)| payload.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p)))
}

/// Longest run of letters and digits before a `:` read as a context
/// identifier.
const MAX_SCHEME: usize = 32;

/// Why no format recognised `payload`, never echoing its content:
/// - a format known by its context identifier but not read here:
///   `FORMAT_UNSUPPORTED`, naming it;
/// - some other context identifier (`XYZ:`): `FORMAT_UNKNOWN`, counting its
///   characters (it may be a certificate of a format never heard of);
/// - a web address or text with no context identifier:
///   `NOT_A_HEALTH_CERTIFICATE`.
fn unknown_format(payload: &str) -> Failure {
    let supported: Vec<&str> = FORMATS.iter().map(|f| f.prefix()).collect();
    let supported = supported.join(", ");
    let starts = |p: &str| payload.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p));
    if !cfg!(feature = "jsonld") && (starts("B64:") || payload.starts_with("PK\u{3}\u{4}")) {
        return Failure::new(
            Reason::FormatUnsupported,
            "a DIVOC certificate: this build of the verifier has no JSON-LD (the `jsonld` feature), so it does not read DIVOC",
        );
    }
    if let Some((prefix, name)) = other_scheme(payload) {
        return Failure::new(
            Reason::FormatUnsupported,
            format!("{name} ({prefix}): a health certificate format this verifier does not read"),
        );
    }
    if starts("http://") || starts("https://") {
        return Failure::new(Reason::NotAHealthCertificate, "the code holds a web address, not a health certificate");
    }
    let scheme: String = payload.chars().take_while(|c| c.is_ascii_alphanumeric()).take(MAX_SCHEME + 1).collect();
    match payload[scheme.len()..].chars().next() {
        Some(':')
            if (1..=MAX_SCHEME).contains(&scheme.len()) && scheme.starts_with(|c: char| c.is_ascii_alphabetic()) =>
        {
            Failure::new(
                Reason::FormatUnknown,
                format!(
                    "payloads with a context identifier of {} characters are not supported (supported: {supported})",
                    scheme.len()
                ),
            )
        }
        _ => Failure::new(
            Reason::NotAHealthCertificate,
            format!("the payload is no health certificate this verifier knows (supported: {supported})"),
        ),
    }
}

/// Why binary `payload` (a QR code in byte mode that is not UTF-8, and no
/// format's: [`binary_as_text`]) is not verified: a ZIP archive is how
/// DIVOC certificates travel, which this build does not read (no `jsonld`
/// feature); anything else is no health certificate.
pub fn unknown_binary(payload: &[u8]) -> Failure {
    if payload.starts_with(b"PK\x03\x04") {
        Failure::new(
            Reason::FormatUnsupported,
            "a ZIP archive, as DIVOC certificates are carried: this build of the verifier has no JSON-LD (the `jsonld` feature), so it does not read DIVOC",
        )
    } else {
        Failure::new(Reason::NotAHealthCertificate, "the payload is binary data, not a health certificate")
    }
}

/// The text form of a binary payload some format reads ([`Format::binary_text`]:
/// a DIVOC ZIP archive as `B64:` text), if any.
pub fn binary_as_text(payload: &[u8]) -> Option<String> {
    FORMATS.iter().find_map(|f| f.binary_text(payload))
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
    /// The envelope names no algorithm.
    Missing,
}

/// A time claim (issued at, not before, expires at) as found in an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeClaim {
    /// Not present.
    #[default]
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

/// The time claims of an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeClaims {
    /// When it was issued (CWT `iat`, JWT `nbf` for SMART Health Cards).
    pub issued_at: TimeClaim,
    /// Not valid before (CWT/JWT `nbf`), when the format has such a claim
    /// apart from the issue time.
    pub not_before: TimeClaim,
    /// When it expires (CWT/JWT `exp`).
    pub expires_at: TimeClaim,
}

/// What a verifier needs to check a signed certificate, independent of its
/// format.
#[derive(Debug, Clone)]
pub struct SignedEnvelope {
    /// The declared signature algorithm.
    pub algorithm: DeclaredAlgorithm,
    /// How to find the signer's key.
    pub key: KeyRef,
    /// Where the key reference came from, or why there is none, in the
    /// format's words (for the verdict's detail; no payload text).
    pub key_origin: &'static str,
    /// The exact bytes the signature covers.
    pub signed_bytes: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
    /// Issuer claim (ISO 3166-1 alpha-2 for the EU DCC, a URL for SMART
    /// Health Cards), when present.
    pub issuer: Option<String>,
    /// The time claims.
    pub times: TimeClaims,
}

/// Which time claims a format requires, and how they relate to its signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityPolicy {
    /// An envelope without an expiry is refused (`EXPIRY_MISSING`).
    pub expiry_required: bool,
    /// An envelope without an issue time is refused (`ISSUED_AT_MISSING`).
    pub issued_at_required: bool,
    /// The certificate must lie within its signer's validity: expire no
    /// later, be issued no earlier (hcert spec §3.3.5, §3.3.6).
    pub within_signer_validity: bool,
}

/// What business rules are evaluated on.
#[derive(Debug, Clone, Copy)]
pub struct RulesInput<'a> {
    /// The payload as JSON (`payload` to CertLogic).
    pub payload: &'a Value,
}

/// The format-specific content of a decoded certificate: what only the
/// format knows.
pub trait Document: Send + Sync {
    /// The type of certificate, or why it cannot be determined.
    fn certificate_type(&self) -> Result<CertificateType, Failure>;

    /// The format's schema check. `strict`: the letter of the schema, for
    /// issuers testing their output; otherwise deviations that do not
    /// change what the data means pass with [`Reason::SchemaDeviation`]
    /// (for formats that define such deviations).
    ///
    /// [`Reason::SchemaDeviation`]: crate::model::Reason::SchemaDeviation
    fn schema_check(&self, strict: bool) -> Check;

    /// Whether `signer` may sign this document (the key-usage check). The
    /// rule is the format's: the EU DCC's extended key usage lives in
    /// [`hcert`].
    fn key_usage_check(&self, signer: &SignerKey) -> Check;

    /// Which time claims are required.
    fn validity_policy(&self) -> ValidityPolicy;

    /// The input to business rules, or `None` when the format has none (the
    /// rules check is then not applicable).
    fn rules_input(&self) -> Option<RulesInput<'_>>;

    /// The normalized certificate.
    fn normalize(&self, envelope: &SignedEnvelope) -> Certificate;

    /// What a revocation list may name this certificate by (none for a
    /// format without revocation). The revocation check looks each key up
    /// in the lists held for the signer.
    fn revocation_keys(&self, envelope: &SignedEnvelope) -> Vec<RevocationKey> {
        let _ = envelope;
        Vec::new()
    }
}

/// A name a revocation list may give a certificate.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationKey {
    /// A SHA-256 hash truncated to 16 bytes (EU DCC revocation lists).
    Hash {
        /// What was hashed.
        kind: RevocationHashKind,
        /// The first 16 bytes of the SHA-256.
        hash: [u8; 16],
    },
    /// A revocation id the issuer wrote into the certificate (SMART Health
    /// Cards `vc.rid`), with the certificate's issue time, which a
    /// timestamped list entry compares against.
    Rid {
        /// The id.
        rid: String,
        /// When the certificate was issued (`nbf`), if stated.
        issued_at: Option<OffsetDateTime>,
    },
}

impl std::fmt::Debug for RevocationKey {
    /// Ids and hashes single out a certificate: redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RevocationKey::Hash { kind, .. } => write!(f, "Hash {{ kind: {kind:?}, <redacted> }}"),
            RevocationKey::Rid { .. } => f.write_str("Rid { <redacted> }"),
        }
    }
}

/// What an EU DCC revocation hash is taken over (the gateway's hash types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevocationHashKind {
    /// `UCI`: the certificate identifier as issued.
    Uci,
    /// `COUNTRYCODEUCI`: a country code followed by the identifier.
    CountryCodeUci,
    /// `SIGNATURE`: the signature (for ES256 its `r` half).
    Signature,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_wins_and_unknown_payloads_are_named_without_content() {
        let hc1 = detect("HC1:NCF", PrefixPolicy::Required).map(|f| f.id());
        assert_eq!(hc1, Some(hcert::ID));
        assert!(detect("12345", PrefixPolicy::Required).is_none());
        assert_eq!(detect("12345", PrefixPolicy::Optional).map(|f| f.id()), Some(hcert::ID), "bare base45");
        let nz = decode("NZCP:/1/2KCEVIQEIVVWK6", PrefixPolicy::Required, &Limits::DEFAULT);
        let (format, failure) = nz.err().unwrap();
        assert_eq!((format, failure.reason), (FormatId::UNKNOWN, Reason::FormatUnsupported));
        assert!(failure.detail.starts_with("a NZ COVID Pass (NZCP:/)"), "{}", failure.detail);
        let (_, odd) = decode("SECRETNAME:123", PrefixPolicy::Required, &Limits::DEFAULT).err().unwrap();
        assert!(!odd.detail.contains("SECRET") && odd.detail.contains("HC1:"), "{}", odd.detail);
        assert_eq!(odd.reason, Reason::FormatUnknown);
        let reason = |p: &str| decode(p, PrefixPolicy::Required, &Limits::DEFAULT).err().unwrap().1.reason;
        assert_eq!(
            reason("nzcp:/1/2KCEVIQEIVVWK6JNGEASNICZAEP2KALYDZSGSZB2O5SWEOTOPJRXALTDN53GSZBRHEXGQZLYMN"),
            Reason::FormatUnsupported
        );
        assert_eq!(reason("https://example.org/SECRET"), Reason::NotAHealthCertificate);
        assert_eq!(reason("hello world"), Reason::NotAHealthCertificate);
        let bare = |p: &str| decode(p, PrefixPolicy::Optional, &Limits::DEFAULT).err().unwrap().1.reason;
        assert_eq!(bare("NZCP:/1/2KCEVIQ"), Reason::FormatUnsupported, "base45 text, but a known foreign prefix");
        assert_eq!(reason("12:30"), Reason::NotAHealthCertificate);
        assert_eq!(binary_as_text(&[0xff, 0xfe]), None);
        assert_eq!(unknown_binary(&[0xff, 0xfe]).reason, Reason::NotAHealthCertificate);
        assert_eq!(unknown_binary(b"PK\x03\x04rest").reason, Reason::FormatUnsupported);
    }

    #[test]
    fn a_shc_payload_never_goes_to_hcert() {
        // Upper case `SHC:/` and digits are all base45: hcert would take it
        // bare, but the prefixed match wins.
        for payload in ["shc:/5676290952432060346029243740", "SHC:/5676290952432060346029243740", "shc:/1/3/56"] {
            for policy in [PrefixPolicy::Required, PrefixPolicy::Optional] {
                assert_eq!(detect(payload, policy).map(|f| f.id()), Some(shc::ID), "{payload} {policy:?}");
            }
        }
        assert_eq!(hcert::Hcert.detect("SHC:/5676", PrefixPolicy::Optional), Detection::Bare);
        let (format, failure) = decode("shc:/1/3/5676", PrefixPolicy::Required, &Limits::DEFAULT).err().unwrap();
        assert_eq!((format, failure.reason), (shc::ID, Reason::ShcChunkIncomplete));
        // A bare compact JWS only when the prefix is optional.
        let jws = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA";
        assert_eq!(detect(jws, PrefixPolicy::Optional).map(|f| f.id()), Some(shc::ID));
        assert!(detect(jws, PrefixPolicy::Required).is_none());
    }
}
