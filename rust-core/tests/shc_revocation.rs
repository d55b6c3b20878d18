//! SMART Health Card revocation against the spec's published examples
//! (external test data, `smart-on-fhir+health-cards/gh-pages/examples`):
//! with only the example issuer's JWKS held, every example is valid and the
//! revocation check does not apply; with the gh-pages CRL of key
//! `3Kfdg-…` held (in memory and in SQLite), example 03 (`rid`
//! `vwAjHdarZuc`, `nbf` 1687450764.657, listed as `vwAjHdarZuc.1687450765`)
//! is invalid with `REVOKED` and the others stay valid. A timestamp at or
//! before the card's issue second does not revoke it, one after it and a
//! bare rid do; a lower `ctr` is refused. The dev tools' `badcrl` lists are
//! refused with their defect.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::{Path, PathBuf};

use healthcert_core::error::TrustFormatReason;
use healthcert_core::formats::{PrefixPolicy, shc};
use healthcert_core::model::Outcome;
use healthcert_core::trust::crl::{self, CrlError};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::{Crl, MemoryStore, TrustStore, file};
use healthcert_core::{CheckKind, Error, FixedClock, Reason, Status, Verdict, Verifier, VerifyOptions};
use healthcert_test_support::testdata::{self, SHC_EXAMPLE_ISSUER, SHC_EXAMPLES_NOW};

const KID: &str = "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s";
/// Example 03's `vc.rid`.
const RID_03: &str = "vwAjHdarZuc";
/// Example 03's `nbf` (1687450764.657), in whole seconds.
const NBF_03: i64 = 1_687_450_764;

fn clock() -> FixedClock {
    FixedClock::from_unix(SHC_EXAMPLES_NOW).unwrap()
}

fn jwks_store(examples: &Path) -> MemoryStore {
    let (signers, _) = file::load_jwks(&examples.join("issuer/.well-known/jwks.json"), SHC_EXAMPLE_ISSUER).unwrap();
    MemoryStore::from_signers("example issuer", signers)
}

fn crl_path(examples: &Path) -> PathBuf {
    examples.join(format!("issuer/.well-known/crl/{KID}.json"))
}

fn example_crl(examples: &Path) -> Crl {
    let path = crl_path(examples);
    file::parse_crl(&path.display().to_string(), &std::fs::read(&path).unwrap(), SHC_EXAMPLE_ISSUER).unwrap()
}

fn jws(examples: &Path, n: u32) -> String {
    std::fs::read_to_string(examples.join(format!("example-0{n}-d-jws.txt"))).unwrap().trim().to_owned()
}

fn verify<S: TrustStore>(store: S, payload: &str) -> Verdict {
    let options = VerifyOptions { prefix: PrefixPolicy::Optional, ..VerifyOptions::default() };
    Verifier::with_options(store, options).verify(payload, &clock()).unwrap()
}

fn revocation(v: &Verdict) -> (Outcome, Reason, String) {
    let c = v.check(CheckKind::Revocation).unwrap();
    (c.outcome, c.reason, c.detail.clone())
}

