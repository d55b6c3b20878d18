//! The CertLogic specification's own test suites
//! (`ehn-dcc-development/eu-dcc-business-rules`, `certlogic/specification`):
//! `testSuite/*.json` (evaluation: every assertion's expression on its data
//! must give its `expected` value, compared as certlogic-js's mocha runner
//! does with a deep equality) and `validation-testSuite/*.json` (the
//! validator must report exactly the case's `issues`). A `"directive":
//! "skip"` on a file, case or assertion skips it, as in the reference runner.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use healthcert_core::rules::certlogic::{Expression, validate};

use super::json_eq;
use super::walk;

/// One assertion or validation case that disagreed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// The suite file, relative to the suite directory.
    pub file: String,
    /// The case's name (or its position).
    pub case: String,
    /// The assertion's position in the case (evaluation suite only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assertion: Option<usize>,
    /// What was expected and what came out.
    pub detail: String,
}

/// The result of a run of both suites.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Evaluation assertions plus validation cases found.
    pub assertions: usize,
    /// Those that agreed.
    pub passed: usize,
    /// Those that disagreed.
    pub failed: Vec<Failure>,
    /// Those skipped by a `skip` directive.
    pub skipped: usize,
    /// The evaluation suite alone.
    pub evaluation: Counts,
    /// The validation suite alone.
    pub validation: Counts,
}

/// Counts of one suite.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Counts {
    /// Suite files read.
    pub files: usize,
    /// Assertions (evaluation) or cases (validation) found.
    pub assertions: usize,
    /// Agreed.
    pub passed: usize,
    /// Skipped by a directive.
    pub skipped: usize,
}

/// The directory holding `name`: `dir/name`, or below `specification/`
/// or `certlogic/specification/`.
fn suite_dir(dir: &Path, name: &str) -> Option<PathBuf> {
    ["", "specification", "certlogic/specification"].iter().map(|p| dir.join(p).join(name)).find(|d| d.is_dir())
}

fn skip(v: &Value) -> bool {
    v.get("directive").and_then(Value::as_str) == Some("skip")
}

fn read(path: &Path) -> anyhow::Result<Value> {
    let bytes = std::fs::read(path)?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// Runs both suites found under `dir` (the specification directory, or a
/// parent of it).
pub fn run(dir: &Path) -> anyhow::Result<Report> {
    let eval_dir = suite_dir(dir, "testSuite");
    let valid_dir = suite_dir(dir, "validation-testSuite");
    if eval_dir.is_none() && valid_dir.is_none() {
        anyhow::bail!("{} holds neither testSuite/ nor validation-testSuite/", dir.display());
    }
    let mut report = Report::default();
    if let Some(d) = eval_dir {
        for path in walk::json_files(&d)? {
            let file = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
            evaluation_file(&read(&path)?, &file, &mut report);
        }
    }
    if let Some(d) = valid_dir {
        for path in walk::json_files(&d)? {
            let file = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
            validation_file(&read(&path)?, &file, &mut report);
        }
    }
    report.assertions = report.evaluation.assertions + report.validation.assertions;
    report.passed = report.evaluation.passed + report.validation.passed;
    report.skipped = report.evaluation.skipped + report.validation.skipped;
    Ok(report)
}

fn cases(suite: &Value) -> &[Value] {
    suite.get("cases").and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn case_name(case: &Value, i: usize) -> String {
    case.get("name").and_then(Value::as_str).map_or_else(|| format!("#{i}"), str::to_owned)
}

fn evaluation_file(suite: &Value, file: &str, report: &mut Report) {
    let counts = &mut report.evaluation;
    counts.files += 1;
    for (ci, case) in cases(suite).iter().enumerate() {
        let assertions = case.get("assertions").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        for (ai, a) in assertions.iter().enumerate() {
            counts.assertions += 1;
            if skip(suite) || skip(case) || skip(a) {
                counts.skipped += 1;
                continue;
            }
            let expr = a.get("certLogicExpression").or_else(|| case.get("certLogicExpression"));
            let data = a.get("data").unwrap_or(&Value::Null);
            let expected = a.get("expected").unwrap_or(&Value::Null);
            let got = match expr.map(Expression::compile) {
                None => Err("no certLogicExpression".to_owned()),
                Some(Err(e)) => Err(format!("not compiled: {e}")),
                Some(Ok(x)) => x.evaluate(data).map_err(|e| format!("threw: {e}")),
            };
            match got {
                Ok(v) if json_eq::same_value(&v, expected) => counts.passed += 1,
                other => report.failed.push(Failure {
                    file: file.to_owned(),
                    case: case_name(case, ci),
                    assertion: Some(ai),
                    detail: match other {
                        Ok(v) => format!("expected {expected}, got {v}"),
                        Err(e) => format!("expected {expected}, {e}"),
                    },
                }),
            }
        }
    }
}

fn validation_file(suite: &Value, file: &str, report: &mut Report) {
    let counts = &mut report.validation;
    counts.files += 1;
    for (ci, case) in cases(suite).iter().enumerate() {
        counts.assertions += 1;
        if skip(suite) || skip(case) {
            counts.skipped += 1;
            continue;
        }
        let expr = case.get("certLogicExpression").unwrap_or(&Value::Null);
        let expected = case.get("issues").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        let got: Vec<Value> =
            validate(expr).into_iter().map(|i| serde_json::json!({"expr": i.expr, "message": i.message})).collect();
        let agree = got.len() == expected.len() && got.iter().zip(expected).all(|(g, e)| json_eq::same_value(g, e));
        if agree {
            counts.passed += 1;
        } else {
            report.failed.push(Failure {
                file: file.to_owned(),
                case: case_name(case, ci),
                assertion: None,
                detail: format!("expected issues {}, got {}", Value::Array(expected.to_vec()), Value::Array(got)),
            });
        }
    }
}
