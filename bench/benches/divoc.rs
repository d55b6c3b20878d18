//! DIVOC: the India sample of WHO's DDCC validator (`DIVOCQR1Contents.txt`,
//! `B64:` + base64 of a ZIP), payload string → verdict through a SQLite
//! trust database made by the code of `healthcert trust import --db DB
//! registry.json` (the PathCheck registry: `DIVOC` → `did:india`, a PEM RSA
//! key); and `jsonld::canonical_nquads` alone on the credential without its
//! proof (`DIVOCQR1Unpacked.json`), the URDNA2015 step that dominates.
//!
//! Until the core reads DIVOC the verdict says the format is unsupported;
//! the bench prints that and measures the canonicalization only. The
//! side-by-side run with jsonld.js is `bash bench/divoc.sh`.
//!
//! Run: `cargo bench -p healthcert-bench --bench divoc`

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use criterion::{Criterion, criterion_group, criterion_main};
use healthcert_core::jsonld;
use healthcert_core::model::{Outcome, Reason};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::fixtures::external;
use serde_json::Value;

const RESOURCES: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources";
/// 2021-09-20T12:00:00Z: after the India key's `validFromDT` (2021-05-29).
const CLOCK: i64 = 1_632_139_200;

fn bench(c: &mut Criterion) {
    let (Some(registry), Some(qr), Some(credential)) = (
        external("Path-Check+trust-registry/registry.json"),
        external(&format!("{RESOURCES}/DIVOCQR1Contents.txt")),
        external(&format!("{RESOURCES}/DIVOCQR1Unpacked.json")),
    ) else {
        eprintln!("SKIPPED: the DIVOC bench needs the external test data");
        return;
    };
    let qr = std::fs::read_to_string(qr).unwrap().trim().to_owned();
    let mut unsigned: Value = serde_json::from_slice(&std::fs::read(credential).unwrap()).unwrap();
    unsigned.as_object_mut().unwrap().remove("proof");
    let clock = FixedClock::from_unix(CLOCK).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    healthcert_cli::trust_cmd::import(&db, &registry, None, None, clock.0).unwrap();
    let verifier = Verifier::new(SqliteStore::open(&db).unwrap());
    let verdict = verifier.verify(&qr, &clock).unwrap();

    let mut group = c.benchmark_group("divoc");
    let unsupported = verdict.checks.iter().any(|c| {
        c.outcome != Outcome::Pass
            && matches!(c.reason, Reason::FormatUnknown | Reason::FormatUnsupported | Reason::NotAHealthCertificate)
    });
    if unsupported {
        eprintln!("healthcert does not read DIVOC yet (format unsupported): payload_to_verdict not measured");
    } else {
        group.bench_function("payload_to_verdict", |b| {
            b.iter(|| verifier.verify(std::hint::black_box(&qr), &clock).unwrap())
        });
    }
    group.bench_function("canonical_nquads", |b| {
        b.iter(|| jsonld::canonical_nquads(std::hint::black_box(&unsigned)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
