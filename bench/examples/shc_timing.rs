//! SMART Health Card verification timing, the same way `bench/shc-js.mjs`
//! times a JavaScript verifier (jose + node:zlib): each of the four spec
//! examples, as its `shc:/` numeric QR text, verified `ITER` times per round,
//! `ROUNDS` rounds after a warm-up; the per-card time of a round is its
//! elapsed time divided by `ITER`. Prints one JSON line per example: median,
//! fastest and slowest round, and the verdict's status (both sides must
//! accept every card).
//!
//! healthcert does the whole verification (numeric decode, JWS, raw
//! DEFLATE, claims, FHIR structure check and mapping, ES256 with the
//! issuer's key looked up by (iss, kid), validity), the JavaScript side the
//! decode and the ES256 check only.
//!
//! `shc_timing prepare TESTDATA OUT.json` writes the input both sides read
//! (the four cards as numeric text, the example issuer's JWKS, the clock);
//! `shc_timing run IN.json [ITER ROUNDS]` times healthcert on it.
//!
//! Run through `bench/shc.sh`.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::Path;

use healthcert_core::formats::shc;
use healthcert_core::trust::{MemoryStore, SignerKey};
use healthcert_core::{FixedClock, Verifier};
use serde_json::{Value, json};

const ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";
/// Inside every example's validity (issued 2023-06-22; example 03 expires 2024-06-21).
const CLOCK: i64 = 1_688_212_800; // 2023-07-01T12:00:00Z

/// The `shc:/` numeric form of a compact JWS.
fn numeric(jws: &str) -> String {
    let mut out = String::from("shc:/");
    for b in jws.bytes() {
        out.push_str(&format!("{:02}", b - 45));
    }
    out
}

fn prepare(testdata: &Path, out: &Path) {
    let examples = testdata.join("smart-on-fhir+health-cards/gh-pages/examples");
    let cards: Vec<Value> = (0..4)
        .map(|i| {
            let jws = std::fs::read_to_string(examples.join(format!("example-0{i}-d-jws.txt"))).unwrap();
            json!({"name": format!("example-0{i}"), "qr": numeric(jws.trim())})
        })
        .collect();
    let jwks: Value =
        serde_json::from_slice(&std::fs::read(examples.join("issuer/.well-known/jwks.json")).unwrap()).unwrap();
    let input = json!({"issuer": ISSUER, "clock": CLOCK, "jwks": jwks, "cards": cards});
    std::fs::write(out, serde_json::to_vec(&input).unwrap()).unwrap();
}

fn run(input: &Path, iter: usize, rounds: usize) {
    let input: Value = serde_json::from_slice(&std::fs::read(input).unwrap()).unwrap();
    let issuer = input["issuer"].as_str().unwrap();
    let keys = input["jwks"]["keys"].as_array().unwrap().iter().map(|k| {
        let mut k = k.clone();
        // The key with an x5c chain verifies by its JWK alone.
        k.as_object_mut().unwrap().remove("x5c");
        SignerKey::from_jwk(shc::SCHEME, issuer, &k.to_string()).unwrap()
    });
    let verifier = Verifier::new(MemoryStore::from_signers("example issuer", keys));
    let clock = FixedClock::from_unix(input["clock"].as_i64().unwrap()).unwrap();
    for card in input["cards"].as_array().unwrap() {
        let qr = card["qr"].as_str().unwrap();
        let status = verifier.verify(qr, &clock).unwrap().status;
        let [median, min, max] = healthcert_bench::ns_per_call(iter, rounds, || {
            std::hint::black_box(verifier.verify(std::hint::black_box(qr), &clock).unwrap());
        });
        println!(
            "{}",
            json!({"verifier": "healthcert", "card": card["name"], "status": format!("{status:?}").to_lowercase(),
                   "per_card_ns": {"median": median, "min": min, "max": max}})
        );
    }
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
        _ => panic!("usage: shc_timing prepare TESTDATA OUT.json | run IN.json [ITER ROUNDS]"),
    }
}
