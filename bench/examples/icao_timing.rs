//! ICAO VDS-NC verification timing, the same way `bench/icao-js.mjs` times a
//! JavaScript verifier (RFC 8785 `canonicalize` + Node's `crypto`): the real
//! Australian sample of WHO's DDCC validator (`ICAOAUQR1Contents.txt`, read
//! from the test data), verified `ITER` times per round, `ROUNDS` rounds
//! after a warm-up; the time of a round is its elapsed time divided by
//! `ITER`. Prints one JSON line: median, fastest and slowest round, the
//! verdict's status and checks, and the status of the same seal with one
//! signed byte changed (both sides must accept the sample and refuse that).
//!
//! healthcert does the whole verification with the Health CSCAs of the
//! PathCheck registry in a `MemoryStore` (as `rust-core/tests/icao.rs`):
//! JSON seal, RFC 8785 canonical `data`, the signer certificate from `cer`,
//! its chain to a held CSCA of its country, the signer's extended key usage
//! and validity at the clock, ES256, the schema and the normalized
//! certificate.
//!
//! `icao_timing prepare TESTDATA OUT.json` writes the input both sides read
//! (the seal text, the tampered seal, the registry's path, the clock);
//! `icao_timing run IN.json [ITER ROUNDS]` times healthcert on it.
//!
//! Run through `bench/icao.sh`.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::Path;

use healthcert_core::model::Verdict;
use healthcert_core::trust::{MemoryStore, file};
use healthcert_core::{FixedClock, Verifier};
use serde_json::{Value, json};

const SAMPLE: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources/ICAOAUQR1Contents.txt";
const REGISTRY: &str = "Path-Check+trust-registry/registry.json";
/// 2021-09-20T12:00:00Z: inside the barcode signer's validity
/// (2021-08-31 .. 2031-09-30) and its CSCA's (2020-05-05 .. 2032-06-01).
const CLOCK: i64 = 1_632_139_200;

fn prepare(testdata: &Path, out: &Path) {
    let seal = std::fs::read_to_string(testdata.join(SAMPLE)).unwrap().trim().to_owned();
    // One signed byte changed: a digit of the document number inside `data`.
    let tampered = seal.replacen("PA0941262", "PA0941263", 1);
    assert_ne!(tampered, seal, "the sample no longer holds the document number the bench changes");
    let registry = testdata.join(REGISTRY).canonicalize().unwrap();
    let input = json!({"seal": seal, "tampered": tampered, "registry": registry, "clock": CLOCK});
    std::fs::write(out, serde_json::to_vec(&input).unwrap()).unwrap();
}

fn summary(v: &Verdict) -> Vec<String> {
    v.checks.iter().map(|c| format!("{:?}={:?}:{}", c.check, c.outcome, c.reason.code())).collect()
}

fn run(input: &Path, iter: usize, rounds: usize) {
    let input: Value = serde_json::from_slice(&std::fs::read(input).unwrap()).unwrap();
    let (signers, _) = file::load_signers(Path::new(input["registry"].as_str().unwrap())).unwrap();
    let verifier = Verifier::new(MemoryStore::from_signers("pathcheck registry", signers));
    let clock = FixedClock::from_unix(input["clock"].as_i64().unwrap()).unwrap();
    let seal = input["seal"].as_str().unwrap();
    let verdict = verifier.verify(seal, &clock).unwrap();
    let tampered = verifier.verify(input["tampered"].as_str().unwrap(), &clock).unwrap();
    let [median, min, max] = healthcert_bench::ns_per_call(iter, rounds, || {
        std::hint::black_box(verifier.verify(std::hint::black_box(seal), &clock).unwrap());
    });
    println!(
        "{}",
        json!({"verifier": "healthcert", "status": format!("{:?}", verdict.status).to_lowercase(),
               "checks": summary(&verdict),
               "tampered_status": format!("{:?}", tampered.status).to_lowercase(),
               "per_seal_ns": {"median": median, "min": min, "max": max}})
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("prepare") => prepare(Path::new(&args[2]), Path::new(&args[3])),
        Some("run") => {
            let iter = args.get(3).map_or(2000, |s| s.parse().unwrap());
            let rounds = args.get(4).map_or(15, |s| s.parse().unwrap());
            run(Path::new(&args[2]), iter, rounds)
        }
        _ => panic!("usage: icao_timing prepare TESTDATA OUT.json | run IN.json [ITER ROUNDS]"),
    }
}
