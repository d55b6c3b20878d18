//! `healthcert verify` end to end: inputs (argument, file, stdin, bundled
//! sample), trust forms, the JSON contract, and exit statuses.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use healthcert_test_support::fixtures::temp_database;

const AT: &str = "2026-09-01T12:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn healthcert(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_healthcert"));
    cmd.args(args)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn fixture(name: &str) -> String {
    fixtures().join("hcert").join(format!("{name}.txt")).display().to_string()
}

#[test]
fn bundled_sample_verifies_offline_from_any_directory() {
    let out = healthcert(&["verify", "--at", AT, "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["status"], "valid");
    assert_eq!(v["format"], "hcert");
    assert_eq!(v["clock"], AT);
    assert_eq!(v["clock_source"], "fixed");
    let checks: Vec<&str> = v["checks"].as_array().unwrap().iter().map(|c| c["check"].as_str().unwrap()).collect();
    assert_eq!(checks, ["decode", "signature", "issuer", "key_usage", "revocation", "validity", "schema", "rules"]);
    for (i, c) in v["checks"].as_array().unwrap()[..7].iter().enumerate() {
        // EU DCC revocation is not read yet (issue 17): not applicable.
        let (outcome, reason) = if i == 4 { ("skipped", "NOT_APPLICABLE") } else { ("pass", "OK") };
        assert_eq!((c["outcome"].as_str(), c["reason"].as_str()), (Some(outcome), Some(reason)), "{c}");
        assert!(c["detail"].is_string());
    }
    // No country of arrival: the business rules do not apply.
    assert_eq!((&v["checks"][7]["outcome"], &v["checks"][7]["reason"]), (&"skipped".into(), &"NOT_APPLICABLE".into()));
    assert_eq!(v["rules"], serde_json::json!([]));
    assert_eq!(v["certificate"]["type"], "vaccination");
    assert!(v["certificate"]["holder"]["name"].is_string());
    assert!(v["trust"]["source"].as_str().unwrap().contains("test"));

    let human = healthcert(&["verify", "--at", AT], None);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.starts_with("VALID"), "{text}");
    assert!(String::from_utf8_lossy(&human.stderr).contains("TEST trust snapshot"));
}

#[test]
fn every_fixture_gets_its_exit_status() {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("manifest.json")).unwrap()).unwrap();
    for case in manifest["cases"].as_array().unwrap() {
        let file = fixtures().join(case["file"].as_str().unwrap()).display().to_string();
        let out = healthcert(&["verify", &file, "--at", AT, "--json"], None);
        let status = case["expected_status"].as_str().unwrap();
        let code = match status {
            "valid" => 0,
            "invalid" => 3,
            "unknown" => 4,
            other => panic!("status {other}"),
        };
        assert_eq!(out.status.code(), Some(code), "{}", case["name"]);
        assert_eq!(json(&out)["status"], status, "{}", case["name"]);
    }
}

#[test]
fn payload_from_argument_stdin_and_without_prefix() {
    let text = std::fs::read_to_string(fixture("valid-test")).unwrap();
    let text = text.trim();
    let arg = healthcert(&["verify", text, "--at", AT, "--json"], None);
    assert_eq!(json(&arg)["status"], "valid");
    let stdin = healthcert(&["verify", "-", "--at", AT, "--json"], Some(text));
    assert_eq!(json(&stdin)["status"], "valid");
    let bare = healthcert(&["verify", "-", "--at", AT, "--json"], Some(text.strip_prefix("HC1:").unwrap()));
    let v = json(&bare);
    assert_eq!(v["status"], "valid");
    assert!(v["checks"][0]["detail"].as_str().unwrap().contains("no HC1: prefix"));
    let garbage = healthcert(&["verify", "-", "--at", AT, "--json"], Some("hello world"));
    // No health certificate at all: "can't tell", not "invalid".
    assert_eq!(garbage.status.code(), Some(4));
    assert_eq!(json(&garbage)["status"], "unknown");
    assert_eq!(json(&garbage)["checks"][0]["reason"], "NOT_A_HEALTH_CERTIFICATE");
}

