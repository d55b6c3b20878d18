//! Oracle test: our hand-written DCC schema rules against the official
//! combined JSON schema of the same release, run by the `jsonschema` crate
//! (draft 2020-12, format assertion on), over every DCC payload in the
//! external test data: the eu-dcc-schema tests and examples, and the `JSON`
//! stage of every dgc-testdata case. Both must agree on valid / invalid.
//!
//! The test data is read where it lies (`$HEALTHCERT_TESTDATA`, or
//! `../shared/testdata` beside the checkout); without it the test says so and
//! passes.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use healthcert_core::formats::hcert::schema;
use healthcert_test_support::fixtures::testdata_root;
use serde_json::Value;

const SCHEMA_REPO: &str = "ehn-dcc-development+eu-dcc-schema";
const DGC_TESTDATA: &str = "eu-digital-green-certificates+dgc-testdata";

/// Payloads (relative to the test data folder) on which the two validators
/// legitimately disagree, with the reason. Keep it short and exact: an entry
/// that no longer disagrees fails the test.
const ALLOWED_DISAGREEMENTS: &[(&str, &str)] = &[];

fn testdata_dir() -> Option<PathBuf> {
    let dir = testdata_root();
    dir.is_dir().then_some(dir)
}

/// Every `*.json` file below `dir`, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Option<Value> {
    let text = fs::read_to_string(path).ok()?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()
}

/// Where a payload came from, and what its source says about it.
struct Payload {
    /// Relative to the test data folder; `#JSON` marks a case's JSON stage.
    name: String,
    dcc: Value,
    /// The source's own expectation, where it states one.
    expected_valid: Option<bool>,
}

fn collect(root: &Path) -> (Vec<Payload>, Vec<String>) {
    let mut payloads = Vec::new();
    let mut unreadable = Vec::new();
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/");

    let schema_repo = root.join(SCHEMA_REPO);
    for (sub, expected_valid) in [("test/valid", Some(true)), ("test/invalid", Some(false)), ("examples", None)] {
        for p in json_files(&schema_repo.join(sub)) {
            match read_json(&p) {
                Some(dcc) => payloads.push(Payload { name: rel(&p), dcc, expected_valid }),
                None => unreadable.push(rel(&p)),
            }
        }
    }

    for p in json_files(&root.join(DGC_TESTDATA)) {
        let Some(case) = read_json(&p) else {
            unreadable.push(rel(&p));
            continue;
        };
        let Some(dcc) = case.get("JSON").filter(|j| j.is_object()) else { continue };
        let expected_valid = case.pointer("/EXPECTEDRESULTS/EXPECTEDSCHEMAVALIDATION").and_then(Value::as_bool);
        payloads.push(Payload { name: format!("{}#JSON", rel(&p)), dcc: dcc.clone(), expected_valid });
    }
    (payloads, unreadable)
}

/// The official combined schema of `release`, compiled with format assertion.
fn official(root: &Path, release: &str) -> jsonschema::Validator {
    let dir = root.join(SCHEMA_REPO).join("_tags").join(release);
    let schema = ["DCC.combined-schema.json", "DGC.combined-schema.json"]
        .iter()
        .find_map(|f| read_json(&dir.join(f)))
        .unwrap_or_else(|| panic!("no combined schema in {}", dir.display()));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {release} does not compile: {e}"))
}

