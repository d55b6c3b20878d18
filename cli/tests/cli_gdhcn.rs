//! `healthcert trust import --gdhcn-anchor`: the WHO GDHCN DEV DID trust
//! list of Chile's DSCs (external test data) imports with the WHO DEV
//! signing DID pinned, its proof verified; a copy with one changed
//! certificate byte is refused (exit non-zero) and leaves the database as
//! it was; without the signer's key there is no GDHCN import.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use common::{healthcert, json, stderr};
use healthcert_test_support::fixtures::external;

const AT: &str = "2026-09-01T12:00:00Z";
const LIST: &str = "WorldHealthOrganization+tng-cdn-dev/v2.0.0/trustlist/DCC/CHL/DSC/did.json";
const SIGNER: &str = "WorldHealthOrganization+tng-participants-dev/WHO/signing/DID/did.json";

#[test]
fn the_dev_list_imports_with_the_pinned_who_key_and_a_changed_copy_does_not() {
    let (Some(list), Some(signer)) = (external(LIST), external(SIGNER)) else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db").display().to_string();
    let (list, signer) = (list.display().to_string(), signer.display().to_string());

    // One base64 character changed in the middle of the certificate.
    let text = std::fs::read_to_string(&list).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let x5c = doc["verificationMethod"][0]["publicKeyJwk"]["x5c"][0].as_str().unwrap();
    let mut cert = x5c.as_bytes().to_vec();
    let at = cert.len() / 2;
    cert[at] = if cert[at] == b'A' { b'B' } else { b'A' };
    let changed = dir.path().join("changed.json");
    std::fs::write(&changed, text.replace(x5c, std::str::from_utf8(&cert).unwrap())).unwrap();
    let changed = changed.display().to_string();

    let out = healthcert(&["trust", "import", "--db", &db, "--gdhcn-anchor", &signer, &changed, "--at", AT]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("does not verify"), "{}", stderr(&out));
    // Refused before the database is even opened.
    assert!(!std::path::Path::new(&db).exists(), "nothing stored");
    let gdhcn = |status: &serde_json::Value| {
        status["sources"].as_array().into_iter().flatten().filter(|s| s["kind"] == "gdhcn").count()
    };

    let out = healthcert(&["trust", "import", "--db", &db, "--gdhcn-anchor", &signer, &list, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("proof verified") && said.contains("1 keys (1 new"), "{said}");
    assert!(said.contains("2024-08-09T12:00:15Z"), "{said}");
    let status = json(&healthcert(&["trust", "status", "--db", &db, "--at", AT, "--json"]));
    assert_eq!(gdhcn(&status), 1, "{status}");
}
