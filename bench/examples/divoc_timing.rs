//! DIVOC verification timing, the same way `bench/divoc-js.mjs` times the
//! JavaScript stack DIVOC uses (jsonld.js URDNA2015 + Node's crypto): the
//! India sample of WHO's DDCC validator, `ITER` times per round, `ROUNDS`
//! rounds after a warm-up; the time of a round is its elapsed time divided
//! by `ITER`. Prints one JSON line: the verdict's format, status and checks,
//! the median, fastest and slowest time per verification and per
//! canonicalization of the credential without its proof
//! (`jsonld::canonical_nquads`, the same input the JavaScript side
//! canonicalizes alone), and the N-Quads, which the script compares with
//! jsonld.js's.
//!
//! healthcert's side is the whole verification of the QR text
//! (`DIVOCQR1Contents.txt`, `B64:` + base64 of a ZIP) through the public
//! API: a SQLite trust database made by the code of `healthcert trust
//! import --db DB registry.json` (the PathCheck registry, whose `DIVOC` →
//! `did:india` entry is the India key), then `Verifier::verify`. Until the
//! core reads DIVOC, the verdict says so (`FORMAT_UNKNOWN`, `FORMAT_UNSUPPORTED` or
//! `NOT_A_HEALTH_CERTIFICATE`) and only the canonicalization is timed.
//!
//! `divoc_timing prepare TESTDATA CONTEXTS OUT.json` writes the input both
//! sides read; `divoc_timing run IN.json [ITER ROUNDS]` times healthcert.
//!
//! Run through `bench/divoc.sh`.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::Path;

use healthcert_core::jsonld;
use healthcert_core::model::{Outcome, Reason, Verdict};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::{FixedClock, Verifier};
use serde_json::{Value, json};

const RESOURCES: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources";
const REGISTRY: &str = "Path-Check+trust-registry/registry.json";
/// 2021-09-20T12:00:00Z: after the India key's `validFromDT` (2021-05-29).
const CLOCK: i64 = 1_632_139_200;

fn prepare(testdata: &Path, contexts: &Path, out: &Path) {
    let resources = testdata.join(RESOURCES);
    let qr = std::fs::read_to_string(resources.join("DIVOCQR1Contents.txt")).unwrap().trim().to_owned();
    let credential = std::fs::read_to_string(resources.join("DIVOCQR1Unpacked.json")).unwrap();
    // One signed byte changed: the vaccine batch inside `evidence`.
    let tampered = credential.replacen("Dummy-TGN-Chamba", "Dummy-TGN-Chambb", 1);
    assert_ne!(tampered, credential, "the sample no longer holds the batch the bench changes");
    let registry_path = testdata.join(REGISTRY).canonicalize().unwrap();
    let registry: Value = serde_json::from_slice(&std::fs::read(&registry_path).unwrap()).unwrap();
    let method = serde_json::from_str::<Value>(&credential).unwrap()["proof"]["verificationMethod"].clone();
    let key = registry["DIVOC"][method.as_str().unwrap()]["didDocument"].clone();
    assert!(key.is_string(), "the registry holds no DIVOC key for {method}");
    let input = json!({
        "qr": qr, "credential": credential, "tampered": tampered,
        "keys": {method.as_str().unwrap(): key},
        "registry": registry_path, "contexts": contexts.canonicalize().unwrap(), "clock": CLOCK,
    });
    std::fs::write(out, serde_json::to_vec(&input).unwrap()).unwrap();
}

fn summary(v: &Verdict) -> Vec<String> {
    v.checks.iter().map(|c| format!("{:?}={:?}:{}", c.check, c.outcome, c.reason.code())).collect()
}

/// Whether the core read the payload as a format at all.
fn unsupported(v: &Verdict) -> bool {
    v.checks.iter().any(|c| {
        c.outcome != Outcome::Pass
            && matches!(c.reason, Reason::FormatUnknown | Reason::FormatUnsupported | Reason::NotAHealthCertificate)
    })
}

fn time(iter: usize, rounds: usize, f: impl FnMut()) -> Value {
    let [median, min, max] = healthcert_bench::ns_per_call(iter, rounds, f);
    json!({"median": median, "min": min, "max": max})
}

fn run(input: &Path, iter: usize, rounds: usize) {
    let input: Value = serde_json::from_slice(&std::fs::read(input).unwrap()).unwrap();
    let clock = FixedClock::from_unix(input["clock"].as_i64().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    healthcert_cli::trust_cmd::import(&db, Path::new(input["registry"].as_str().unwrap()), None, None, clock.0)
        .unwrap();
    let verifier = Verifier::new(SqliteStore::open(&db).unwrap());
    let qr = input["qr"].as_str().unwrap();
    let verdict = verifier.verify(qr, &clock).unwrap();

    let mut unsigned: Value = serde_json::from_str(input["credential"].as_str().unwrap()).unwrap();
    unsigned.as_object_mut().unwrap().remove("proof");
    let nquads = jsonld::canonical_nquads(&unsigned).unwrap();

    let per_verification = if unsupported(&verdict) {
        Value::Null
    } else {
        time(iter, rounds, || {
            std::hint::black_box(verifier.verify(std::hint::black_box(qr), &clock).unwrap());
        })
    };
    let per_canonicalization = time(iter, rounds, || {
        std::hint::black_box(jsonld::canonical_nquads(std::hint::black_box(&unsigned)).unwrap());
    });
    println!(
        "{}",
        json!({"verifier": "healthcert", "format": format!("{:?}", verdict.format),
               "status": format!("{:?}", verdict.status).to_lowercase(), "unsupported": unsupported(&verdict),
               "checks": summary(&verdict), "nquads": nquads,
               "per_verification_ns": per_verification, "per_canonicalization_ns": per_canonicalization})
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("prepare") => prepare(Path::new(&args[2]), Path::new(&args[3]), Path::new(&args[4])),
        Some("run") => {
            let iter = args.get(3).map_or(200, |s| s.parse().unwrap());
            let rounds = args.get(4).map_or(15, |s| s.parse().unwrap());
            run(Path::new(&args[2]), iter, rounds)
        }
        _ => panic!("usage: divoc_timing prepare TESTDATA CONTEXTS OUT.json | run IN.json [ITER ROUNDS]"),
    }
}
