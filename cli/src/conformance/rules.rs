//! The EU business rule test data
//! (`eu-digital-green-certificates/dgc-business-rules-testdata`): every
//! `<CC>/<rule>/tests/*.json` is run against its `<CC>/<rule>/rule.json`, as
//! the repository's own harness runs them with certlogic-js: the rule's
//! `Logic` evaluated on `{"payload": test.payload, "external":
//! test.external}` (value sets, validation clock) must give the test's
//! `expected` value.

use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use healthcert_core::rules::Rule;
use healthcert_core::rules::certlogic::validate;
use healthcert_core::time_parse;

use super::json_eq;

/// A test that disagreed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// The test file, relative to the suite directory.
    pub file: String,
    /// The test's `expected` value.
    pub expected: Value,
    /// What the rule gave (null when it threw or could not run).
    pub got: Value,
    /// Why, when it threw or could not run.
    pub detail: String,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Tests found.
    pub tests: usize,
    /// Tests whose rule gave the expected value.
    pub passed: usize,
    /// Tests that did not.
    pub failed: Vec<Failure>,
    /// Rules with tests.
    pub rules: usize,
    /// Remarks on the data: folders without a `rule.json`, problems the
    /// CertLogic validator finds in a rule's `Logic`, tests whose data is
    /// misplaced or whose clock lies outside the rule's validity.
    pub notes: Vec<String>,
}

fn sorted_dirs(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out: Vec<_> =
        std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    out.sort();
    Ok(out)
}

fn sorted_json(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")))
        .collect();
    out.sort();
    Ok(out)
}

/// Runs every test under `dir` (the dgc-business-rules-testdata folder).
pub fn run(dir: &Path) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let rel = |p: &Path| p.strip_prefix(dir).unwrap_or(p).display().to_string().replace('\\', "/");
    for country in sorted_dirs(dir)? {
        let name = country.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if !(name.len() == 2 && name.bytes().all(|b| b.is_ascii_uppercase())) {
            continue;
        }
        for rule_dir in sorted_dirs(&country)? {
            let rule_path = rule_dir.join("rule.json");
            if !rule_path.is_file() {
                report.notes.push(format!("{}: no rule.json (not the layout of this suite); not run", rel(&rule_dir)));
                continue;
            }
            let tests_dir = rule_dir.join("tests");
            let tests = if tests_dir.is_dir() { sorted_json(&tests_dir)? } else { Vec::new() };
            if tests.is_empty() {
                report.notes.push(format!("{}: no tests", rel(&rule_dir)));
                continue;
            }
            report.rules += 1;
            let bytes = std::fs::read(&rule_path)?;
            let rule = Rule::from_json(&bytes);
            if let Some(logic) = serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| v.get("Logic").cloned()) {
                for issue in validate(&logic) {
                    report.notes.push(format!("{}: Logic{}: {}", rel(&rule_path), issue.path, issue.message));
                }
            }
            for test in tests {
                report.tests += 1;
                let file = rel(&test);
                match run_test(rule.as_ref(), &test, &file, &mut report.notes) {
                    Ok(()) => report.passed += 1,
                    Err(f) => report.failed.push(f),
                }
            }
        }
    }
    Ok(report)
}

fn run_test(rule: Result<&Rule, &String>, path: &Path, file: &str, notes: &mut Vec<String>) -> Result<(), Failure> {
    let fail = |expected: &Value, got: Value, detail: String| Failure {
        file: file.to_owned(),
        expected: expected.clone(),
        got,
        detail,
    };
    let test: Value = match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return Err(fail(&Value::Null, Value::Null, format!("test file unreadable: {e}"))),
    };
    let expected = test.get("expected").cloned().unwrap_or(Value::Null);
    let rule = rule.map_err(|e| fail(&expected, Value::Null, format!("rule.json unusable: {e}")))?;
    let external = test.get("external").cloned().unwrap_or(Value::Null);
    data_notes(rule, &test, &external, file, notes);
    let mut data = Map::new();
    if let Some(p) = test.get("payload") {
        data.insert("payload".into(), p.clone());
    }
    data.insert("external".into(), external);
    match rule.logic().evaluate(&Value::Object(data)) {
        Ok(got) if json_eq::same_value(&got, &expected) => Ok(()),
        Ok(got) => Err(fail(&expected, got, String::new())),
        Err(e) => Err(fail(&expected, Value::Null, format!("threw: {e}"))),
    }
}

/// Notes on test data that does not follow the suite's own constraints
/// (README: value sets in `external.valueSets`, the validation clock within
/// the rule's validity range).
fn data_notes(rule: &Rule, test: &Value, external: &Value, file: &str, notes: &mut Vec<String>) {
    if test.get("payload").is_none() {
        notes.push(format!("{file}: no payload"));
    }
    if external.get("valueSets").is_none() && external.as_object().is_some_and(|o| o.values().any(Value::is_array)) {
        notes.push(format!("{file}: value sets directly in external instead of external.valueSets"));
    }
    let clock: Option<OffsetDateTime> =
        external.get("validationClock").and_then(Value::as_str).and_then(time_parse::lenient);
    if clock.is_some_and(|c| !(rule.valid_from <= c && c <= rule.valid_to)) {
        notes.push(format!("{file}: validationClock outside the rule's ValidFrom–ValidTo"));
    }
}
