//! The SQLite trust store through its public API: what each kind of update
//! does, rollback refusal, failure bookkeeping, status and freshness, the
//! bundled seed, rule content, persistence, files it must refuse, and the
//! verifier reaching the same verdicts through it as through a file.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]
#![cfg(feature = "store")]

use healthcert_core::error::ArgumentError;
use healthcert_core::formats::hcert;
use healthcert_core::trust::file::{self, LoadReport, SkippedEntry};
use healthcert_core::trust::store::{CURRENT_VERSION, SqliteStore};
use healthcert_core::trust::update::{RuleRecord, SignerChange, SignerRecord, SourceMeta, ValueSetRecord};
use healthcert_core::trust::{KeyMaterial, SourceKind, TrustStore, Update, kid_of};
use healthcert_core::{Error, FixedClock, Verifier};
use healthcert_test_support::fixtures::*;
use std::sync::Arc;

use time::{Duration, OffsetDateTime};

fn ders() -> Vec<Vec<u8>> {
    dscs().into_iter().map(|(_, d)| d).collect()
}

/// An empty store in memory, the fixtures' reference time and the
/// committed DSCs.
fn empty_store() -> (SqliteStore, OffsetDateTime, Vec<Vec<u8>>) {
    (SqliteStore::open_in_memory().unwrap(), reference_time(), ders())
}

fn found(store: &SqliteStore, der: &[u8]) -> bool {
    let keys = store.signers(&hcert::kid_ref(&kid_of(der))).unwrap();
    assert!(keys.len() <= 1, "one certificate, one signer");
    keys.first().is_some_and(|k| k.certificate() == Some(der))
}

#[test]
fn replace_incremental_and_unchanged() {
    let (store, now, d) = empty_store();
    let r = store.apply(&replace(dgca(), &d[..3], now), now).unwrap();
    assert_eq!((r.added, r.removed, r.total, r.skipped.len()), (3, 0, 3, 0));
    assert_eq!(store.len(), 3);
    assert!(d[..3].iter().all(|c| found(&store, c)));
    assert!(!found(&store, &d[3]));

    let r = store.apply(&replace(dgca(), &d[1..5], now + Duration::hours(1)), now).unwrap();
    assert_eq!((r.added, r.removed, r.total), (2, 1, 4));
    assert!(!found(&store, &d[0]) && d[1..5].iter().all(|c| found(&store, c)));

    let change =
        SignerChange::Incremental { add: vec![record(&d[5])], keep_only: Some(vec![kid_of(&d[1]), kid_of(&d[5])]) };
    let r = store.apply(&signers(dgca(), change, now + Duration::hours(2)), now).unwrap();
    assert_eq!((r.added, r.removed, r.total), (1, 3, 2));
    assert!(found(&store, &d[1]) && found(&store, &d[5]));
    assert!(d[2..5].iter().all(|c| !found(&store, c)));

    // Incremental without a status list only adds.
    let change = SignerChange::Incremental { add: vec![record(&d[0])], keep_only: None };
    let r = store.apply(&signers(dgca(), change, now + Duration::hours(2)), now).unwrap();
    assert_eq!((r.added, r.removed, r.total), (1, 0, 3));

    let mut unchanged = signers(dgca(), SignerChange::Unchanged, now + Duration::hours(3));
    unchanged.meta.etag = Some("\"v4\"".into());
    unchanged.meta.resume_token = Some("42".into());
    let r = store.apply(&unchanged, now + Duration::hours(3)).unwrap();
    assert_eq!((r.added, r.removed, r.total), (0, 0, 3));
    assert_eq!(store.len(), 3);
    let meta = store.source_meta(&dgca()).unwrap();
    assert_eq!(meta, unchanged.meta, "what the next sync sends");
    assert_eq!(store.status(now).unwrap()[0].last_success, Some(now + Duration::hours(3)));
}