#[test]
fn example_03_is_revoked_once_the_example_crl_is_held() {
    let Some(examples) = testdata::shc_examples() else { return };
    let crl = example_crl(&examples);
    assert_eq!((crl.kid.as_str(), crl.ctr, crl.len()), (KID, 1, 4));

    // Only the JWKS: valid, revocation not applicable (no list held).
    for n in 0..4 {
        let v = verify(jwks_store(&examples), &jws(&examples, n));
        assert_eq!(v.status, Status::Valid, "example {n}: {:#?}", v.checks);
        let (outcome, reason, detail) = revocation(&v);
        assert_eq!((outcome, reason), (Outcome::Skipped, Reason::NotApplicable), "example {n}");
        if n != 1 {
            assert!(detail.contains("no revocation list held for this key"), "example {n}: {detail}");
        }
    }

    let mut memory = jwks_store(&examples);
    memory.insert_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, crl.clone()).unwrap();
    let sqlite = SqliteStore::open_in_memory().unwrap();
    let now = healthcert_core::Clock::now(&clock());
    sqlite.import_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, &crl, now).unwrap();
    let (signers, _) = file::load_jwks(&examples.join("issuer/.well-known/jwks.json"), SHC_EXAMPLE_ISSUER).unwrap();
    let update = healthcert_core::trust::Update {
        signers: healthcert_core::trust::update::SignerChange::Replace(
            signers.iter().filter_map(healthcert_core::trust::update::SignerRecord::of).collect(),
        ),
        ..healthcert_core::trust::Update::unchanged(
            healthcert_core::trust::SourceId {
                kind: healthcert_core::trust::SourceKind::Import,
                location: "jwks.json".into(),
            },
            healthcert_core::trust::update::SourceMeta::default(),
        )
    };
    sqlite.apply(&update, now).unwrap();
    let sqlite = std::sync::Arc::new(sqlite);

    let by_memory = move |p: &str| verify(memory.clone(), p);
    let by_sqlite = move |p: &str| verify(std::sync::Arc::clone(&sqlite), p);
    for store in [Box::new(by_memory) as Box<dyn Fn(&str) -> Verdict>, Box::new(by_sqlite)] {
        let v = store(&jws(&examples, 3));
        assert_eq!(v.status, Status::Invalid, "{:#?}", v.checks);
        let (outcome, reason, detail) = revocation(&v);
        assert_eq!((outcome, reason), (Outcome::Fail, Reason::Revoked));
        assert!(detail.contains("ctr 1") && detail.contains(KID) && !detail.contains(RID_03), "{detail}");
        let failed: Vec<CheckKind> = v.failures().map(|c| c.check).collect();
        assert_eq!(failed, [CheckKind::Revocation], "only the revocation check fails");
        // The QR code of example 03 too.
        let qr = std::fs::read_to_string(examples.join("example-03-f-qr-code-numeric-value-0.txt")).unwrap();
        assert_eq!(revocation(&store(qr.trim())).1, Reason::Revoked);

        for n in [0, 2] {
            let v = store(&jws(&examples, n));
            assert_eq!(v.status, Status::Valid, "example {n}: {:#?}", v.checks);
            assert_eq!(revocation(&v).0, Outcome::Pass, "example {n}: signed with the listed key, not listed");
        }
        // Example 01 carries no rid.
        let v = store(&jws(&examples, 1));
        assert_eq!(v.status, Status::Valid);
        assert_eq!(revocation(&v).1, Reason::NotApplicable);
    }
}

#[test]
fn a_timestamp_revokes_cards_issued_before_it_a_bare_rid_always() {
    let Some(examples) = testdata::shc_examples() else { return };
    let card = jws(&examples, 3);
    let with = |entry: String, ctr: u64| {
        let mut store = jwks_store(&examples);
        let body = format!(r#"{{"kid":"{KID}","method":"rid","ctr":{ctr},"rids":["{entry}"]}}"#);
        store.insert_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, crl::parse(body.as_bytes()).unwrap()).unwrap();
        verify(store, &card)
    };
    // nbf 1687450764.657: a list stamped 1687450765 revokes it (not rounded
    // up), one stamped 1687450764 (at its second) or earlier does not.
    for (stamp, revoked) in [(NBF_03 + 1, true), (NBF_03 + 3600, true), (NBF_03, false), (NBF_03 - 1, false)] {
        let v = with(format!("{RID_03}.{stamp}"), 1);
        let expected = if revoked { (Outcome::Fail, Reason::Revoked) } else { (Outcome::Pass, Reason::Ok) };
        let (outcome, reason, _) = revocation(&v);
        assert_eq!((outcome, reason), expected, "rid.{stamp}");
        assert_eq!(v.status, if revoked { Status::Invalid } else { Status::Valid }, "rid.{stamp}");
    }
    assert_eq!(revocation(&with(RID_03.to_owned(), 1)).1, Reason::Revoked, "a bare rid");
    assert_eq!(revocation(&with("AAAAAAAAAAA".to_owned(), 1)).1, Reason::Ok, "another rid");

    // A list for another key of the issuer says nothing about this card.
    let mut store = jwks_store(&examples);
    let other = format!(r#"{{"kid":"other","method":"rid","ctr":1,"rids":["{RID_03}"]}}"#);
    store.insert_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, crl::parse(other.as_bytes()).unwrap()).unwrap();
    assert_eq!(revocation(&verify(store, &card)).1, Reason::NotApplicable);

    // A signature that does not verify: the revocation check depends on it.
    let mut tampered = card.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let mut store = jwks_store(&examples);
    store.insert_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, example_crl(&examples)).unwrap();
    let v = verify(store, std::str::from_utf8(&tampered).unwrap());
    assert_ne!(v.check(CheckKind::Signature).unwrap().outcome, Outcome::Pass);
    assert_eq!(revocation(&v).1, Reason::DependencyFailed);
}

