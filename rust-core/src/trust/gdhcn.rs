//! WHO GDHCN DID trust lists: the `did:web` documents in which the WHO
//! Global Digital Health Certification Network publishes its participants'
//! keys, one per domain, participant and key usage (v2 layout:
//! `…/v2/trustlist/DCC/CHL/DSC/did.json`), each signed by the WHO with a
//! `JsonWebSignature2020` proof.
//!
//! ```json
//! {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
//!  "id": D, "controller": D,
//!  "verificationMethod": [{"id": D#frag, "type": "JsonWebKey2020", "controller": D,
//!      "publicKeyJwk": {"kty": "EC", "kid": …, "x5c": [DSC, SCA?], "crv": "P-256", "x": …, "y": …}}
//!    | "did:…"],
//!  "proof": {"type": "JsonWebSignature2020", "created": …, "nonce": …,
//!      "proofPurpose": "assertionMethod", "verificationMethod": SIGNER_DID,
//!      "jws": "<b64url({"b64":false,"crit":["b64"],"alg":"ES256"})>..<DER signature>"}}
//! ```
//!
//! **The proof is verified before anything is read from the list**, with
//! the signer's key pinned by the user ([`Anchor`]: the WHO signing DID
//! document, or a PEM key; never resolved live):
//!
//! ```text
//! docN  = URDNA2015(document without "proof")
//! optsN = URDNA2015(proof without "jws", with the document's "@context")
//! input = ASCII(jws header, base64url) ‖ "." ‖ SHA256(optsN) ‖ SHA256(docN)
//! ES256 over input; the signature is ASN.1 DER
//! ```
//!
//! A bad proof refuses the whole list ([`GdhcnError::BadSignature`]).
//!
//! Then each `JsonWebKey2020` verification method with an `x5c` becomes an
//! EU DCC signer: its key and validity from the certificate `x5c[0]` (the
//! JWK's `x`/`y` are Java `BigInteger` bytes, sometimes 33 long, so they are
//! not used), its kid the first 8 bytes of the SHA-256 of that certificate
//! (the fragments and JWK `kid`s of the lists vary by version and are not
//! used either), its country the certificate's. A list whose usage is `SCA`
//! holds CSCAs, not document signers: its keys are skipped, as is any
//! certificate whose basic constraints make it a CA (the root and
//! participant levels mix SCAs with DSCs), and methods without a
//! certificate, each with its reason. DID references (the strings of the
//! `trustlist-ref` documents) are listed in [`DidTrustList::references`]:
//! `trust sync --source gdhcn=URL` follows them (`trust::sync`), an import
//! reports them as skipped. `proof.created` is kept as the list's issue
//! time: an older list than the one held is refused as a rollback.

use std::fmt;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::SignerKey;
use super::file::SkippedEntry;
use super::update::{SignerChange, SignerRecord, SourceId, SourceMeta, Update};
use crate::crypto::{PublicKey, SignatureError, verify_p256_sha256};
use crate::formats::codec::base64;
use crate::formats::codec::json::{self, JsonError};
use crate::jsonld::{self, DetachedJws, JwsError, LdError};

/// Largest DID document read, in bytes (the DEV per-participant lists are a
/// few kB; the deprecated v1 list with every key is 1.5 MB).
pub const MAX_DOCUMENT_LEN: usize = 8 * 1024 * 1024;
/// Most verification methods one document may list.
pub const MAX_METHODS: usize = 10_000;
/// Most certificates one `x5c` may hold (the DSC, and its SCA when known).
pub const MAX_X5C: usize = 4;
/// Largest certificate read from an `x5c`, base64 characters.
pub const MAX_CERTIFICATE_B64: usize = 16 * 1024;
/// Longest DID reference kept, in bytes (longer ones are skipped).
pub const MAX_REFERENCE_LEN: usize = 1024;
/// Deepest nesting read: `verificationMethod[i].publicKeyJwk.x5c[j]` is 4.
const MAX_DEPTH: usize = 8;

