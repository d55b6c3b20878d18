//! The business-rules check in the verdict: the fixture rules (`fixtures/trust/rules`,
//! country XT and DE) on hand-made certificates, through a store that holds
//! them, and the SQLite store compiling what it holds once per commit.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use healthcert_core::rules::RuleOutcome;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::update::{RuleRecord, SourceMeta, ValueSetRecord};
use healthcert_core::trust::{HeldRules, KeyRef, MemoryStore, SignerKey, SourceId, SourceKind, TrustStore, Update};
use healthcert_core::{Arrival, CheckKind, Error, FixedClock, Outcome, Reason, Status, Verifier, VerifyOptions};
use healthcert_test_support::hc1::*;
use time::OffsetDateTime;

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/trust/rules")
}

fn json_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(std::fs::read(path).unwrap());
        }
    }
    out
}

fn fixture_rules() -> HeldRules {
    HeldRules::from_json(json_files(&rules_dir().join("rule")), json_files(&rules_dir().join("valueset")))
}

/// The test signer's store, plus rules.
struct WithRules {
    keys: MemoryStore,
    rules: Arc<HeldRules>,
}

impl TrustStore for WithRules {
    fn signers(&self, key: &KeyRef) -> Result<Vec<Arc<SignerKey>>, Error> {
        self.keys.signers(key)
    }
    fn source(&self) -> String {
        "test with rules".into()
    }
    fn len(&self) -> usize {
        self.keys.len()
    }
    fn business_rules(&self) -> Result<Option<Arc<HeldRules>>, Error> {
        Ok(Some(Arc::clone(&self.rules)))
    }
}

fn verifier(arrival: Option<Arrival>) -> Verifier<WithRules> {
    let store = WithRules { keys: store(), rules: Arc::new(fixture_rules()) };
    Verifier::with_options(store, VerifyOptions { arrival, ..VerifyOptions::default() })
}

fn payload(dcc: &serde_json::Value) -> String {
    let claims = claims(
        json_to_cbor(dcc),
        ciborium::Value::Integer((NOW - 86_400).into()),
        ciborium::Value::Integer((NOW + 86_400).into()),
    );
    hc1(&cose(cbor(&claims)))
}

fn now() -> FixedClock {
    FixedClock(OffsetDateTime::from_unix_timestamp(NOW).unwrap())
}

#[test]
fn the_fixture_rules_compile() {
    let held = fixture_rules();
    assert_eq!((held.rules.rules().len(), held.skipped_rules, held.skipped_value_sets), (7, 0, 0));
    assert!(!held.value_sets.is_empty());
}

#[test]
fn a_certificate_that_meets_the_rules_of_the_country_of_arrival_is_valid() {
    let verdict = verifier(Some(Arrival::country("xt"))).verify(&payload(&dcc()), &now()).unwrap();
    assert_eq!(verdict.status, Status::Valid, "{:?}", verdict.checks);
    let check = verdict.check(CheckKind::Rules).unwrap();
    assert_eq!((check.outcome, check.reason), (Outcome::Pass, Reason::Ok));
    let ids: Vec<&str> = verdict.rules.iter().map(|r| r.identifier.as_str()).collect();
    assert_eq!(ids, ["GR-XT-0001", "VR-XT-0001", "VR-XT-0002"]);
    assert!(verdict.rules.iter().all(|r| r.outcome == RuleOutcome::Passed && !r.description.is_empty()));
}

#[test]
fn a_rule_not_met_makes_the_verdict_invalid_and_names_the_rule() {
    let mut incomplete = dcc();
    incomplete["v"][0]["dn"] = 1.into();
    let verdict = verifier(Some(Arrival::country("XT"))).verify(&payload(&incomplete), &now()).unwrap();
    assert_eq!(verdict.status, Status::Invalid);
    let check = verdict.check(CheckKind::Rules).unwrap();
    assert_eq!((check.outcome, check.reason), (Outcome::Fail, Reason::RuleFailed));
    assert!(check.detail.contains("VR-XT-0001"), "{}", check.detail);
    let failed: Vec<&str> =
        verdict.rules.iter().filter(|r| r.outcome == RuleOutcome::Failed).map(|r| r.identifier.as_str()).collect();
    assert_eq!(failed, ["VR-XT-0001"]);
    // Every other check still passed: only the rules say no.
    // (EU DCC revocation is not read yet: that check does not apply.)
    assert!(
        verdict
            .checks
            .iter()
            .filter(|c| !matches!(c.check, CheckKind::Rules | CheckKind::Revocation))
            .all(|c| c.outcome == Outcome::Pass)
    );

    let mut unknown_vaccine = dcc();
    unknown_vaccine["v"][0]["mp"] = "EU/1/99/9999".into();
    let verdict = verifier(Some(Arrival::country("XT"))).verify(&payload(&unknown_vaccine), &now()).unwrap();
    assert_eq!(verdict.status, Status::Invalid);
    assert!(verdict.check(CheckKind::Rules).unwrap().detail.contains("VR-XT-0002"));
}

