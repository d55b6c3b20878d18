//! The SMART Health Cards dev tools' card expectations
//! (`_derived/shc-dev-tools-card-expectations.json`, transcribed from
//! smart-on-fhir/health-cards-dev-tools `tests/card.test.ts`): every case
//! that needs no network is run through the core's developer validator
//! ([`healthcert_core::formats::shc::validate`]) and its diagnostics are
//! compared with the expected `[errors, warnings, info, debug, fatal]`
//! slots (a count, or a list of `ErrorCode` names compared as a multiset).
//!
//! Files: `example-0N-*` are the spec's examples
//! (`smart-on-fhir+health-cards/gh-pages/examples/`), the rest are under
//! `smart-on-fhir+health-cards-dev-tools/testdata/`. Keys: the spec's
//! example issuer key set (`gh-pages/examples/issuer/.well-known/jwks.json`)
//! under `https://spec.smarthealth.cards/examples/issuer`, and a case's
//! `jwkset` file under an issuer of its own. The FHIR schema and the
//! data-minimization lists are the dev tools' own (`schema/`), read where
//! they lie. Cases known to differ are listed in [`super::shc_known`].

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use healthcert_core::formats::shc::validate::{
    self, Artefact, Code, DataMinimization, Diagnostic, Level, Options, Profile,
};
use healthcert_core::limits::Limits;
use healthcert_core::trust::SignerKey;
use healthcert_core::trust::file::{LoadReport, parse_jwks, read_capped};

use super::shc_known;

/// The expectations file, relative to the test data root.
pub const EXPECTATIONS: &str = "_derived/shc-dev-tools-card-expectations.json";
const SPEC_EXAMPLES: &str = "smart-on-fhir+health-cards/gh-pages/examples";
const DEV_TOOLS: &str = "smart-on-fhir+health-cards-dev-tools";
/// The spec's example issuer.
pub const EXAMPLE_ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";
/// The clock of the run: 2023-06-23T00:00:00Z. The dev tools compare
/// `nbf` and `exp` with the wall clock (their `validationTime`,
/// 2022-05-31, only dates the keys' certificates, which are not checked
/// here); the staged spec examples were issued on 2023-06-22 and example
/// 03 expires on 2024-06-21, so the run is dated between the two.
pub const VALIDATION_TIME: i64 = 1_687_478_400;
/// The dev tools' constants (card.test.ts).
const SHORT_URL_WARNINGS: usize = 110;

/// One case's outcome.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every expected slot agreed.
    Pass,
    /// Some slot disagreed, and the case is not in the known list.
    Mismatch,
    /// Some slot disagreed, as the known list says (with its reason).
    Known,
    /// Not run (needs the network, or its files are not in the test data).
    Skipped,
}

/// One case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// Position in the expectations file.
    pub index: usize,
    /// The dev tools' test name.
    pub test: String,
    /// Its files.
    pub files: Vec<String>,
    /// Its file type.
    pub file_type: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Why skipped or known; which slots disagreed.
    pub detail: String,
    /// Our codes per slot: errors (error and fatal), warnings.
    pub got: [Vec<&'static str>; 2],
    /// The expected slots, as written.
    pub expected: String,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Cases in the file.
    pub cases: usize,
    /// Cases run.
    pub run: usize,
    /// Cases that agreed.
    pub passed: usize,
    /// Cases that disagreed and are not known.
    pub mismatches: usize,
    /// Cases that disagreed as the known list says.
    pub known: usize,
    /// Cases not run.
    pub skipped: usize,
    /// Every case.
    pub results: Vec<CaseResult>,
    /// Known-list entries that matched no disagreeing case (stale).
    pub stale_known: Vec<String>,
}

/// One expected slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// Not checked.
    Ignored,
    /// This many diagnostics.
    Count(usize),
    /// These codes (a multiset).
    Codes(Vec<String>),
}