#[test]
fn one_certificate_from_two_sources_is_one_signer() {
    let (store, now, d) = empty_store();
    let de = source(SourceKind::De, "https://de.example/list");
    store.apply(&replace(dgca(), &d[..2], now), now).unwrap();
    store.apply(&replace(de.clone(), &d[..1], now), now).unwrap();
    assert_eq!(store.len(), 2, "distinct certificates");
    assert!(found(&store, &d[0]), "looked up once though two sources hold it");
    let entries: Vec<u64> = store.status(now).unwrap().iter().map(|s| s.entries).collect();
    assert_eq!(entries, [1, 2], "de, dgca: one row per source");

    let r = store.apply(&replace(dgca(), &d[1..2], now), now).unwrap();
    assert_eq!(r.removed, 1);
    assert!(found(&store, &d[0]), "still trusted through the other source");
    store.apply(&replace(de, &[], now), now).unwrap();
    assert!(!found(&store, &d[0]));
    assert_eq!(store.len(), 1);
}

#[test]
fn unusable_records_are_skipped_and_reported() {
    let (store, now, d) = empty_store();
    let garbage = SignerRecord { material: KeyMaterial::X509(b"not a certificate".to_vec()), ..record(&d[1]) };
    let no_kid = SignerRecord { kid: Vec::new(), ..record(&d[2]) };
    let mut up = signers(dgca(), SignerChange::Replace(vec![record(&d[0]), garbage, no_kid]), now);
    up.skipped.push(SkippedEntry { position: "list entry 7".into(), reason: "entry has no rawData".into() });
    let r = store.apply(&up, now).unwrap();
    assert_eq!(r.total, 1);
    let positions: Vec<&str> = r.skipped.iter().map(|s| s.position.as_str()).collect();
    assert_eq!(positions[0], "list entry 7");
    assert!(positions[1].starts_with("dgca=https://dgca.example/ signer 1 (kid "), "{positions:?}");
    assert!(positions[2].contains("signer 2 (kid )"), "{positions:?}");
    assert!(r.skipped[1].reason.contains("X.509"), "{:?}", r.skipped[1]);
    assert!(found(&store, &d[0]) && !found(&store, &d[1]) && !found(&store, &d[2]));
    assert_eq!(store.status(now).unwrap()[0].skipped, 3);
}

#[test]
fn an_older_list_is_refused_as_a_rollback() {
    let (store, now, d) = empty_store();
    let mut first = replace(dgca(), &d[..2], now);
    first.meta.etag = Some("\"1\"".into());
    store.apply(&first, now).unwrap();

    let older = replace(dgca(), &d[2..], now - Duration::seconds(1));
    match store.apply(&older, now + Duration::hours(1)) {
        Err(e @ Error::TrustRollback { .. }) => {
            let Error::TrustRollback { held, offered, ref source } = e else { unreachable!() };
            assert_eq!((held, offered), (now, now - Duration::seconds(1)));
            assert_eq!(source, "dgca=https://dgca.example/");
            let text = e.to_string();
            assert!(text.contains("2026-09-01T11:59:59Z") && text.contains("2026-09-01T12:00:00Z"), "{text}");
        }
        other => panic!("expected a rollback refusal, got {other:?}"),
    }
    assert!(found(&store, &d[0]) && !found(&store, &d[2]), "nothing applied");
    assert_eq!(store.source_meta(&dgca()).unwrap(), first.meta);
    assert_eq!(store.status(now).unwrap()[0].last_attempt, Some(now), "not even bookkeeping");

    // Another source has its own history; the same issue time is no rollback;
    // an update that does not say when it was issued keeps the held time.
    let de = source(SourceKind::De, "https://de.example/");
    store.apply(&replace(de, &d[2..3], now - Duration::days(9)), now).unwrap();
    store.apply(&replace(dgca(), &d[3..4], now), now).unwrap();
    let mut undated = replace(dgca(), &d[4..5], now);
    undated.meta.list_issued_at = None;
    store.apply(&undated, now).unwrap();
    assert_eq!(store.source_meta(&dgca()).unwrap().list_issued_at, Some(now));
    assert!(matches!(store.apply(&older, now), Err(Error::TrustRollback { .. })));
}

