//! The trust database under concurrent use: verifiers reading while a sync
//! writes (docs/trust.md, "Concurrency").
//!
//! The latency measurement is a bench, not a test (no timed assertion):
//!
//! ```sh
//! cargo test [--release] -p healthcert-core --test store_concurrency -- --ignored --nocapture --test-threads=1
//! ```
//!
//! (`HEALTHCERT_BENCH_SIGNERS` sets the size of the commit, default 100 000;
//! `HEALTHCERT_BENCH_RULES` the number of rules compiled, default 5 000.)

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]
#![cfg(feature = "store")]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration as StdDuration, Instant};

use healthcert_core::formats::hcert;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::{TrustStore, kid_of};
use healthcert_test_support::fixtures::*;
use time::Duration;

/// What one verification asks of the store: the signers of a kid, the
/// signer count and the freshness of the data.
fn verification(store: &SqliteStore, kid: &[u8], now: time::OffsetDateTime) -> usize {
    let found = store.signers(&hcert::kid_ref(kid)).unwrap().len();
    let _ = store.len();
    let _ = store.freshness(now);
    found
}

/// What [`verify_loop`] measured.
struct Latencies {
    worst: StdDuration,
    /// When the worst one started.
    worst_at: Instant,
    median: StdDuration,
    count: usize,
    over_10ms: usize,
    failures: usize,
}

/// Runs `verify` in a loop while `stop` is false and measures each run.
fn verify_loop(stop: &AtomicBool, mut verify: impl FnMut() -> Result<(), String>) -> Latencies {
    let mut times = Vec::new();
    let mut failures = 0;
    let (mut worst, mut worst_at) = (StdDuration::ZERO, Instant::now());
    while !stop.load(Ordering::SeqCst) {
        let t = Instant::now();
        if let Err(e) = verify() {
            if failures == 0 {
                eprintln!("  first failure: {e}");
            }
            failures += 1;
        }
        let took = t.elapsed();
        if took > worst {
            (worst, worst_at) = (took, t);
        }
        times.push(took);
    }
    times.sort();
    Latencies {
        worst,
        worst_at,
        median: times.get(times.len() / 2).copied().unwrap_or_default(),
        count: times.len(),
        over_10ms: times.iter().filter(|t| **t > StdDuration::from_millis(10)).count(),
        failures,
    }
}