#[test]
fn a_lower_ctr_is_refused_and_the_held_list_kept() {
    let Some(examples) = testdata::shc_examples() else { return };
    let mut store = jwks_store(&examples);
    let list = |ctr: &str, rid: &str| {
        crl::parse(format!(r#"{{"kid":"{KID}","method":"rid","ctr":{ctr},"rids":["{rid}"]}}"#).as_bytes()).unwrap()
    };
    store.insert_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, list("\"5\"", RID_03)).unwrap();
    match store.insert_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, list("4", "AAAA")) {
        Err(Error::CrlRollback { held: 5, offered: 4, .. }) => {}
        other => panic!("expected a rollback refusal, got {other:?}"),
    }
    assert_eq!(revocation(&verify(store.clone(), &jws(&examples, 3))).1, Reason::Revoked, "the ctr 5 list is kept");
    store.insert_crl(shc::SCHEME, SHC_EXAMPLE_ISSUER, list("6", "AAAA")).unwrap();
    assert_eq!(revocation(&verify(store, &jws(&examples, 3))).1, Reason::Ok, "a newer list replaces it");
}

#[test]
fn the_dev_tools_bad_crls_are_refused_with_their_defect() {
    let Some(dir) = testdata::require("smart-on-fhir+health-cards-dev-tools/testdata/badcrl") else { return };
    let kid = "hrvC0uzB16UXK83BnPo7Glg685b1D6iYOyJd5hpRaAA";
    let read = |case: &str| {
        let path = dir.join(format!("{case}/.well-known/crl/{kid}.json"));
        file::parse_crl(case, &std::fs::read(&path).unwrap(), "https://issuer.example")
    };
    let defect = |case: &str| match read(case) {
        Err(Error::TrustFormat { reason: TrustFormatReason::Crl(e), .. }) => e,
        other => panic!("{case}: expected a refusal, got {other:?}"),
    };
    assert_eq!(defect("duplicate-rid"), CrlError::DuplicateRid { index: 2 });
    assert_eq!(defect("invalid-method"), CrlError::MethodUnsupported);
    assert!(matches!(defect("non-base64url-rid"), CrlError::EntryInvalid { index: 1, .. }));
    assert!(matches!(defect("too-long-rid"), CrlError::EntryInvalid { index: 1, .. }));
    // Its defect is the key's `crlVersion` (1) against the list's ctr (2):
    // the list itself is well formed.
    assert_eq!(read("version-mismatch").unwrap().ctr, 2);
    assert!(defect("duplicate-rid").to_string().contains("entry 2"));
    assert!(file::parse_crl("x", b"{}", "https://issuer.example/").is_err(), "an issuer with a trailing /");
}