#[test]
fn trust_forms_and_operational_errors() {
    let list = fixtures().join("trust/trustlist.json").display().to_string();
    let dir = fixtures().join("trust/dsc").display().to_string();
    let one = fixtures().join("trust/dsc/dsc-ec-vaccination.pem").display().to_string();
    for trust in [&list, &dir, &one] {
        let out = healthcert(&["verify", &fixture("valid-vaccination"), "--trust", trust, "--at", AT, "--json"], None);
        assert_eq!(json(&out)["status"], "valid", "--trust {trust}");
        assert_eq!(json(&out)["trust"]["source"], trust.as_str());
    }
    let other = healthcert(&["verify", &fixture("valid-test"), "--trust", &one, "--at", AT, "--json"], None);
    assert_eq!(other.status.code(), Some(4), "a kid missing from the given trust list is 'can't tell'");

    let missing = healthcert(&["verify", "--trust", "/nonexistent/trust.json"], None);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/trust.json"));
    let bad_at = healthcert(&["verify", "--at", "yesterday"], None);
    assert_eq!(bad_at.status.code(), Some(2), "a bad --at is a usage error");
    assert!(String::from_utf8_lossy(&bad_at.stderr).contains("--at"));
    let usage = healthcert(&["verify", "--no-such-flag"], None);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn errors_and_output_never_leak_personal_data_to_stderr() {
    let out = healthcert(&["verify", &fixture("invalid-schema"), "--at", AT], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in ["Testperson", "TESTPERSON", "1964"] {
        assert!(!stderr.contains(secret), "{secret} on stderr: {stderr}");
    }
}

#[test]
fn pictures_are_scanned_then_verified() {
    let png = fixtures().join("hcert/valid-recovery.png").display().to_string();
    let out = healthcert(&["verify", &png, "--at", AT, "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["certificate"]["type"], "recovery");

    let out = healthcert(&["scan", "--json", &png], None);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let expected = std::fs::read_to_string(fixture("valid-recovery")).unwrap();
    assert_eq!(v["payloads"][0], expected.trim());
    assert!(v["decode_us"].is_u64());
    assert_eq!(v["codes"][0]["corners"].as_array().unwrap().len(), 4);

    // A picture without a code is an operational error, with the file named.
    let blank = std::env::temp_dir().join(format!("healthcert-blank-{}.png", std::process::id()));
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, 32, 32);
        enc.set_color(png::ColorType::Grayscale);
        enc.write_header().unwrap().write_image_data(&[255u8; 32 * 32]).unwrap();
    }
    std::fs::write(&blank, png_bytes).unwrap();
    let out = healthcert(&["verify", blank.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no QR code"));
    std::fs::remove_file(&blank).ok();
}

#[test]
fn rules_imported_from_files_decide_for_the_country_of_arrival() {
    let (_dir, db) = temp_database();
    let db = db.to_str().unwrap();
    let rules = fixtures().join("trust/rules");
    let import = healthcert(&["rules", "import", "--db", db, rules.to_str().unwrap(), "--at", AT], None);
    assert_eq!(import.status.code(), Some(0), "{}", String::from_utf8_lossy(&import.stderr));
    let said = String::from_utf8_lossy(&import.stdout);
    assert!(said.contains("7 rules, 6 value sets"), "{said}");

    let verify = |name: &str, country: &str| {
        let out = healthcert(&["verify", "--db", db, "--country", country, "--at", AT, "--json", &fixture(name)], None);
        (out.status.code(), json(&out))
    };
    let (code, v) = verify("valid-vaccination", "XT");
    assert_eq!((code, &v["status"]), (Some(0), &"valid".into()), "{v}");
    assert_eq!(v["checks"][7]["reason"], "OK");
    let ids: Vec<&str> = v["rules"].as_array().unwrap().iter().map(|r| r["identifier"].as_str().unwrap()).collect();
    assert_eq!(ids, ["GR-XT-0001", "VR-XT-0001", "VR-XT-0002"]);

    let (code, v) = verify("valid-test", "de");
    assert_eq!((code, &v["status"]), (Some(0), &"valid".into()), "{v}");
    assert_eq!(v["rules"][0]["identifier"], "TR-DE-0101");

    // A country whose rules are not held: the verifier cannot tell.
    let (code, v) = verify("valid-recovery", "FR");
    assert_eq!((code, &v["status"]), (Some(4), &"unknown".into()), "{v}");
    assert_eq!(v["checks"][7]["reason"], "NO_RULES");

    let bad = healthcert(&["verify", "--db", db, "--country", "Germany", &fixture("valid-test")], None);
    assert_eq!(bad.status.code(), Some(2), "a bad --country is a usage error");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ISO 3166-1"));

    let nothing = healthcert(&["rules", "import", "--db", db, fixtures().join("hcert").to_str().unwrap()], None);
    assert_eq!(nothing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("no usable rules"));
}

/// A DCC signed by the fixture signer `dsc-ec-all`, as `HC1:` text, and the
/// path of that signer's certificate.
fn signed_by_fixture_dsc(dcc: &serde_json::Value) -> (String, String) {
    use base64::Engine as _;
    use healthcert_test_support::hc1;
    use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
    use p256::pkcs8::DecodePrivateKey as _;
    use sha2::Digest as _;

    let key_pem = std::fs::read_to_string(fixtures().join("keys/dsc-ec-all.pk8.pem")).unwrap();
    let key = SigningKey::from_pkcs8_pem(&key_pem).unwrap();
    let cert = fixtures().join("trust/dsc/dsc-ec-all.pem");
    let pem = std::fs::read_to_string(&cert).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    let kid = &sha2::Sha256::digest(&der)[..8];
    let payload = hc1::cbor(&hc1::valid_claims_of(dcc));
    let cose = hc1::cose_signed_by(payload, kid, |tbs| {
        let sig: Signature = key.sign(tbs);
        sig.to_bytes().to_vec()
    });
    (hc1::hc1(&cose), cert.display().to_string())
}

#[test]
fn strict_schema_keeps_the_letter_of_the_schema() {
    // A vaccination date written as a date-time, a null test group beside the
    // vaccination, a lowercase country: a certificate in circulation.
    let mut dcc = healthcert_test_support::hc1::dcc();
    dcc["v"][0]["dt"] = "2026-05-01T00:00:00".into();
    dcc["v"][0]["co"] = "xt".into();
    dcc["t"] = serde_json::Value::Null;
    let (text, cert) = signed_by_fixture_dsc(&dcc);

    let out = healthcert(&["verify", "--trust", &cert, "--at", AT, "--json", &text], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json(&out);
    assert_eq!(v["status"], "valid");
    let schema = &v["checks"][6];
    assert_eq!((&schema["outcome"], &schema["reason"]), (&"pass".into(), &"SCHEMA_DEVIATION".into()), "{schema}");
    let detail = schema["detail"].as_str().unwrap();
    for path in ["/v/0/dt", "/v/0/co", "/t"] {
        assert!(detail.contains(path), "{detail}");
    }
    assert!(!detail.contains("2026-05-01") && !detail.contains("xt"), "no values in the detail: {detail}");
    let event = &v["certificate"]["events"][0];
    assert!(event.to_string().contains("\"2026-05-01\""), "the date part is read: {event}");

    let out = healthcert(&["verify", "--strict-schema", "--trust", &cert, "--at", AT, "--json", &text], None);
    assert_eq!(out.status.code(), Some(3), "invalid: {}", String::from_utf8_lossy(&out.stdout));
    let v = json(&out);
    assert_eq!(v["status"], "invalid");
    let schema = &v["checks"][6];
    assert_eq!((&schema["outcome"], &schema["reason"]), (&"fail".into(), &"SCHEMA_INVALID".into()), "{schema}");
    // The other checks are the same either way.
    for c in v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !matches!(c["check"].as_str(), Some("revocation" | "schema" | "rules")))
    {
        assert_eq!(c["outcome"], "pass", "{c}");
    }

    // Without deviations both modes agree: OK.
    let (clean, _) = signed_by_fixture_dsc(&healthcert_test_support::hc1::dcc());
    let out = healthcert(&["verify", "--strict-schema", "--trust", &cert, "--at", AT, "--json", &clean], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["checks"][6]["reason"], "OK");
}