#[test]
fn hand_written_rules_agree_with_the_official_schemas() {
    let Some(root) = testdata_dir() else {
        println!("SKIPPED: external test data not found at {} (set HEALTHCERT_TESTDATA)", testdata_root().display());
        return;
    };
    let (payloads, unreadable) = collect(&root);
    assert!(
        payloads.len() > 100,
        "expected the test data's payloads under {}, found {}",
        root.display(),
        payloads.len()
    );

    let allowed: HashMap<&str, &str> = ALLOWED_DISAGREEMENTS.iter().copied().collect();
    let mut validators: HashMap<&'static str, jsonschema::Validator> = HashMap::new();
    let mut per_release: HashMap<&'static str, usize> = HashMap::new();
    let (mut agreed, mut allow_listed, mut ours_valid) = (0usize, Vec::new(), 0usize);
    let mut disagreements = Vec::new();
    let mut against_expectation = Vec::new();

    for p in &payloads {
        let ours = schema::validate(&p.dcc);
        let release = match &ours {
            Ok(v) => v.rules,
            Err(e) => e.rules.unwrap_or("1.3.3"),
        };
        *per_release.entry(release).or_default() += 1;
        let oracle = validators.entry(release).or_insert_with(|| official(&root, release));
        let theirs_valid = oracle.is_valid(&p.dcc);
        let our_valid = ours.is_ok();
        ours_valid += usize::from(our_valid);

        if let Some(expected) = p.expected_valid.filter(|e| *e != our_valid) {
            let why = match &ours {
                Ok(_) => String::new(),
                Err(e) => format!(": {}", e.violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
            };
            let said = if expected { "valid" } else { "invalid" };
            against_expectation.push(format!("{} (source says {said}; rules {release}{why})", p.name));
        }
        if our_valid == theirs_valid {
            if allowed.contains_key(p.name.as_str()) {
                disagreements.push(format!("{}: allow-listed but both now say valid={our_valid}", p.name));
            } else {
                agreed += 1;
            }
            continue;
        }
        if let Some(reason) = allowed.get(p.name.as_str()) {
            allow_listed.push(format!("{} ({reason})", p.name));
            continue;
        }
        let ours_said = match &ours {
            Ok(v) => format!("valid under {}", v.rules),
            Err(e) => e.violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        };
        let theirs_said: Vec<String> =
            oracle.iter_errors(&p.dcc).map(|e| format!("{}: {}", e.instance_path(), e)).collect();
        disagreements.push(format!(
            "{} [rules {release}]: ours: {ours_said} | official: {}",
            p.name,
            if theirs_valid { "valid".to_owned() } else { theirs_said.join("; ") }
        ));
    }

    let mut releases: Vec<_> = per_release.into_iter().collect();
    releases.sort();
    println!(
        "schema oracle: {} payloads compared against the official schema of the release our rules chose",
        payloads.len()
    );
    println!("  rules used: {}", releases.iter().map(|(r, n)| format!("{r}×{n}")).collect::<Vec<_>>().join(", "));
    println!("  valid by our rules: {ours_valid}, invalid: {}", payloads.len() - ours_valid);
    println!("  agreed: {agreed}, allow-listed: {}, disagreed: {}", allow_listed.len(), disagreements.len());
    for a in &allow_listed {
        println!("  allow-listed: {a}");
    }
    if !unreadable.is_empty() {
        println!("  not JSON (skipped): {}", unreadable.join(", "));
    }
    println!(
        "  against the source's own expectation (informative; both validators agree on these): {}",
        against_expectation.len()
    );
    for a in &against_expectation {
        println!("    {a}");
    }
    assert!(
        disagreements.is_empty(),
        "our schema rules and the official schema disagree:\n{}",
        disagreements.join("\n")
    );
}

/// The same comparison over systematic mutations of three minimal payloads:
/// every property of every release replaced by values chosen to sit on each
/// rule's edges, or removed, plus extra groups and entries.
#[test]
fn mutations_agree_with_the_official_schemas() {
    let Some(root) = testdata_dir() else {
        println!("SKIPPED: external test data not found (see hand_written_rules_agree_with_the_official_schemas)");
        return;
    };
    let bases = [
        serde_json::json!({
            "nam": {"fn": "Musterfrau", "fnt": "MUSTERFRAU", "gn": "Erika", "gnt": "ERIKA"},
            "dob": "1964-08-12",
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                   "dn": 2, "sd": 2, "dt": "2021-05-29", "co": "AT", "is": "Ministry of Health",
                   "ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"}]
        }),
        serde_json::json!({
            "nam": {"fnt": "MUSTERFRAU"},
            "dob": "1964-08-12",
            "t": [{"tg": "840539006", "tt": "LP6464-4", "nm": "PCR", "ma": "1232", "sc": "2021-05-30T10:12:22Z",
                   "dr": "2021-05-30T14:12:22+02:00", "tr": "260415000", "tc": "Centre", "co": "AT",
                   "is": "Ministry of Health", "ci": "URN:UVCI:01:AT:B5921A35D6A0D696421B3E2462178297#I"}]
        }),
        serde_json::json!({
            "nam": {"gnt": "ERIKA"},
            "dob": "",
            "r": [{"tg": "840539006", "fr": "2021-02-20", "co": "AT", "is": "Ministry of Health",
                   "df": "2021-04-04", "du": "2021-10-04", "ci": "URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K"}]
        }),
    ];
    let values = [
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!(0),
        serde_json::json!(1),
        serde_json::json!(1.0),
        serde_json::json!(1.5),
        serde_json::json!(9),
        serde_json::json!(10),
        serde_json::json!(-3),
        serde_json::json!(""),
        serde_json::json!("at"),
        serde_json::json!("xxATyy"),
        serde_json::json!("ABC<DEF"),
        serde_json::json!("abc def"),
        serde_json::json!("1964"),
        serde_json::json!("1964-08"),
        serde_json::json!("1964-8-12"),
        serde_json::json!("1964-13-45"),
        serde_json::json!("2021-02-29"),
        serde_json::json!("2020-02-29"),
        serde_json::json!("1809-02-28"),
        serde_json::json!("2100-01-01"),
        serde_json::json!(" 1964-08-12"),
        serde_json::json!("2021-05-30T10:12:22Z"),
        serde_json::json!("2021-05-30t10:12:22.123456789z"),
        serde_json::json!("2021-05-30T10:12:22.5-05:30"),
        serde_json::json!("2021-05-30T10:12:22+02"),
        serde_json::json!("2021-05-30T10:12:22+0200"),
        serde_json::json!("2021-05-30T10:12:22"),
        serde_json::json!("2021-05-30 10:12:22Z"),
        serde_json::json!("2021-05-30T24:00:00Z"),
        serde_json::json!("A".repeat(50)),
        serde_json::json!("A".repeat(51)),
        serde_json::json!("Č".repeat(80)),
        serde_json::json!("Č".repeat(81)),
        serde_json::json!([]),
        serde_json::json!({}),
    ];
    let mut validators: HashMap<&str, jsonschema::Validator> = HashMap::new();
    let (mut compared, mut disagreements) = (0usize, Vec::new());
    let releases = ["1.0.0", "1.0.1", "1.1.0", "1.2.0", "1.2.1", "1.3.0", "1.3.1", "1.3.2", "1.3.3"];
    for release in releases {
        let oracle = validators.entry(release).or_insert_with(|| official(&root, release));
        for base in &bases {
            let mut base = base.clone();
            base["ver"] = Value::from(release);
            let mut variants: Vec<(String, Value)> = vec![("as is".to_owned(), base.clone())];
            // Every property path (objects and arrays, two levels down).
            let mut paths = Vec::new();
            for (k, v) in base.as_object().into_iter().flatten().filter(|(k, _)| *k != "ver") {
                paths.push(format!("/{k}"));
                if let Some(o) = v.as_object() {
                    paths.extend(o.keys().map(|f| format!("/{k}/{f}")));
                }
                if let Some(o) = v.get(0).and_then(Value::as_object) {
                    paths.push(format!("/{k}/0"));
                    paths.extend(o.keys().map(|f| format!("/{k}/0/{f}")));
                }
            }
            for path in &paths {
                for value in &values {
                    let mut m = base.clone();
                    *m.pointer_mut(path).expect("path exists") = value.clone();
                    variants.push((format!("{path} = {value}"), m));
                }
                let (parent, key) = path.rsplit_once('/').expect("a pointer");
                let mut m = base.clone();
                match m.pointer_mut(parent) {
                    Some(Value::Object(o)) => {
                        o.remove(key);
                    }
                    Some(Value::Array(a)) => {
                        a.clear();
                    }
                    _ => {}
                }
                variants.push((format!("{path} removed"), m));
            }
            for (i, g) in ["v", "t", "r"].iter().enumerate() {
                let mut m = base.clone();
                m[*g] = bases[i][*g].clone();
                variants.push((format!("with {g}"), m.clone()));
                let entry = m[*g][0].clone();
                m[*g].as_array_mut().expect("an array").push(entry);
                variants.push((format!("with two {g}"), m));
            }
            for (what, m) in variants {
                compared += 1;
                let ours = schema::validate(&m).is_ok();
                let theirs = oracle.is_valid(&m);
                if ours != theirs {
                    disagreements.push(format!("{release} {what}: ours valid={ours}, official valid={theirs}"));
                }
            }
        }
    }
    println!("schema oracle (mutations): {compared} payloads compared, {} disagreed", disagreements.len());
    assert!(disagreements.is_empty(), "disagreements:\n{}", disagreements.join("\n"));
}
