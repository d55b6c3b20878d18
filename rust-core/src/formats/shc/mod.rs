//! SMART Health Cards (`shc:/`, SMART Health Cards Framework 1.4).
//!
//! `shc:/` + numeric( JWS( header {alg ES256, zip DEF, kid},
//! raw-DEFLATE( JWT {iss, nbf, exp?, vc: {type, credentialSubject.fhirBundle}} ),
//! ES256 r‖s ) )
//!
//! - [`numeric`]: the `shc:/` digit pairs; a card too large for one QR
//!   code comes as several chunk codes, put back together by [`chunks`]
//!   first (the scan session does so across frames);
//! - [`jws`]: the compact JWS, its header, signature and inflated payload;
//! - [`card`]: the claims and the card as a [`Document`](super::Document);
//! - [`fhir`]: the FHIR bundle read, checked and mapped to the normalized
//!   certificate;
//! - [`file`](mod@file): the `.smart-health-card` file and the FHIR
//!   `$health-cards-issue` response, each holding the cards' JWSs;
//! - [`validate`]: a developer validator listing every finding with the SMART
//!   Health Cards dev tools' codes (never on the verification path), with
//!   [`schema_subset`] for the FHIR R4 JSON schema's element checks.
//!
//! The signer is the issuer's key named by `iss` and the header's `kid`
//! (an RFC 7638 thumbprint), imported from the issuer's JWKS
//! ([`trust::file::parse_jwks`](crate::trust::file::parse_jwks)).
//! Revocation: the card's `vc.rid` is its revocation key; the issuer's
//! revocation list for the signer's key ([`trust::crl`](crate::trust::crl)),
//! when the store holds one, is checked by the verdict's `revocation` check.

pub mod card;
pub mod chunks;
pub mod fhir;
pub mod file;
pub mod jws;
mod lenient;
pub mod numeric;
pub mod schema_subset;
pub mod validate;

pub use card::ShcDocument;
pub use chunks::{ChunkProgress, MAX_CHUNKS, ShcChunks};

use super::{Decoded, Detection, Failure, Format, FormatId, PrefixPolicy, SignedEnvelope, TimeClaims};
use crate::limits::Limits;
use crate::trust::{KeyRef, KeyScheme};

/// The format's name in verdicts.
pub const ID: FormatId = FormatId::new("shc");

/// SMART Health Card issuer keys, looked up by issuer (`iss`) and kid.
pub const SCHEME: KeyScheme = KeyScheme::new("shc");

/// The key reference of an issuer's key.
pub fn issuer_kid_ref(issuer: &str, kid: &str) -> KeyRef {
    KeyRef::IssuerKid { scheme: SCHEME, issuer: issuer.to_owned(), kid: kid.as_bytes().to_vec() }
}

/// The SMART Health Cards format.
#[derive(Debug, Clone, Copy)]
pub struct Shc;

/// Whether `text` looks like a bare compact JWS with a JSON header
/// (`eyJ…`, base64url of `{"`): three parts of the base64url alphabet.
fn is_bare_jws(text: &str) -> bool {
    text.starts_with("eyJ")
        && text.split('.').count() == 3
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl Format for Shc {
    fn id(&self) -> FormatId {
        ID
    }

    fn prefix(&self) -> &'static str {
        numeric::PREFIX
    }

    /// `shc:` in any case is this format's (chunks included, which decoding
    /// then names precisely); with [`PrefixPolicy::Optional`], a bare
    /// compact JWS (a `.smart-health-card` file's entry) is too.
    fn detect(&self, payload: &str, policy: PrefixPolicy) -> Detection {
        if payload.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("shc:")) {
            Detection::Prefixed
        } else if policy == PrefixPolicy::Optional && is_bare_jws(payload) {
            Detection::Bare
        } else {
            Detection::No
        }
    }

    fn decode(&self, payload: &str, policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure> {
        decode(payload, policy, limits)
    }
}

/// Decodes a `shc:/` payload (or, as `policy` allows, a bare compact JWS)
/// down to the signed envelope and the card.
pub fn decode(payload: &str, policy: PrefixPolicy, limits: &Limits) -> Result<Decoded, Failure> {
    if policy == PrefixPolicy::Optional && is_bare_jws(payload) {
        let mut decoded = decode_jws(payload, limits)?;
        decoded.notes.push("no shc:/ prefix; read as a compact JWS".to_owned());
        return Ok(decoded);
    }
    let jws = numeric::decode(payload, limits.max_jws_len)?;
    decode_jws(&jws, limits)
}

/// Decodes a compact JWS holding a SMART Health Card.
pub fn decode_jws(text: &str, limits: &Limits) -> Result<Decoded, Failure> {
    let jws = jws::parse(text, limits)?;
    let claims = card::parse_claims(&jws.claims, limits)?;
    let (key, key_origin) = match &jws.kid {
        Some(kid) => (issuer_kid_ref(&claims.iss, kid), "JWS header"),
        None => (KeyRef::Missing { scheme: SCHEME }, "the JWS header has no kid"),
    };
    Ok(Decoded {
        format: ID,
        envelope: SignedEnvelope {
            algorithm: jws.algorithm,
            key,
            key_origin,
            signed_bytes: jws.signing_input,
            signature: jws.signature,
            issuer: Some(claims.iss),
            times: TimeClaims { issued_at: claims.nbf, not_before: claims.nbf, expires_at: claims.exp },
        },
        document: Box::new(claims.vc),
        notes: Vec::new(),
    })
}