/// Commits `N` new signers (a Replace of `N` old ones) while verifications
/// run in a loop: through the same store (the app: one store, sync and
/// verification in one process), and through a store opened for each
/// verification the way `healthcert verify --db` opens it (another process).
#[test]
#[ignore = "bench: run with --ignored --nocapture"]
fn verification_latency_during_a_large_commit() {
    let n: u32 = std::env::var("HEALTHCERT_BENCH_SIGNERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let now = reference_time();
    let (old, new) = (synthetic(1, n), synthetic(2, n));
    let probe = kid_of(&old[0]);

    for scenario in ["same store (app)", "a store opened per verification (verify --db)"] {
        let (_dir, path) = temp_database();
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        store.apply(&replace(dgca(), &old, now), now).unwrap();
        let (idle, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let reader = {
            let (store, idle, stop, path, probe) =
                (store.clone(), idle.clone(), stop.clone(), path.clone(), probe.clone());
            let per_verification = scenario.starts_with("a store");
            std::thread::spawn(move || {
                let mut verify = || {
                    if per_verification {
                        let own = open_for_verification(&path)?;
                        verification(&own, &probe, now);
                    } else {
                        verification(&store, &probe, now);
                    }
                    Ok(())
                };
                (verify_loop(&idle, &mut verify), verify_loop(&stop, &mut verify))
            })
        };
        // The same loop without a writer first: what the machine's load
        // alone costs.
        let idle_for = StdDuration::from_secs(5);
        std::thread::sleep(idle_for);
        idle.store(true, Ordering::SeqCst);
        let later = now + Duration::hours(1);
        let t = Instant::now();
        store.apply(&replace(dgca(), &new, later), later).unwrap();
        let apply = t.elapsed();
        std::thread::sleep(StdDuration::from_millis(200));
        stop.store(true, Ordering::SeqCst);
        let (alone, l) = reader.join().unwrap();
        let mode = if cfg!(debug_assertions) { "debug" } else { "release" };
        eprintln!(
            "{mode}, {scenario}: no writer, {idle_for:?}: {} verifications, worst {:.2?}, median {:.2?}, {} over \
             10 ms, {} failed",
            alone.count, alone.worst, alone.median, alone.over_10ms, alone.failures
        );
        let at = l.worst_at.saturating_duration_since(t);
        eprintln!(
            "{mode}, {scenario}: apply of {n} signers {apply:.2?}; {} verifications, worst {:.2?} (started \
             {at:.2?} into the apply), median {:.2?}, {} over 10 ms, {} failed",
            l.count, l.worst, l.median, l.over_10ms, l.failures
        );
    }
}

/// The race above made deterministic: another connection holds the write
/// lock of a new file (still in rollback-journal mode) while a store opens
/// it. The switch to WAL inside the open upgrades a read lock, which SQLite
/// refuses at once instead of calling the busy handler; the open must wait
/// for the lock instead.
#[test]
fn opening_a_new_file_waits_for_another_connection_s_write_lock() {
    let (_dir, path) = temp_database();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let p = path.clone();
    let opening = std::thread::spawn(move || SqliteStore::open(&p).map(drop));
    std::thread::sleep(StdDuration::from_millis(300));
    assert!(!opening.is_finished(), "the open did not wait: {:?}", opening.join().unwrap());
    other.execute_batch("COMMIT").unwrap();
    let p = path.clone();
    within_a_minute(move || opening.join().unwrap()).unwrap();
    assert!(matches!(SqliteStore::open_read_only(&p), Ok(Err(_))), "migrated, no data yet");
}

/// How `verify --db` opens a database that holds data.
fn open_for_verification(path: &Path) -> Result<SqliteStore, String> {
    match SqliteStore::open_read_only(path) {
        Ok(Ok(store)) => Ok(store),
        Ok(Err(needs)) => Err(needs.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Every file of the database (main file, `-wal`, `-shm`) that exists, with
/// its bytes.
fn files(path: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::fs::read(&name).ok().map(|bytes| (suffix.to_string(), bytes))
        })
        .collect()
}

/// Runs `f` on a thread and waits for it for at most a minute: a hang
/// guard, not a timing assertion.
fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(StdDuration::from_secs(60)).expect("blocked behind the open write transaction")
}

/// docs/trust.md: "a verifier keeps reading the last commit while a sync
/// writes". Another connection holds a write transaction open (it deleted
/// every signer and has not committed): a read-only store opened now, and a
/// store opened before, both answer from the last commit at once; after the
/// commit both see it.
#[test]
fn a_verifier_reads_the_last_commit_while_another_connection_writes() {
    let (_dir, path) = temp_database();
    let now = reference_time();
    let certs = synthetic(5, 3);
    let kid = kid_of(&certs[0]);
    let app = Arc::new(SqliteStore::open(&path).unwrap());
    app.apply(&replace(dgca(), &certs, now), now).unwrap();
    assert_eq!(app.signers(&hcert::kid_ref(&kid)).unwrap().len(), 1);

    let sync = rusqlite::Connection::open(&path).unwrap();
    sync.execute_batch("BEGIN IMMEDIATE; DELETE FROM signers;").unwrap();

    let (p, k) = (path.clone(), kid.clone());
    let (verifier, found) = within_a_minute(move || {
        let store = open_for_verification(&p).unwrap();
        let found = (store.signers(&hcert::kid_ref(&k)).unwrap().len(), store.len(), store.freshness(now).is_some());
        (store, found)
    });
    assert_eq!(found, (1, 3, true), "the last commit, not the open transaction");
    let (a, k) = (app.clone(), kid.clone());
    assert_eq!(within_a_minute(move || a.signers(&hcert::kid_ref(&k)).unwrap().len()), 1);
    // The writer cannot be the reader's: a read-only store refuses writes.
    let later = now + Duration::hours(1);
    let err = verifier.apply(&replace(dgca(), &certs[..1], later), later).unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");

    sync.execute_batch("COMMIT").unwrap();
    assert!(verifier.signers(&hcert::kid_ref(&kid)).unwrap().is_empty(), "the commit is seen by the next lookup");
    assert!(app.signers(&hcert::kid_ref(&kid)).unwrap().is_empty());
}

/// A read-only store changes no byte of the database: not the main file,
/// not the log (with commits in it, or checkpointed away), not even the
/// header of the WAL index; and it refuses every write.
#[test]
fn a_read_only_store_writes_nothing() {
    let (_dir, path) = temp_database();
    let now = reference_time();
    let certs = synthetic(6, 4);
    {
        let store = SqliteStore::open(&path).unwrap();
        store.apply(&replace(dgca(), &certs[..2], now), now).unwrap();
        store.set_max_age(&dgca(), Some(3600)).unwrap();
    }
    // Closed: the log was folded into the main file and removed.
    assert_eq!(files(&path).len(), 1);
    let writer = SqliteStore::open(&path).unwrap();
    let later = now + Duration::hours(1);
    writer.apply(&replace(dgca(), &certs[1..], later), later).unwrap();

    for round in ["commits in the log", "log checkpointed"] {
        let before = files(&path);
        let store = open_for_verification(&path).unwrap();
        assert_eq!(store.len(), 3, "{round}");
        assert!(store.signers(&hcert::kid_ref(&kid_of(&certs[0]))).unwrap().is_empty(), "{round}: the last commit");
        assert_eq!(store.signers(&hcert::kid_ref(&kid_of(&certs[3]))).unwrap().len(), 1);
        assert_eq!(store.status(later).unwrap()[0].max_age_seconds, Some(3600));
        assert!(store.business_rules().unwrap().is_some());
        assert!(store.integrity_check().unwrap());
        for refused in [
            store.apply(&replace(dgca(), &certs, later), later).map(drop),
            store.record_failure(&dgca(), later, "x"),
            store.set_max_age(&dgca(), None),
        ] {
            assert!(matches!(&refused, Err(e) if e.to_string().contains("read-only")), "{refused:?}");
        }
        drop(store);
        let after = files(&path);
        assert_eq!(after.len(), before.len(), "{round}: no file created or removed");
        for ((name, was), (_, is)) in before.iter().zip(&after) {
            // The WAL index's header and checkpoint record (its first 96
            // bytes); readers may change the read marks after them.
            let n = if name == "-shm" { 96 } else { was.len() };
            assert!(was.len() == is.len() && was[..n] == is[..n], "{round}: {name:?} changed");
        }
        writer.integrity_check().unwrap();
        std::mem::drop(rusqlite::Connection::open(&path).unwrap().query_row(
            "PRAGMA wal_checkpoint(TRUNCATE)",
            [],
            |_| Ok(()),
        ));
    }
}

/// What `open_read_only` will not serve without a write: a missing file (not
/// created), a new one, one without data; a newer one is an error. All are
/// left as they were.
#[test]
fn read_only_opening_never_creates_upgrades_or_seeds() {
    use healthcert_core::trust::store::NeedsWrite;
    let (_dir, path) = temp_database();
    assert_eq!(SqliteStore::open_read_only(&path).unwrap().err(), Some(NeedsWrite::Missing));
    assert!(!path.exists(), "not created");

    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 0").unwrap();
    assert_eq!(SqliteStore::open_read_only(&path).unwrap().err(), Some(NeedsWrite::Empty));
    drop(SqliteStore::open(&path).unwrap());
    let before = std::fs::read(&path).unwrap();
    assert_eq!(SqliteStore::open_read_only(&path).unwrap().err(), Some(NeedsWrite::Empty), "no data yet");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let before = std::fs::read(&path).unwrap();
    match SqliteStore::open_read_only(&path) {
        Err(healthcert_core::Error::TrustSchemaTooNew { found: 99, .. }) => {}
        other => panic!("expected TrustSchemaTooNew, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Two first syncs started at once on a new database: the second waits for
/// the first (creation, the switch to WAL, the migrations, the commit)
/// instead of failing with "database is locked". SQLite does not retry the
/// switch to WAL when another connection holds a lock (a read lock upgraded
/// to a write lock inside the pragma), so this raced and lost about one time
/// in ten.
#[test]
fn two_first_syncs_on_a_new_database_both_commit() {
    let now = reference_time();
    let certs = synthetic(4, 2);
    let updates: Vec<_> = [source(healthcert_core::trust::SourceKind::De, "https://de.example/"), dgca()]
        .into_iter()
        .zip(&certs)
        .map(|(s, c)| replace(s, std::slice::from_ref(c), now))
        .collect();
    for round in 0..60 {
        let (_dir, path) = temp_database();
        let start = Arc::new(std::sync::Barrier::new(2));
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = updates
                .iter()
                .map(|update| {
                    let (start, path) = (start.clone(), path.clone());
                    s.spawn(move || {
                        start.wait();
                        let store = SqliteStore::open(&path)?;
                        store.apply(update, now)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in &results {
            assert!(r.is_ok(), "round {round}: {r:?}");
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.len(), 2, "round {round}: both syncs committed");
        assert_eq!(store.status(now).unwrap().len(), 2);
    }
}

/// Signer lookups of other verifications while the first verification
/// after a commit of `N` rules compiles them (`business_rules`).
#[test]
#[ignore = "bench: run with --ignored --nocapture"]
fn lookup_latency_while_rules_compile() {
    use healthcert_core::trust::SourceKind;
    use healthcert_core::trust::update::{RuleRecord, SourceMeta};
    let n: usize = std::env::var("HEALTHCERT_BENCH_RULES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    let now = reference_time();
    let (_dir, path) = temp_database();
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let certs = synthetic(7, 100);
    store.apply(&replace(dgca(), &certs, now), now).unwrap();
    let rule_dir = fixtures().join("trust/rules/rule/XT");
    let templates: Vec<String> = std::fs::read_dir(&rule_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let rules: Vec<RuleRecord> = (0..n)
        .map(|i| {
            let doc: serde_json::Value = serde_json::from_str(&templates[i % templates.len()]).unwrap();
            let mut doc = doc.as_object().unwrap().clone();
            let identifier = format!("VR-XT-{i:05}");
            doc.insert("Identifier".into(), identifier.clone().into());
            RuleRecord {
                country: "XT".into(),
                identifier,
                version: "1.0.0".into(),
                hash: format!("{i:064x}"),
                json: serde_json::to_vec(&doc).unwrap(),
            }
        })
        .collect();
    let update = healthcert_core::trust::Update {
        rules: Some(rules),
        ..healthcert_core::trust::Update::unchanged(
            source(SourceKind::Rules, "https://rules.example/"),
            SourceMeta::default(),
        )
    };
    let stop = Arc::new(AtomicBool::new(false));
    let probe = kid_of(&certs[0]);
    let reader = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            verify_loop(&stop, || {
                verification(&store, &probe, now);
                Ok(())
            })
        })
    };
    std::thread::sleep(StdDuration::from_millis(500));
    store.apply(&update, now).unwrap();
    let t = Instant::now();
    let held = store.business_rules().unwrap().unwrap();
    let compile = t.elapsed();
    std::thread::sleep(StdDuration::from_millis(500));
    stop.store(true, Ordering::SeqCst);
    let l = reader.join().unwrap();
    assert_eq!((held.rules.rules().len(), held.skipped_rules), (n, 0));
    let mode = if cfg!(debug_assertions) { "debug" } else { "release" };
    eprintln!(
        "{mode}: compiling {n} rules {compile:.2?}; signer lookups meanwhile: {}, worst {:.2?}, median {:.2?}, {} over 10 ms",
        l.count, l.worst, l.median, l.over_10ms
    );
}
