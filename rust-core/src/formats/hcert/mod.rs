//! HC1: the EU Digital COVID Certificate (hcert spec, `hcert_spec.md`).
//!
//! `HC1:` + base45( zlib( COSE_Sign1( CWT { iss, iat, exp, -260: { 1: DCC } } ) ) )
//!
//! Each layer has its own function so that callers (the conformance runner,
//! the fuzz targets) can enter at any stage; [`decode`] runs them all.

mod cbor;
pub mod cose;
pub mod cwt;
mod dcc;
pub mod schema;
pub mod transport;

pub use dcc::HcertDocument;

use super::{Decoded, Failure, FormatId, PrefixPolicy, SignedEnvelope};
use crate::limits::Limits;

/// Whether `text` is an HC1 payload.
pub fn detect(text: &str, policy: PrefixPolicy) -> bool {
    transport::looks_like(text, policy)
}

/// Decodes an HC1 payload (text, with or without the `HC1:` prefix as
/// `policy` allows) down to the signed envelope and the DCC.
pub fn decode(text: &str, policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure> {
    let (body, had_prefix) = transport::strip_prefix(text, policy)?;
    let compressed = transport::base45(body)?;
    let cose = transport::inflate(&compressed, limits.max_inflated_len)?;
    let mut decoded = decode_cose(&cose, limits)?;
    if !had_prefix {
        decoded.notes.push("no HC1: prefix; read as bare base45".to_owned());
    }
    Ok(decoded)
}

/// Decodes a COSE_Sign1 message holding an HC1 CWT.
pub fn decode_cose(bytes: &[u8], limits: &Limits) -> Result<Decoded, Failure> {
    let sign1 = cose::parse(bytes, limits)?;
    let claims = cwt::parse(sign1.payload, limits)?;
    Ok(Decoded {
        format: FormatId::Hcert,
        envelope: SignedEnvelope {
            algorithm: sign1.algorithm,
            key_id: sign1.kid,
            key_id_location: sign1.kid_location,
            signed_bytes: sign1.to_be_signed,
            signature: sign1.signature.to_vec(),
            issuer: claims.iss,
            issued_at: claims.iat,
            expires_at: claims.exp,
        },
        document: Box::new(HcertDocument::new(claims.dcc)),
        notes: Vec::new(),
    })
}

/// Reads a DCC from CBOR: either the DCC map itself or a whole CWT claims
/// set (whose `hcert` claim is then taken), mapped to JSON.
pub fn dcc_from_cbor(bytes: &[u8], limits: &Limits) -> Result<serde_json::Value, Failure> {
    use crate::model::Reason;
    if let Ok(claims) = cwt::parse(bytes, limits) {
        return Ok(claims.dcc);
    }
    cbor::json(bytes, limits.max_cbor_depth)
        .map_err(|e| e.into_failure(Reason::HcertMalformed, "DCC CBOR", limits.max_cbor_depth))
}