#[test]
fn failures_are_recorded_without_touching_data() {
    let (store, now, d) = empty_store();
    let never = source(SourceKind::De, "https://down.example/");
    store.record_failure(&never, now, "connection refused").unwrap();
    let s = &store.status(now).unwrap()[0];
    assert_eq!((s.kind, s.entries, s.last_success, s.last_failure), (SourceKind::De, 0, None, Some(now)));
    assert_eq!(s.failure_reason.as_deref(), Some("connection refused"));
    assert_eq!((s.age_seconds, s.stale), (None, false));

    let mut up = replace(dgca(), &d[..2], now);
    up.meta.etag = Some("\"e\"".into());
    store.apply(&up, now).unwrap();
    let later = now + Duration::minutes(5);
    let long = "é".repeat(800);
    store.record_failure(&dgca(), later, &long).unwrap();
    assert!(found(&store, &d[0]) && found(&store, &d[1]));
    let s = store.status(later).unwrap().into_iter().find(|s| s.kind == SourceKind::Dgca).unwrap();
    assert_eq!((s.last_success, s.last_attempt, s.last_failure), (Some(now), Some(later), Some(later)));
    assert_eq!((s.entries, s.age_seconds), (2, Some(300)));
    let reason = s.failure_reason.unwrap();
    assert!(reason.len() <= 1000 && reason.len() >= 998 && reason.chars().all(|c| c == 'é'));
    assert_eq!(store.source_meta(&dgca()).unwrap(), up.meta);
}

#[test]
fn status_json_shape_and_max_age() {
    let store = SqliteStore::open_in_memory().unwrap();
    let now = reference_time();
    store.set_max_age(&dgca(), Some(3600)).unwrap();
    store.apply(&replace(dgca(), &ders()[..2], now - Duration::days(1)), now).unwrap();
    let json = serde_json::to_value(store.status(now + Duration::hours(2)).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{
            "kind": "dgca",
            "url": "https://dgca.example/",
            "entries": 2,
            "skipped": 0,
            "list_issued_at": "2026-08-31T12:00:00Z",
            "last_success": "2026-09-01T12:00:00Z",
            "last_attempt": "2026-09-01T12:00:00Z",
            "last_failure": null,
            "failure_reason": null,
            "age_seconds": 7200,
            "max_age_seconds": 3600,
            "stale": true
        }])
    );
    assert!(!store.status(now + Duration::minutes(30)).unwrap()[0].stale);
    store.set_max_age(&dgca(), None).unwrap();
    assert!(!store.status(now + Duration::days(400)).unwrap()[0].stale, "no maximum, never stale");

    let never = source(SourceKind::De, "https://never.example/");
    store.set_max_age(&never, Some(60)).unwrap();
    let s = store.status(now).unwrap().into_iter().find(|s| s.kind == SourceKind::De).unwrap();
    assert!(s.stale && s.age_seconds.is_none(), "a limit and no data at all is stale");
    assert!(matches!(store.set_max_age(&dgca(), Some(-1)), Err(Error::InvalidArgument(ArgumentError::NegativeMaxAge))));
}

fn bundled_update(ders: &[Vec<u8>], issued: OffsetDateTime) -> Update {
    replace(source(SourceKind::Bundled, "healthcert-2026-08"), ders, issued)
}

