//! The EU DCC conformance suite (eu-digital-green-certificates/dgc-testdata).
//!
//! Every test case (a JSON file with `TESTCTX` and `EXPECTEDRESULTS`) is run
//! through the project's own pipeline, entering each stage with the suite's
//! input for that stage, verifying at the case's `VALIDATIONCLOCK` with its
//! `TESTCTX.CERTIFICATE` as the only trusted key. Each `EXPECTED*` flag
//! present is compared: `true` means the step must pass, `false` that it
//! must fail. The flags' meaning follows the suite's README ("Code
//! Validation" table), judged as the suite's own harness judges them
//! (`tests/test_ehealth_certs.py`): the schema flags only when `true`, with
//! the verifier's default (tolerant) schema check; the key usage from the
//! test context's certificate whether or not the signature verifies; a
//! misspelt flag, which the harness never reads, not at all.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use healthcert_core::formats::hcert::{self, HcertDocument, transport};
use healthcert_core::formats::{Document as _, Failure, PrefixPolicy};
use healthcert_core::model::{CheckKind, Outcome, Verdict};
use healthcert_core::trust::{MemoryStore, SignerKey};
use healthcert_core::{FixedClock, Limits, Verifier, time_parse};

use super::json_eq;
use super::walk;

/// The flags of the suite, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// `PREFIX` minus `HC1:` equals `BASE45`.
    Unprefix,
    /// `BASE45` decodes to `COMPRESSED`.
    B45Decode,
    /// `COMPRESSED` inflates to `COSE`.
    Compression,
    /// `COSE` decodes and its DCC matches `JSON` / `CBOR`.
    Decode,
    /// `COSE` verifies with `TESTCTX.CERTIFICATE`.
    Verify,
    /// The certificate is valid at `VALIDATIONCLOCK`.
    ExpirationCheck,
    /// The signer's key usage allows the certificate's type.
    KeyUsage,
    /// The DCC follows its schema.
    SchemaValidation,
    /// The whole chain from `PREFIX` yields `JSON`.
    ValidJson,
    /// `2DCODE` decodes to `PREFIX`.
    PictureDecode,
    /// `JSON` follows its schema (code generation side).
    ValidObject,
    /// `CBOR` encodes `JSON` (code generation side).
    Encode,
}

impl Flag {
    /// The flag's name in the suite.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Unprefix => "EXPECTEDUNPREFIX",
            Flag::B45Decode => "EXPECTEDB45DECODE",
            Flag::Compression => "EXPECTEDCOMPRESSION",
            Flag::Decode => "EXPECTEDDECODE",
            Flag::Verify => "EXPECTEDVERIFY",
            Flag::ExpirationCheck => "EXPECTEDEXPIRATIONCHECK",
            Flag::KeyUsage => "EXPECTEDKEYUSAGE",
            Flag::SchemaValidation => "EXPECTEDSCHEMAVALIDATION",
            Flag::ValidJson => "EXPECTEDVALIDJSON",
            Flag::PictureDecode => "EXPECTEDPICTUREDECODE",
            Flag::ValidObject => "EXPECTEDVALIDOBJECT",
            Flag::Encode => "EXPECTEDENCODE",
        }
    }

    const ALL: [Flag; 12] = [
        Flag::Unprefix,
        Flag::B45Decode,
        Flag::Compression,
        Flag::Decode,
        Flag::Verify,
        Flag::ExpirationCheck,
        Flag::KeyUsage,
        Flag::SchemaValidation,
        Flag::ValidJson,
        Flag::PictureDecode,
        Flag::ValidObject,
        Flag::Encode,
    ];

    /// Reads a flag name, mending the misspellings found in the suite.
    /// Returns the flag and, when the name was mended, a note saying how.
    pub fn parse(name: &str) -> Option<(Flag, Option<String>)> {
        if let Some(f) = Flag::ALL.iter().find(|f| f.name() == name) {
            return Some((*f, None));
        }
        // Misspelt prefixes ("EXPTECTED…") and the one renamed flag
        // ("…EXPIRED" for the expiration check, as the BG cases use it: their
        // certificates are fresh at their validation clock).
        let body =
            ["EXPTECTED", "EXPECTD", "EXCPECTED", "EXPECED", "EXPECTED"].iter().find_map(|p| name.strip_prefix(p))?;
        let canonical = match body {
            "EXPIRED" | "EXPIRATION" | "EXPIRY" => "EXPECTEDEXPIRATIONCHECK".to_owned(),
            other => format!("EXPECTED{other}"),
        };
        let flag = Flag::ALL.iter().find(|f| f.name() == canonical)?;
        Some((*flag, Some(format!("{name} read as {}", flag.name()))))
    }
}

