//! ICAO Visible Digital Seals for Non-Constrained environments (VDS-NC):
//! proof of vaccination (`icao.vacc`) and of testing (`icao.test`).
//!
//! A QR code holds the JSON `{"data": {"hdr": {t, v, is}, "msg": {…}},
//! "sig": {"alg", "cer", "sigvl"}}`:
//! - [`seal`]: the JSON read within size and depth limits (duplicate member
//!   names refused), its members checked;
//! - [`jcs`]: the signed bytes, RFC 8785 (JCS) of `data` as received;
//! - [`document`]: the seal as a [`Document`](super::Document) and its
//!   mapping to the normalized certificate.
//!
//! `sig.alg` is ES256, ES384 or ES512; `sig.sigvl` the raw `r‖s`
//! signature; `sig.cer` the barcode signer certificate (BSC), trusted only
//! when it chains to a country signing CA (CSCA) held under [`CSCA_SCHEME`]
//! ([`trust::chain`](crate::trust::chain)) and carries the critical VDS-NC
//! extended key usage ([`document::OID_VDS_NC_EKU`]).

pub mod document;
pub mod jcs;
pub mod seal;

pub use document::IcaoDocument;

use super::{Decoded, Detection, Failure, Format, FormatId, PrefixPolicy, SignedEnvelope, TimeClaims};
use crate::limits::Limits;
use crate::trust::{KeyRef, KeyScheme};

/// The format's name in verdicts.
pub const ID: FormatId = FormatId::new("icao-vds-nc");

/// Barcode signer certificates (the certificate a seal embeds).
pub const SCHEME: KeyScheme = KeyScheme::new("icao");

/// Country signing CAs of the ICAO health PKI, held under their country
/// and subject key identifier; never a seal's signer themselves.
pub const CSCA_SCHEME: KeyScheme = KeyScheme::new("icao-csca");

/// The ICAO VDS-NC format.
#[derive(Debug, Clone, Copy)]
pub struct Icao;

impl Format for Icao {
    fn id(&self) -> FormatId {
        ID
    }

    fn prefix(&self) -> &'static str {
        "{\"data\":…} (ICAO VDS-NC)"
    }

    /// A JSON object naming `data` and `sig`: no other format's payload
    /// starts with `{`.
    fn detect(&self, payload: &str, _policy: PrefixPolicy) -> Detection {
        if payload.trim_start().starts_with('{') && payload.contains("\"data\"") && payload.contains("\"sig\"") {
            Detection::Prefixed
        } else {
            Detection::No
        }
    }

    fn decode(&self, payload: &str, _policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure> {
        decode(payload, limits)
    }
}

/// Decodes a VDS-NC seal down to the signed envelope and the document.
pub fn decode(payload: &str, limits: &Limits) -> Result<Decoded, Failure> {
    let seal = seal::parse(payload.as_bytes(), limits)?;
    let signed_bytes = jcs::canonical(&seal.data)?;
    let document = IcaoDocument::new(seal.data, seal.certificate.clone());
    Ok(Decoded {
        format: ID,
        envelope: SignedEnvelope {
            algorithm: seal.algorithm,
            key: KeyRef::Embedded { scheme: SCHEME, certificate: seal.certificate, anchors: Some(CSCA_SCHEME) },
            key_origin: "sig.cer",
            signed_bytes,
            signature: seal.signature,
            issuer: document.issuing_state().map(str::to_owned),
            times: TimeClaims::default(),
        },
        document: Box::new(document),
        notes: Vec::new(),
    })
}
