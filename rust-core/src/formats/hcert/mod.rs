//! HC1: the EU Digital COVID Certificate (hcert spec, `hcert_spec.md`), and
//! the WHO DDCC in the same transport ([`ddcc`]).
//!
//! `HC1:` + base45( zlib( COSE_Sign1( CWT { iss, iat, exp, -260: { 1: DCC } } ) ) )
//!
//! Each layer has its own function so that callers (the conformance runner,
//! the fuzz targets) can enter at any stage: with the `stages` feature they
//! are public ([`decode`] runs them all).

/// Declares the decoding stages: public with the `stages` feature, private
/// (and partly unused) without.
macro_rules! stages {
    ($($module:ident),*) => {$(
        #[cfg(feature = "stages")]
        pub mod $module;
        #[cfg(not(feature = "stages"))]
        #[allow(dead_code, unreachable_pub)]
        mod $module;
    )*};
}

stages!(cose, cwt, schema, transport);
mod dcc;
pub mod ddcc;
mod key_usage;

pub use dcc::HcertDocument;
pub use ddcc::DdccDocument;
pub use key_usage::dcc_types;

use super::{Decoded, Detection, Failure, Format, FormatId, PrefixPolicy, SignedEnvelope, TimeClaim, TimeClaims};

use crate::limits::Limits;
use crate::trust::{KeyRef, KeyScheme};

/// The format's name in verdicts.
pub const ID: FormatId = FormatId::new("hcert");

/// EU DCC document signers, looked up by the 8-byte COSE kid (hcert spec
/// A.1: the first 8 bytes of the SHA-256 of the signer certificate).
pub const SCHEME: KeyScheme = KeyScheme::new("dcc");

/// The key reference of an EU DCC key identifier.
pub fn kid_ref(kid: &[u8]) -> KeyRef {
    KeyRef::Kid { scheme: SCHEME, kid: kid.to_vec() }
}

/// The HC1 format.
#[derive(Debug, Clone, Copy)]
pub struct Hcert;

impl Format for Hcert {
    fn id(&self) -> FormatId {
        ID
    }

    fn prefix(&self) -> &'static str {
        transport::PREFIX
    }

    fn detect(&self, payload: &str, policy: PrefixPolicy) -> Detection {
        transport::detect(payload, policy)
    }

    fn decode(&self, payload: &str, policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure> {
        decode(payload, policy, limits)
    }
}

/// Decodes an HC1 payload (text, with or without the `HC1:` prefix as
/// `policy` allows) down to the signed envelope and the DCC.
pub fn decode(text: &str, policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure> {
    let (body, had_prefix) = transport::strip_prefix(text, policy)?;
    let compressed = transport::base45(body)?;
    let cose = transport::inflate(&compressed, limits.max_inflated_len)?;
    let mut decoded = cose_to_decoded(&cose, limits)?;
    if !had_prefix {
        decoded.notes.push("no HC1: prefix; read as bare base45".to_owned());
    }
    Ok(decoded)
}

/// Decodes a COSE_Sign1 message holding an HC1 CWT.
#[cfg(feature = "stages")]
pub fn decode_cose(bytes: &[u8], limits: &Limits) -> Result<Decoded, Failure> {
    cose_to_decoded(bytes, limits)
}

fn cose_to_decoded(bytes: &[u8], limits: &Limits) -> Result<Decoded, Failure> {
    let sign1 = cose::parse(bytes, limits)?;
    let claims = cwt::parse(sign1.payload, limits)?;
    let (key, key_origin) = match sign1.kid {
        Some(kid) => (KeyRef::Kid { scheme: SCHEME, kid }, sign1.kid_location),
        None => (KeyRef::Missing { scheme: SCHEME }, "neither COSE header carries a key identifier"),
    };
    let mut times = TimeClaims { issued_at: claims.iat, expires_at: claims.exp, ..TimeClaims::default() };
    let mut notes = Vec::new();
    let (format, document): (FormatId, Box<dyn super::Document>) = match claims.content {
        cwt::Content::EuDcc(dcc) => (ID, Box::new(HcertDocument::new(dcc))),
        cwt::Content::WhoDdcc { data, key } => {
            let document = DdccDocument::new(data, key);
            if key.is_none() {
                // No CWT claims: the signed data set's own validity period.
                let (from, until) = document.validity_period();
                times.not_before = from.map_or(TimeClaim::Absent, TimeClaim::At);
                times.expires_at = until.map_or(TimeClaim::Absent, TimeClaim::At);
                notes.push("a WHO DDCC without CWT claims; validity from its valid_from and valid_until".to_owned());
            }
            (ddcc::ID, Box::new(document))
        }
    };
    Ok(Decoded {
        format,
        envelope: SignedEnvelope {
            algorithm: sign1.algorithm,
            key,
            key_origin,
            signed_bytes: sign1.to_be_signed,
            signature: sign1.signature.to_vec(),
            issuer: claims.iss,
            times,
        },
        document,
        notes,
    })
}

/// Reads a DCC from CBOR: either the DCC map itself or a whole CWT claims
/// set (whose `hcert` claim is then taken), mapped to JSON.
#[cfg(feature = "stages")]
pub fn dcc_from_cbor(bytes: &[u8], limits: &Limits) -> Result<serde_json::Value, Failure> {
    use crate::model::Reason;
    if let Ok(cwt::Claims { content: cwt::Content::EuDcc(dcc), .. }) = cwt::parse(bytes, limits) {
        return Ok(dcc);
    }
    crate::formats::codec::cbor::json(bytes, limits.max_cbor_depth, schema::is_known_key)
        .map_err(|e| e.into_failure(Reason::HcertMalformed, "DCC CBOR", limits.max_cbor_depth))
}