/// A disagreement between the suite and the pipeline.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Mismatch {
    /// The case file, relative to the suite directory.
    pub file: String,
    /// The flag, by its canonical name.
    pub flag: String,
    /// What the suite expects.
    pub expected: bool,
    /// What the pipeline did.
    pub got: bool,
    /// Why the pipeline did that (reason code and detail; no personal data).
    pub detail: String,
}

/// The result of a conformance run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Test cases found and run.
    pub cases: usize,
    /// Flags compared.
    pub flags_checked: usize,
    /// Flags present but not compared, by flag, with the reason.
    pub flags_not_checked: BTreeMap<String, NotChecked>,
    /// Every disagreement.
    pub mismatches: Vec<Mismatch>,
    /// Remarks: mended flag names, files that are not test cases.
    pub notes: Vec<String>,
}

/// Flags that could not be compared.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NotChecked {
    /// How many.
    pub count: usize,
    /// Why.
    pub reason: String,
}

/// The outcome of one step: whether it passed, and why.
struct Step {
    passed: bool,
    detail: String,
}

impl Step {
    fn pass(detail: impl Into<String>) -> Self {
        Self { passed: true, detail: detail.into() }
    }
    fn fail(detail: impl Into<String>) -> Self {
        Self { passed: false, detail: detail.into() }
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn text<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case.get(key).and_then(Value::as_str)
}

/// A stage of the pipeline: its failure is the step's, its output goes on
/// to `then`.
fn stage<T>(
    result: Result<T, Failure>,
    then: impl FnOnce(T) -> Result<Step, &'static str>,
) -> Result<Step, &'static str> {
    match result {
        Err(f) => Ok(Step::fail(format!("{}: {}", f.reason, f.detail))),
        Ok(output) => then(output),
    }
}

/// The bytes a stage made against the case's hex field `key`, when it has a
/// readable one.
fn same_bytes(case: &Value, key: &str, bytes: &[u8], differs: &'static str, passed: &'static str) -> Step {
    match text(case, key).and_then(hex) {
        Some(expected) if expected != bytes => Step::fail(differs),
        _ => Step::pass(passed),
    }
}

/// One test case and what the pipeline makes of it.
struct Case<'a> {
    json: &'a Value,
    /// `TESTCTX.CERTIFICATE`, when it parses.
    signer: Option<SignerKey>,
    limits: Limits,
    verifier: Verifier<MemoryStore>,
    clock: Option<FixedClock>,
    cose_verdict: Option<Verdict>,
}

impl<'a> Case<'a> {
    fn new(json: &'a Value) -> Result<Self, String> {
        let ctx = json.get("TESTCTX").ok_or("no TESTCTX")?;
        let mut store = MemoryStore::new("TESTCTX.CERTIFICATE");
        let mut ctx_signer = None;
        if let Some(cert) = ctx.get("CERTIFICATE").and_then(Value::as_str) {
            let clean: String = cert.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(clean)
                && let Ok(signer) = SignerKey::from_der(hcert::SCHEME, &der, None, None)
            {
                ctx_signer = Some(signer.clone());
                store.insert(signer);
            }
        }
        let clock = ctx.get("VALIDATIONCLOCK").and_then(Value::as_str).and_then(time_parse::lenient).map(FixedClock);
        let mut case = Case {
            json,
            signer: ctx_signer,
            limits: Limits::DEFAULT,
            verifier: Verifier::new(store),
            clock,
            cose_verdict: None,
        };
        case.cose_verdict = case.cose().and_then(|cose| {
            // The clock only matters to the expiration check; without one
            // the other checks still run (at the epoch).
            let clock = case.clock.unwrap_or(FixedClock(time::OffsetDateTime::UNIX_EPOCH));
            case.verifier
                .verify_decoded(hcert::decode_cose(&cose, &case.limits).map_err(|f| (hcert::ID, f)), &clock)
                .ok()
        });
        Ok(case)
    }

    /// The suite's COSE, or the one derived from the earlier stages.
    fn cose(&self) -> Option<Vec<u8>> {
        if let Some(c) = text(self.json, "COSE") {
            return hex(c);
        }
        let compressed = self.compressed()?;
        transport::inflate(&compressed, self.limits.max_inflated_len).ok()
    }

    fn compressed(&self) -> Option<Vec<u8>> {
        if let Some(c) = text(self.json, "COMPRESSED") {
            return hex(c);
        }
        let b45 = match text(self.json, "BASE45") {
            Some(b) => b.to_owned(),
            None => transport::strip_prefix(text(self.json, "PREFIX")?, PrefixPolicy::Required).ok()?.0.to_owned(),
        };
        transport::base45(&b45).ok()
    }

    fn expected_dcc(&self) -> Option<&Value> {
        self.json.get("JSON").filter(|j| j.is_object())
    }

