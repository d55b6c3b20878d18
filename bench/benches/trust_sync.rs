//! Trust sync and cold start with 10 000 signer certificates, against the
//! trust server on a loopback port (`healthcert trust serve`, in process):
//!
//! - `sync/de_full`: the German-shaped signed list, one response of
//!   10 000 certificates (≈ 8.4 MB): download, signature check, parsing of
//!   every certificate, one transaction into a fresh SQLite file (WAL,
//!   `synchronous=FULL`);
//! - `sync/dgca_full`: the DGCA verifier-service protocol, 10 000 paged
//!   responses (one certificate each) and the status list, into a fresh file;
//! - `sync/http_floor_10k_requests`: 10 000 sequential requests answered
//!   with an empty 404 by the same server: the round-trip floor under the
//!   paged protocol;
//! - `sync/*_unchanged`: a second sync with nothing new: one conditional
//!   request answered 304 (DE), or one resumed page answered 204 plus a
//!   conditional status request answered 304 (DGCA);
//! - `cold_start/open_and_verify`: open the database holding 10 009 keys
//!   (new connections, empty key cache; the OS page cache is warm) and verify
//!   one certificate.
//!
//! Run: `cargo bench -p healthcert-bench --bench trust_sync`

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use healthcert_cli::serve::TrustServer;
use healthcert_core::crypto::public_key_from_pem;
use healthcert_core::model::Status;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::sync::{
    DgcaSource, HttpClient, NoProgress, SignedListSource, SyncConfig, Syncer, TrustSource,
};
use healthcert_core::trust::update::{SignerChange, SignerRecord, SourceMeta};
use healthcert_core::trust::{SourceId, SourceKind, Update, file};
use healthcert_core::{FixedClock, Verifier, time_parse};

const COUNT: usize = 10_000;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

fn bench(c: &mut Criterion) {
    let served = tempfile::tempdir().unwrap();
    xtask::bulk::generate(COUNT, served.path()).unwrap();
    // The server on a thread and runtime of its own (as `healthcert trust
    // serve` runs), the client on a current-thread runtime (as `healthcert
    // trust sync` runs).
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
    let key =
        public_key_from_pem(&std::fs::read_to_string(served.path().join("de/list-signing-key.pem")).unwrap()).unwrap();
    let de = SignedListSource::new(format!("{url}/de/trustList/DSC"), key);
    let dgca = DgcaSource::new(format!("{url}/"));
    let clock = FixedClock(time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap());
    let syncer = Syncer::new(SyncConfig { allow_http: true, ..SyncConfig::default() }).unwrap();
    let dbs = tempfile::tempdir().unwrap();
    let n = AtomicUsize::new(0);
    let fresh_db = || -> PathBuf { dbs.path().join(format!("{}.db", n.fetch_add(1, Ordering::Relaxed))) };
    let sync = |db: &Path, source: &dyn TrustSource| {
        let store = SqliteStore::open(db).unwrap();
        let report = runtime.block_on(syncer.sync(&store, source, &clock, &NoProgress)).unwrap();
        assert_eq!(report.total, COUNT);
    };

    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.bench_function("de_full", |b| b.iter_batched(&fresh_db, |db| sync(&db, &de), BatchSize::PerIteration));
    group.bench_function("dgca_full", |b| b.iter_batched(&fresh_db, |db| sync(&db, &dgca), BatchSize::PerIteration));
    // The floor under the paged protocol: 10 000 sequential requests of an
    // empty 404 through the same client and server, nothing parsed or stored.
    let http = HttpClient::new(&SyncConfig { allow_http: true, ..SyncConfig::default() }).unwrap();
    let missing = format!("{url}/no-such-path");
    group.bench_function("http_floor_10k_requests", |b| {
        b.iter(|| {
            runtime.block_on(async {
                for _ in 0..COUNT {
                    let r = http.get(&missing, &[], 4096).await.unwrap();
                    assert_eq!(r.status, 404);
                }
            })
        })
    });
    let synced = fresh_db();
    sync(&synced, &de);
    sync(&synced, &dgca);
    group.sample_size(50);
    group.bench_function("de_unchanged", |b| b.iter(|| sync(&synced, &de)));
    group.bench_function("dgca_unchanged", |b| b.iter(|| sync(&synced, &dgca)));
    group.finish();

    // 10 000 bulk signers plus the fixture signers, in one file.
    let cold = fresh_db();
    sync(&cold, &de);
    {
        let store = SqliteStore::open(&cold).unwrap();
        let (signers, _) = file::load_signers(&fixtures().join("trust/trustlist.json")).unwrap();
        let update = Update {
            signers: SignerChange::Replace(signers.iter().filter_map(SignerRecord::of).collect()),
            ..Update::unchanged(
                SourceId { kind: SourceKind::Import, location: "fixtures".into() },
                SourceMeta::default(),
            )
        };
        store.apply(&update, clock.0).unwrap();
        assert_eq!(healthcert_core::trust::TrustStore::len(&store), COUNT + 9);
    }
    let payload = std::fs::read_to_string(fixtures().join("hcert/valid-vaccination.txt")).unwrap();
    let mut group = c.benchmark_group("cold_start");
    group.bench_function("open_and_verify", |b| {
        b.iter(|| {
            let store = SqliteStore::open(&cold).unwrap();
            let verdict = Verifier::new(store).verify(payload.trim(), &clock).unwrap();
            assert_eq!(verdict.status, Status::Valid);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
