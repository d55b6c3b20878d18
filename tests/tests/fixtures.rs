//! The committed `fixtures/` tree: it is exactly what `cargo xtask fixtures`
//! generates, and every case gets the verdict its manifest promises.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use healthcert_core::formats::PrefixPolicy;
use healthcert_core::trust::{MemoryStore, TrustStore as _};
use healthcert_core::{CheckKind, FixedClock, Limits, Reason, Verifier};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fixtures")
}

fn manifest() -> Value {
    let text = fs::read_to_string(fixtures_dir().join("manifest.json")).expect("fixtures/manifest.json");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

/// The payload text of a manifest case.
fn payload(case: &Value) -> String {
    fs::read_to_string(fixtures_dir().join(case["file"].as_str().expect("file"))).expect("payload file")
}

/// Every case of the manifest that names a `key` file: its name, its payload
/// and that file's path.
fn cases_with(key: &str) -> Vec<(String, String, PathBuf)> {
    let manifest = manifest();
    let mut out = Vec::new();
    for case in manifest["cases"].as_array().expect("cases") {
        if let Some(file) = case[key].as_str() {
            out.push((case["name"].as_str().expect("name").to_owned(), payload(case), fixtures_dir().join(file)));
        }
    }
    out
}

fn reference_clock(manifest: &Value) -> FixedClock {
    let at = manifest["reference_time"].as_str().expect("reference_time");
    FixedClock(healthcert_core::time_parse::rfc3339(at).expect("RFC 3339"))
}

fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&path).expect("readable file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn committed_fixtures_are_exactly_what_the_generator_writes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    xtask::generate(tmp.path()).expect("generate fixtures");
    let generated = files_under(tmp.path());
    let committed = files_under(&fixtures_dir());

    let missing: Vec<&String> = generated.keys().filter(|k| !committed.contains_key(*k)).collect();
    let extra: Vec<&String> = committed.keys().filter(|k| !generated.contains_key(*k)).collect();
    let differ: Vec<&String> =
        generated.iter().filter(|(k, v)| committed.get(*k).is_some_and(|c| c != *v)).map(|(k, _)| k).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && differ.is_empty(),
        "fixtures/ is out of date; run `cargo xtask fixtures`.\n missing: {missing:?}\n extra: {extra:?}\n differ: {differ:?}"
    );

    // A second run into the same directory changes nothing.
    xtask::generate(tmp.path()).expect("generate fixtures again");
    assert_eq!(files_under(tmp.path()), generated, "generation is not deterministic");
}

fn load_store(path: &Path) -> MemoryStore {
    let (store, report) = healthcert_core::trust::file::load(path).expect("trust list loads");
    assert!(report.skipped.is_empty(), "{}: skipped entries {:?}", path.display(), report.skipped);
    store
}

#[test]
fn every_case_gets_the_verdict_of_the_manifest() {
    let manifest = manifest();
    let clock = reference_clock(&manifest);
    let dir = fixtures_dir();
    let stores = [
        ("trustlist.json", load_store(&dir.join("trust/trustlist.json"))),
        ("dsc/", load_store(&dir.join("trust/dsc"))),
    ];
    assert_eq!(stores[0].1.len(), stores[1].1.len(), "both trust forms hold the same signers");

    let cases = manifest["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut mismatches: Vec<String> = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let payload = payload(case);
        let want_status = case["expected_status"].as_str().expect("expected_status");
        let want: BTreeSet<(String, String)> = case["expected_failures"]
            .as_array()
            .expect("expected_failures")
            .iter()
            .map(|f| (f["check"].as_str().unwrap().to_owned(), f["reason"].as_str().unwrap().to_owned()))
            .collect();

        for (form, store) in &stores {
            let verdict = Verifier::new(store.clone()).verify(&payload, &clock).expect("no operational fault");
            let status = serde_json::to_value(verdict.status).unwrap();
            let got: BTreeSet<(String, String)> =
                verdict.failures().map(|c| (c.check.name().to_owned(), c.reason.code().to_owned())).collect();
            let agrees = status == want_status && got == want;
            if !agrees {
                let details: Vec<String> = verdict
                    .checks
                    .iter()
                    .map(|c| format!("{}={:?}/{}: {}", c.check.name(), c.outcome, c.reason, c.detail))
                    .collect();
                mismatches.push(format!(
                    "{name} [{form}]: got {status} {got:?}, manifest says {want_status} {want:?}\n    {}",
                    details.join("\n    ")
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{} verdict mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn manifest_uses_the_codes_of_the_core() {
    let manifest = manifest();
    let checks: Vec<&str> = CheckKind::ALL.iter().map(|k| k.name()).collect();
    let mut names = BTreeSet::new();
    for case in manifest["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        assert!(names.insert(name), "duplicate case {name}");
        assert!(["valid", "invalid", "unknown"].contains(&case["expected_status"].as_str().unwrap()), "{name}");
        let failures = case["expected_failures"].as_array().expect("expected_failures");
        assert_eq!(case["expected_status"] == "valid", failures.is_empty(), "{name}: status and failures disagree");
        for f in failures {
            let check = f["check"].as_str().unwrap();
            let reason = f["reason"].as_str().unwrap();
            assert!(checks.contains(&check), "{name}: unknown check {check}");
            assert!(Reason::from_code(reason).is_some(), "{name}: unknown reason {reason}");
        }
        assert!(case["png"].is_string() || case["png_note"].is_string(), "{name}: no PNG and no note saying why");
    }
}

#[test]
fn qr_codes_hold_the_payload_at_error_correction_q() {
    for (name, payload, png_file) in cases_with("png") {
        let mut decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(png_file).unwrap()));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut buf).expect("PNG data");
        assert_eq!(info.color_type, png::ColorType::Grayscale, "{name}");
        let (w, h, stride) = (info.width as usize, info.height as usize, info.line_size);
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| if buf[y * stride + x] > 0 { 255 } else { 0 });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "{name}: one QR code");
        let (meta, text) = grids[0].decode().unwrap_or_else(|e| panic!("{name}: QR decode: {e}"));
        assert_eq!(text, payload.trim_end(), "{name}: QR content");
        assert_eq!(meta.ecc_level, 3, "{name}: error correction Q");
    }
}

#[test]
fn json_files_are_the_decoded_dcc() {
    for (name, payload, json_file) in cases_with("json") {
        let want: Value = serde_json::from_str(&fs::read_to_string(json_file).unwrap()).unwrap();
        let decoded = healthcert_core::formats::hcert::decode(payload.trim(), PrefixPolicy::Required, &Limits::DEFAULT)
            .unwrap_or_else(|f| panic!("{name}: does not decode: {f:?}"));
        assert_eq!(decoded.document.rules_input().map(|i| i.payload), Some(&want), "{name}");
    }
}
