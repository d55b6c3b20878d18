//! What `healthcert` prints when the input is hostile or the command line
//! is wrong: certificates signed with the fixtures' TEST keys whose fields
//! and map keys hold terminal escape sequences, line breaks, a fake "VALID"
//! verdict, bidi overrides and personal data; usage errors found after
//! argument parsing; a payload argument naming a missing file or a
//! directory; stdout closed early; stale trust data.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;

use healthcert_cli::serve::BackgroundServer;
use healthcert_core::text::is_unsafe;
use xtask::hcert::{Cert, Sig, Value, map, text};
use xtask::pki::{Dsc, Key};

const AT: &str = "2026-09-01T12:00:00Z";

/// The fake verdict drawn by the exploit: clear the screen, home the
/// cursor, paint a green "VALID" block.
const SCREEN_VALID: &str = "\u{1b}[2J\u{1b}[H\u{1b}[1;42m VALID \u{1b}[0m";
/// Hostile texts that must never reach a terminal or a detail as they are.
const HOSTILE: [&str; 6] = [
    SCREEN_VALID,
    "Erika\r\nVALID — hcert\n",
    "\u{202e}DILAV\u{202c}",
    "\u{9b}2J\u{0}\u{7}\u{8}\u{7f}",
    "\u{2028}VALID\u{2029}",
    "\u{1b}]0;VALID\u{7}",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn healthcert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_healthcert"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The fixtures' DSC `dsc-ec-all` (in the bundled TEST snapshot), with its
/// PUBLIC TEST key: what a forger holding a trusted key could sign.
fn signer() -> Dsc {
    let pem = std::fs::read_to_string(fixtures().join("trust/dsc/dsc-ec-all.pem")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    Dsc { name: "dsc-ec-all", description: "", trusted: true, key: Key::p256("dsc-ec-all").unwrap(), der }
}

/// A vaccination DCC whose free-text fields hold the hostile texts, and
/// `extra` entries added at the top level.
fn hostile_dcc(extra: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    let mut entry = xtask::hcert::vaccination_entry("hostile");
    if let Value::Map(fields) = &mut entry {
        for (k, v) in fields.iter_mut() {
            match k.as_text() {
                Some("is") => *v = text(HOSTILE[2]),
                Some("ci") => *v = text(&format!("URN:UVCI:{}", HOSTILE[3])),
                Some("mp") => *v = text(HOSTILE[4]),
                Some("co") => *v = text(&format!("XT{}", HOSTILE[5])),
                _ => {}
            }
        }
    }
    let mut dcc = vec![
        ("ver", text("1.3.0")),
        ("nam", map(vec![("fn", text(HOSTILE[1])), ("fnt", text("TESTPERSON")), ("gn", text(SCREEN_VALID))])),
        ("dob", text("1964-08-12")),
        ("v", Value::Array(vec![entry])),
    ];
    dcc.extend(extra);
    dcc
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// Text output: only the renderer's own line feeds, no other unsafe
/// character, the true status on the first line and on no other.
fn assert_safe_text(text: &str, status: &str) {
    for c in text.chars().filter(|c| *c != '\n') {
        assert!(!is_unsafe(c) && !c.is_control(), "{c:?} reached stdout:\n{text}");
    }
    let first = text.lines().next().unwrap_or("");
    assert!(first.starts_with(&format!("{status} — ")), "first line {first:?}, expected {status}");
    for line in text.lines().skip(1) {
        let t = line.trim_start();
        for word in ["VALID", "INVALID", "CANNOT TELL"] {
            assert!(!t.starts_with(word), "a line other than the first starts with {word}: {line:?}");
        }
    }
}

/// No check detail (text or JSON) holds certificate text.
fn assert_clean_details(verdict: &serde_json::Value, secrets: &[&str]) {
    for c in verdict["checks"].as_array().unwrap() {
        let d = c["detail"].as_str().unwrap();
        for s in secrets {
            assert!(!d.contains(s), "detail of {} holds {s:?}: {d:?}", c["check"]);
        }
        assert!(!d.chars().any(|c| is_unsafe(c) || c.is_control()), "detail {d:?}");
    }
}

fn verify_both(arg: &str) -> (Output, Output) {
    (healthcert(&["verify", arg, "--at", AT]), healthcert(&["verify", arg, "--at", AT, "--json"]))
}

#[test]
fn hostile_fields_cannot_draw_a_verdict() {
    let dsc = signer();
    let dir = tempfile::tempdir().unwrap();
    // Signed and valid but for the fields: VALID is the truth here.
    let valid = Cert::new(&dsc, hostile_dcc(Vec::new())).hc1().unwrap();
    // The same with a broken signature: the screen must say INVALID.
    let forged = Cert { sig: Sig::Flipped, ..Cert::new(&dsc, hostile_dcc(Vec::new())) }.hc1().unwrap();
    for (payload, status, code) in [(&valid, "VALID", 0), (&forged, "INVALID", 3)] {
        let file = write_temp(&dir, "cert.txt", payload.as_bytes());
        for arg in [payload.as_str(), file.as_str()] {
            let (text, json) = verify_both(arg);
            assert_eq!(text.status.code(), Some(code), "{}", stderr(&text));
            assert_safe_text(&stdout(&text), status);
            // The escapes are shown, not dropped: the inspector sees them.
            assert!(stdout(&text).contains("\\u{1b}[2J"), "{}", stdout(&text));
            // JSON escapes them too (C1 and bidi controls as \uXXXX).
            let raw = stdout(&json);
            assert!(!raw.chars().any(|c| c != '\n' && (is_unsafe(c) || c.is_control())), "{raw:?}");
            let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
            assert_eq!(v["status"], status.to_lowercase());
            assert_clean_details(&v, &HOSTILE);
            // JSON keeps the data as issued (escaped by JSON itself).
            assert_eq!(v["certificate"]["holder"]["given_name"], SCREEN_VALID);
        }
    }
    // Also from a picture of the QR code, and through `scan`.
    let png = xtask::qr::png(&forged).unwrap().expect("fits a QR code");
    let picture = write_temp(&dir, "forged.png", &png);
    let (text, json) = verify_both(&picture);
    assert_eq!(text.status.code(), Some(3), "{}", stderr(&text));
    assert_safe_text(&stdout(&text), "INVALID");
    assert_clean_details(&serde_json::from_slice(&json.stdout).unwrap(), &HOSTILE);
    let scan = healthcert(&["scan", &picture]);
    assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));
    let said = stdout(&scan);
    assert!(said.contains("HC1:"), "{said}");
    assert!(!said.chars().any(|c| c != '\n' && (is_unsafe(c) || c.is_control())), "{said:?}");

    // A QR code holding nothing but escape sequences and a fake verdict.
    let png = xtask::qr::png(&format!("{SCREEN_VALID}\r\nVALID — hcert\n")).unwrap().unwrap();
    let picture = write_temp(&dir, "escapes.png", &png);
    let scan = healthcert(&["scan", &picture]);
    assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));
    let said = stdout(&scan);
    assert!(said.contains("\\u{1b}[2J"), "{said}");
    assert!(!said.chars().any(|c| c != '\n' && (is_unsafe(c) || c.is_control())), "{said:?}");
    let verify = healthcert(&["verify", &picture, "--at", AT]);
    // No health certificate: "can't tell".
    assert_eq!(verify.status.code(), Some(4), "{}", stderr(&verify));
    assert_safe_text(&stdout(&verify), "CANNOT TELL");
}

