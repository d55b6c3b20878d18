//! DIVOC certificates (India's CoWIN, and Indonesia, Jamaica, the
//! Philippines, Sri Lanka, … on the same platform): a W3C Verifiable
//! Credential with a Linked Data proof, zipped into a QR code.
//!
//! - [`archive`]: the payload (`B64:` + base64, or the ZIP's bytes) down to
//!   `certificate.json`, within caps on entries and inflated size;
//! - [`credential`]: the credential as a [`Document`](super::Document)
//!   (its type, schema, and mapping to the normalized certificate, showing
//!   only what the proof signs).
//!
//! **The proof** (`Ed25519Signature2018`, or `RsaSignature2018`, which
//! DIVOC signs with RSASSA-PSS SHA-256: JWS `PS256`) is a detached JWS with
//! an unencoded payload over
//!
//! ```text
//! docN  = URDNA2015(credential without "proof")
//! optsN = URDNA2015(proof without "jws", "@context": security/v2)
//! input = ASCII(jws header) ‖ "." ‖ SHA256(optsN) ‖ SHA256(docN)
//! ```
//!
//! every JSON-LD context from the bundle ([`crate::jsonld`]); a credential
//! naming any other context cannot be read (`JSONLD_CONTEXT_UNKNOWN`).
//! The key is the trust store's under [`SCHEME`] and the proof's
//! `verificationMethod` (`did:india`), as the PathCheck registry lists
//! DIVOC issuers.

pub mod archive;
pub mod credential;

pub use credential::DivocCredential;
use serde_json::Value;

use super::{
    DeclaredAlgorithm, Decoded, Detection, Failure, Format, FormatId, PrefixPolicy, SignedEnvelope, TimeClaim,
    TimeClaims,
};
use crate::crypto::SignatureAlgorithm;
use crate::formats::codec::json;
use crate::jsonld::{self, DetachedJws, LdError};
use crate::limits::Limits;
use crate::model::Reason;
use crate::trust::{KeyRef, KeyScheme};

/// The format's name in verdicts.
pub const ID: FormatId = FormatId::new("divoc");

/// DIVOC issuer keys, by the `verificationMethod` their proofs name.
pub const SCHEME: KeyScheme = KeyScheme::new("divoc");

/// The `@context` of the proof options (jsonld-signatures ≤ 7, as DIVOC
/// signs: the document's own contexts do not define RSA's terms).
pub const OPTIONS_CONTEXT: &str = "https://w3id.org/security/v2";

/// Deepest nesting of `certificate.json` read.
pub const MAX_JSON_DEPTH: usize = 16;

/// The DIVOC format.
#[derive(Debug, Clone, Copy)]
pub struct Divoc;

impl Format for Divoc {
    fn id(&self) -> FormatId {
        ID
    }

    fn prefix(&self) -> &'static str {
        "B64: (DIVOC)"
    }

    fn detect(&self, payload: &str, _policy: PrefixPolicy) -> Detection {
        if archive::detect(payload) { Detection::Prefixed } else { Detection::No }
    }

    fn decode(&self, payload: &str, _policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure> {
        decode(payload, limits)
    }

    /// A ZIP archive in a byte-mode code, as `B64:` text.
    fn binary_text(&self, payload: &[u8]) -> Option<String> {
        archive::binary_as_text(payload)
    }
}

fn malformed(detail: impl Into<String>) -> Failure {
    Failure::new(Reason::CredentialMalformed, detail)
}

/// The signature suites read, with the JWS algorithm each requires.
fn suite(proof_type: &str) -> Option<SignatureAlgorithm> {
    match proof_type {
        "RsaSignature2018" => Some(SignatureAlgorithm::Ps256),
        "Ed25519Signature2018" => Some(SignatureAlgorithm::EdDsa),
        _ => None,
    }
}