#[test]
fn each_country_applies_its_own_rules() {
    let verdict = verifier(Some(Arrival::country("DE"))).verify(&payload(&dcc()), &now()).unwrap();
    assert_eq!(verdict.status, Status::Valid, "{:?}", verdict.checks);
    let ids: Vec<&str> = verdict.rules.iter().map(|r| r.identifier.as_str()).collect();
    assert_eq!(ids, ["VR-DE-0101"]);
}

#[test]
fn no_rules_for_the_country_means_the_verifier_cannot_tell() {
    let verdict = verifier(Some(Arrival::country("FR"))).verify(&payload(&dcc()), &now()).unwrap();
    assert_eq!(verdict.status, Status::Unknown);
    let check = verdict.check(CheckKind::Rules).unwrap();
    assert_eq!((check.outcome, check.reason), (Outcome::Fail, Reason::NoRules));
    assert!(verdict.rules.is_empty());

    // The fixture rules are valid from 2026: none applies a year earlier.
    let early = FixedClock(OffsetDateTime::from_unix_timestamp(NOW - 400 * 86_400).unwrap());
    let verdict = verifier(Some(Arrival::country("XT"))).verify(&payload(&dcc()), &early).unwrap();
    assert_eq!(verdict.check(CheckKind::Rules).unwrap().reason, Reason::NoRules);
}

#[test]
fn without_a_country_of_arrival_the_rules_do_not_apply() {
    let verdict = verifier(None).verify(&payload(&dcc()), &now()).unwrap();
    assert_eq!(verdict.status, Status::Valid);
    let check = verdict.check(CheckKind::Rules).unwrap();
    assert_eq!((check.outcome, check.reason), (Outcome::Skipped, Reason::NotApplicable));
    assert!(verdict.rules.is_empty());
}

#[test]
fn descriptions_fall_back_to_english() {
    let arrival = Arrival { language: "de".into(), ..Arrival::country("XT") };
    let verdict = verifier(Some(arrival)).verify(&payload(&dcc()), &now()).unwrap();
    let gr = verdict.rules.iter().find(|r| r.identifier == "GR-XT-0001").unwrap();
    assert!(gr.description.starts_with("The disease or agent targeted"), "{}", gr.description);
}

#[test]
fn a_payload_that_does_not_decode_skips_the_rules() {
    let verdict = verifier(Some(Arrival::country("XT"))).verify("HC1:garbage", &now()).unwrap();
    let check = verdict.check(CheckKind::Rules).unwrap();
    assert_eq!((check.outcome, check.reason), (Outcome::Skipped, Reason::DependencyFailed));
}

#[test]
fn the_sqlite_store_compiles_what_it_holds_and_recompiles_after_a_commit() {
    let store = SqliteStore::open_in_memory().unwrap();
    assert_eq!(store.business_rules().unwrap().unwrap().rules.rules().len(), 0);
    let rules: Vec<RuleRecord> = json_files(&rules_dir().join("rule"))
        .into_iter()
        .map(|json| {
            let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
            RuleRecord {
                country: v["Country"].as_str().unwrap().into(),
                identifier: v["Identifier"].as_str().unwrap().into(),
                version: v["Version"].as_str().unwrap().into(),
                hash: v["Identifier"].as_str().unwrap().into(),
                json,
            }
        })
        .collect();
    let value_sets: Vec<ValueSetRecord> = json_files(&rules_dir().join("valueset"))
        .into_iter()
        .enumerate()
        .map(|(i, json)| ValueSetRecord { id: format!("vs{i}"), hash: format!("h{i}"), json })
        .collect();
    let source = SourceId { kind: SourceKind::Rules, location: "https://rules.example/".into() };
    let update = Update {
        rules: Some(rules),
        value_sets: Some(value_sets),
        ..Update::unchanged(source.clone(), SourceMeta::default())
    };
    let at = OffsetDateTime::from_unix_timestamp(NOW).unwrap();
    store.apply(&update, at).unwrap();
    let held = store.business_rules().unwrap().unwrap();
    assert_eq!(held.rules.rules().len(), 7);
    // Served from the cache until the next commit…
    assert!(Arc::ptr_eq(&held, &store.business_rules().unwrap().unwrap()));
    // …which replaces it.
    let fewer = Update { rules: Some(Vec::new()), ..Update::unchanged(source, SourceMeta::default()) };
    store.apply(&fewer, at).unwrap();
    assert_eq!(store.business_rules().unwrap().unwrap().rules.rules().len(), 0);
}
