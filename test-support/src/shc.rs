//! A SMART Health Card builder: a throwaway P-256 issuer with its JWK
//! (kid = RFC 7638 thumbprint), claims around a FHIR bundle, the compact
//! JWS (raw DEFLATE, ES256 `r‖s`) and its `shc:/` numeric form.
//!
//! The signing key is PUBLIC TEST MATERIAL (32 bytes of 11).

use std::io::Write as _;
use std::sync::LazyLock;

use healthcert_core::crypto::jwk_thumbprint;
use healthcert_core::formats::codec::base64;
use healthcert_core::formats::shc::{self, numeric};
use healthcert_core::trust::{MemoryStore, SignerKey};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};

/// The test issuer's URL.
pub const ISSUER: &str = "https://issuer.healthcert.test";

/// The test issuer's private key.
pub fn signing_key() -> &'static SigningKey {
    static KEY: LazyLock<SigningKey> = LazyLock::new(|| SigningKey::from_slice(&[11u8; 32]).expect("valid scalar"));
    &KEY
}

/// The test issuer's public JWK (`kty`, `crv`, `x`, `y`, `use`, `alg`,
/// `kid`).
pub fn jwk() -> Value {
    let point = signing_key().verifying_key().to_encoded_point(false);
    let mut jwk = json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256",
        "x": base64::encode_url(point.x().expect("uncompressed")),
        "y": base64::encode_url(point.y().expect("uncompressed")),
    });
    jwk["kid"] = jwk_thumbprint(&jwk).expect("a complete EC JWK").into();
    jwk
}

/// The test issuer's key identifier.
pub fn kid() -> String {
    jwk()["kid"].as_str().expect("text").to_owned()
}

/// The test issuer's JWKS, as a file holds it.
pub fn jwks() -> String {
    json!({ "keys": [jwk()] }).to_string()
}

/// A store trusting the test issuer.
pub fn store() -> MemoryStore {
    let key = SignerKey::from_jwk(shc::SCHEME, ISSUER, &jwk().to_string()).expect("the test JWK");
    MemoryStore::from_signers("shc test issuer", [key])
}

/// A vaccination card's FHIR bundle: a Patient and two Immunizations.
pub fn immunization_bundle() -> Value {
    json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "resource:0", "resource": {"resourceType": "Patient",
            "name": [{"family": "Testperson", "given": ["Erika"]}], "birthDate": "1964-08-12"}},
        {"fullUrl": "resource:1", "resource": {"resourceType": "Immunization", "status": "completed",
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
            "patient": {"reference": "resource:0"}, "occurrenceDateTime": "2026-01-01",
            "performer": [{"actor": {"display": "Test Clinic"}}], "lotNumber": "SECRETLOT"}},
        {"fullUrl": "resource:2", "resource": {"resourceType": "Immunization", "status": "completed",
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
            "patient": {"reference": "resource:0"}, "occurrenceDateTime": "2026-02-01"}}
    ]})
}

/// Claims of a card issued by [`ISSUER`] at `nbf` (Unix seconds) holding `bundle`.
pub fn claims(nbf: i64, bundle: Value) -> Value {
    json!({"iss": ISSUER, "nbf": nbf, "vc": {
        "type": ["https://smarthealth.cards#health-card"],
        "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": bundle}}})
}

/// Raw DEFLATE (RFC 1951).
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

/// A compact JWS of `claims` under `header`, signed by the test issuer.
pub fn sign_with_header(header: &Value, claims: &Value) -> String {
    sign_raw(header, claims.to_string().as_bytes())
}

/// A compact JWS of the claims text `claims` (any bytes, deflated) under
/// `header`, signed by the test issuer.
pub fn sign_raw(header: &Value, claims: &[u8]) -> String {
    let input =
        format!("{}.{}", base64::encode_url(header.to_string().as_bytes()), base64::encode_url(&deflate(claims)));
    let signature: Signature = signing_key().sign(input.as_bytes());
    format!("{input}.{}", base64::encode_url(&signature.to_bytes()))
}

/// A compact JWS of `claims` with the header SMART Health Cards require.
pub fn sign(claims: &Value) -> String {
    sign_with_header(&json!({"zip": "DEF", "alg": "ES256", "kid": kid()}), claims)
}

/// The `shc:/` numeric form of a JWS.
pub fn numeric(jws: &str) -> String {
    numeric::encode(jws).expect("a JWS is in the numeric alphabet")
}
