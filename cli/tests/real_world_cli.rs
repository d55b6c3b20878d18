//! Issue 16's done-when, through the CLI: with the PathCheck registries
//! imported (`trust import`, the file kind detected), every real-world
//! sample of WHO's DDCC validator passes `signature` and `issuer` in
//! `verify --db DB --json`, at an instant inside its validity, and is read
//! as its format. The normalized models are compared with the FHIR bundles
//! in rust-core/tests (real_world.rs, icao.rs, divoc.rs).

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use common::{healthcert, json, stderr};
use healthcert_test_support::fixtures::external;

const RESOURCES: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources";

#[test]
fn every_sample_passes_signature_and_issuer_with_the_registries() {
    let (Some(registry), Some(test_registry)) =
        (external("Path-Check+trust-registry/registry.json"), external("Path-Check+trust-registry/test_registry.json"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db").display().to_string();
    for file in [registry, test_registry] {
        let out = healthcert(&["trust", "import", "--db", &db, &file.display().to_string()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let samples = [
        ("WHOQR1", "who-ddcc", "2021-09-01T12:00:00Z"),
        ("EUQR1", "hcert", "2021-09-01T12:00:00Z"),
        ("SHCQR1", "shc", "2021-09-01T12:00:00Z"),
        ("ICAOAUQR1", "icao-vds-nc", "2021-09-20T12:00:00Z"),
        ("DIVOCQR1", "divoc", "2021-09-01T12:00:00Z"),
    ];
    for (name, format, at) in samples {
        let Some(path) = external(&format!("{RESOURCES}/{name}Contents.txt")) else { return };
        let out = healthcert(&["verify", "--db", &db, "--at", at, "--json", &path.display().to_string()]);
        let verdict = json(&out);
        assert_eq!(verdict["format"], format, "{name}: {verdict}");
        for check in ["signature", "issuer"] {
            let c = verdict["checks"].as_array().unwrap().iter().find(|c| c["check"] == check).unwrap();
            assert_eq!((c["outcome"].as_str(), c["reason"].as_str()), (Some("pass"), Some("OK")), "{name}: {c}");
        }
    }
}
