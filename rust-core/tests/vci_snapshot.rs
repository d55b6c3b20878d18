//! The VCI directory snapshot of the real directory (external test data,
//! `the-commons-project+vci-directory`): its detached P-521 signature
//! verifies with the directory's anchor certificate; a copy with one byte
//! changed is refused before anything is read and leaves the store as it
//! was; after the import, its issuers' keys and revocation lists are held.
//! SHCQR1 of WHO's DDCC validator, a card of the spec's example issuer (not
//! in the directory), is `unknown` with this trust alone: it verifies with
//! the registries beside the snapshot (tests/real_world.rs).

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::sync::Arc;

use healthcert_core::crypto::{PublicKey, public_key_from_pem};
use healthcert_core::formats::shc;
use healthcert_core::model::{CheckKind, Outcome, Reason, Status};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::vci::{self, VciError};
use healthcert_core::trust::{KeyRef, SourceId, SourceKind, TrustStore};
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::fixtures::external;
use time::macros::datetime;

const DIR: &str = "the-commons-project+vci-directory";

/// The snapshot, its signature and the anchor key, when the data is there.
fn snapshot() -> Option<(Vec<u8>, Vec<u8>, PublicKey)> {
    let json = std::fs::read(external(&format!("{DIR}/logs/vci_snapshot.json"))?).unwrap();
    let sig = std::fs::read(external(&format!("{DIR}/logs/vci_snapshot.sig"))?).unwrap();
    let pem = std::fs::read_to_string(external(&format!("{DIR}/vci_snapshot.crt"))?).unwrap();
    Some((json, sig, public_key_from_pem(&pem).unwrap()))
}

fn source() -> SourceId {
    SourceId { kind: SourceKind::Vci, location: "vci_snapshot.json".into() }
}

#[test]
fn the_real_snapshot_verifies_and_its_issuers_keys_load() {
    let Some((json, sig, anchor)) = snapshot() else { return };
    assert_eq!(anchor.describe(), "P-521");
    let read = vci::parse("vci_snapshot.json", &json, &sig, &anchor).unwrap();
    assert_eq!(read.issuers, 651);
    assert_eq!(read.time, datetime!(2026-08-22 04:43:50 UTC));
    // 961 ES256 keys, two of which write a coordinate in 31 bytes.
    assert_eq!((read.signers.len(), read.skipped.len()), (959, 2), "{:?}", read.skipped);
    assert!(read.skipped.iter().all(|s| s.reason.contains("31 bytes")), "{:?}", read.skipped);
    assert_eq!(read.crls.len(), 6, "every revocation list of the snapshot reads");
    assert!(read.signers.iter().all(|s| s.scheme == shc::SCHEME && s.issuer.is_some()));
}

#[test]
fn one_changed_byte_refuses_the_whole_snapshot_and_stores_nothing() {
    let Some((json, sig, anchor)) = snapshot() else { return };
    let store = SqliteStore::open_in_memory().unwrap();
    let now = datetime!(2026-09-01 00:00 UTC);
    let before = store.status(now).unwrap();
    for at in [0, json.len() / 2, json.len() - 1] {
        let mut changed = json.clone();
        changed[at] ^= 0x01;
        let refused = vci::parse("copy.json", &changed, &sig, &anchor).unwrap_err();
        assert!(matches!(refused, VciError::BadSignature), "byte {at}: {refused}");
    }
    // A signature that is not one, and none at all, are refused the same way.
    for bad in [&b""[..], &sig[..sig.len() - 1], &[0u8; 132][..]] {
        assert!(matches!(vci::parse("s.json", &json, bad, &anchor), Err(VciError::BadSignature)));
    }
    // A P-256 key is not the anchor.
    let p256 = PublicKey::p256_from_sec1(&[4; 65]).unwrap();
    assert!(matches!(vci::parse("s.json", &json, &sig, &p256), Err(VciError::AnchorNotP521)));
    assert_eq!(store.status(now).unwrap(), before, "nothing was stored");
    assert_eq!(store.len(), 0);
}

#[test]
fn the_snapshot_holds_its_issuers_keys_and_lists() {
    let Some((json, sig, anchor)) = snapshot() else { return };
    let Some(qr) =
        external("WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources/SHCQR1Contents.txt")
    else {
        return;
    };
    let qr = std::fs::read_to_string(qr).unwrap().trim().to_owned();
    let store = SqliteStore::open_in_memory().unwrap();
    let now = datetime!(2026-09-01 00:00 UTC);
    let report = store.apply(&vci::parse("s.json", &json, &sig, &anchor).unwrap().into_update(source()), now).unwrap();
    assert_eq!((report.total, report.crls_stored), (959, 6));
    let status = store.status(now).unwrap();
    assert_eq!(status[0].list_issued_at, Some(datetime!(2026-08-22 04:43:50 UTC)), "the snapshot's time is kept");
    assert_eq!(status[0].age_seconds, Some((now - datetime!(2026-08-22 04:43:50 UTC)).whole_seconds()));

    // An older snapshot is refused as a rollback; the same one is accepted.
    let mut older = vci::parse("s.json", &json, &sig, &anchor).unwrap();
    older.time -= time::Duration::days(1);
    assert!(matches!(
        store.apply(&older.into_update(source()), now),
        Err(healthcert_core::Error::TrustRollback { .. })
    ));

    let store = Arc::new(store);
    let verifier = Verifier::new(Arc::clone(&store));
    // Issued 2021-06-01, no expiry; its issuer is not in the directory.
    let v = verifier.verify(&qr, &FixedClock(datetime!(2021-09-01 12:00 UTC))).unwrap();
    let check = |kind| v.checks.iter().find(|c| c.check == kind).map(|c| (c.outcome, c.reason)).unwrap();
    assert_eq!(check(CheckKind::Issuer), (Outcome::Fail, Reason::IssuerUnknown), "{:?}", v.checks);
    assert_eq!(v.status, Status::Unknown);
    // The CRLs are stored for their issuers' keys.
    let any = store
        .signers(&KeyRef::IssuerKid {
            scheme: shc::SCHEME,
            issuer: "https://myvaccinerecord.cdph.ca.gov/creds".into(),
            kid: b"7JvktUpf1_9NPwdM-70FJT3YdyTiSe2IvmVxxgDSRb0".to_vec(),
        })
        .unwrap();
    assert_eq!(any.len(), 1);
}
