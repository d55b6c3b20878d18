//! The generated SMART Health Card fixtures (`fixtures/shc/`,
//! `fixtures/trust/vci/`) from the command line: the test VCI snapshot is
//! imported with its anchor certificate (its signature verified), then each
//! card gets its verdict from `verify --json`: valid, expired, revoked (by
//! the snapshot's CRL), tampered (one signed byte). A snapshot with one
//! byte changed is refused and the database keeps what it held.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use std::path::PathBuf;

use common::{healthcert, json, stderr};
use healthcert_cli::serve::BackgroundServer;

/// The fixtures' reference time.
const AT: &str = "2026-09-01T12:00:00Z";

fn fixtures(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures").join(rel).display().to_string()
}

fn import(db: &str, snapshot: &str) -> std::process::Output {
    healthcert(&[
        "trust",
        "import",
        "--db",
        db,
        "--vci-anchor",
        &fixtures("trust/vci/anchor.crt"),
        "--vci-sig",
        &fixtures("trust/vci/vci_snapshot.sig"),
        snapshot,
        "--at",
        AT,
    ])
}

#[test]
fn each_fixture_card_gets_its_verdict_from_the_test_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db").display().to_string();
    let out = import(&db, &fixtures("trust/vci/vci_snapshot.json"));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("signature verified; 1 issuers, 1 keys") && text.contains("1 revocation lists"), "{text}");

    for (card, status, failed) in [
        ("valid", "valid", None),
        ("invalid-expired", "invalid", Some(("validity", "EXPIRED"))),
        ("invalid-revoked", "invalid", Some(("revocation", "REVOKED"))),
        ("invalid-tampered", "invalid", Some(("signature", "SIGNATURE_INVALID"))),
    ] {
        let out = healthcert(&["verify", "--db", &db, "--at", AT, "--json", &fixtures(&format!("shc/{card}.txt"))]);
        let v = json(&out);
        assert_eq!(v["status"], status, "{card}: {v}");
        assert_eq!(v["format"], "shc", "{card}");
        let fails: Vec<(String, String)> = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["outcome"] == "fail")
            .map(|c| (c["check"].as_str().unwrap().to_owned(), c["reason"].as_str().unwrap().to_owned()))
            .collect();
        let expected: Vec<(String, String)> = failed.into_iter().map(|(c, r)| (c.to_owned(), r.to_owned())).collect();
        assert_eq!(fails, expected, "{card}");
    }

    // One changed byte: refused whole, the database as it was.
    let mut changed = std::fs::read(fixtures("trust/vci/vci_snapshot.json")).unwrap();
    let at = changed.len() / 2;
    changed[at] ^= 0x01;
    let copy = dir.path().join("changed.json");
    std::fs::write(&copy, &changed).unwrap();
    let before = json(&healthcert(&["trust", "status", "--db", &db, "--at", AT, "--json"]));
    let out = import(&db, &copy.display().to_string());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("does not verify with the anchor key"), "{}", stderr(&out));
    assert_eq!(json(&healthcert(&["trust", "status", "--db", &db, "--at", AT, "--json"])), before);
}

/// What a checkpoint does: sync the directory snapshot and then the issuers'
/// own key sets and revocation lists from the trust server (`trust serve
/// fixtures/trust` on a loopback port), then verify offline: the valid card,
/// its three chunks given together, and the revoked one.
#[test]
fn sync_the_snapshot_and_the_issuers_then_verify() {
    let server = BackgroundServer::start(&PathBuf::from(fixtures("trust"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db").display().to_string();
    let vci = format!("vci={}/vci/vci_snapshot.json", server.url());
    let issuers = format!("shc-issuers={}/shc-issuers", server.url());
    let anchor = fixtures("trust/vci/anchor.crt");
    let args = ["trust", "sync", "--db", &db, "--source", &vci, "--vci-anchor", &anchor, "--at", AT, "--json"];
    let out = healthcert(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = healthcert(&["trust", "sync", "--db", &db, "--source", &issuers, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let synced = json(&out);
    assert_eq!((&synced["sources"][0]["ok"], &synced["sources"][0]["added"]), (&true.into(), &1.into()), "{synced}");

    let status = json(&healthcert(&["trust", "status", "--db", &db, "--at", AT, "--json"]));
    let kinds: Vec<&str> = status["sources"].as_array().unwrap().iter().filter_map(|s| s["kind"].as_str()).collect();
    assert!(kinds.contains(&"vci") && kinds.contains(&"shc-issuers"), "{status}");
    assert_eq!((&status["revocation"]["lists"], &status["revocation"]["revoked"]), (&1.into(), &1.into()), "{status}");

    let verify = |files: &[String]| {
        let mut args = vec!["verify", "--db", &db, "--at", AT, "--json"];
        args.extend(files.iter().map(String::as_str));
        json(&healthcert(&args))
    };
    assert_eq!(verify(&[fixtures("shc/valid.txt")])["status"], "valid");
    let chunks: Vec<String> = (1..=3).rev().map(|i| fixtures(&format!("shc/valid-chunked-{i}.txt"))).collect();
    assert_eq!(verify(&chunks)["status"], "valid", "three chunks, last first");
    let revoked = verify(&[fixtures("shc/invalid-revoked.txt")]);
    assert_eq!(revoked["status"], "invalid");
    assert!(revoked["checks"].as_array().unwrap().iter().any(|c| c["reason"] == "REVOKED"), "{revoked}");
}