#[test]
fn freshness_is_the_stalest_signer_source() {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let now = reference_time();
    let d = ders();
    assert_eq!(store.freshness(now), None, "never synced: unknown");

    // The bundled snapshot is as old as its list, not as its seeding.
    assert!(store.seed_if_empty(&bundled_update(&d[..1], now - Duration::days(30)), now).unwrap());
    let f = store.freshness(now).unwrap();
    assert_eq!((f.updated_at, f.age_seconds, f.stale), (now - Duration::days(30), 30 * 86400, false));

    // A stale source wins over an older fresh one.
    let day = now + Duration::days(1);
    store.apply(&replace(dgca(), &d[1..2], day), day).unwrap();
    store.set_max_age(&dgca(), Some(3600)).unwrap();
    let f = store.freshness(day + Duration::hours(2)).unwrap();
    assert_eq!((f.updated_at, f.max_age_seconds, f.stale), (day, Some(3600), true));
    store.set_max_age(&dgca(), None).unwrap();
    assert_eq!(store.freshness(day).unwrap().updated_at, now - Duration::days(30));

    // Rule sources do not age signer data.
    let rules = source(SourceKind::Rules, "https://rules.example/");
    store.apply(&Update::unchanged(rules, SourceMeta::default()), now - Duration::days(300)).unwrap();
    assert_eq!(store.freshness(day).unwrap().updated_at, now - Duration::days(30));

    // The verdict carries it.
    let payload = std::fs::read_to_string(fixtures().join("hcert/valid-any-usage.txt")).unwrap();
    let v = Verifier::new(Arc::clone(&store)).verify(&payload, &FixedClock(day)).unwrap();
    assert_eq!(v.trust.updated_at, Some(now - Duration::days(30)));
    assert_eq!((v.trust.age_seconds, v.trust.stale), (Some(31 * 86400), false));
}

/// The verifier reaches, through the store, the verdict it reaches through
/// the same trust list read from the file, for every fixture case.
#[test]
fn every_fixture_case_verifies_as_with_the_file_store() {
    let now = reference_time();
    let path = fixtures().join("trust/trustlist.json");
    let bytes = std::fs::read(&path).unwrap();
    let mut report = LoadReport::default();
    let keys = file::parse("trustlist.json", &bytes, &mut report).unwrap();
    assert!(report.skipped.is_empty() && keys.len() >= 6);
    let records = keys.iter().map(|k| SignerRecord::of(k).unwrap()).collect();
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    store.apply(&signers(dgca(), SignerChange::Replace(records), now), now).unwrap();
    let (memory, _) = file::load(&path).unwrap();
    assert_eq!(store.len(), memory.len());

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("manifest.json")).unwrap()).unwrap();
    let clock = FixedClock(now);
    let (via_sqlite, via_file) = (Verifier::new(Arc::clone(&store)), Verifier::new(memory));
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let payload = std::fs::read_to_string(fixtures().join(case["file"].as_str().unwrap())).unwrap();
        let a = via_sqlite.verify(&payload, &clock).unwrap();
        let b = via_file.verify(&payload, &clock).unwrap();
        assert_eq!(a.checks, b.checks, "{name}");
        assert_eq!(a.trust.signer, b.trust.signer, "{name}");
        let want = case["expected_status"].as_str().unwrap();
        assert_eq!(serde_json::to_value(a.status).unwrap(), want, "{name}");
        assert!(a.trust.source.starts_with("sqlite "), "{}", a.trust.source);
    }
}

#[test]
fn the_bundled_snapshot_seeds_only_an_empty_store() {
    let now = reference_time();
    let d = ders();
    let store = SqliteStore::open_in_memory().unwrap();
    store.record_failure(&dgca(), now, "offline").unwrap();
    assert!(store.seed_if_empty(&bundled_update(&d[..2], now), now).unwrap(), "a failure is no data");
    assert!(!store.seed_if_empty(&bundled_update(&d[2..], now), now).unwrap());
    assert!(found(&store, &d[0]) && !found(&store, &d[2]));

    let synced = SqliteStore::open_in_memory().unwrap();
    synced.apply(&replace(dgca(), &[], now), now).unwrap();
    assert!(!synced.seed_if_empty(&bundled_update(&d[..2], now), now).unwrap(), "an empty list is a list");
    assert!(matches!(
        synced.seed_if_empty(&replace(dgca(), &d, now), now),
        Err(Error::InvalidArgument(ArgumentError::NotBundledSource { kind: SourceKind::Dgca }))
    ));
}