/// Parses `expected_raw` (JavaScript as written in card.test.ts, with its
/// constants) into the five slots, with the test's defaults: `[x]` means
/// `[x, 0]`; slots not written are ignored; nothing written is `[0, 0]`.
pub fn parse_expected(raw: &str) -> anyhow::Result<[Slot; 5]> {
    let mut s = raw.split(" (default").next().unwrap_or(raw).to_owned();
    while let Some(start) = s.find("/*") {
        let end = s[start..].find("*/").map(|e| start + e + 2).context("an unclosed comment")?;
        s.replace_range(start..end, "");
    }
    // OPENSSL_AVAILABLE is taken as true (the file's "constants").
    s = s.replace("].concat(OPENSSL_AVAILABLE ? [", ", ").replace(" : [])", "");
    let schema_array = vec!["FHIR_SCHEMA_ERROR"; SHORT_URL_WARNINGS].join(",");
    s = s
        .replace("SCHEMA_ERROR_ARRAY", &format!("[{schema_array}]"))
        .replace("SHORT_URL_WARNINGS", &SHORT_URL_WARNINGS.to_string())
        .replace("JWS_TOO_LONG_WARNING", "1");
    // Quote the ErrorCode names.
    let mut json = String::new();
    let mut word = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            if word.starts_with(|c: char| c.is_ascii_alphabetic()) {
                json.push_str(&format!("\"{word}\""));
            } else {
                json.push_str(&word);
            }
            word.clear();
        }
        json.push(c);
    }
    let value: Value = serde_json::from_str(json.trim()).with_context(|| format!("expected slots {raw:?}"))?;
    let slots = value.as_array().context("the expected slots are not a list")?;
    let mut out = [Slot::Ignored, Slot::Ignored, Slot::Ignored, Slot::Ignored, Slot::Ignored];
    for (i, v) in slots.iter().enumerate().take(5) {
        out[i] = match v {
            Value::Null => Slot::Ignored,
            Value::Number(n) => Slot::Count(n.as_u64().context("a negative count")? as usize),
            Value::Array(a) => Slot::Codes(
                a.iter()
                    .map(|c| c.as_str().map(str::to_owned).context("a code that is not a name"))
                    .collect::<anyhow::Result<_>>()?,
            ),
            _ => bail!("slot {i} of {raw:?} is neither a count nor a list"),
        };
    }
    if slots.is_empty() {
        out[0] = Slot::Count(0);
    }
    if slots.len() <= 1 {
        out[1] = Slot::Count(0);
    }
    Ok(out)
}

/// The diagnostics of each slot: errors (error + fatal), warnings, info,
/// debug (none here), fatal.
fn slots_of(diagnostics: &[Diagnostic]) -> [Vec<&'static str>; 5] {
    let of = |f: &dyn Fn(Level) -> bool| diagnostics.iter().filter(|d| f(d.level)).map(|d| d.code.name()).collect();
    [
        of(&|l| matches!(l, Level::Error | Level::Fatal)),
        of(&|l| l == Level::Warning),
        of(&|l| l == Level::Info),
        Vec::new(),
        of(&|l| l == Level::Fatal),
    ]
}

/// Which slots disagree, described.
fn compare(expected: &[Slot; 5], got: &[Vec<&'static str>; 5]) -> Vec<String> {
    const NAMES: [&str; 5] = ["errors", "warnings", "info", "debug", "fatal"];
    let mut out = Vec::new();
    for i in 0..5 {
        match &expected[i] {
            Slot::Ignored => {}
            Slot::Count(n) if got[i].len() != *n => {
                out.push(format!("{}: expected {n}, got {} {:?}", NAMES[i], got[i].len(), summarize(&got[i])));
            }
            Slot::Codes(codes) => {
                let mut want: Vec<&str> = codes.iter().map(String::as_str).collect();
                let mut have = got[i].clone();
                want.sort_unstable();
                have.sort_unstable();
                if want != have {
                    out.push(format!("{}: expected {:?}, got {:?}", NAMES[i], summarize(&want), summarize(&have)));
                }
            }
            Slot::Count(_) => {}
        }
    }
    out
}

/// Codes with their counts (`FHIR_SCHEMA_ERROR×110`).
fn summarize(codes: &[&str]) -> Vec<String> {
    let mut sorted = codes.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<(String, usize)> = Vec::new();
    for c in sorted {
        match out.last_mut() {
            Some((last, n)) if last == c => *n += 1,
            _ => out.push((c.to_owned(), 1)),
        }
    }
    out.into_iter().map(|(c, n)| if n == 1 { c } else { format!("{c}×{n}") }).collect()
}

/// Why a case needs the network, if it does (decided from its options,
/// file type, files and the codes only the network path raises).
pub fn needs_network(case: &Value) -> Option<&'static str> {
    let options = case.get("options_raw").and_then(Value::as_str).unwrap_or("");
    let file_type = case.get("fileType").and_then(Value::as_str).unwrap_or("");
    let expected = case.get("expected_raw").and_then(Value::as_str).unwrap_or("");
    let files = case.get("files").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    if file_type.starts_with("shl") || options.contains("passCode") || options.contains("decryptionKey") {
        return Some("a SMART Health Link: the dev tools fetch its manifest and files from the link's server");
    }
    if options.contains("issuerDirectory") {
        return Some("an issuer directory (by name or URL, the VCI directory) downloaded by the dev tools");
    }
    if options.contains("clearKeyStore") || expected.contains("ISSUER_KEY_DOWNLOAD_ERROR") {
        return Some("the expected result comes from downloading the issuer's key set from the card's iss");
    }
    if expected.contains("INVALID_KEY_X5C") {
        return Some("the expected INVALID_KEY_X5C comes from the key set downloaded from the card's (non-https) iss");
    }
    if files.iter().filter_map(Value::as_str).any(|f| f.starts_with("badcrl/")) {
        return Some("the issuer key set and its revocation list are downloaded from the card's iss (a GitHub URL)");
    }
    None
}

