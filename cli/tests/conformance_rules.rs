//! The CertLogic specification's suites and the EU business-rule test data
//! through the project's CertLogic engine: nothing may fail, and the CLI's
//! JSON contract and exit status hold. Figures are in docs/conformance.md.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::PathBuf;
use std::process::Command;

use healthcert_cli::conformance::{certlogic, rules};
use healthcert_test_support::fixtures::external;

fn spec() -> Option<PathBuf> {
    external("ehn-dcc-development+eu-dcc-business-rules/certlogic/specification")
}

fn rules_data() -> Option<PathBuf> {
    external("eu-digital-green-certificates+dgc-business-rules-testdata")
}

#[test]
fn certlogic_suites_pass() {
    let Some(dir) = spec() else { return };
    let r = certlogic::run(&dir).unwrap();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert!(r.evaluation.assertions >= 230, "only {} evaluation assertions", r.evaluation.assertions);
    assert!(r.validation.assertions >= 23, "only {} validation cases", r.validation.assertions);
    // Only the suite's own `skip` directives are skipped.
    assert_eq!(r.skipped, 14);
    assert_eq!(r.passed + r.skipped, r.assertions);
}

#[test]
fn every_business_rule_test_passes() {
    let Some(dir) = rules_data() else { return };
    let r = rules::run(&dir).unwrap();
    assert!(r.failed.is_empty(), "{:#?}", r.failed);
    assert!(r.tests >= 680, "only {} tests", r.tests);
    assert!(r.rules >= 110, "only {} rules", r.rules);
    assert_eq!(r.passed, r.tests);
}

#[test]
fn cli_json_contracts_and_exit_status() {
    let bin = env!("CARGO_BIN_EXE_healthcert");
    if let Some(dir) = spec() {
        let out = Command::new(bin).args(["conformance", "certlogic"]).arg(&dir).arg("--json").output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for key in ["assertions", "passed", "skipped"] {
            assert!(v[key].is_u64(), "{key}");
        }
        assert_eq!(v["failed"].as_array().unwrap().len(), 0);
    }
    let Some(dir) = rules_data() else { return };
    // One rule with one test whose expectation is turned around: exit 5.
    let tmp = std::env::temp_dir().join(format!("healthcert-conformance-rules-{}", std::process::id()));
    let rule = tmp.join("DE/VR-DE-0001");
    std::fs::create_dir_all(rule.join("tests")).unwrap();
    std::fs::copy(dir.join("DE/VR-DE-0001/rule.json"), rule.join("rule.json")).unwrap();
    let mut test: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("DE/VR-DE-0001/tests/test001.json")).unwrap()).unwrap();
    let expected = test["expected"].as_bool().unwrap();
    test["expected"] = serde_json::json!(!expected);
    std::fs::write(rule.join("tests/test001.json"), serde_json::to_vec(&test).unwrap()).unwrap();
    let out = Command::new(bin).args(["conformance", "rules"]).arg(&tmp).arg("--json").output().unwrap();
    assert_eq!(out.status.code(), Some(5), "a failed test makes the exit status 5");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tests"], 1);
    assert_eq!(v["passed"], 0);
    let f = &v["failed"][0];
    assert_eq!(f["file"], "DE/VR-DE-0001/tests/test001.json");
    assert_eq!(f["expected"], serde_json::json!(!expected));
    assert_eq!(f["got"], serde_json::json!(expected));
    assert!(f["detail"].is_string());
    std::fs::remove_dir_all(&tmp).ok();
}

/// MT's rules (no tests, another layout) load as docs/conformance.md states:
/// every file but the one that is not JSON.
#[test]
fn mt_rules_load_except_the_broken_file() {
    let Some(dir) = rules_data() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("MT"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().map(|f| f.unwrap().path()))
        .collect();
    files.sort();
    let docs: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let (set, skipped) = healthcert_core::rules::RuleSet::from_json_rules(&docs);
    assert_eq!(set.rules().len(), 7);
    assert_eq!(skipped.len(), 1);
    assert!(files[skipped[0].position].ends_with("RR-MT-0001/TR-MT-0001.json"));
    assert!(skipped[0].reason.starts_with("not a rule document"), "{}", skipped[0].reason);
}
