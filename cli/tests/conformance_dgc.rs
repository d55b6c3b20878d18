//! The EU DCC conformance suite through the project's pipeline: every
//! mismatch must be one documented in docs/conformance.md, with the count the
//! document states, and the CLI's JSON contract and exit status hold.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;

use healthcert_cli::conformance::dgc;
use healthcert_test_support::fixtures::external;

fn suite() -> Option<PathBuf> {
    external("eu-digital-green-certificates+dgc-testdata")
}

/// A row of the "Known mismatches" table.
struct Documented {
    files: Vec<String>,
    flags: Vec<String>,
    count: usize,
    seen: usize,
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

fn documented() -> Vec<Documented> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/conformance.md")).unwrap();
    let section = doc.split("### Known mismatches").nth(1).expect("docs/conformance.md has a Known mismatches section");
    let section = section.split("\n### ").next().unwrap();
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let count = cells.get(3)?.parse().ok()?;
            Some(Documented { files: backticked(cells[1]), flags: backticked(cells[2]), count, seen: 0 })
        })
        .collect()
}

/// `*` matches any run of characters within one path segment.
fn glob(pattern: &str, path: &str) -> bool {
    let (p, s) = (pattern.as_bytes(), path.as_bytes());
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).take_while(|i| *i == 0 || s[i - 1] != b'/').any(|i| go(rest, &s[i..])),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    go(p, s)
}

#[test]
fn glob_matches_within_a_segment() {
    assert!(glob("NL/2DCode/raw/*.json", "NL/2DCode/raw/001-NL-test.json"));
    assert!(!glob("NL/*.json", "NL/2DCode/raw/001.json"));
    assert!(glob("BG/2DCode/raw/4.json", "BG/2DCode/raw/4.json"));
}

#[test]
fn every_mismatch_is_documented_upstream_data_error() {
    let Some(dir) = suite() else { return };
    let report = dgc::run(&dir).unwrap();
    assert!(report.cases >= 440, "found only {} cases", report.cases);
    assert!(report.flags_checked >= 4000, "checked only {} flags", report.flags_checked);

    let mut rows = documented();
    assert!(!rows.is_empty(), "the Known mismatches table is empty or unreadable");
    let mut undocumented = Vec::new();
    for m in &report.mismatches {
        let path = m.file.replace('\\', "/");
        match rows.iter_mut().find(|r| r.flags.contains(&m.flag) && r.files.iter().any(|f| glob(f, &path))) {
            Some(row) => row.seen += 1,
            None => {
                undocumented.push(format!("{} {} expected {} got {}: {}", m.file, m.flag, m.expected, m.got, m.detail))
            }
        }
    }
    assert!(undocumented.is_empty(), "mismatches not in docs/conformance.md:\n{}", undocumented.join("\n"));
    for r in &rows {
        assert_eq!(
            r.seen, r.count,
            "docs/conformance.md row {:?} {:?} states {} mismatches",
            r.files, r.flags, r.count
        );
    }
}

#[test]
fn cli_json_contract_and_exit_status() {
    let Some(dir) = suite() else { return };
    let bin = env!("CARGO_BIN_EXE_healthcert");

    // A case with a documented upstream error: mismatches, exit status 5.
    let broken = tempdir("broken");
    std::fs::copy(dir.join("FR/2DCode/raw/test_pcr_ok.json"), broken.join("test_pcr_ok.json")).unwrap();
    let out = Command::new(bin).args(["conformance", "dgc"]).arg(&broken).arg("--json").output().unwrap();
    assert_eq!(out.status.code(), Some(5), "mismatches make the exit status 5");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cases"], 1);
    assert!(v["flags_checked"].as_u64().unwrap() > 5);
    let m = &v["mismatches"][0];
    for key in ["file", "flag", "expected", "got", "detail"] {
        assert!(!m[key].is_null(), "mismatch field {key}");
    }
    std::fs::remove_dir_all(&broken).ok();

    // A suite of cases that all conform exits 0.
    let clean = tempdir("clean");
    for case in ["CO1.json", "CO3.json", "CO5.json", "CO6.json", "CO17.json", "CO21.json", "CO22.json"] {
        std::fs::copy(dir.join("common/2DCode/raw").join(case), clean.join(case)).unwrap();
    }
    let out = Command::new(bin).args(["conformance", "dgc"]).arg(&clean).arg("--json").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cases"], 7);
    assert_eq!(v["mismatches"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(out.status.code(), Some(0));
    std::fs::remove_dir_all(&clean).ok();
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("healthcert-conformance-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn text_output_tells_known_upstream_defects_from_new_mismatches() {
    let Some(dir) = suite() else { return };
    let bin = env!("CARGO_BIN_EXE_healthcert");
    let cases = tempdir("text");
    // A documented upstream defect (2 mismatches) …
    let fr = cases.join("FR/2DCode/raw");
    std::fs::create_dir_all(&fr).unwrap();
    std::fs::copy(dir.join("FR/2DCode/raw/test_pcr_ok.json"), fr.join("test_pcr_ok.json")).unwrap();
    // … and a case whose expectation is turned around: a new mismatch.
    let mut co1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("common/2DCode/raw/CO1.json")).unwrap()).unwrap();
    co1["EXPECTEDRESULTS"]["EXPECTEDVERIFY"] = false.into();
    std::fs::write(cases.join("CO1.json"), serde_json::to_vec(&co1).unwrap()).unwrap();

    let out = Command::new(bin).args(["conformance", "dgc"]).arg(&cases).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("known upstream defect: FR/2DCode/raw/test_pcr_ok.json"), "{text}");
    assert!(!text.contains("MISMATCH FR/"), "known mismatches are counted, not listed: {text}");
    let new: Vec<&str> = text.lines().filter(|l| l.starts_with("NEW MISMATCH")).collect();
    assert_eq!(new.len(), 1, "{text}");
    assert!(new[0].starts_with("NEW MISMATCH CO1.json EXPECTEDVERIFY: expected fail, got pass"), "{text}");
    assert!(
        text.trim_end().ends_with(
            "3 mismatches: 2 known upstream defects (listed in docs/conformance.md, \"Known mismatches\"), 1 new"
        ),
        "{text}"
    );
    std::fs::remove_dir_all(&cases).ok();

    // The exit status is documented where people look.
    let help = Command::new(bin).args(["conformance", "dgc", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("5 when some do"));
}