    /// Runs the step a flag names; `None` when the case lacks its input.
    fn step(&self, flag: Flag) -> Result<Step, &'static str> {
        let j = self.json;
        match flag {
            Flag::Unprefix => {
                let prefixed = text(j, "PREFIX").ok_or("no PREFIX")?;
                stage(transport::strip_prefix(prefixed, PrefixPolicy::Required), |(rest, _)| {
                    Ok(match text(j, "BASE45") {
                        Some(b) if b != rest => Step::fail("unprefixed text differs from BASE45"),
                        _ => Step::pass("prefix removed"),
                    })
                })
            }
            Flag::B45Decode => {
                let input = match text(j, "BASE45") {
                    Some(b) => b.to_owned(),
                    None => {
                        transport::strip_prefix(text(j, "PREFIX").ok_or("no BASE45 or PREFIX")?, PrefixPolicy::Required)
                            .map(|(r, _)| r.to_owned())
                            .map_err(|_| "no BASE45, and PREFIX has no prefix")?
                    }
                };
                stage(transport::base45(&input), |bytes| {
                    Ok(same_bytes(
                        j,
                        "COMPRESSED",
                        &bytes,
                        "base45 decodes to bytes other than COMPRESSED",
                        "base45 decoded",
                    ))
                })
            }
            Flag::Compression => {
                let compressed = self.compressed().ok_or("no COMPRESSED (nor earlier stage)")?;
                stage(transport::inflate(&compressed, self.limits.max_inflated_len), |bytes| {
                    Ok(same_bytes(j, "COSE", &bytes, "inflates to bytes other than COSE", "inflated"))
                })
            }
            Flag::Decode => {
                let cose = self.cose().ok_or("no COSE (nor earlier stage)")?;
                stage(hcert::decode_cose(&cose, &self.limits), |d| Ok(self.compare_dcc(dcc(&d)?, true)))
            }
            Flag::ValidJson => {
                let prefixed = text(j, "PREFIX").ok_or("no PREFIX")?;
                stage(hcert::decode(prefixed, PrefixPolicy::Required, &self.limits), |d| {
                    self.expected_dcc().ok_or("no JSON")?;
                    Ok(self.compare_dcc(dcc(&d)?, false))
                })
            }
            Flag::Verify => self.check_outcome(CheckKind::Signature),
            Flag::ExpirationCheck => {
                if self.clock.is_none() {
                    return Err("no readable VALIDATIONCLOCK");
                }
                self.check_outcome(CheckKind::Validity)
            }
            // The harness reads the extended key usage of
            // TESTCTX.CERTIFICATE and the type from the payload, whether or
            // not the signature verifies: the document's own key-usage rule
            // with that certificate.
            Flag::KeyUsage => {
                let signer = self.signer.as_ref().ok_or("no readable TESTCTX.CERTIFICATE")?;
                let cose = self.cose().ok_or("no COSE (nor earlier stage)")?;
                Ok(match hcert::decode_cose(&cose, &self.limits) {
                    Err(f) => Step::fail(format!("{}: {}", f.reason, f.detail)),
                    Ok(d) => {
                        let check = d.document.key_usage_check(signer);
                        Step {
                            passed: check.outcome == Outcome::Pass,
                            detail: format!("{}: {}", check.reason, check.detail),
                        }
                    }
                })
            }
            Flag::SchemaValidation => self.check_outcome(CheckKind::Schema),
            Flag::ValidObject => {
                let dcc = self.expected_dcc().ok_or("no JSON")?;
                let check = HcertDocument::new(dcc.clone()).schema_check(false);
                Ok(Step {
                    passed: check.outcome == Outcome::Pass,
                    detail: format!("{}: {}", check.reason, check.detail),
                })
            }
            Flag::Encode => {
                let dcc = self.expected_dcc().ok_or("no JSON")?;
                let cbor = text(j, "CBOR").and_then(hex).ok_or("no CBOR")?;
                stage(hcert::dcc_from_cbor(&cbor, &self.limits), |from_cbor| {
                    Ok(if json_eq::equivalent(&from_cbor, dcc) {
                        Step::pass("CBOR encodes JSON")
                    } else {
                        let at = json_eq::first_difference(&from_cbor, dcc, &mut String::new());
                        Step::fail(format!("CBOR and JSON differ at {}", at.unwrap_or_default()))
                    })
                })
            }
            Flag::PictureDecode => {
                let png = text(j, "2DCODE").ok_or("no 2DCODE")?;
                let prefix = text(j, "PREFIX").ok_or("no PREFIX")?;
                let clean: String = png.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(clean) else {
                    return Ok(Step::fail("2DCODE is not base64"));
                };
                // No time budget: a verdict on correctness, the same on a
                // busy machine as on an idle one.
                Ok(match crate::picture::codes_within(&bytes, None) {
                    Err(e) => Step::fail(format!("{e:#}")),
                    Ok(codes) if codes.is_empty() => Step::fail("no QR code found in the picture"),
                    Ok(codes) => match codes.iter().find(|c| c.text.as_deref() == Some(prefix)) {
                        Some(_) => Step::pass("the picture decodes to PREFIX"),
                        None => Step::fail(format!("{} QR code(s) found, none decodes to PREFIX", codes.len())),
                    },
                })
            }
        }
    }

    /// Compares a decoded DCC with the suite's `JSON` (and, for the decode
    /// step, its `CBOR`).
    fn compare_dcc(&self, got: &Value, with_cbor: bool) -> Step {
        if let Some(expected) = self.expected_dcc()
            && !json_eq::equivalent(got, expected)
        {
            let at = json_eq::first_difference(got, expected, &mut String::new());
            return Step::fail(format!("decoded DCC differs from JSON at {}", at.unwrap_or_default()));
        }
        if with_cbor && let Some(cbor) = text(self.json, "CBOR").and_then(hex) {
            match hcert::dcc_from_cbor(&cbor, &self.limits) {
                Ok(c) if !json_eq::equivalent(got, &c) => return Step::fail("decoded DCC differs from CBOR"),
                Err(f) => return Step::fail(format!("CBOR field unreadable: {}", f.detail)),
                Ok(_) => {}
            }
        }
        Step::pass("decoded DCC matches")
    }

    fn check_outcome(&self, kind: CheckKind) -> Result<Step, &'static str> {
        let verdict = self.cose_verdict.as_ref().ok_or("no COSE (nor earlier stage)")?;
        let check = verdict.check(kind).ok_or("check missing from verdict")?;
        Ok(Step { passed: check.outcome == Outcome::Pass, detail: format!("{}: {}", check.reason, check.detail) })
    }
}