/// Why a DID trust list is refused as a whole.
#[derive(Debug)]
#[non_exhaustive]
pub enum GdhcnError {
    /// The document is larger than [`MAX_DOCUMENT_LEN`].
    TooLarge,
    /// Not JSON, or too deep.
    Json(JsonError),
    /// JSON of another shape (no `@context`, `id`, `verificationMethod`…).
    Shape(&'static str),
    /// No `proof`: an unsigned list is never used.
    NoProof,
    /// A proof of another type than `JsonWebSignature2020`, or without
    /// `created`.
    ProofType,
    /// The proof's `jws` is not a detached unencoded-payload JWS.
    Jws(JwsError),
    /// The JWS algorithm is not ES256.
    Algorithm,
    /// The pinned signer has no P-256 key for the proof's verification
    /// method.
    NoAnchorKey,
    /// The document or the proof options cannot be canonicalised.
    Canonicalization(LdError),
    /// The proof does not verify with the pinned key: nothing is stored.
    BadSignature,
    /// More verification methods than [`MAX_METHODS`].
    TooManyMethods {
        /// How many it lists.
        len: usize,
    },
}

impl fmt::Display for GdhcnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GdhcnError::TooLarge => write!(f, "the DID document is larger than the {MAX_DOCUMENT_LEN}-byte limit"),
            GdhcnError::Json(e) => write!(f, "not a DID document: {e}"),
            GdhcnError::Shape(what) => write!(f, "not a GDHCN DID trust list: {what}"),
            GdhcnError::NoProof => f.write_str("the DID document has no proof; an unsigned list is never used"),
            GdhcnError::ProofType => f.write_str("the proof is not a JsonWebSignature2020 proof with a created time"),
            GdhcnError::Jws(e) => write!(f, "the proof's {e}"),
            GdhcnError::Algorithm => f.write_str("the proof's JWS algorithm is not ES256"),
            GdhcnError::NoAnchorKey => f.write_str(
                "the pinned signing key is not a P-256 key of the proof's verification method; nothing was stored",
            ),
            GdhcnError::Canonicalization(e) => write!(f, "the signed content cannot be canonicalised: {e}"),
            GdhcnError::BadSignature => {
                f.write_str("the proof does not verify with the pinned signing key; nothing was stored")
            }
            GdhcnError::TooManyMethods { len } => {
                write!(f, "{len} verification methods is more than the limit of {MAX_METHODS}")
            }
        }
    }
}

impl std::error::Error for GdhcnError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GdhcnError::Json(e) => Some(e),
            GdhcnError::Jws(e) => Some(e),
            GdhcnError::Canonicalization(e) => Some(e),
            _ => None,
        }
    }
}

/// The pinned signer of the trust lists: its keys, each with the
/// verification-method id it is published under (`None` for a bare key,
/// which then verifies whatever method the proof names).
#[derive(Debug, Clone)]
pub struct Anchor {
    keys: Vec<(Option<String>, PublicKey)>,
}

impl Anchor {
    /// A bare key (e.g. read from PEM).
    pub fn key(key: PublicKey) -> Self {
        Anchor { keys: vec![(None, key)] }
    }

    /// The signer's own DID document (e.g. the WHO DEV signing DID,
    /// `…/tng-participants-dev/main/WHO/signing/DID/did.json`): its
    /// `JsonWebKey2020` methods with an elliptic-curve `publicKeyJwk`.
    pub fn from_did_document(bytes: &[u8]) -> Result<Self, GdhcnError> {
        let value: Value = json::parse(bytes.trim_ascii_start(), 1024 * 1024, MAX_DEPTH).map_err(GdhcnError::Json)?;
        let methods = match value.get("verificationMethod") {
            Some(Value::Array(m)) => m,
            _ => return Err(GdhcnError::Shape("the signer's DID document has no verificationMethod array")),
        };
        let keys: Vec<_> = methods
            .iter()
            .filter_map(|m| {
                let key = PublicKey::from_jwk(m.get("publicKeyJwk")?).ok()?;
                Some((m.get("id").and_then(Value::as_str).map(str::to_owned), key))
            })
            .collect();
        if keys.is_empty() {
            return Err(GdhcnError::Shape("the signer's DID document holds no elliptic-curve key"));
        }
        Ok(Anchor { keys })
    }

    /// Its keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &PublicKey> {
        self.keys.iter().map(|(_, key)| key)
    }

    fn key_for(&self, method: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|(id, _)| id.as_deref().is_none_or(|id| id == method)).map(|(_, key)| key)
    }
}

