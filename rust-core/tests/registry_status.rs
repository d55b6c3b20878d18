//! What a trust registry says of a key decides the `issuer` check: a
//! registry (PathCheck layout) listing the test signer's key as `current`,
//! `terminated`, `revoked` or `expired` is imported into the SQLite store,
//! and a certificate that key signed is valid, `SIGNER_TERMINATED`,
//! `SIGNER_REVOKED` or `SIGNER_EXPIRED` — never an unknown issuer. A bare
//! key takes the entry's validity (`validFromDT`, `validUntilDT`). The real
//! registry's terminated and revoked entries are loaded with their status.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::model::{CheckKind, Outcome, Reason, Status};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::update::{SignerChange, SignerRecord, SourceMeta, Update};
use healthcert_core::trust::{KeyStatus, SourceId, SourceKind, file};
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::fixtures::external;
use healthcert_test_support::hc1;
use p256::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::json;
use time::OffsetDateTime;

/// The verdict of the test certificate with the test key listed under
/// `status` (and `entry`'s other members) in a registry imported into a
/// SQLite store.
fn issuer_check(status: &str, extra: serde_json::Value) -> (Status, Outcome, Reason, String) {
    let pem = hc1::signing_key().verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
    let mut entry = json!({"status": status, "didDocument": pem, "credentialType": ["v"]});
    entry.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let kid = healthcert_core::formats::codec::base64::encode(&hc1::KID);
    let registry = json!({"EUDCC": {kid: entry}});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.json");
    std::fs::write(&path, registry.to_string()).unwrap();
    let (signers, report) = file::load_signers(&path).unwrap();
    assert_eq!((signers.len(), report.skipped.len()), (1, 0), "{:?}", report.skipped);

    let store = SqliteStore::open_in_memory().unwrap();
    let now = OffsetDateTime::from_unix_timestamp(hc1::NOW).unwrap();
    let records = signers.iter().filter_map(SignerRecord::of).collect();
    let source = SourceId { kind: SourceKind::Import, location: "registry.json".into() };
    let update = Update { signers: SignerChange::Replace(records), ..Update::unchanged(source, SourceMeta::default()) };
    store.apply(&update, now).unwrap();

    let qr = hc1::hc1(&hc1::cose(hc1::cbor(&hc1::valid_claims())));
    let v = Verifier::new(store).verify(&qr, &FixedClock(now)).unwrap();
    let signature = v.checks.iter().find(|c| c.check == CheckKind::Signature).unwrap();
    assert_eq!(signature.outcome, Outcome::Pass, "the listed key verifies the signature: {:?}", v.checks);
    let c = v.checks.iter().find(|c| c.check == CheckKind::Issuer).unwrap();
    (v.status, c.outcome, c.reason, c.detail.clone())
}

#[test]
fn each_status_has_its_own_issuer_result() {
    let (verdict, outcome, reason, _) = issuer_check("current", json!({}));
    assert_eq!((verdict, outcome, reason), (Status::Valid, Outcome::Pass, Reason::Ok));
    for (status, reason) in [
        ("terminated", Reason::SignerTerminated),
        ("revoked", Reason::SignerRevoked),
        ("expired", Reason::SignerExpired),
    ] {
        let (verdict, outcome, got, detail) = issuer_check(status, json!({}));
        assert_eq!((verdict, outcome, got), (Status::Invalid, Outcome::Fail, reason), "{status}: {detail}");
        assert!(detail.contains("trust registry lists the key as"), "{detail}");
    }
}

#[test]
fn a_bare_key_takes_the_validity_its_entry_declares() {
    // The certificate is verified at hc1::NOW (2026-09-01T12:00:00Z).
    let (verdict, _, reason, _) = issuer_check("current", json!({"validUntilDT": "2026-01-01T00:00:00.000Z"}));
    assert_eq!((verdict, reason), (Status::Invalid, Reason::SignerExpired));
    let (verdict, _, reason, _) = issuer_check("current", json!({"validFromDT": "2027-01-01T00:00:00.000Z"}));
    assert_eq!((verdict, reason), (Status::Invalid, Reason::SignerNotYetValid));
    let (verdict, _, reason, _) = issuer_check(
        "current",
        json!({"validFromDT": "2022-06-14T14:14:08.000Z", "validUntilDT": "2030-06-13T14:14:08.000Z"}),
    );
    assert_eq!((verdict, reason), (Status::Valid, Reason::Ok));
}

#[test]
fn the_real_registry_keeps_its_terminated_and_revoked_keys_with_their_status() {
    let Some(path) = external("Path-Check+trust-registry/registry.json") else { return };
    let (signers, _) = file::load_signers(&path).unwrap();
    let count = |s: KeyStatus| signers.iter().filter(|k| k.status == s).count();
    // 63 EU DCC entries are terminated, 5 SMART Health Card keys revoked
    // (some may be unusable keys, reported as skipped).
    assert!(count(KeyStatus::Terminated) > 50, "{}", count(KeyStatus::Terminated));
    assert!(count(KeyStatus::Revoked) >= 1, "{}", count(KeyStatus::Revoked));
    assert!(count(KeyStatus::Current) > 1000);
}
