//! The SQLite trust store at the size of the real EU gateway list (some
//! thousands of DSCs) and under concurrent use.
//!
//! `cargo test --release -p healthcert-core --test store_scale -- --nocapture`
//! prints the timings (apply of 10 000 signers, open + cold lookup, cached
//! lookup, X.509 parse).

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]
#![cfg(feature = "store")]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration as StdDuration, Instant};

use healthcert_core::formats::hcert;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::{SignerKey, TrustStore, kid_of};
use healthcert_test_support::fixtures::*;
use time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    Old,
    New,
}

/// ARCHITECTURE.md: "a list is verified, then committed in one SQLite
/// transaction, or not at all". A verifier reading while a large Replace
/// commits sees, read by read, the old set until the commit and the new set
/// after it: never a read of the old set after one of the new (which is what
/// a half-applied Replace would show, in either order of deletes and
/// inserts), and the new set as soon as `apply` has returned.
#[test]
fn a_reader_sees_the_old_set_or_the_new_one_never_a_mix() {
    const N: u32 = 3000;
    let dir = tempfile::tempdir().unwrap();
    let now = reference_time();
    let store = Arc::new(SqliteStore::open(&dir.path().join("trust.db")).unwrap());
    let (old, new) = (synthetic(1, N), synthetic(2, N));
    store.apply(&replace(dgca(), &old, now), now).unwrap();
    let old_kids: Vec<Vec<u8>> = old.iter().map(|d| kid_of(d)).collect();
    let new_kids: Vec<Vec<u8>> = new.iter().map(|d| kid_of(d)).collect();

    let reads = Arc::new(AtomicUsize::new(0));
    let applying = Arc::new(AtomicBool::new(false));
    let applied = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, reads, applying, applied) = (store.clone(), reads.clone(), applying.clone(), applied.clone());
        std::thread::spawn(move || {
            let mut last = Set::Old;
            let (mut old_reads, mut new_reads, mut during_apply) = (0usize, 0usize, 0usize);
            for i in 0usize.. {
                let done_before = applied.load(Ordering::SeqCst);
                let during = applying.load(Ordering::SeqCst) && !done_before;
                let order = if i % 2 == 0 { [Set::Old, Set::New] } else { [Set::New, Set::Old] };
                for asked in order {
                    let kid = match asked {
                        Set::Old => &old_kids[i % N as usize],
                        Set::New => &new_kids[i % N as usize],
                    };
                    let hits = store.signers(&hcert::kid_ref(kid)).unwrap().len();
                    let seen = match (asked, hits) {
                        (Set::Old, 1) | (Set::New, 0) => Set::Old,
                        (Set::Old, 0) | (Set::New, 1) => Set::New,
                        _ => panic!("read {i}: {hits} signers for one kid"),
                    };
                    assert!(!(last == Set::New && seen == Set::Old), "read {i}: the old set after the new one");
                    assert!(!(done_before && seen == Set::Old), "read {i}: the old set after apply returned");
                    last = seen;
                    match seen {
                        Set::Old => old_reads += 1,
                        Set::New => new_reads += 1,
                    }
                    during_apply += usize::from(during);
                    reads.fetch_add(1, Ordering::SeqCst);
                }
                if done_before {
                    break;
                }
            }
            (old_reads, new_reads, during_apply)
        })
    };
    while reads.load(Ordering::SeqCst) < 200 {
        std::thread::sleep(StdDuration::from_millis(1));
    }
    let later = now + Duration::hours(1);
    applying.store(true, Ordering::SeqCst);
    let report = store.apply(&replace(dgca(), &new, later), later).unwrap();
    applied.store(true, Ordering::SeqCst);
    let (old_reads, new_reads, during_apply) = reader.join().unwrap();
    assert_eq!((report.added, report.removed), (N as usize, N as usize));
    assert!(old_reads >= 200 && new_reads >= 2, "{old_reads} old, {new_reads} new");
    assert!(during_apply > 0, "the reader was never served while the apply ran");
    eprintln!("reader: {old_reads} reads of the old set, {new_reads} of the new, {during_apply} during the apply");
}

fn per(d: StdDuration, n: u32) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6 / f64::from(n))
}

#[test]
fn ten_thousand_signers() {
    const N: u32 = 10_000;
    let (_dir, path) = temp_database();
    let now = reference_time();
    let certs = synthetic(3, N);

    let store = SqliteStore::open(&path).unwrap();
    let update = replace(dgca(), &certs, now);
    let t = Instant::now();
    let report = store.apply(&update, now).unwrap();
    let apply = t.elapsed();
    assert_eq!((report.added, report.removed, report.total), (N as usize, 0, N as usize));
    assert!(report.skipped.is_empty());
    assert_eq!(store.len(), N as usize);

    let t = Instant::now();
    let report = store.apply(&replace(dgca(), &certs, now), now).unwrap();
    let reapply = t.elapsed();
    assert_eq!((report.added, report.removed), (0, 0));
    drop(store);

    let probe = kid_of(&certs[N as usize / 2]);
    let t = Instant::now();
    let store = SqliteStore::open(&path).unwrap();
    let opened = t.elapsed();
    let found = store.signers(&hcert::kid_ref(&probe)).unwrap();
    let cold = t.elapsed();
    assert_eq!(found.len(), 1);

    let t = Instant::now();
    for _ in 0..N {
        assert_eq!(store.signers(&hcert::kid_ref(&probe)).unwrap().len(), 1);
    }
    let cached = t.elapsed();

    let t = Instant::now();
    for der in &certs[..1000] {
        assert_eq!(store.signers(&hcert::kid_ref(&kid_of(der))).unwrap().len(), 1);
    }
    let misses = t.elapsed();

    let t = Instant::now();
    for der in &certs[..1000] {
        SignerKey::from_der(hcert::SCHEME, der, None, None).unwrap();
    }
    let parse = t.elapsed();

    let mode = if cfg!(debug_assertions) { "debug" } else { "release" };
    eprintln!(
        "{mode}: apply {N} signers {apply:?} (same list again {reapply:?}); open {opened:?}, \
         open + first lookup {cold:?}; cached lookup {}; uncached lookup {}; X.509 parse {}",
        per(cached, N),
        per(misses, 1000),
        per(parse, 1000)
    );
    if !cfg!(debug_assertions) {
        assert!(apply < StdDuration::from_secs(1), "{N} signers took {apply:?} to apply");
    }
}
