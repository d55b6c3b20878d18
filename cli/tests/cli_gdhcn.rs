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

fn fixtures(rel: &str) -> String {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures").join(rel).display().to_string()
}

/// `trust sync --source gdhcn=URL`: the fixtures' GDHCN tree (`trust serve
/// fixtures/trust`, on a loopback port) is walked from the reference root
/// down to the embedded documents, every proof verified with the TEST
/// signer's DID document pinned; with only that source in the database a
/// fixture HC1 certificate verifies offline as valid. Then the served DSC
/// document is swapped: one key changed after signing is refused as a bad
/// signature, a validly signed older one as a rollback; each time the
/// database keeps the keys it held.
#[test]
fn the_fixture_tree_syncs_by_reference_and_a_fixture_certificate_verifies() {
    use healthcert_cli::serve::{BackgroundServer, Fault, Replacement};
    let server = BackgroundServer::start(std::path::Path::new(&fixtures("trust"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db").display().to_string();
    let source = format!("gdhcn={}/gdhcn/v2/trustlist-ref/", server.url());
    let anchor = fixtures("trust/gdhcn/signer/did.json");
    let sync = || {
        let args = ["trust", "sync", "--db", &db, "--source", &source, "--gdhcn-anchor", &anchor, "--at", AT, "--json"];
        healthcert(&args)
    };
    let verify = |case: &str| {
        let file = fixtures(&format!("hcert/{case}.txt"));
        json(&healthcert(&["verify", "--db", &db, "--at", AT, "--json", &file]))
    };
    let status = || json(&healthcert(&["trust", "status", "--db", &db, "--at", AT, "--json"]));

    // No anchor, no GDHCN sync.
    let out = healthcert(&["trust", "sync", "--db", &db, "--source", &source, "--at", AT]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--gdhcn-anchor"), "{}", stderr(&out));

    let out = sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let synced = json(&out);
    let s = &synced["sources"][0];
    assert_eq!(
        (&s["kind"], &s["ok"], &s["entries"], &s["added"]),
        (&"gdhcn".into(), &true.into(), &9.into(), &9.into())
    );
    // Skipped: the external DID of the root, the CSCA of the SCA document.
    let skipped: Vec<&str> = s["skipped"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(skipped.len(), 2, "{s}");
    assert!(skipped.iter().any(|r| r.contains("outside this trust-list tree")), "{skipped:?}");
    assert!(skipped.iter().any(|r| r.contains("SCA")), "{skipped:?}");
    // Seven documents, each fetched once: four reference levels, the DSC
    // and SCA references, and the two embedded documents.
    let paths: Vec<String> = server.server().requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths.len(), 7, "{paths:?}");
    assert!(paths.contains(&"/gdhcn/v2/trustlist/DCC/XXT/DSC/did.json".to_owned()), "{paths:?}");

    let held = status();
    let kinds: Vec<&str> = held["sources"].as_array().unwrap().iter().filter_map(|s| s["kind"].as_str()).collect();
    assert_eq!(kinds, ["gdhcn"], "only the GDHCN source: {held}");
    assert_eq!(verify("valid-vaccination")["status"], "valid");
    assert_eq!(verify("invalid-unknown-kid")["status"], "unknown", "a DSC the tree does not list");

    let dsc = "/gdhcn/v2/trustlist/DCC/XXT/DSC/did.json";
    for (variant, code) in [("gdhcn-dsc-tampered.json", "bad_signature"), ("gdhcn-dsc-older.json", "rollback")] {
        let body = std::fs::read(fixtures(&format!("trust/variants/{variant}"))).unwrap();
        server.server().faults().inject(dsc, Fault::Replace(Replacement::new(200, body)));
        let out = sync();
        assert_eq!(out.status.code(), Some(1), "{variant}: {}", stderr(&out));
        let failed = json(&out);
        assert_eq!(failed["sources"][0]["error"]["code"], code, "{variant}: {failed}");
        let now = status();
        assert_eq!(now["sources"][0]["entries"], 9, "{variant}: the keys held are kept: {now}");
        assert_eq!(verify("valid-vaccination")["status"], "valid", "{variant}");
        server.server().faults().clear_path(dsc);
    }
    // The genuine tree again: accepted, nothing changed.
    let out = sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["sources"][0]["added"], 0);
}