/// Runs every case below `dir`.
pub fn run(dir: &Path) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let files = walk::json_files(dir)?;
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        let bytes = std::fs::read(&path)?;
        let json: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                report.notes.push(format!("{rel}: not JSON ({e}); skipped"));
                continue;
            }
        };
        let Some(expected) = json.get("EXPECTEDRESULTS").and_then(Value::as_object) else {
            report.notes.push(format!("{rel}: not a test case (no EXPECTEDRESULTS); skipped"));
            continue;
        };
        let case = match Case::new(&json) {
            Ok(c) => c,
            Err(e) => {
                report.notes.push(format!("{rel}: {e}; skipped"));
                continue;
            }
        };
        report.cases += 1;
        for (name, value) in expected {
            let Some((flag, mended)) = Flag::parse(name) else {
                report.notes.push(format!("{rel}: unknown flag {name} ignored"));
                continue;
            };
            if let Some(m) = &mended {
                report.notes.push(format!("{rel}: {m}; not judged, as the suite's harness never reads it"));
            }
            let Some(expected) = value.as_bool() else {
                report.notes.push(format!("{rel}: {name} is not a boolean; ignored"));
                continue;
            };
            let judged = if mended.is_some() {
                Err("misspelt: the suite's harness never reads it")
            } else if !expected && matches!(flag, Flag::SchemaValidation | Flag::ValidObject) {
                Err("false: the suite's harness tests nothing then")
            } else {
                case.step(flag)
            };
            match judged {
                Err(why) => {
                    let entry = report.flags_not_checked.entry(flag.name().to_owned()).or_default();
                    entry.count += 1;
                    if entry.reason.is_empty() {
                        entry.reason = why.to_owned();
                    } else if !entry.reason.contains(why) {
                        entry.reason.push_str("; ");
                        entry.reason.push_str(why);
                    }
                }
                Ok(step) => {
                    report.flags_checked += 1;
                    if step.passed != expected {
                        report.mismatches.push(Mismatch {
                            file: rel.clone(),
                            flag: flag.name().to_owned(),
                            expected,
                            got: step.passed,
                            detail: step.detail,
                        });
                    }
                }
            }
        }
    }
    Ok(report)
}

/// The DCC of a decoded HC1 payload (the business rules' payload).
fn dcc(decoded: &healthcert_core::formats::Decoded) -> Result<&Value, &'static str> {
    decoded.document.rules_input().map(|input| input.payload).ok_or("the decoded payload has no DCC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_are_mended() {
        assert_eq!(Flag::parse("EXPECTEDVERIFY"), Some((Flag::Verify, None)));
        let (f, note) = Flag::parse("EXPTECTEDEXPIRED").unwrap();
        assert_eq!(f, Flag::ExpirationCheck);
        assert!(note.unwrap().contains("EXPTECTEDEXPIRED"));
        assert_eq!(Flag::parse("EXPTECTEDVERIFY").map(|p| p.0), Some(Flag::Verify));
        assert_eq!(Flag::parse("SOMETHING"), None);
    }
}