/// What DIVOC's vaccination contexts (v1 and v2) leave unsigned: several
/// members map to one term, so the proof binds their values but not which
/// member holds which.
pub const SHARED_TERMS_NOTE: &str = "DIVOC's vaccination context signs dose and totalDoses under one term \
(schema:doseValue), vaccine, batch, manufacturer and certificateId under another (schema:id), and date, \
effectiveStart and effectiveUntil under a third (schema:date): the proof binds these values, not which field \
holds which";

fn uses_divoc_context(vc: &Value) -> bool {
    let named = |v: &Value| v.as_str().is_some_and(|u| u.starts_with("https://cowin.gov.in/credentials/vaccination/"));
    match vc.get("@context") {
        Some(Value::Array(a)) => a.iter().any(named),
        Some(v) => named(v),
        None => false,
    }
}

/// Decodes a DIVOC payload down to the signed envelope and the credential:
/// the archive, `certificate.json`, its proof, and the canonical N-Quads
/// the proof signs.
pub fn decode(payload: &str, limits: &Limits) -> Result<Decoded, Failure> {
    let zip = archive::archive_bytes(payload, limits)?;
    let bytes = archive::certificate_json(&zip, limits)?;
    let vc: Value = json::parse(&bytes, limits.max_inflated_len, MAX_JSON_DEPTH)
        .map_err(|e| malformed(format!("certificate.json is not JSON within limits: {e}")))?;
    let proof = vc.get("proof").and_then(Value::as_object).ok_or_else(|| malformed("the credential has no proof"))?;
    let text = |name: &str| proof.get(name).and_then(Value::as_str);
    let proof_type = text("type").ok_or_else(|| malformed("the proof has no type"))?;
    let jws = text("jws").ok_or_else(|| malformed("the proof has no jws"))?;
    let method = text("verificationMethod").filter(|m| !m.is_empty());
    let jws = DetachedJws::parse(jws).map_err(|e| malformed(format!("proof.jws: {e}")))?;
    let algorithm = match suite(proof_type) {
        Some(alg) if alg.name() == jws.alg => DeclaredAlgorithm::Supported(alg),
        Some(alg) => DeclaredAlgorithm::Unsupported(format!(
            "{proof_type} with JWS alg {} (the suite signs with {alg})",
            crate::text::display_bounded(&jws.alg, 16)
        )),
        None => DeclaredAlgorithm::Unsupported(crate::text::display_bounded(proof_type, 64).into_owned()),
    };
    let (document, options) = jsonld::split_proof(&vc, Value::String(OPTIONS_CONTEXT.to_owned()))
        .ok_or_else(|| malformed("the credential is not an object with an object proof"))?;
    let input = jsonld::proof_input(&jws.header_b64, &options, &document).map_err(|e| match e {
        LdError::UnknownContext { .. } => Failure::new(Reason::JsonLdContextUnknown, e.to_string()),
        e => malformed(format!("the credential cannot be canonicalized: {e}")),
    })?;
    let time = |name: &str| match vc.get(name) {
        None => TimeClaim::Absent,
        Some(v) => v.as_str().and_then(crate::time_parse::lenient).map_or(TimeClaim::Invalid, TimeClaim::At),
    };
    let times = TimeClaims {
        issued_at: time("issuanceDate"),
        not_before: TimeClaim::Absent,
        expires_at: time("expirationDate"),
    };
    let issuer = match vc.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    let (key, key_origin) = match method {
        Some(m) => (KeyRef::Kid { scheme: SCHEME, kid: m.as_bytes().to_vec() }, "proof.verificationMethod"),
        None => (KeyRef::Missing { scheme: SCHEME }, "the proof names no verificationMethod"),
    };
    let signed_bytes = input.signing_input.clone();
    Ok(Decoded {
        format: ID,
        envelope: SignedEnvelope { algorithm, key, key_origin, signed_bytes, signature: jws.signature, issuer, times },
        notes: if uses_divoc_context(&vc) { vec![SHARED_TERMS_NOTE.to_owned()] } else { Vec::new() },
        document: Box::new(DivocCredential::new(vc, input)),
    })
}
