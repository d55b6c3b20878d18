//! CertLogic: all rules of one country (DE: 11, CH: 20, from
//! dgc-business-rules-testdata) evaluated on one certificate (the fixture
//! vaccination DCC with the test data's value sets), compiled once; and the
//! whole `RuleSet::evaluate` (selection, outcomes, descriptions).
//!
//! The side-by-side run against certlogic-js is `bench/certlogic.sh`
//! (docs/benchmarks.md).
//!
//! Run: `cargo bench -p healthcert-bench --bench certlogic`

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use healthcert_core::rules::{RuleSet, ValueSets};
use healthcert_core::time_parse;
use healthcert_test_support::fixtures::{external, fixtures};
use healthcert_test_support::rules::{country_rules, vaccination_context};
use serde_json::{Value, json};

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let Some(dir) = external("eu-digital-green-certificates+dgc-business-rules-testdata") else {
        return;
    };
    let payload = read(&fixtures().join("hcert/valid-vaccination.json"));
    let sets = read(&dir.join("valuesets/valueSets.json"));
    let data = json!({"payload": payload, "external": {"validationClock": "2026-09-01T12:00:00Z", "valueSets": sets}});
    let value_sets = ValueSets::from_map(&sets).unwrap();
    let clock = time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap();
    let mut group = c.benchmark_group("certlogic_ruleset");
    for cc in ["DE", "CH"] {
        let docs = country_rules(&dir, cc);
        let (set, _) = RuleSet::from_json_rules(&docs);
        group.bench_function(format!("{cc}/all {} rules, logic only", set.rules().len()), |b| {
            b.iter(|| {
                for r in set.rules() {
                    std::hint::black_box(r.logic().evaluate(std::hint::black_box(&data)).ok());
                }
            })
        });
        let ctx = vaccination_context(&data["payload"], cc, clock, &value_sets);
        group.bench_function(format!("{cc}/RuleSet::evaluate"), |b| {
            b.iter(|| std::hint::black_box(set.evaluate(std::hint::black_box(&ctx), "en")))
        });
        group.bench_function(format!("{cc}/compile all rules"), |b| {
            b.iter(|| std::hint::black_box(RuleSet::from_json_rules(std::hint::black_box(&docs))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
