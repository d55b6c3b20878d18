//! Trust sync end to end against the trust server on a loopback port: the
//! three protocols into a SQLite store, incremental and conditional syncs,
//! and every fault of the trust issue, each leaving the store's data exactly
//! as it was. Times come from fixed clocks (the fixtures' reference time).

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::fs;
use std::sync::Mutex;
use std::time::Duration;

use healthcert_cli::serve::{Fault, Replacement};
use healthcert_core::crypto::{PublicKey, public_key_from_pem};
use healthcert_core::model::{CheckKind, Outcome, Status};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::sync::{
    DgcaSource, MalformedReason, Progress, RuleServiceSource, SignedListSource, SyncConfig, SyncError, SyncEvent,
    Syncer, TrustSource,
};
use healthcert_core::trust::{SourceKind, TrustStore as _};
use healthcert_core::{FixedClock, Verifier, time_parse};
use healthcert_test_support::database::dump as data;
use healthcert_test_support::fixtures::fixtures;
use healthcert_test_support::sync::{
    DE, STATUS, UPDATE, clock, de, dgca, fails_intact, rules, serve, served_copy, sync, synced, unsynced,
};

/// The list `fixtures/trust/variants/<name>` served in place of the one asked for.
fn variant(name: &str) -> Fault {
    Fault::Replace(Replacement::new(200, fs::read(fixtures().join("trust/variants").join(name)).unwrap()))
}

fn later(days: i64) -> FixedClock {
    FixedClock(clock().0 + time::Duration::days(days))
}

fn key(rel: &str) -> PublicKey {
    public_key_from_pem(&fs::read_to_string(fixtures().join("trust").join(rel)).unwrap()).unwrap()
}

fn config() -> SyncConfig {
    SyncConfig {
        allow_http: true,
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        retries: 1,
        retry_backoff: Duration::from_millis(10),
        max_list_bytes: 256 * 1024,
        ..SyncConfig::default()
    }
}

/// Records every event.
#[derive(Default)]
struct Events(Mutex<Vec<SyncEvent>>);

impl Progress for Events {
    fn event(&self, e: SyncEvent) {
        self.0.lock().unwrap().push(e);
    }
}

async fn sync_at(
    store: &SqliteStore,
    source: &dyn TrustSource,
    config: SyncConfig,
    clock: &FixedClock,
) -> Result<usize, SyncError> {
    let syncer = Syncer::new(config).unwrap();
    syncer.sync(store, source, clock, &Events::default()).await.map(|r| r.total)
}

fn kids(store: &SqliteStore, kind: SourceKind) -> usize {
    store.status(clock().0).unwrap().iter().find(|s| s.kind == kind).map_or(0, |s| usize::try_from(s.entries).unwrap())
}

fn fixture_payload(name: &str) -> String {
    fs::read_to_string(fixtures().join("hcert").join(format!("{name}.txt"))).unwrap()
}