/// A verified DID trust list, read.
#[derive(Debug, Clone)]
pub struct DidTrustList {
    /// The document's `id` (its DID).
    pub id: String,
    /// When the WHO signed it (`proof.created`).
    pub created: OffsetDateTime,
    /// The verification methods it lists.
    pub methods: usize,
    /// The usable signer keys.
    pub signers: Vec<SignerKey>,
    /// The DID references it lists (verification methods that are strings,
    /// as in the `trustlist-ref` documents), each with its position, in
    /// order; at most [`MAX_REFERENCE_LEN`] bytes each.
    pub references: Vec<(String, String)>,
    /// Methods not used, each with its position and reason.
    pub skipped: Vec<SkippedEntry>,
}

/// Verifies the document's proof with `anchor`, then reads its keys (see
/// the module documentation). `origin` names it in reports.
pub fn parse(origin: &str, bytes: &[u8], anchor: &Anchor) -> Result<DidTrustList, GdhcnError> {
    if bytes.len() > MAX_DOCUMENT_LEN {
        return Err(GdhcnError::TooLarge);
    }
    let value: Value = json::parse(bytes.trim_ascii_start(), MAX_DOCUMENT_LEN, MAX_DEPTH).map_err(GdhcnError::Json)?;
    let Value::Object(top) = &value else { return Err(GdhcnError::Shape("not a JSON object")) };
    let created = verify_proof(top, anchor)?;
    // Only verified content from here on.
    let id = match top.get("id") {
        Some(Value::String(id)) => crate::text::display_bounded(id, 500).into_owned(),
        _ => return Err(GdhcnError::Shape("no id")),
    };
    let methods = match top.get("verificationMethod") {
        Some(Value::Array(m)) => m.as_slice(),
        None => &[],
        Some(_) => return Err(GdhcnError::Shape("verificationMethod is not an array")),
    };
    if methods.len() > MAX_METHODS {
        return Err(GdhcnError::TooManyMethods { len: methods.len() });
    }
    // v2 ids end with the key usage: `…:trustlist:DCC:CHL:DSC`.
    let csca_list = id.rsplit(':').next() == Some("SCA");
    let mut signers = Vec::new();
    let mut references = Vec::new();
    let mut skipped = Vec::new();
    for (i, method) in methods.iter().enumerate() {
        let position = format!("{origin} verificationMethod {i}");
        if let Value::String(reference) = method {
            if reference.len() <= MAX_REFERENCE_LEN {
                references.push((position, reference.clone()));
            } else {
                skipped.push(SkippedEntry { position, reason: "a DID reference longer than the limit".into() });
            }
            continue;
        }
        let result = if csca_list {
            Err("an SCA (CSCA) list: its keys sign certificates, not health certificates".to_owned())
        } else {
            signer(method)
        };
        match result {
            Ok(key) => signers.push(key),
            Err(reason) => skipped.push(SkippedEntry { position, reason }),
        }
    }
    Ok(DidTrustList { id, created, methods: methods.len(), signers, references, skipped })
}

/// Checks the `JsonWebSignature2020` proof of `document`; its `created`.
fn verify_proof(document: &Map<String, Value>, anchor: &Anchor) -> Result<OffsetDateTime, GdhcnError> {
    let Some(Value::Object(proof)) = document.get("proof") else { return Err(GdhcnError::NoProof) };
    if proof.get("type").and_then(Value::as_str) != Some("JsonWebSignature2020") {
        return Err(GdhcnError::ProofType);
    }
    let created = proof
        .get("created")
        .and_then(Value::as_str)
        .and_then(crate::time_parse::rfc3339)
        .ok_or(GdhcnError::ProofType)?;
    let jws = proof.get("jws").and_then(Value::as_str).ok_or(GdhcnError::Jws(JwsError::Shape))?;
    let jws = DetachedJws::parse(jws).map_err(GdhcnError::Jws)?;
    if jws.alg != "ES256" {
        return Err(GdhcnError::Algorithm);
    }
    let method = proof.get("verificationMethod").and_then(Value::as_str).unwrap_or_default();
    let key = anchor.key_for(method).ok_or(GdhcnError::NoAnchorKey)?;
    let context = document.get("@context").cloned().ok_or(GdhcnError::Shape("no @context"))?;
    let whole = Value::Object(document.clone());
    let (unsigned, options) = jsonld::split_proof(&whole, context).ok_or(GdhcnError::NoProof)?;
    let input = jsonld::signing_input(&jws.header_b64, &options, &unsigned).map_err(GdhcnError::Canonicalization)?;
    match verify_p256_sha256(key, &input, &jws.signature) {
        Ok(()) => Ok(created),
        Err(SignatureError::KeyAlgorithmMismatch) => Err(GdhcnError::NoAnchorKey),
        Err(SignatureError::Malformed | SignatureError::Invalid) => Err(GdhcnError::BadSignature),
    }
}

