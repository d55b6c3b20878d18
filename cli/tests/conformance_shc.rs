//! The SMART Health Cards dev tools' card expectations
//! (`_derived/shc-dev-tools-card-expectations.json`) through the core's
//! developer validator: every case that needs no network gives its
//! expected result, except the known differences of
//! `cli/src/conformance/shc_known.rs` (each explained, and each must still
//! differ); the counts are in docs/conformance.md.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::process::Command;

use healthcert_cli::conformance::shc::{self, Outcome};
use healthcert_cli::conformance::shc_known::KNOWN;
use healthcert_test_support::testdata;

#[test]
fn every_offline_case_gives_its_expected_result() {
    let Some(root) = testdata::dir() else {
        println!("SKIPPED: the external test data (../shared/testdata or $HEALTHCERT_TESTDATA) is absent");
        return;
    };
    if testdata::require(shc::EXPECTATIONS).is_none() {
        return;
    }
    let r = shc::run(&root).unwrap();
    let mismatches: Vec<_> = r.results.iter().filter(|c| c.outcome == Outcome::Mismatch).collect();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert!(r.stale_known.is_empty(), "known entries that no longer differ: {:?}", r.stale_known);
    assert_eq!(r.known, KNOWN.len());
    assert_eq!(r.cases, 118);
    assert_eq!(r.run + r.skipped, r.cases);
    assert_eq!(r.passed + r.known, r.run);
    // Every skip says why; only network cases and absent files are skipped.
    for c in r.results.iter().filter(|c| c.outcome == Outcome::Skipped) {
        assert!(
            c.detail.starts_with("needs the network: ") || c.detail.starts_with("files not in the test data: "),
            "{c:?}"
        );
    }
    assert!(r.passed >= 82, "only {} cases pass", r.passed);
}

#[test]
fn the_cli_runs_the_suite() {
    let Some(root) = testdata::dir() else {
        println!("SKIPPED: the external test data is absent");
        return;
    };
    if testdata::require(shc::EXPECTATIONS).is_none() {
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_healthcert"))
        .args(["conformance", "shc", "--json", "--testdata"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["mismatches"], 0);
    assert_eq!(v["cases"], 118);
    let missing = Command::new(env!("CARGO_BIN_EXE_healthcert"))
        .args(["conformance", "shc", "--testdata", "/nonexistent"])
        .output()
        .unwrap();
    assert_ne!(missing.status.code(), Some(0));
}
