//! `healthcert conformance dgc | certlogic | rules`: their arguments, and
//! each suite's report (run by [`healthcert_cli::conformance`]) printed as
//! text or JSON; exit status 5 when the suite disagrees with the pipeline.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Subcommand;
use serde::Serialize;

use healthcert_cli::{conformance, out, outln};
use healthcert_core::text::{display, display_bounded};

use crate::exit;

/// Run a public conformance suite against the pipeline.
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    suite: Suite,
}

#[derive(Subcommand)]
enum Suite {
    /// The EU DCC test data (eu-digital-green-certificates/dgc-testdata).
    ///
    /// Text output lists every new mismatch, and counts the known ones per
    /// row of the "Known mismatches" table of docs/conformance.md (upstream
    /// defects of the suite). Exit status 0 when no flag disagrees with the
    /// suite, 5 when some do (known or new; the last line says which), 1
    /// on an operational error, 2 on a usage error.
    Dgc {
        /// The suite's directory.
        dir: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The CertLogic specification's test suite and validation test suite
    /// (ehn-dcc-development/eu-dcc-business-rules, certlogic/specification).
    ///
    /// JSON: {"assertions", "passed", "failed": [{file, case, assertion,
    /// detail}], "skipped"}. Exit status 0 only when nothing failed.
    Certlogic {
        /// The specification directory (holding testSuite/ and
        /// validation-testSuite/), or a parent of it.
        dir: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The EU business rules and their tests
    /// (eu-digital-green-certificates/dgc-business-rules-testdata): every
    /// `<CC>/<rule>/tests/*.json` against its `rule.json`.
    ///
    /// JSON: {"tests", "passed", "failed": [{file, expected, got, detail}],
    /// "rules", "notes"}. Exit status 0 only when nothing failed.
    Rules {
        /// The test data directory.
        dir: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The SMART Health Cards dev tools' card expectations
    /// (_derived/shc-dev-tools-card-expectations.json, from
    /// smart-on-fhir/health-cards-dev-tools tests/card.test.ts), run through
    /// the core's developer validator (formats::shc::validate).
    ///
    /// Cases that need the network (SMART Health Links, issuer directories,
    /// key sets or revocation lists downloaded from a card's iss) or whose
    /// files are absent are skipped with the reason; cases known to differ
    /// (docs/conformance.md, "SMART Health Cards") are counted apart. JSON:
    /// {"cases", "run", "passed", "mismatches", "known", "skipped",
    /// "results": [{index, test, files, file_type, outcome, detail, got,
    /// expected}], "stale_known"}. Exit status 0 when no case disagrees
    /// outside the known list, 5 otherwise.
    Shc {
        /// The test data root (holding _derived/ and the smart-on-fhir
        /// folders); default $HEALTHCERT_TESTDATA, else ../shared/testdata.
        #[arg(long)]
        testdata: Option<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the suite named on the command line.
pub(crate) fn run(args: Args) -> anyhow::Result<u8> {
    match args.suite {
        Suite::Dgc { dir, json } => dgc(dir, json),
        Suite::Certlogic { dir, json } => certlogic(dir, json),
        Suite::Rules { dir, json } => rules(dir, json),
        Suite::Shc { testdata, json } => shc(testdata, json),
    }
}

/// Fails, saying what `dir` should hold, unless it is a directory.
fn suite_dir(dir: &Path, expected: &str) -> anyhow::Result<()> {
    if !dir.is_dir() {
        bail!("{} is not a directory (expected {expected})", dir.display());
    }
    Ok(())
}

/// Prints a suite's report: one JSON object with `--json`; else its notes,
/// then `text`.
fn print<R: Serialize>(
    report: &R,
    json: bool,
    notes: &[String],
    text: impl FnOnce(&R) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if json {
        return out::json_line(report);
    }
    for n in notes {
        outln!("note: {}", display(n))?;
    }
    text(report)
}

/// `conformance dgc`: new mismatches listed, known ones counted per row of
/// the table in docs/conformance.md.
fn dgc(dir: PathBuf, json: bool) -> anyhow::Result<u8> {
    suite_dir(&dir, "the dgc-testdata suite")?;
    let report = conformance::dgc::run(&dir)?;
    print(&report, json, &report.notes, |report| {
        for (flag, nc) in &report.flags_not_checked {
            outln!("not checked: {} ×{}: {}", display(flag), nc.count, display(&nc.reason))?;
        }
        let sorted = conformance::known::sort(&report.mismatches);
        for (row, seen) in sorted.known.iter().filter(|(_, seen)| *seen > 0) {
            let stated = if *seen == row.count { String::new() } else { format!(" (the table states {})", row.count) };
            outln!("known upstream defect: {} ×{seen}{stated}", display(&row.describe()))?;
        }
        for m in &sorted.new {
            outln!(
                "NEW MISMATCH {} {}: expected {}, got {} — {}",
                display(&m.file),
                display(&m.flag),
                if m.expected { "pass" } else { "fail" },
                if m.got { "pass" } else { "fail" },
                display_bounded(&m.detail, 600)
            )?;
        }
        let known = report.mismatches.len() - sorted.new.len();
        outln!(
            "{} cases, {} flags checked, {} mismatches: {known} known upstream defects (listed in \
             docs/conformance.md, \"Known mismatches\"), {} new",
            report.cases,
            report.flags_checked,
            report.mismatches.len(),
            sorted.new.len()
        )?;
        Ok(())
    })?;
    Ok(if report.mismatches.is_empty() { exit::VALID } else { exit::MISMATCHES })
}

/// `conformance certlogic`: every failed assertion, then the counts.
fn certlogic(dir: PathBuf, json: bool) -> anyhow::Result<u8> {
    let report = conformance::certlogic::run(&dir)?;
    print(&report, json, &[], |report| {
        for f in &report.failed {
            let at = f.assertion.map(|a| format!(" assertion {a}")).unwrap_or_default();
            outln!("FAILED {} \"{}\"{at}: {}", display(&f.file), display(&f.case), display_bounded(&f.detail, 600))?;
        }
        let (e, v) = (&report.evaluation, &report.validation);
        outln!(
            "evaluation: {} files, {} assertions, {} passed, {} skipped; validation: {} files, {} cases, {} passed",
            e.files,
            e.assertions,
            e.passed,
            e.skipped,
            v.files,
            v.assertions,
            v.passed
        )?;
        outln!(
            "{} assertions, {} passed, {} failed, {} skipped",
            report.assertions,
            report.passed,
            report.failed.len(),
            report.skipped
        )?;
        Ok(())
    })?;
    Ok(if report.failed.is_empty() { exit::VALID } else { exit::MISMATCHES })
}

/// `conformance rules`: every failed rule test, then the counts.
fn rules(dir: PathBuf, json: bool) -> anyhow::Result<u8> {
    suite_dir(&dir, "dgc-business-rules-testdata")?;
    let report = conformance::rules::run(&dir)?;
    print(&report, json, &report.notes, |report| {
        for f in &report.failed {
            outln!(
                "FAILED {}: expected {}, got {} {}",
                display(&f.file),
                display(&f.expected.to_string()),
                display(&f.got.to_string()),
                display_bounded(&f.detail, 600)
            )?;
        }
        outln!(
            "{} rules, {} tests, {} passed, {} failed",
            report.rules,
            report.tests,
            report.passed,
            report.failed.len()
        )?;
        Ok(())
    })?;
    Ok(if report.failed.is_empty() { exit::VALID } else { exit::MISMATCHES })
}

/// `conformance shc`: every case that did not pass, then the counts.
fn shc(testdata: Option<PathBuf>, json: bool) -> anyhow::Result<u8> {
    let root = testdata
        .or_else(|| std::env::var_os("HEALTHCERT_TESTDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("../shared/testdata"));
    if !root.join(conformance::shc::EXPECTATIONS).is_file() {
        bail!("{} has no {} (pass --testdata DIR)", root.display(), conformance::shc::EXPECTATIONS);
    }
    let report = conformance::shc::run(&root)?;
    print(&report, json, &[], |report| {
        for r in &report.results {
            let tag = match r.outcome {
                conformance::shc::Outcome::Pass => continue,
                conformance::shc::Outcome::Mismatch => "MISMATCH",
                conformance::shc::Outcome::Known => "known",
                conformance::shc::Outcome::Skipped => "skipped",
            };
            outln!(
                "{tag} #{} \"{}\" ({}): {}",
                r.index,
                display(&r.test),
                display(&r.file_type),
                display_bounded(&r.detail, 600)
            )?;
        }
        for k in &report.stale_known {
            outln!("STALE known entry (the case now agrees or is gone): {}", display(k))?;
        }
        outln!(
            "{} cases: {} run, {} passed, {} known differences, {} mismatches, {} skipped",
            report.cases,
            report.run,
            report.passed,
            report.known,
            report.mismatches,
            report.skipped
        )?;
        Ok(())
    })?;
    Ok(if report.mismatches == 0 && report.stale_known.is_empty() { exit::VALID } else { exit::MISMATCHES })
}
