//! COSE_Sign1 (RFC 8152 §4.2) as HC1 uses it: tagged (18), untagged, or
//! wrapped in the CWT tag (61, RFC 8392 §6).

use ciborium::Value;
use coset::{AsCborValue as _, CoseSign1, RegisteredLabelWithPrivate};

use super::cbor;
use crate::crypto::SignatureAlgorithm;
use crate::formats::{DeclaredAlgorithm, Failure};
use crate::limits::Limits;
use crate::model::Reason;

const TAG_COSE_SIGN1: u64 = 18;
const TAG_COSE_SIGN: u64 = 98;
const TAG_CWT: u64 = 61;

/// A parsed COSE_Sign1 message, reduced to what verification needs.
#[derive(Debug, Clone)]
pub struct Sign1 {
    /// The declared algorithm (protected header).
    pub algorithm: DeclaredAlgorithm,
    /// The key identifier, when present.
    pub kid: Option<Vec<u8>>,
    /// `"protected header"` or `"unprotected header"`.
    pub kid_location: &'static str,
    /// The payload (the CWT claims set).
    pub payload: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
    /// The `Sig_structure` the signature covers (RFC 8152 §4.4).
    pub to_be_signed: Vec<u8>,
}

/// Parses a COSE_Sign1 structure.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Sign1, Failure> {
    let mut value = cbor::parse(bytes, limits.max_cbor_depth, Reason::CoseMalformed, "COSE message")?;
    let mut seen_cwt = false;
    let mut seen_sign1 = false;
    while let Value::Tag(tag, inner) = value {
        match tag {
            TAG_CWT if !seen_cwt && !seen_sign1 => seen_cwt = true,
            TAG_COSE_SIGN1 if !seen_sign1 => seen_sign1 = true,
            TAG_COSE_SIGN => {
                return Err(Failure::new(Reason::CoseMalformed, "COSE_Sign (several signers) is not used by HC1"));
            }
            other => {
                return Err(Failure::new(
                    Reason::CoseMalformed,
                    format!("unexpected CBOR tag {other} around the COSE message"),
                ));
            }
        }
        value = *inner;
    }
    if !matches!(&value, Value::Array(a) if a.len() == 4) {
        return Err(Failure::new(
            Reason::CoseMalformed,
            format!("COSE_Sign1 must be an array of 4 items, found a {}", cbor::type_name(&value)),
        ));
    }
    let msg = CoseSign1::from_cbor_value(value)
        .map_err(|e| Failure::new(Reason::CoseMalformed, format!("not a COSE_Sign1 structure: {e}")))?;

    // RFC 8152 §3.1 allows `alg` in either bucket (protected recommended);
    // the dgc-testdata case CO20 carries it unprotected. The key type limits
    // what a tampered unprotected `alg` could select.
    let alg = msg.protected.header.alg.as_ref().or(msg.unprotected.alg.as_ref());
    let algorithm = match alg {
        None => DeclaredAlgorithm::Missing,
        Some(RegisteredLabelWithPrivate::Assigned(a)) => {
            let id = *a as i64;
            SignatureAlgorithm::from_cose(id)
                .map(DeclaredAlgorithm::Supported)
                .unwrap_or_else(|| DeclaredAlgorithm::Unsupported(format!("{a:?} ({id})")))
        }
        Some(RegisteredLabelWithPrivate::PrivateUse(id)) => DeclaredAlgorithm::Unsupported(id.to_string()),
        Some(RegisteredLabelWithPrivate::Text(t)) => DeclaredAlgorithm::Unsupported(format!("{t:?}")),
    };

    // hcert spec §3.3.3: the kid may sit in either header; "if both options
    // are present, the Key Identifier in the protected header MUST be used".
    let (kid, kid_location) = if !msg.protected.header.key_id.is_empty() {
        (Some(msg.protected.header.key_id.clone()), "protected header")
    } else if !msg.unprotected.key_id.is_empty() {
        (Some(msg.unprotected.key_id.clone()), "unprotected header")
    } else {
        (None, "none")
    };

    let to_be_signed = msg.tbs_data(&[]);
    let payload = msg.payload.ok_or_else(|| Failure::new(Reason::CoseMalformed, "the payload is detached (nil)"))?;
    Ok(Sign1 { algorithm, kid, kid_location, payload, signature: msg.signature, to_be_signed })
}