fn file_path(root: &Path, name: &str) -> PathBuf {
    if name.starts_with("example-") {
        root.join(SPEC_EXAMPLES).join(name)
    } else {
        root.join(DEV_TOOLS).join("testdata").join(name)
    }
}

fn load_keys(path: &Path, issuer: &str) -> anyhow::Result<Vec<SignerKey>> {
    let bytes = read_capped(path)?;
    let mut report = LoadReport::default();
    Ok(parse_jwks(&path.display().to_string(), &bytes, issuer, &mut report)?)
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let bytes = read_capped(path)?;
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not JSON", path.display()))
}

/// The dev tools' data-minimization lists.
fn data_minimization(root: &Path) -> anyhow::Result<DataMinimization> {
    let mut dm = DataMinimization::default();
    for name in ["immunization-dm.json", "patient-dm.json"] {
        let v = read_json(&root.join(DEV_TOOLS).join("schema").join(name))?;
        let list = |key: &str| v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        dm.must_not_contain
            .extend(list("mustNotContain").iter().filter_map(|c| c.get("path")?.as_str().map(str::to_owned)));
        for c in list("pattern") {
            if let (Some(p), Some(lit)) =
                (c.get("path").and_then(Value::as_str), c.get("pattern").and_then(Value::as_str))
            {
                // Only literal patterns are read (the lists hold `completed`).
                if lit.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
                    dm.patterns.push((p.to_owned(), lit.to_owned()));
                }
            }
        }
    }
    Ok(dm)
}

