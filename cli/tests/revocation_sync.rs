//! `trust sync --source revocation=URL`: the fixtures' EU DCC revocation
//! service (`trust serve fixtures/trust`, `/revocation`), synced with the
//! fixtures' DGCA signer list, then every certificate verified offline:
//! the `revoked-*` fixtures (each mode, each hash type) fail `revocation`
//! with `REVOKED`, every other valid fixture passes. An unchanged service
//! costs one conditional request; a changed one sends only what changed;
//! a corrupted slice refuses the sync and keeps the data held.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use std::path::{Path, PathBuf};

use common::{healthcert, json, stderr};
use healthcert_cli::serve::{BackgroundServer, Fault, Replacement};
use serde_json::Value;

const AT: &str = "2026-09-01T12:00:00Z";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

struct Setup {
    server: BackgroundServer,
    _dir: tempfile::TempDir,
    db: String,
}

impl Setup {
    fn new(trust: &Path) -> Self {
        let server = BackgroundServer::start(trust).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("trust.db").display().to_string();
        Setup { server, _dir: dir, db }
    }

    fn sync_with(&self, at: &str, kinds: &[&str]) -> Value {
        let mut args = vec!["trust".to_owned(), "sync".into(), "--db".into(), self.db.clone()];
        for kind in kinds {
            let url = match *kind {
                "dgca" => self.server.url(),
                _ => format!("{}/revocation", self.server.url()),
            };
            args.extend(["--source".into(), format!("{kind}={url}")]);
        }
        args.extend(["--at".into(), at.into(), "--json".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        json(&healthcert(&args))
    }

    fn sync(&self) -> Value {
        self.sync_with(AT, &["dgca", "revocation"])
    }

    fn verify(&self, case: &str, at: &str) -> (String, Value) {
        let file = fixtures().join(format!("hcert/{case}.txt")).display().to_string();
        let v = json(&healthcert(&["verify", "--db", &self.db, "--at", at, "--json", &file]));
        let revocation = v["checks"].as_array().unwrap().iter().find(|c| c["check"] == "revocation").unwrap().clone();
        (v["status"].as_str().unwrap().to_owned(), revocation)
    }

    fn revocation_requests(&self) -> Vec<(String, u16)> {
        let requests = self.server.server().requests();
        requests.into_iter().filter(|r| r.path.starts_with("/revocation")).map(|r| (r.path, r.status)).collect()
    }
}

/// The valid cases of the manifest (they are all DCCs or other formats the
/// fixtures trust).
fn valid_cases() -> Vec<String> {
    let manifest: Value = serde_json::from_slice(&std::fs::read(fixtures().join("manifest.json")).unwrap()).unwrap();
    manifest["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["expected_status"] == "valid")
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn revoked_fixtures_fail_after_a_sync_and_the_other_valid_ones_pass() {
    let s = Setup::new(&fixtures().join("trust"));
    let out = s.sync();
    for source in out["sources"].as_array().unwrap() {
        assert_eq!(source["ok"], true, "{out}");
    }
    let cases = valid_cases();
    let revoked: Vec<&String> = cases.iter().filter(|c| c.starts_with("revoked-")).collect();
    assert_eq!(revoked.len(), 9, "each mode and hash type: {revoked:?}");
    for case in &cases {
        let (status, check) = s.verify(case, AT);
        let detail = check["detail"].as_str().unwrap();
        if let Some(rest) = case.strip_prefix("revoked-") {
            let (mode, kind) = rest.split_once('-').unwrap();
            assert_eq!(
                (status.as_str(), &check["outcome"], &check["reason"]),
                ("invalid", &"fail".into(), &"REVOKED".into()),
                "{case}: {check}"
            );
            assert!(detail.contains(&format!("the {} hash", kind.to_uppercase())), "{case}: {detail}");
            assert!(detail.contains(&format!("mode {}", mode.to_uppercase())), "{case}: {detail}");
            assert!(detail.contains("a bloom-filter match, false-positive rate 1e-12"), "{case}: {detail}");
        } else if case.contains("ddcc") {
            // A WHO DDCC has nothing the EU service could name.
            assert_eq!((status.as_str(), &check["reason"]), ("valid", &"NOT_APPLICABLE".into()), "{case}: {check}");
        } else {
            assert_eq!((status.as_str(), &check["outcome"]), ("valid", &"pass".into()), "{case}: {check}");
        }
    }
    // A kid the service lists, a certificate it does not name; a kid it does not list.
    let (_, check) = s.verify("valid-vaccination", AT);
    assert!(check["detail"].as_str().unwrap().starts_with("not on the revocation service's lists for key"), "{check}");
    let (_, check) = s.verify("valid-any-usage", AT);
    assert!(check["detail"].as_str().unwrap().starts_with("the revocation service lists no revocations"), "{check}");
    // Four days later the data is stale: a warning, the verdict unchanged;
    // a revoked certificate still fails.
    let later = "2026-09-05T12:00:00Z";
    let (status, check) = s.verify("valid-vaccination", later);
    assert_eq!((status.as_str(), &check["reason"]), ("valid", &"REVOCATION_DATA_STALE".into()), "{check}");
    assert_eq!(s.verify("revoked-point-uci", later).1["reason"], "REVOKED");

    // An unchanged service: one conditional request, answered 304.
    s.server.server().clear_requests();
    let out = s.sync_with(AT, &["revocation"]);
    assert_eq!(out["sources"][0]["ok"], true, "{out}");
    assert_eq!(s.revocation_requests(), [("/revocation/lists".to_owned(), 304)]);
    assert_eq!(s.verify("revoked-vector-signature", AT).1["reason"], "REVOKED");
}

#[test]
fn the_hash_list_slices_answer_as_the_bloom_filters() {
    // The same service asked for VARHASHLIST slices (the sync's slice type
    // is the source's; the CLI asks for bloom filters, so the store is fed
    // through the library here).
    use healthcert_core::clock::FixedClock;
    use healthcert_core::trust::revocation::SliceType;
    use healthcert_core::trust::store::SqliteStore;
    use healthcert_core::trust::sync::{
        DgcaSource, NoProgress, ReqwestTransport, RevocationSource, SyncConfig, Syncer, TrustSource,
    };
    let server = BackgroundServer::start(&fixtures().join("trust")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    let store = SqliteStore::open(&db).unwrap();
    let at = healthcert_core::time_parse::rfc3339(AT).unwrap();
    let clock = FixedClock(at);
    let config = SyncConfig::default();
    let syncer = Syncer::with_transport(config.clone(), std::sync::Arc::new(ReqwestTransport::new(&config).unwrap()));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let sources: Vec<Box<dyn TrustSource>> = vec![
        Box::new(DgcaSource::new(server.url())),
        Box::new(RevocationSource::new(format!("{}/revocation", server.url())).with_slice_type(SliceType::HashList)),
    ];
    for outcome in rt.block_on(syncer.sync_all(&store, &sources, &clock, &NoProgress)) {
        outcome.result.unwrap();
    }
    drop(store);
    let verify = |case: &str| {
        let file = fixtures().join(format!("hcert/{case}.txt")).display().to_string();
        let v = json(&healthcert(&["verify", "--db", &db.display().to_string(), "--at", AT, "--json", &file]));
        v["checks"].as_array().unwrap().iter().find(|c| c["check"] == "revocation").unwrap().clone()
    };
    let revoked = verify("revoked-coordinate-countrycodeuci");
    assert_eq!(revoked["reason"], "REVOKED", "{revoked}");
    assert!(revoked["detail"].as_str().unwrap().contains("is on the revocation service's hash list"), "{revoked}");
    assert_eq!(verify("valid-recovery")["outcome"], "pass");
    let requests: Vec<String> = server.server().requests().into_iter().map(|r| r.path).collect();
    assert!(requests.iter().any(|p| p.ends_with("/slices")), "whole chunks fetched: {requests:?}");
}

#[test]
fn a_corrupted_slice_refuses_the_sync_and_keeps_the_data_held() {
    let trust = healthcert_test_support::fixtures::copy_dir(&fixtures().join("trust"));
    let s = Setup::new(trust.path());
    assert!(s.sync()["sources"].as_array().unwrap().iter().all(|x| x["ok"] == true));

    // The service changes: a new batch for the POINT kid (a new slice in
    // one chunk, the kid's and the partition's lastUpdated moved on).
    let root = trust.path().join("revocation");
    let lists_path = root.join("lists.json");
    let mut lists: Value = serde_json::from_slice(&std::fs::read(&lists_path).unwrap()).unwrap();
    let point = lists.as_array_mut().unwrap().iter_mut().find(|k| k["mode"] == "POINT").unwrap();
    let kid = healthcert_core::formats::codec::base64::decode_lenient(point["kid"].as_str().unwrap()).unwrap();
    point["lastUpdated"] = "2026-08-20T00:00:00Z".into();
    std::fs::write(&lists_path, serde_json::to_vec_pretty(&lists).unwrap()).unwrap();
    let seg = healthcert_core::trust::sync::revocation_kid_segment(&kid);
    let parts_path = root.join(format!("BLOOMFILTER/{seg}/partitions.json"));
    let mut parts: Value = serde_json::from_slice(&std::fs::read(&parts_path).unwrap()).unwrap();
    let hash = [0x5au8; 16];
    let cid = "5";
    let bytes = healthcert_core::trust::revocation::BloomFilter::build(1, 1e-12, [hash.as_slice()]).unwrap().to_bytes();
    let sid = healthcert_core::trust::revocation::hex(&healthcert_core::crypto::sha256(&bytes));
    let p = &mut parts[0];
    p["lastUpdated"] = "2026-08-20T00:00:00.000000Z".into();
    let chunk = p["chunks"].as_object_mut().unwrap().entry(cid).or_insert_with(|| serde_json::json!({}));
    chunk["2031-01-01T00:00:00Z"] = serde_json::json!({"type": "BLOOMFILTER", "version": "1.0", "hash": sid});
    std::fs::write(&parts_path, serde_json::to_vec_pretty(&parts).unwrap()).unwrap();
    let dir = root.join(format!("BLOOMFILTER/{seg}/null/{cid}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&sid), &bytes).unwrap();

    // Served corrupted first: the whole sync is refused, the data held kept.
    let slice_path = format!("/revocation/lists/{seg}/partitions/null/chunks/{cid}/slices");
    let mut broken = bytes.clone();
    let last = broken.len() - 1;
    broken[last] ^= 0xff;
    let gz = healthcert_core::trust::revocation::archive::write([(
        format!("{seg}/null/{cid}/{sid}").as_str(),
        broken.as_slice(),
    )])
    .unwrap();
    s.server.server().faults().inject(&slice_path, Fault::Replace(Replacement::new(200, gz)));
    let out = s.sync_with(AT, &["revocation"]);
    assert_eq!(out["sources"][0]["ok"], false, "{out}");
    assert_eq!(out["sources"][0]["error"]["code"], "malformed", "{out}");
    assert_eq!(s.verify("revoked-point-uci", AT).1["reason"], "REVOKED", "the data held is kept");
    s.server.server().faults().clear_path(&slice_path);

    // Then as it is: only what changed travels (the list, the kid's
    // partitions since its lastUpdated, the one new chunk).
    s.server.server().clear_requests();
    let out = s.sync_with(AT, &["revocation"]);
    assert_eq!(out["sources"][0]["ok"], true, "{out}");
    let paths: Vec<String> = s.revocation_requests().into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        ["/revocation/lists".to_owned(), format!("/revocation/lists/{seg}/partitions"), slice_path.clone(),],
        "only the changed slice travels"
    );
    assert_eq!(s.verify("revoked-point-uci", AT).1["reason"], "REVOKED");
    assert_eq!(s.verify("valid-vaccination", AT).1["outcome"], "pass");
    let _ = stderr;
}
