//! CertLogic timing, the same way `bench/certlogic-js.mjs` times certlogic-js:
//! every rule of a country's set evaluated on one certificate, `ITER`
//! times per round, `ROUNDS` rounds after a warm-up; the per-set time of each
//! round is its elapsed time divided by `ITER`. Prints one JSON line per
//! country: median, fastest and slowest round, and the results of one pass
//! (so that the script can check both engines agree).
//!
//! `certlogic_timing prepare TESTDATA FIXTURES OUT.json` writes the input
//! both sides read: the rule documents of DE and CH (from
//! dgc-business-rules-testdata), and `{payload, external}` with the fixture
//! vaccination certificate, the test data's value sets and a fixed clock.
//! `certlogic_timing run IN.json [ITER ROUNDS]` times healthcert on it.
//!
//! Run through `bench/certlogic.sh`.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::Path;
use std::time::Instant;

use healthcert_core::rules::{RuleSet, ValueSets};
use healthcert_core::time_parse;
use healthcert_test_support::rules::{country_rules, vaccination_context};
use serde_json::{Value, json};

const COUNTRIES: [&str; 2] = ["DE", "CH"];
const CLOCK: &str = "2026-09-01T12:00:00Z";

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn prepare(testdata: &Path, fixtures: &Path, out: &Path) {
    let rules_dir = testdata.join("eu-digital-green-certificates+dgc-business-rules-testdata");
    let mut rules = serde_json::Map::new();
    for cc in COUNTRIES {
        let docs = country_rules(&rules_dir, cc).iter().map(|d| serde_json::from_slice(d).unwrap()).collect();
        rules.insert(cc.into(), Value::Array(docs));
    }
    let payload = read(&fixtures.join("hcert/valid-vaccination.json"));
    let value_sets = read(&rules_dir.join("valuesets/valueSets.json"));
    let data = json!({"payload": payload, "external": {"validationClock": CLOCK, "valueSets": value_sets}});
    std::fs::write(out, serde_json::to_vec(&json!({"rules": rules, "data": data})).unwrap()).unwrap();
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Times `pass` like the JS side; per-set nanoseconds of each round.
fn time(iter: usize, rounds: usize, mut pass: impl FnMut()) -> Vec<f64> {
    for _ in 0..iter {
        pass();
    }
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iter {
                pass();
            }
            t.elapsed().as_nanos() as f64 / iter as f64
        })
        .collect()
}

fn run(input: &Path, iter: usize, rounds: usize) {
    let input = read(input);
    let data = &input["data"];
    let value_sets = ValueSets::from_map(&data["external"]["valueSets"]).unwrap();
    let clock = time_parse::rfc3339(CLOCK).unwrap();
    for cc in COUNTRIES {
        let docs: Vec<Vec<u8>> =
            input["rules"][cc].as_array().unwrap().iter().map(|d| serde_json::to_vec(d).unwrap()).collect();
        let (set, skipped) = RuleSet::from_json_rules(&docs);
        assert!(skipped.is_empty(), "{skipped:?}");
        let logic: Vec<_> = set.rules().iter().map(|r| r.logic()).collect();
        let results: Vec<Value> = logic.iter().map(|x| x.evaluate(data).unwrap_or(Value::Null)).collect();
        let rounds_logic = time(iter, rounds, || {
            for x in &logic {
                std::hint::black_box(x.evaluate(std::hint::black_box(data)).ok());
            }
        });
        let ctx = vaccination_context(&data["payload"], cc, clock, &value_sets);
        let selected = set.evaluate(&ctx, "en").len();
        let rounds_engine = time(iter, rounds, || {
            std::hint::black_box(set.evaluate(std::hint::black_box(&ctx), "en"));
        });
        let line = json!({
            "engine": "healthcert",
            "country": cc,
            "rules": logic.len(),
            "per_set_ns": {"median": median(rounds_logic.clone()),
                "min": rounds_logic.iter().copied().fold(f64::INFINITY, f64::min),
                "max": rounds_logic.iter().copied().fold(0.0, f64::max)},
            "ruleset_evaluate_ns": {"median": median(rounds_engine), "rules_selected": selected},
            "results": results,
        });
        println!("{line}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("prepare") if args.len() == 5 => prepare(Path::new(&args[2]), Path::new(&args[3]), Path::new(&args[4])),
        Some("run") if args.len() >= 3 => {
            let iter = args.get(3).map_or(20_000, |s| s.parse().unwrap());
            let rounds = args.get(4).map_or(15, |s| s.parse().unwrap());
            run(Path::new(&args[2]), iter, rounds);
        }
        _ => {
            eprintln!("usage: certlogic_timing prepare TESTDATA FIXTURES OUT.json | run IN.json [ITER ROUNDS]");
            std::process::exit(2);
        }
    }
}