/// Runs every case of the expectations file under `root` (the test data root).
pub fn run(root: &Path) -> anyhow::Result<Report> {
    let file = root.join(EXPECTATIONS);
    let expectations = read_json(&file)?;
    let cases = expectations.get("cases").and_then(Value::as_array).context("the expectations have no cases")?;
    let fhir_schema = read_json(&root.join(DEV_TOOLS).join("schema/fhir-schema.json"))?;
    let dm = data_minimization(root)?;
    let example_keys = load_keys(&root.join(SPEC_EXAMPLES).join("issuer/.well-known/jwks.json"), EXAMPLE_ISSUER)?;
    let now = OffsetDateTime::from_unix_timestamp(VALIDATION_TIME)?;
    let known = shc_known::KNOWN;
    let mut used_known = vec![false; known.len()];
    let mut report = Report { cases: cases.len(), ..Report::default() };

    for (index, case) in cases.iter().enumerate() {
        let text = |k: &str| case.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let (test, file_type, expected_raw, options_raw) =
            (text("test"), text("fileType"), text("expected_raw"), text("options_raw"));
        let files: Vec<String> = case
            .get("files")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect();
        let mut result = CaseResult {
            index,
            test: test.clone(),
            files: files.clone(),
            file_type: file_type.clone(),
            outcome: Outcome::Skipped,
            detail: String::new(),
            got: [Vec::new(), Vec::new()],
            expected: expected_raw.clone(),
        };
        let missing: Vec<&String> = files.iter().filter(|f| !file_path(root, f).is_file()).collect();
        if let Some(reason) = needs_network(case) {
            result.detail = format!("needs the network: {reason}");
        } else if !missing.is_empty() {
            result.detail = format!(
                "files not in the test data: {}",
                missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            );
        }
        if result.outcome == Outcome::Skipped && !result.detail.is_empty() {
            report.skipped += 1;
            report.results.push(result);
            continue;
        }
        let expected = parse_expected(&expected_raw)?;
        let mut keys = example_keys.clone();
        if let Some(jwkset) = options_raw.split("jwkset: '").nth(1).and_then(|r| r.split('\'').next()) {
            let name = jwkset.trim_start_matches("testdata/");
            keys.extend(load_keys(&file_path(root, name), &format!("jwkset:{name}"))?);
        }
        let options = Options {
            now,
            keys: &keys,
            fhir_schema: Some(&fhir_schema),
            profile: if options_raw.contains("usa-covid19-immunization") {
                Profile::UsaCovid19Immunization(dm.clone())
            } else {
                Profile::Any
            },
            exclude: if options_raw.contains("fhir-schema-error") { vec![Code::FhirSchemaError] } else { Vec::new() },
            limits: Limits::DEFAULT,
        };
        let mut texts = Vec::new();
        let mut pictures = Vec::new();
        let mut unreadable = None;
        for f in &files {
            let bytes = read_capped(&file_path(root, f))?;
            if file_type == "qr" && f.ends_with(".svg") {
                unreadable = Some("an SVG picture: the project's scanner reads PNG, JPEG, GIF and WebP".to_owned());
            } else if file_type == "qr" {
                pictures.push(bytes);
            } else {
                texts.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        let first = texts.first().map(String::as_str).unwrap_or("");
        let diagnostics = match (&unreadable, file_type.as_str()) {
            (Some(_), _) => Vec::new(),
            (None, "qr") => validate::validate(Artefact::QrPictures(&pictures), &options),
            (None, "qrnumeric") => validate::validate(Artefact::QrNumeric(&texts), &options),
            (None, "fhirbundle") => validate::validate(Artefact::FhirBundle(first), &options),
            (None, "jwspayload") => validate::validate(Artefact::JwsPayload(first), &options),
            (None, "jws") => validate::validate(Artefact::Jws(first), &options),
            (None, "healthcard") => validate::validate(
                Artefact::HealthCard { text: first, file_name: files.first().map(String::as_str) },
                &options,
            ),
            (None, "fhirhealthcard") => validate::validate(Artefact::FhirHealthCard(first), &options),
            (None, other) => bail!("case {index}: unknown file type {other}"),
        };
        report.run += 1;
        let got = slots_of(&diagnostics);
        result.got = [got[0].clone(), got[1].clone()];
        let disagreements = match &unreadable {
            Some(why) => vec![format!("not validated: {why}")],
            None => compare(&expected, &got),
        };
        let known_entry = known.iter().position(|k| k.test == test && files.first().is_some_and(|f| f == k.first_file));
        if disagreements.is_empty() {
            result.outcome = Outcome::Pass;
            report.passed += 1;
        } else if let Some(k) = known_entry {
            used_known[k] = true;
            result.outcome = Outcome::Known;
            result.detail = format!("{} — known: {}", disagreements.join("; "), known[k].reason);
            report.known += 1;
        } else {
            result.outcome = Outcome::Mismatch;
            result.detail = disagreements.join("; ");
            report.mismatches += 1;
        }
        report.results.push(result);
    }
    report.stale_known = known
        .iter()
        .zip(&used_known)
        .filter(|(_, used)| !**used)
        .map(|(k, _)| format!("{} ({})", k.test, k.first_file))
        .collect();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_slots_parse_as_the_test_reads_them() {
        assert_eq!(
            parse_expected("[0,0] (default: no errors, no warnings)").unwrap()[..2],
            [Slot::Count(0), Slot::Count(0)]
        );
        let p = parse_expected("[SHORT_URL_WARNINGS, JWS_TOO_LONG_WARNING]").unwrap();
        assert_eq!(p[..3], [Slot::Count(110), Slot::Count(1), Slot::Ignored]);
        let p = parse_expected("[[TRAILING_CHARACTERS]]").unwrap();
        assert_eq!(p[..2], [Slot::Codes(vec!["TRAILING_CHARACTERS".into()]), Slot::Count(0)]);
        let p = parse_expected("[0, 5 /*5x ErrorCode.SCHEMA_ERROR*/]").unwrap();
        assert_eq!(p[1], Slot::Count(5));
        let p = parse_expected("[[INVALID_ISSUER_URL].concat(OPENSSL_AVAILABLE ? [INVALID_KEY_X5C] : [])]").unwrap();
        assert_eq!(p[0], Slot::Codes(vec!["INVALID_ISSUER_URL".into(), "INVALID_KEY_X5C".into()]));
        let p = parse_expected("[SCHEMA_ERROR_ARRAY, [JWS_TOO_LONG]]").unwrap();
        assert!(matches!(&p[0], Slot::Codes(c) if c.len() == 110));
        assert_eq!(parse_expected("[0]").unwrap()[1], Slot::Count(0));
        assert!(parse_expected("[{").is_err());
    }

    #[test]
    fn slots_compare_as_multisets() {
        let expected = parse_expected("[[A, A], 1]").unwrap();
        assert!(compare(&expected, &[vec!["A", "A"], vec!["W"], vec![], vec![], vec![]]).is_empty());
        assert_eq!(compare(&expected, &[vec!["A"], vec!["W"], vec![], vec![], vec![]]).len(), 1);
        assert_eq!(compare(&expected, &[vec!["A", "A"], vec![], vec![], vec![], vec![]]).len(), 1);
    }
}
