//! EU DCC revocation with 1 000 000 revoked hashes held: one kid in VECTOR
//! mode (256 cells of about 3 900 hashes), two batch expiries (two bloom
//! slices per cell, the service's p = 1e-12, k = 40), served by the trust
//! server on a loopback port (`xtask::revocation::tree` in a temp dir).
//!
//! - `revocation/full_sync_1m`: `RevocationSource` into a fresh SQLite file
//!   (`/lists`, the partitions, 256 chunk archives, every slice hashed and
//!   read, one transaction); a handful of samples;
//! - `revocation/lookup_miss`: `TrustStore::revocation` for a hash not
//!   revoked (the signer listed; both live slices of its cell asked: 2 × k
//!   SHA-256), from the store's cache (after the first lookup of the cell);
//! - `revocation/lookup_hit`: the same for a revoked hash (the first slice
//!   that names it answers).
//!
//! Run: `cargo bench -p healthcert-bench --bench revocation`

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use healthcert_cli::serve::TrustServer;
use healthcert_core::formats::{RevocationHashKind, RevocationKey};
use healthcert_core::trust::revocation::Mode;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::sync::{NoProgress, RevocationSource, SyncConfig, Syncer};
use healthcert_core::trust::{ListKey, Revocation, TrustStore};
use healthcert_core::{FixedClock, time_parse};
use xtask::dates::at;
use xtask::revocation::{KidSpec, tree};

const COUNT: u32 = 1_000_000;
const KID: [u8; 8] = *b"benchkid";

fn hash(i: u32) -> [u8; 16] {
    let d = healthcert_core::crypto::sha256(&i.to_be_bytes());
    d[..16].try_into().unwrap()
}

fn bench(c: &mut Criterion) {
    let served = tempfile::tempdir().unwrap();
    let kid = KidSpec {
        kid: KID.to_vec(),
        mode: Mode::Vector,
        hash_types: vec![RevocationHashKind::Uci],
        last_updated: at(2026, 8, 1),
        hashes: (0..COUNT).map(|i| (hash(i), if i % 2 == 0 { at(2030, 1, 1) } else { at(2031, 1, 1) })).collect(),
    };
    let started = std::time::Instant::now();
    for (rel, bytes) in tree(&[kid]).unwrap() {
        let path = served.path().join("revocation").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    eprintln!("generated the 1 000 000-hash service tree in {:.1} s", started.elapsed().as_secs_f64());
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = served.path().to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let server = TrustServer::start(&dir, "127.0.0.1:0".parse().unwrap()).await.unwrap();
            tx.send(server.url()).unwrap();
            server.wait().await.unwrap();
        });
    });
    let url = rx.recv().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let now = time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap();
    let clock = FixedClock(now);
    let syncer = Syncer::new(SyncConfig { allow_http: true, ..SyncConfig::default() }).unwrap();
    let source = RevocationSource::new(format!("{url}/revocation"));
    let dbs = tempfile::tempdir().unwrap();
    let n = AtomicUsize::new(0);
    let fresh_db = || -> PathBuf { dbs.path().join(format!("{}.db", n.fetch_add(1, Ordering::Relaxed))) };
    let sync = |db: &PathBuf| {
        let store = SqliteStore::open(db).unwrap();
        let report = runtime.block_on(syncer.sync(&store, &source, &clock, &NoProgress)).unwrap();
        assert_eq!(report.total, 512, "two slices in each of 256 cells");
        store
    };

    let mut group = c.benchmark_group("revocation");
    group.sample_size(10);
    group.bench_function("full_sync_1m", |b| b.iter_batched(fresh_db, |db| drop(sync(&db)), BatchSize::PerIteration));

    let store = sync(&fresh_db());
    let list = ListKey { scheme: healthcert_core::formats::hcert::SCHEME, issuer: None, kid: &KID };
    let revoked = RevocationKey::Hash { kind: RevocationHashKind::Uci, hash: hash(12_345) };
    let mut miss = hash(COUNT + 1);
    miss[0] = revoked_hash_cell(&revoked);
    let miss = RevocationKey::Hash { kind: RevocationHashKind::Uci, hash: miss };
    assert!(matches!(store.revocation(list, &revoked, now).unwrap(), Revocation::DccListed { .. }));
    assert!(matches!(store.revocation(list, &miss, now).unwrap(), Revocation::DccNotListed { .. }));
    group.sample_size(50);
    group.bench_function("lookup_miss", |b| b.iter(|| store.revocation(list, std::hint::black_box(&miss), now)));
    group.bench_function("lookup_hit", |b| b.iter(|| store.revocation(list, std::hint::black_box(&revoked), now)));
    group.finish();
}

/// The first byte of the revoked hash: the miss lies in the same cell.
fn revoked_hash_cell(key: &RevocationKey) -> u8 {
    match key {
        RevocationKey::Hash { hash, .. } => hash[0],
        _ => 0,
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