/// One verification method as an EU DCC signer, or why it is skipped.
fn signer(method: &Value) -> Result<SignerKey, String> {
    let Value::Object(method) = method else { return Err("neither a key nor a DID reference".into()) };
    if method.get("type").and_then(Value::as_str) != Some("JsonWebKey2020") {
        return Err("not a JsonWebKey2020 method".into());
    }
    let x5c = match method.get("publicKeyJwk").and_then(|jwk| jwk.get("x5c")) {
        Some(Value::Array(x5c)) if !x5c.is_empty() => x5c,
        _ => return Err("its publicKeyJwk has no x5c certificate".into()),
    };
    if x5c.len() > MAX_X5C {
        return Err(format!("{} certificates in x5c is more than the limit of {MAX_X5C}", x5c.len()));
    }
    let first = x5c.first().and_then(Value::as_str).ok_or("x5c[0] is not text")?;
    if first.len() > MAX_CERTIFICATE_B64 {
        return Err("x5c[0] is larger than the certificate limit".into());
    }
    // x5c is standard base64 (RFC 7517 §4.7), not base64url.
    let der = base64::decode_lenient(first).ok_or("x5c[0] is not base64")?;
    if super::chain::is_ca_certificate(&der) == Some(true) {
        return Err("x5c[0] is a CA certificate (an SCA), not a document signer".into());
    }
    SignerKey::from_der(crate::formats::hcert::SCHEME, &der, None, None).map_err(|e| format!("x5c[0]: {}", e.0))
}

impl DidTrustList {
    /// The list as the complete signer set of `source`, issued at
    /// `proof.created`. Its DID references are reported as skipped: one
    /// document alone does not resolve them.
    pub fn into_update(self, source: SourceId) -> Update {
        let mut skipped = self.skipped;
        skipped.extend(self.references.into_iter().map(|(position, _)| SkippedEntry {
            position,
            reason: "a DID reference, not a key; an import does not resolve references (trust sync --source gdhcn=URL does)"
                .into(),
        }));
        Update {
            signers: SignerChange::Replace(self.signers.iter().filter_map(SignerRecord::of).collect()),
            skipped,
            ..Update::unchanged(source, SourceMeta { list_issued_at: Some(self.created), ..SourceMeta::default() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor() -> Anchor {
        Anchor::key(PublicKey::p256_from_sec1(&[4; 65]).unwrap())
    }

    #[test]
    fn an_unsigned_list_is_refused() {
        let doc = br#"{"@context": ["https://www.w3.org/ns/did/v1"], "id": "did:web:x", "verificationMethod": []}"#;
        assert!(matches!(parse("x", doc, &anchor()), Err(GdhcnError::NoProof)));
    }

    #[test]
    fn the_size_cap_comes_first() {
        let big = vec![b' '; MAX_DOCUMENT_LEN + 1];
        assert!(matches!(parse("x", &big, &anchor()), Err(GdhcnError::TooLarge)));
    }

    #[test]
    fn an_encoded_payload_jws_is_refused() {
        let doc = br#"{"@context": ["https://www.w3.org/ns/did/v1"], "id": "did:web:x",
            "proof": {"type": "JsonWebSignature2020", "created": "2024-08-09T12:00:15Z",
                      "verificationMethod": "did:web:w", "jws": "eyJhbGciOiJFUzI1NiJ9..AAAA"}}"#;
        assert!(matches!(parse("x", doc, &anchor()), Err(GdhcnError::Jws(JwsError::NotUnencoded))));
    }
}
