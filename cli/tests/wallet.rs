//! The holder's wallet through the CLI: add, list, show, remove, and the
//! travel check against the fixture rule `VR-XW-0001` (a vaccination is
//! accepted in XW for 270 days after its date: the fixture's dose of
//! 2026-05-20 until 2027-02-14T00:00:00Z). Removing a certificate leaves
//! none of its bytes in the database or its write-ahead log.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use std::path::Path;

use healthcert_test_support::fixtures::{fixtures, temp_database};

use common::{healthcert, json, stderr};

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A database with the travel rules and the valid vaccination fixture in
/// the wallet (id 1).
fn wallet() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = temp_database();
    let rules = fixtures().join("trust/travel-rules");
    let out = healthcert(&["rules", "import", "--db", path(&db), path(&rules), "--at", "2026-09-01T12:00:00Z"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cert = fixtures().join("hcert/valid-vaccination.txt");
    let out = healthcert(&["wallet", "add", "--db", path(&db), path(&cert), "--label", "Erika Testperson", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["id"], 1);
    (dir, db)
}

fn check(db: &Path, at: &str) -> (Option<i32>, serde_json::Value) {
    let out = healthcert(&["wallet", "check", "--db", path(db), "1", "--country", "XW", "--at", at, "--json"]);
    (out.status.code(), json(&out))
}

#[test]
fn travel_check_before_and_after_the_rule_starts_failing() {
    let (_dir, db) = wallet();
    let (code, c) = check(&db, "2026-09-01T12:00:00Z");
    assert_eq!(code, Some(0));
    assert_eq!(c["accepted"], true);
    assert_eq!(c["failing_rules"], serde_json::json!([]));
    assert_eq!(c["stops_at"], "2027-02-14T00:00:01Z", "dt 2026-05-20 + 270 days, to the second");
    assert_eq!(c["stops_because"], serde_json::json!(["rules:RULE_FAILED", "VR-XW-0001"]));
    assert_eq!(c["verdict"]["clock_check"]["state"], "not_applicable", "a chosen instant");

    // The last accepted second, and the first refused one.
    let (code, c) = check(&db, "2027-02-14T00:00:00Z");
    assert_eq!(
        (code, &c["accepted"], &c["stops_at"]),
        (Some(0), &serde_json::json!(true), &serde_json::json!("2027-02-14T00:00:01Z"))
    );
    let (code, c) = check(&db, "2027-02-14T00:00:01Z");
    assert_eq!(code, Some(3));
    assert_eq!(c["accepted"], false);
    assert_eq!(c["failing_rules"], serde_json::json!(["VR-XW-0001"]));
    assert_eq!(c["stops_at"], serde_json::Value::Null);

    // Without rules for the country, the verifier cannot tell.
    let out =
        healthcert(&["wallet", "check", "--db", path(&db), "1", "--country", "XV", "--at", "2026-09-01", "--json"]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(json(&out)["accepted"], false);
}

#[test]
fn add_list_show_and_refusals() {
    let (_dir, db) = wallet();
    let out = healthcert(&["wallet", "list", "--db", path(&db), "--json"]);
    let list = json(&out);
    let first = &list["certificates"][0];
    assert_eq!(
        (&first["id"], &first["format"], &first["label"]),
        (&1.into(), &"hcert".into(), &"Erika Testperson".into())
    );
    assert_eq!(first["certificate"]["holder"]["family_name"], "Testperson");

    // Stored exactly as it came in (the file's line end aside).
    let text = std::fs::read_to_string(fixtures().join("hcert/valid-vaccination.txt")).unwrap();
    let out = healthcert(&["wallet", "show", "--db", path(&db), "1", "--json"]);
    assert_eq!(json(&out)["payload"], text.trim());

    // Not a certificate: refused, nothing stored, nothing of it echoed.
    let out = healthcert(&["wallet", "add", "--db", path(&db), "HC1:NOT-BASE45-Erika"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Erika"), "{}", stderr(&out));
    let out = healthcert(&["wallet", "show", "--db", path(&db), "7"]);
    assert_eq!(out.status.code(), Some(2));
    let out = healthcert(&["wallet", "list", "--db", path(&db), "--json"]);
    assert_eq!(json(&out)["certificates"].as_array().unwrap().len(), 1);
}

#[test]
fn removing_leaves_no_byte_of_it_in_the_files() {
    let (_dir, db) = wallet();
    let wal = db.with_extension("db-wal");
    let files = || {
        let mut all = std::fs::read(&db).unwrap();
        all.extend(std::fs::read(&wal).unwrap_or_default());
        all
    };
    let payload = std::fs::read_to_string(fixtures().join("hcert/valid-vaccination.txt")).unwrap();
    let needle = payload.trim().as_bytes()[4..40].to_vec();
    let label = b"Erika Testperson".to_vec();
    let holds = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(holds(&files(), &needle), "the payload is stored before");
    assert!(holds(&files(), &label));

    let out = healthcert(&["wallet", "remove", "--db", path(&db), "1", "--json"]);
    assert_eq!(json(&out)["removed"], true);
    let after = files();
    assert!(!holds(&after, &needle), "payload bytes left in the database files");
    assert!(!holds(&after, &label), "the name (in the label) left in the database files");
    let out = healthcert(&["wallet", "list", "--db", path(&db)]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "the wallet is empty");
    let out = healthcert(&["wallet", "remove", "--db", path(&db), "1", "--json"]);
    assert_eq!(json(&out)["removed"], false);
}