/// A newer `de` list served with `fault` on the way: its sync fails with
/// `code` and changes nothing.
async fn a_newer_de_list_fails_intact(fault: Fault, config: SyncConfig, code: &str) {
    let (_dir, server, path, store) = synced(&fixtures().join("trust"), self::config()).await;
    server.faults().inject(DE, variant("de-trustlist-newer"));
    server.faults().inject(DE, fault);
    fails_intact(&path, &store, &de(&server), config, code).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_protocol_syncs_into_the_store_and_the_verifier_reads_it() {
    let (_dir, _server, _, store) = synced(&fixtures().join("trust"), config()).await;
    let store = std::sync::Arc::new(store);
    assert_eq!(store.len(), 9, "the same nine certificates from two sources are nine signers");
    assert_eq!(store.countries().unwrap(), ["DE", "XT"]);
    assert!(!store.rules("XT").unwrap().is_empty());
    assert!(store.value_sets().unwrap().len() >= 6);

    let verifier = Verifier::new(std::sync::Arc::clone(&store));
    let valid = verifier.verify(&fixture_payload("valid-vaccination"), &clock()).unwrap();
    assert_eq!(valid.status, Status::Valid, "{valid:?}");
    assert_eq!(valid.trust.age_seconds, Some(0));
    assert!(!valid.trust.stale);
    let unknown = verifier.verify(&fixture_payload("invalid-unknown-kid"), &clock()).unwrap();
    assert_eq!(unknown.status, Status::Unknown);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unchanged_source_costs_one_conditional_request() {
    let (_dir, server, path, store) = synced(&fixtures().join("trust"), config()).await;
    let before = data(&path);

    server.clear_requests();
    sync_at(&store, &de(&server), config(), &later(1)).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!((requests[0].status, requests[0].if_none_match), (304, true));

    server.clear_requests();
    sync_at(&store, &dgca(&server), config(), &later(1)).await.unwrap();
    let requests = server.requests();
    let shape: Vec<_> = requests.iter().map(|r| (r.path.as_str(), r.status)).collect();
    assert_eq!(shape, [(UPDATE, 204), (STATUS, 304)], "resume from the held token, status unchanged");
    assert_eq!(requests[0].resume_token.as_deref(), Some("9"));

    server.clear_requests();
    sync_at(&store, &rules(&server), config(), &later(1)).await.unwrap();
    assert!(server.requests().iter().all(|r| r.status == 304), "{:?}", server.requests());

    // Nothing changed but the time of the last success: the data is as
    // fresh as the last confirmation.
    let after = data(&path);
    let strip = |s: &str| s.lines().filter(|l| !l.starts_with("sources ")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&after), strip(&before));
    let status = store.status(later(1).0).unwrap();
    assert!(status.iter().all(|s| s.age_seconds == Some(0)), "{status:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dgca_incremental_fetches_only_what_is_new_and_drops_what_is_revoked() {
    let served = served_copy();
    let (_dir, server, _, store) = unsynced(served.path()).await;
    sync(&store, &dgca(&server), config()).await.unwrap();
    let store = std::sync::Arc::new(store);
    let verifier = Verifier::new(std::sync::Arc::clone(&store));
    assert_eq!(verifier.verify(&fixture_payload("invalid-unknown-kid"), &clock()).unwrap().status, Status::Unknown);

    fs::copy(served.path().join("variants/trustlist-added.json"), served.path().join("trustlist.json")).unwrap();
    server.clear_requests();
    assert_eq!(sync(&store, &dgca(&server), config()).await.unwrap(), 10);
    let pages: Vec<_> = server.requests().into_iter().filter(|r| r.path == UPDATE).map(|r| r.status).collect();
    assert_eq!(pages, [200, 204], "only the added certificate travels");
    // The added signer now verifies what it signed (its signature check
    // passes; the certificate's own verdict does not matter here).
    let now_known = verifier.verify(&fixture_payload("invalid-unknown-kid"), &clock()).unwrap();
    assert!(now_known.check(CheckKind::Signature).is_some_and(|c| c.outcome == Outcome::Pass), "{now_known:?}");

    fs::copy(served.path().join("variants/trustlist-removed.json"), served.path().join("trustlist.json")).unwrap();
    assert_eq!(sync(&store, &dgca(&server), config()).await.unwrap(), 8, "dsc-ec-all and dsc-ec-unknown are gone");
    let all = verifier.verify(&fixture_payload("valid-any-usage"), &clock()).unwrap();
    assert_eq!(all.status, Status::Unknown, "its signer was dropped by the status list");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_in_the_middle_of_paging_changes_nothing() {
    let served = served_copy();
    let (_dir, server, path, store) = synced(served.path(), config()).await;
    // A fresh source (full paging) failing after four pages…
    let other = DgcaSource::new(format!("{}/", server.url()).replace("127.0.0.1", "localhost"));
    server.faults().inject(UPDATE, Fault::ErrorAfter { ok: 4 });
    fails_intact(&path, &store, &other, config(), "http_status").await;
    assert_eq!(kids(&store, SourceKind::Dgca), 9);
    // …and an incremental one.
    server.faults().clear();
    fs::copy(served.path().join("variants/trustlist-added.json"), served.path().join("trustlist.json")).unwrap();
    server.faults().inject(STATUS, Fault::ErrorAfter { ok: 0 });
    fails_intact(&path, &store, &dgca(&server), config(), "http_status").await;
    // Once the server recovers, the same sync resumes from the held token.
    server.faults().clear();
    assert_eq!(sync(&store, &dgca(&server), config()).await.unwrap(), 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_connection_changes_nothing() {
    let (_dir, server, path, store) = synced(&fixtures().join("trust"), config()).await;
    server.faults().inject(DE, variant("de-trustlist-newer"));
    server.faults().inject(DE, Fault::Reset);
    fails_intact(&path, &store, &de(&server), config(), "network").await;
    server.faults().inject(UPDATE, Fault::Reset);
    let fresh = DgcaSource::new(format!("{}/v2/", server.url()));
    assert!(sync(&store, &fresh, config()).await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_body_changes_nothing() {
    a_newer_de_list_fails_intact(Fault::Truncate, config(), "network").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_body_is_cut_off_at_the_cap() {
    let capped = SyncConfig { max_list_bytes: 64 * 1024, ..config() };
    a_newer_de_list_fails_intact(Fault::Endless, capped, "too_large").await;
    // `too_large`, not `timeout`: the cap ended it, not the 5 s request timeout.
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_server_times_out() {
    let slow = Fault::Slow {
        before_headers: Duration::from_millis(50),
        chunk: 16,
        between_chunks: Duration::from_millis(200),
    };
    let impatient = SyncConfig { request_timeout: Duration::from_millis(500), retries: 0, ..config() };
    a_newer_de_list_fails_intact(slow, impatient, "timeout").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_signature_refuses_the_whole_list() {
    let (_dir, server, path, store) = synced(&fixtures().join("trust"), config()).await;
    server.faults().inject(DE, variant("de-trustlist-bad-signature"));
    fails_intact(&path, &store, &de(&server), config(), "bad_signature").await;
    // The right list signed by another key is just as bad.
    let wrong_key = SignedListSource::new(format!("{}{DE}", server.url()), key("rules/signing-key.pem"));
    server.faults().clear();
    server.faults().inject(DE, variant("de-trustlist-newer"));
    let err = sync(&store, &wrong_key, config()).await.unwrap_err();
    assert_eq!(err.code(), "bad_signature");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_list_is_refused_as_a_rollback() {
    let (_dir, server, path, store) = synced(&fixtures().join("trust"), config()).await;
    server.faults().inject(DE, variant("de-trustlist-older"));
    fails_intact(&path, &store, &de(&server), config(), "rollback").await;
    // A newer one is taken.
    server.faults().inject(DE, variant("de-trustlist-newer"));
    assert_eq!(sync(&store, &de(&server), config()).await.unwrap(), 10);
    let status = store.status(clock().0).unwrap();
    let de_status = status.iter().find(|s| s.kind == SourceKind::De).unwrap();
    assert_eq!(de_status.list_issued_at, Some(time_parse::rfc3339("2026-08-15T00:00:00Z").unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_entries_are_skipped_reported_and_the_rest_kept() {
    let (dir, server, _, store) = unsynced(&fixtures().join("trust")).await;
    server.faults().inject(DE, variant("de-trustlist-garbage-entry"));
    let events = Events::default();
    let report = Syncer::new(config()).unwrap().sync(&store, &de(&server), &clock(), &events).await.unwrap();
    assert_eq!(report.total, 9);
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert!(report.skipped[0].position.contains("entry"), "{:?}", report.skipped);
    let status = store.status(clock().0).unwrap();
    assert_eq!(status[0].skipped, 1);
    {
        let events = events.0.lock().unwrap();
        assert!(events.iter().any(|e| matches!(e, SyncEvent::Applied { skipped: 1, entries: 9, .. })), "{events:?}");
    }

    // A DGCA page that is not a certificate is skipped the same way.
    let served = served_copy();
    let mut list: serde_json::Value =
        serde_json::from_slice(&fs::read(served.path().join("trustlist.json")).unwrap()).unwrap();
    list.as_array_mut().unwrap()[3]["rawData"] = "bm90IGEgY2VydGlmaWNhdGU=".into();
    fs::write(served.path().join("trustlist.json"), serde_json::to_vec(&list).unwrap()).unwrap();
    let server = serve(served.path()).await;
    let store = SqliteStore::open(&dir.path().join("d.db")).unwrap();
    let report =
        Syncer::new(config()).unwrap().sync(&store, &dgca(&server), &clock(), &Events::default()).await.unwrap();
    assert_eq!((report.total, report.skipped.len()), (8, 1), "{report:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_must_carry_valid_signatures_and_match_their_hashes() {
    let served = served_copy();
    let (dir, server, path, store) = synced(served.path(), config()).await;

    // A changed rule list whose signature no longer matches.
    let listed = fs::read(served.path().join("rules/rules.json")).unwrap();
    let mut changed: serde_json::Value = serde_json::from_slice(&listed).unwrap();
    changed.as_array_mut().unwrap().pop();
    fs::write(served.path().join("rules/rules.json"), serde_json::to_vec(&changed).unwrap()).unwrap();
    server.clear_requests();
    fails_intact(&path, &store, &rules(&server), config(), "bad_signature").await;

    // A rule whose content does not hash to its listed hash.
    fs::write(served.path().join("rules/rules.json"), &listed).unwrap();
    let entry = &serde_json::from_slice::<serde_json::Value>(&listed).unwrap()[0];
    let (cc, hash) = (entry["country"].as_str().unwrap(), entry["hash"].as_str().unwrap());
    let rule_path = format!("/rules/{cc}/{hash}");
    server.faults().inject(&rule_path, Fault::Replace(Replacement::new(200, b"{\"Identifier\":\"forged\"}".to_vec())));
    // Held rules are not downloaded again: a fresh store fetches them all.
    let path = dir.path().join("fresh.db");
    let fresh = SqliteStore::open(&path).unwrap();
    sync(&fresh, &dgca(&server), config()).await.unwrap();
    let unsigned = RuleServiceSource::new(server.url(), None);
    let err = fails_intact(&path, &fresh, &unsigned, config(), "malformed").await;
    assert!(matches!(err, SyncError::Malformed { reason: MalformedReason::HashMismatch, .. }), "{err:?}");
    assert!(fresh.rules(cc).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn trust_age_and_the_stale_flag_follow_the_offline_policy() {
    let (_dir, server, _, store) = synced(&fixtures().join("trust"), config()).await;
    for s in [dgca(&server).id(), de(&server).id()] {
        store.set_max_age(&s, Some(3 * 86_400)).unwrap();
    }
    drop(server);
    let store = std::sync::Arc::new(store);
    let verifier = Verifier::new(std::sync::Arc::clone(&store));
    let payload = fixture_payload("valid-vaccination");
    let fresh = verifier.verify(&payload, &later(2)).unwrap();
    let stale = verifier.verify(&payload, &later(4)).unwrap();
    assert!(!fresh.trust.stale);
    assert!(stale.trust.stale);
    assert_eq!(stale.trust.age_seconds, Some(4 * 86_400));
    // Stale trust data is reported, not a reason to refuse a valid signature.
    assert_eq!(stale.status, Status::Valid);
}
