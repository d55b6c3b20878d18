//! Signers whose key material is a JSON Web Key, looked up by (scheme,
//! issuer, kid): read from the SMART Health Cards example issuer's JWKS in
//! the external test data, stored in SQLite and found again, and never
//! offered for another issuer or scheme.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::update::{SignerChange, SignerRecord};
use healthcert_core::trust::{KeyMaterial, KeyRef, KeyScheme, SignerKey, TrustStore};
use healthcert_test_support::fixtures::*;

const SCHEME: KeyScheme = KeyScheme::new("test-jwk");
const ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";

/// The example issuer's public keys, as JSON text each.
fn example_keys() -> Option<Vec<String>> {
    let path = external("smart-on-fhir+health-cards/gh-pages/examples/issuer/.well-known/jwks.json")?;
    let jwks: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    Some(jwks["keys"].as_array().unwrap().iter().map(|k| k.to_string()).collect())
}

#[test]
fn example_issuer_keys_are_read_with_their_thumbprint_kids() {
    let Some(keys) = example_keys() else { return };
    assert!(keys.len() >= 2);
    for jwk in &keys {
        let key = SignerKey::from_jwk(SCHEME, ISSUER, jwk).unwrap();
        let kid: serde_json::Value = serde_json::from_str(jwk).unwrap();
        assert_eq!(key.kid, kid["kid"].as_str().unwrap().as_bytes(), "the kid is the RFC 7638 thumbprint");
        assert_eq!(key.public_key.describe(), "P-256");
        assert_eq!(key.kid_text(), kid["kid"].as_str().unwrap());
    }
    // A kid that is not the key's thumbprint is refused.
    let mut forged: serde_json::Value = serde_json::from_str(&keys[0]).unwrap();
    let other: serde_json::Value = serde_json::from_str(&keys[1]).unwrap();
    forged["kid"] = other["kid"].clone();
    assert!(SignerKey::from_jwk(SCHEME, ISSUER, &forged.to_string()).is_err());
}

#[test]
fn jwk_signers_are_stored_and_found_by_issuer_and_kid() {
    let Some(keys) = example_keys() else { return };
    let now = reference_time();
    let records: Vec<SignerRecord> = keys
        .iter()
        .map(|jwk| {
            let key = SignerKey::from_jwk(SCHEME, ISSUER, jwk).unwrap();
            SignerRecord::new(SCHEME, Some(ISSUER.into()), key.kid, None, KeyMaterial::Jwk(jwk.clone()))
        })
        .collect();
    let kid = records[0].kid.clone();
    let mut forged = records[1].clone();
    forged.kid = kid.clone();
    let mut all = records.clone();
    all.push(forged);

    let (dir, path) = temp_database();
    let store = SqliteStore::open(&path).unwrap();
    let report = store
        .apply(
            &signers(source(healthcert_core::trust::SourceKind::Import, "jwks"), SignerChange::Replace(all), now),
            now,
        )
        .unwrap();
    assert_eq!(report.added, keys.len());
    assert_eq!(report.skipped.len(), 1, "a JWK listed under another key's kid is skipped: {:?}", report.skipped);

    let reopened = SqliteStore::open(&dir.path().join("trust.db")).unwrap();
    let found = |key: KeyRef| reopened.signers(&key).unwrap();
    let hit = found(KeyRef::IssuerKid { scheme: SCHEME, issuer: ISSUER.into(), kid: kid.clone() });
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0].material, Some(KeyMaterial::Jwk(keys[0].clone())));
    assert_eq!(hit[0].issuer.as_deref(), Some(ISSUER));
    assert!(
        found(KeyRef::IssuerKid { scheme: SCHEME, issuer: "https://other.example".into(), kid: kid.clone() })
            .is_empty()
    );
    assert!(found(KeyRef::Kid { scheme: SCHEME, kid: kid.clone() }).is_empty(), "an issuer's key needs its issuer");
    assert!(found(KeyRef::IssuerKid { scheme: KeyScheme::new("dcc"), issuer: ISSUER.into(), kid }).is_empty());
    assert_eq!(reopened.len(), keys.len());
}
