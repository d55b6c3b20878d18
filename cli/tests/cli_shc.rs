//! SMART Health Cards from the command line, as a user runs it: the spec
//! example issuer's JWKS imported with `trust import --issuer`, then
//! `verify --json` on the examples (external test data) gives `valid`; a
//! JWKS without its issuer is refused; one chunk alone says so.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use std::path::PathBuf;

use common::{healthcert, json, stderr};

use healthcert_test_support::testdata::{self, SHC_EXAMPLE_ISSUER};

/// 2023-07-01T00:00:00Z: after the examples' nbf, before example 03's exp.
const AT: &str = "2023-07-01T00:00:00Z";

/// The spec examples, an empty database in a fresh folder, and the example
/// issuer's JWKS; `None` (the test skips) without the test data.
struct Setup {
    examples: PathBuf,
    dir: tempfile::TempDir,
    db: String,
    jwks: String,
}

impl Setup {
    fn new() -> Option<Setup> {
        let examples = testdata::shc_examples()?;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("trust.db").display().to_string();
        let jwks = examples.join("issuer/.well-known/jwks.json").display().to_string();
        Some(Setup { examples, dir, db, jwks })
    }
}

#[test]
fn import_the_example_issuer_then_verify_its_cards() {
    let Some(Setup { examples, dir, db, jwks }) = Setup::new() else { return };

    // A JWKS does not name its issuer: without --issuer it is refused.
    let out = healthcert(&["trust", "import", "--db", &db, &jwks, "--at", AT]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--issuer"), "{}", stderr(&out));

    let out = healthcert(&["trust", "import", "--db", &db, "--issuer", SHC_EXAMPLE_ISSUER, &jwks, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 signers (2 new"), "{:?}", out);

    for file in [
        "example-00-f-qr-code-numeric-value-0.txt",
        "example-01-f-qr-code-numeric-value-0.txt",
        "example-03-f-qr-code-numeric-value-0.txt",
        "example-00-d-jws.txt",
        "example-02-d-jws.txt",
    ] {
        let path = examples.join(file).display().to_string();
        let out = healthcert(&["verify", &path, "--db", &db, "--at", AT, "--json"]);
        let verdict = json(&out);
        assert_eq!(out.status.code(), Some(0), "{file}: {verdict:#}");
        assert_eq!(verdict["status"], "valid", "{file}");
        assert_eq!(verdict["format"], "shc", "{file}");
        // Example 01 is signed with the issuer's second key (the one with
        // an x5c chain), the others with the first.
        let kid = verdict["trust"]["signer"]["kid"].as_str().unwrap();
        assert!(
            ["3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s", "EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw"]
                .contains(&kid)
        );
    }
    let text =
        healthcert(&["verify", &examples.join("example-00-d-jws.txt").display().to_string(), "--db", &db, "--at", AT]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("VALID"));

    // One chunk of example 02, alone: invalid, and why.
    let chunk = examples.join("example-02-f-qr-code-numeric-value-0.txt").display().to_string();
    let out = healthcert(&["verify", &chunk, "--db", &db, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(4), "one chunk alone: cannot tell");
    assert_eq!(json(&out)["status"], "unknown");
    assert_eq!(json(&out)["checks"][0]["reason"], "SHC_CHUNK_INCOMPLETE");

    // Its three chunks given together, in any order, and beside another
    // card: two verdicts, both valid.
    let chunks: Vec<String> = [2, 0, 1]
        .iter()
        .map(|i| examples.join(format!("example-02-f-qr-code-numeric-value-{i}.txt")).display().to_string())
        .collect();
    let single = examples.join("example-00-f-qr-code-numeric-value-0.txt").display().to_string();
    let args = ["verify", &chunks[0], &single, &chunks[1], &chunks[2], "--db", &db, "--at", AT, "--json"];
    let out = healthcert(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|v| v["status"] == "valid"), "{lines:?}");
    let kinds: Vec<&str> = lines.iter().map(|v| v["certificate"]["type"].as_str().unwrap_or("?")).collect();
    assert_eq!(kinds, ["test", "vaccination"], "the assembled card stands where its first chunk did");
    // The `.smart-health-card` files: each card they hold.
    let files: Vec<String> = [0, 2]
        .iter()
        .map(|i| examples.join(format!("example-0{i}-e-file.smart-health-card")).display().to_string())
        .collect();
    let out = healthcert(&["verify", &files[0], &files[1], "--db", &db, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().filter(|l| l.contains(r#""status":"valid""#)).count(), 2);
    // Two chunks of three: each cannot tell.
    let out = healthcert(&["verify", &chunks[0], &chunks[1], "--db", &db, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(4));

    // Imported for another issuer, the keys do not verify the examples.
    let other = dir.path().join("other.db").display().to_string();
    let out = healthcert(&["trust", "import", "--db", &other, "--issuer", "https://other.example", &jwks, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let card = examples.join("example-00-d-jws.txt").display().to_string();
    let out = healthcert(&["verify", &card, "--db", &other, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(4), "cannot tell");
    assert_eq!(json(&out)["checks"][2]["reason"], "ISSUER_UNKNOWN");
}

/// The done-when of issue 15: example 03 is valid with the example issuer's
/// JWKS alone, and reported revoked once the example CRL (gh-pages) is
/// imported with `trust import --issuer`; the other examples stay valid; a
/// list with a lower ctr, or a defect, is refused and changes nothing.
#[test]
fn example_03_is_reported_revoked_once_the_example_crl_is_imported() {
    let Some(Setup { examples, dir, db, jwks }) = Setup::new() else { return };
    let kid = "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s";
    let crl = examples.join(format!("issuer/.well-known/crl/{kid}.json")).display().to_string();
    let card = |n: u32| examples.join(format!("example-0{n}-d-jws.txt")).display().to_string();
    let verify = |n: u32| {
        let out = healthcert(&["verify", &card(n), "--db", &db, "--at", AT, "--json"]);
        let v = json(&out);
        let revocation = v["checks"].as_array().unwrap().iter().find(|c| c["check"] == "revocation").unwrap().clone();
        (out.status.code(), v["status"].as_str().unwrap().to_owned(), revocation)
    };

    // A CRL imported before its key: stored, with a warning.
    let early = dir.path().join("early.db").display().to_string();
    let out = healthcert(&["trust", "import", "--db", &early, "--issuer", SHC_EXAMPLE_ISSUER, &crl, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("no key"), "{}", stderr(&out));

    let out = healthcert(&["trust", "import", "--db", &db, "--issuer", SHC_EXAMPLE_ISSUER, &jwks, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, status, revocation) = verify(3);
    assert_eq!((code, status.as_str()), (Some(0), "valid"));
    assert_eq!(
        (revocation["outcome"].as_str(), revocation["reason"].as_str()),
        (Some("skipped"), Some("NOT_APPLICABLE"))
    );

    let out = healthcert(&["trust", "import", "--db", &db, "--issuer", SHC_EXAMPLE_ISSUER, &crl, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("revocation list for key {kid} (ctr 1, 4 rids)")), "{said}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    let (code, status, revocation) = verify(3);
    assert_eq!((code, status.as_str()), (Some(3), "invalid"));
    assert_eq!((revocation["outcome"].as_str(), revocation["reason"].as_str()), (Some("fail"), Some("REVOKED")));
    let text = healthcert(&["verify", &card(3), "--db", &db, "--at", AT]);
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("INVALID"), "{:?}", text);
    for n in [0, 1, 2] {
        let (code, status, _) = verify(n);
        assert_eq!((code, status.as_str()), (Some(0), "valid"), "example {n}");
    }

    // A list with a lower ctr: refused as a rollback; example 03 stays revoked.
    let older = dir.path().join("older.json");
    std::fs::write(&older, format!(r#"{{"kid":"{kid}","method":"rid","ctr":0,"rids":[]}}"#)).unwrap();
    let older = older.display().to_string();
    let out = healthcert(&["trust", "import", "--db", &db, "--issuer", SHC_EXAMPLE_ISSUER, &older, "--at", AT]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("rollback"), "{}", stderr(&out));
    assert_eq!(verify(3).2["reason"], "REVOKED");

    // A list with a defect: refused whole, and why.
    if let Some(bad) = testdata::require("smart-on-fhir+health-cards-dev-tools/testdata/badcrl") {
        let dup = bad.join("duplicate-rid/.well-known/crl/hrvC0uzB16UXK83BnPo7Glg685b1D6iYOyJd5hpRaAA.json");
        let dup = dup.display().to_string();
        let out = healthcert(&["trust", "import", "--db", &db, "--issuer", SHC_EXAMPLE_ISSUER, &dup, "--at", AT]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("lists a rid listed before"), "{}", stderr(&out));
    }
}
