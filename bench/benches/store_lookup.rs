//! Signer lookups in the SQLite trust store holding 10 000 signer
//! certificates (`cargo xtask bulk-trust`'s P-256 DSCs, in one file
//! database, WAL, the OS page cache warm):
//!
//! - `store_lookup/miss_1000_kids`: 1 000 distinct kids looked up right
//!   after a commit, so every one misses the key cache and is read from
//!   SQLite and turned into a `SignerKey` (the commit, untimed, runs before
//!   each sample);
//! - `store_lookup/hit_1000_kids`: the same 1 000 lookups again, every one
//!   served by the key cache.
//!
//! Run: `cargo bench -p healthcert-bench --bench store_lookup`

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use healthcert_core::formats::hcert;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::update::{SignerChange, SignerRecord, SourceMeta};
use healthcert_core::trust::{SourceId, SourceKind, TrustStore, Update, file};
use healthcert_core::{FixedClock, time_parse};

const COUNT: usize = 10_000;
const LOOKUPS: usize = 1_000;

fn bench(c: &mut Criterion) {
    let served = tempfile::tempdir().unwrap();
    xtask::bulk::generate(COUNT, served.path()).unwrap();
    let (signers, report) = file::load_signers(&served.path().join("trustlist.json")).unwrap();
    assert_eq!((signers.len(), report.skipped.len()), (COUNT, 0));
    let clock = FixedClock(time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap());
    let source = SourceId { kind: SourceKind::Import, location: "bulk".into() };

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("trust.db")).unwrap();
    let update = Update {
        signers: SignerChange::Replace(signers.iter().filter_map(SignerRecord::of).collect()),
        ..Update::unchanged(source.clone(), SourceMeta::default())
    };
    store.apply(&update, clock.0).unwrap();
    assert_eq!(store.len(), COUNT);
    // Every tenth signer: 1 000 distinct kids spread over the table.
    let refs: Vec<_> = signers.iter().step_by(COUNT / LOOKUPS).map(|s| hcert::kid_ref(&s.kid)).collect();
    assert_eq!(refs.len(), LOOKUPS);
    let lookup_all = || {
        for r in &refs {
            let found = store.signers(r).unwrap();
            assert_eq!(found.len(), 1);
        }
    };

    let mut group = c.benchmark_group("store_lookup");
    // A commit of this store invalidates its key cache.
    let invalidate = || store.set_max_age(&source, None).unwrap();
    group.bench_function("miss_1000_kids", |b| b.iter_batched(invalidate, |()| lookup_all(), BatchSize::PerIteration));
    lookup_all();
    group.bench_function("hit_1000_kids", |b| b.iter(lookup_all));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