#[test]
fn map_keys_and_text_labels_never_reach_a_detail() {
    let dsc = signer();
    let personal = "Erika Musterfrau 1964-08-12";
    // A key holding personal data, with a value that has no JSON form (a
    // byte string): the decoder names where it is.
    let dcc = hostile_dcc(vec![(personal, Value::Bytes(vec![1, 2, 3]))]);
    let by_key = Cert::new(&dsc, dcc).hc1().unwrap();
    // The same inside `nam`, under a key made of escape sequences.
    let mut nested = hostile_dcc(Vec::new());
    nested[1].1 = map(vec![("fnt", text("TESTPERSON")), (SCREEN_VALID, Value::Bytes(vec![0]))]);
    let nested = Cert::new(&dsc, nested).hc1().unwrap();
    for payload in [&by_key, &nested] {
        let (text, json) = verify_both(payload);
        assert_eq!(text.status.code(), Some(3), "{}", stderr(&text));
        assert_safe_text(&stdout(&text), "INVALID");
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(v["checks"][0]["reason"], "HCERT_MALFORMED");
        assert!(v["checks"][0]["detail"].as_str().unwrap().contains("<unknown key>"), "{}", v["checks"][0]);
        assert_clean_details(&v, &[personal, "Erika", "1964", "VALID", "\u{1b}"]);
        assert!(!stdout(&text).contains(personal));
    }
}