fn rule(country: &str, id: &str, version: &str) -> RuleRecord {
    RuleRecord {
        country: country.into(),
        identifier: id.into(),
        version: version.into(),
        hash: format!("{id}@{version}"),
        json: format!("{{\"Identifier\":\"{id}\"}}").into_bytes(),
    }
}

#[test]
fn rules_value_sets_and_countries_are_replaced_whole() {
    let store = SqliteStore::open_in_memory().unwrap();
    let now = reference_time();
    let src = source(SourceKind::Rules, "https://rules.example/");
    let vs = |id: &str| ValueSetRecord { id: id.into(), hash: format!("h-{id}"), json: b"{}".to_vec() };
    let mut up = Update::unchanged(src.clone(), SourceMeta::default());
    up.rules = Some(vec![
        rule("XT", "GR-XT-0002", "1.0.0"),
        rule("XT", "GR-XT-0001", "1.0.0"),
        rule("XU", "GR-XU-0001", "1.0.0"),
    ]);
    up.value_sets = Some(vec![vs("disease-agent-targeted"), vs("covid-19-lab-result")]);
    up.countries = Some(vec!["XU".into(), "XT".into(), "XU".into()]);
    let r = store.apply(&up, now).unwrap();
    assert_eq!(r.total, 3 + 2 + 2);
    let ids: Vec<String> = store.rules("XT").unwrap().into_iter().map(|r| r.identifier).collect();
    assert_eq!(ids, ["GR-XT-0001", "GR-XT-0002"]);
    assert_eq!(store.rules("XU").unwrap(), [rule("XU", "GR-XU-0001", "1.0.0")]);
    assert_eq!(store.value_sets().unwrap().len(), 2);
    assert_eq!(store.countries().unwrap(), ["XT", "XU"]);

    // Only what is delivered is replaced.
    let mut rules_only = Update::unchanged(src.clone(), SourceMeta::default());
    rules_only.rules = Some(vec![rule("XT", "GR-XT-0001", "1.0.1")]);
    store.apply(&rules_only, now).unwrap();
    assert_eq!(store.rules("XT").unwrap(), [rule("XT", "GR-XT-0001", "1.0.1")]);
    assert!(store.rules("XU").unwrap().is_empty());
    assert_eq!((store.value_sets().unwrap().len(), store.countries().unwrap().len()), (2, 2));

    // The same rule from a second source is returned once.
    store
        .apply(&Update { source: source(SourceKind::Rules, "https://mirror.example/"), ..rules_only.clone() }, now)
        .unwrap();
    assert_eq!(store.rules("XT").unwrap().len(), 1);

    // An ambiguous list (one rule version twice, differently) is refused whole.
    let mut ambiguous = rules_only.clone();
    let mut twin = rule("XT", "GR-XT-0001", "1.0.1");
    twin.hash = "different".into();
    ambiguous.rules.as_mut().unwrap().push(twin);
    ambiguous.countries = Some(vec!["XZ".into()]);
    assert!(matches!(store.apply(&ambiguous, now), Err(Error::TrustDatabase { .. })));
    assert_eq!(store.rules("XT").unwrap(), [rule("XT", "GR-XT-0001", "1.0.1")]);
    assert_eq!(store.countries().unwrap(), ["XT", "XU"]);
}

#[test]
fn data_survives_reopening() {
    let (dir, path) = temp_database();
    let now = reference_time();
    let d = ders();
    let mut up = replace(dgca(), &d[..3], now);
    up.meta.etag = Some("\"x\"".into());
    up.meta.resume_token = Some("17".into());
    {
        let store = SqliteStore::open(&path).unwrap();
        store.apply(&up, now).unwrap();
        store.set_max_age(&dgca(), Some(86400)).unwrap();
        assert!(dir.path().join("trust.db-wal").exists(), "write-ahead logging");
        assert_eq!(store.source(), format!("sqlite {}", path.display()));
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), CURRENT_VERSION);
    assert!(store.integrity_check().unwrap());
    assert!(d[..3].iter().all(|c| found(&store, c)));
    assert_eq!(store.source_meta(&dgca()).unwrap(), up.meta);
    assert_eq!(store.status(now).unwrap()[0].max_age_seconds, Some(86400));
    assert_eq!(store.len(), 3);
}