#[test]
fn usage_errors_after_parsing_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    let sample = fixtures().join("hcert/valid-test.txt").display().to_string();
    let cases: [&[&str]; 12] = [
        &["verify", &sample, "--at", "yesterday"],
        &["verify", &sample, "--country", "Germany"],
        &["verify", &sample, "--country", "DE", "--lang", "english"],
        &["trust", "sync", "--db", &db, "--source", "ftp=https://example.org/"],
        &["trust", "sync", "--db", &db, "--source", "de=https://example.org/de"],
        &["trust", "sync", "--db", &db, "--source", "dgca=https://example.org/", "--max-age", "3days"],
        &["trust", "sync", "--db", &db, "--source", "dgca=ftp://example.org/"],
        &["trust", "sync", "--db", &db, "--source", "https://example.org/"],
        &["trust", "sync", "--db", &db, "--source", "dgca=https://example.org/", "--timeout", "0"],
        &["trust", "status", "--db", &db, "--at", "now"],
        &["trust", "import", "--db", &db, &sample, "--at", "2026-13-01T00:00:00Z"],
        &["rules", "import", "--db", &db, &sample, "--at", "1 Sep 2026"],
    ];
    for args in cases {
        let out = healthcert(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // An escape sequence in a bad argument is shown escaped.
    let out = healthcert(&["verify", &sample, "--at", "\u{1b}[2Jnow"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains('\u{1b}') && stderr(&out).contains("\\u{1b}"), "{}", stderr(&out));
    // Operational faults stay 1.
    let out = healthcert(&["verify", &sample, "--trust", "/nonexistent/trust.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn missing_file_directory_and_payload_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("qr.png").display().to_string();
    for arg in [missing.as_str(), "qr.png", "cert.txt", "/TMP/QR.PNG", "hello world", ""] {
        let out = healthcert(&["verify", arg, "--at", AT]);
        assert_eq!(out.status.code(), Some(2), "{arg:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("no such file") || stderr(&out).contains("empty"), "{}", stderr(&out));
    }
    let out = healthcert(&["verify", dir.path().to_str().unwrap(), "--at", AT]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));

    // Payloads still get verdicts: prefixed, bare base45, other formats.
    let text = std::fs::read_to_string(fixtures().join("hcert/valid-test.txt")).unwrap();
    let text = text.trim();
    let bare = text.strip_prefix("HC1:").unwrap();
    for (arg, code) in [(text, 0), (bare, 0), ("NZCP:/1/2KCEVIQ", 4), ("HC1:NOT/A/FILE.PNG", 3)] {
        let out = healthcert(&["verify", arg, "--at", AT, "--json"]);
        assert_eq!(out.status.code(), Some(code), "{arg}: {}", stderr(&out));
    }
    // A truncated bare payload is still a payload (an invalid one).
    let out = healthcert(&["verify", &bare[..40], "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// Runs `healthcert` with stdout into a pipe whose reader closes it after
/// reading `keep` bytes (0: before the command has read its stdin, so its
/// first write finds the pipe closed); returns the exit status and stderr.
fn run_into_closed_pipe(args: &[&str], stdin: &[u8], keep: usize) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_healthcert"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    if keep > 0 {
        let mut first = vec![0u8; keep];
        out.read_exact(&mut first).unwrap();
    }
    drop(out);
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin);
    drop(input);
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_verdicts_status() {
    let valid = std::fs::read(fixtures().join("hcert/valid-test.txt")).unwrap();
    let invalid = std::fs::read(fixtures().join("hcert/invalid-schema.txt")).unwrap();
    // `verify -` waits for stdin, which is written after stdout is closed:
    // every write meets the closed pipe. The exit status is the verdict's.
    for (stdin, json, code) in [(&valid, false, 0), (&valid, true, 0), (&invalid, false, 3), (&invalid, true, 3)] {
        let mut args = vec!["verify", "-", "--at", AT];
        if json {
            args.push("--json");
        }
        let (status, err) = run_into_closed_pipe(&args, stdin, 0);
        assert_eq!(status, Some(code), "{args:?}: {err}");
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
    }
    // `scan` of 300 pictures writes far more than a pipe holds; the reader
    // stops after 10 bytes, as `| head -c 10` does.
    let dir = tempfile::tempdir().unwrap();
    let png = std::fs::read(fixtures().join("hcert/valid-recovery.png")).unwrap();
    let pictures: Vec<String> = (0..300).map(|i| write_temp(&dir, &format!("p{i}.png"), &png)).collect();
    let mut args = vec!["scan"];
    args.extend(pictures.iter().map(String::as_str));
    let (status, err) = run_into_closed_pipe(&args, b"", 10);
    assert_eq!(status, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn text_output_says_when_the_trust_data_is_stale() {
    let server = BackgroundServer::start(&fixtures().join("trust")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db").display().to_string();
    let source = format!("dgca={}/", server.url());
    let out = healthcert(&["trust", "sync", "--db", &db, "--source", &source, "--max-age", "1d", "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sample = fixtures().join("hcert/valid-vaccination.txt").display().to_string();
    let at = |when: &str| healthcert(&["verify", &sample, "--db", &db, "--at", when]);

    let fresh = at("2026-09-01T18:00:00Z");
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    assert!(!stdout(&fresh).contains("STALE"), "{}", stdout(&fresh));
    assert!(stdout(&fresh).contains("updated 2026-09-01T12:00:00Z, 6 h ago"), "{}", stdout(&fresh));

    let stale = at("2026-09-04T12:00:00Z");
    let text = stdout(&stale);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("VALID — "), "{text}");
    assert!(lines[1].contains("WARNING: the trust data is STALE") && lines[1].contains("3 days ago"), "{text}");
    assert!(lines.last().unwrap().contains("STALE"), "{text}");
    let json = healthcert(&["verify", &sample, "--db", &db, "--at", "2026-09-04T12:00:00Z", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["trust"]["stale"], true);
}