#[test]
fn a_commit_by_another_connection_is_seen_by_a_warm_cache() {
    let (_dir, path) = temp_database();
    let now = reference_time();
    let d = ders();
    let verifier_side = SqliteStore::open(&path).unwrap();
    let sync_side = SqliteStore::open(&path).unwrap();
    sync_side.apply(&replace(dgca(), &d[..2], now), now).unwrap();
    assert!(found(&verifier_side, &d[0]) && !found(&verifier_side, &d[2]));
    assert_eq!(verifier_side.len(), 2);
    let later = now + Duration::hours(1);
    sync_side.apply(&replace(dgca(), &d[1..3], later), later).unwrap();
    assert!(!found(&verifier_side, &d[0]) && found(&verifier_side, &d[2]));
    assert_eq!(verifier_side.freshness(later).unwrap().updated_at, later);
    sync_side.apply(&replace(dgca(), &d[..5], later), later).unwrap();
    assert!(found(&verifier_side, &d[4]));
    assert_eq!(verifier_side.len(), 5);
}

fn assert_refused(path: &std::path::Path, check: impl Fn(&Error) -> bool) {
    let before = std::fs::read(path).unwrap();
    let err = SqliteStore::open(path).unwrap_err();
    assert!(check(&err), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    assert_eq!(std::fs::read(path).unwrap(), before, "left untouched");
}

#[test]
fn files_it_cannot_use_are_errors_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, "this is not a database\n".repeat(200)).unwrap();
    assert_refused(&garbage, |e| matches!(e, Error::TrustDatabase { .. }));

    let newer = dir.path().join("newer.db");
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    assert_refused(&newer, |e| {
        matches!(e, Error::TrustSchemaTooNew { found: 99, supported, .. } if *supported == CURRENT_VERSION)
            && e.to_string().contains("newer")
    });

    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE notes (body TEXT)").unwrap();
    assert_refused(&foreign, |e| e.to_string().contains("not a healthcert trust database"));

    let missing = dir.path().join("no/such/dir/trust.db");
    assert!(matches!(SqliteStore::open(&missing), Err(Error::TrustDatabase { .. })));
}

#[test]
fn a_damaged_page_is_found_and_never_panics() {
    let (_dir, path) = temp_database();
    let now = reference_time();
    {
        let store = SqliteStore::open(&path).unwrap();
        store.apply(&replace(dgca(), &synthetic(1, 200), now), now).unwrap();
        assert!(store.integrity_check().unwrap());
    }
    // Closing the last connection checkpointed the WAL into the file.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096, "{} bytes", bytes.len());
    // The last page holds the last signer rows written (SQLite appends).
    let last = bytes.len() - 4096;
    bytes[last..].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();
    // The header is intact, so it opens; the check finds the damage, and
    // lookups that reach the page fail as errors, not panics; the others work.
    let store = SqliteStore::open(&path).unwrap();
    assert!(!store.integrity_check().unwrap());
    let lookups: Vec<_> = synthetic(1, 200).iter().map(|der| store.signers(&hcert::kid_ref(&kid_of(der)))).collect();
    let failed = lookups.iter().filter(|l| l.is_err()).count();
    assert!(failed > 0 && lookups.iter().all(|l| l.as_ref().map_or(true, |k| k.len() == 1)), "{failed}");
    assert!(
        matches!(&lookups.iter().find(|l| l.is_err()).unwrap(), Err(Error::TrustDatabase { reason, .. }) if reason.contains("malformed"))
    );
    let _ = store.len();
}
