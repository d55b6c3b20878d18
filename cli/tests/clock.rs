//! The clock-tamper defence end to end: a sync against the loopback trust
//! server records the server's `Date` (set here by the test, never the wall
//! clock) against the sync's injected device clock; verifications by a
//! device clock 3 h behind it are `clock_suspect`, within 2 h they are not;
//! `trust status` shows the mark, the last server time and the skew.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use std::fs;

use healthcert_cli::serve::{Fault, Replacement};
use healthcert_core::model::{ClockState, Reason, Status};
use healthcert_core::trust::TrustStore as _;
use healthcert_core::trust::sync::{NoProgress, SyncConfig, Syncer};
use healthcert_core::{Clock, ClockSource, FixedClock, Verifier, time_parse};
use healthcert_test_support::fixtures::fixtures;
use healthcert_test_support::sync::{DE, de, served_copy, unsynced};
use time::{Duration, OffsetDateTime};

use common::{healthcert, json};

/// The server's `Date` the test serves: the fixtures' reference time.
const SERVER_DATE: &str = "Tue, 01 Sep 2026 12:00:00 GMT";

fn server_time() -> OffsetDateTime {
    time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap()
}

/// A device clock reading a given instant (the system clock of a device
/// whose clock was set).
struct Device(OffsetDateTime);

impl Clock for Device {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
    fn source(&self) -> ClockSource {
        ClockSource::System
    }
}

fn config() -> SyncConfig {
    SyncConfig { allow_http: true, retries: 0, ..SyncConfig::default() }
}

/// A store synced from the `de` list served with `Date: SERVER_DATE` and
/// `Age: age`, the device clock at the sync reading `device`.
async fn synced_at(device: OffsetDateTime, age: u32) -> (tempfile::TempDir, std::path::PathBuf) {
    let served = served_copy();
    let (dir, server, path, store) = unsynced(served.path()).await;
    let list = fs::read(fixtures().join("trust/de/trustlist")).unwrap();
    let dated = Replacement::new(200, list).header("Date", SERVER_DATE).header("Age", &age.to_string());
    server.faults().inject(DE, Fault::Replace(dated));
    Syncer::new(config()).unwrap().sync(&store, &de(&server), &FixedClock(device), &NoProgress).await.unwrap();
    drop(store);
    (dir, path)
}

fn valid_payload() -> String {
    fs::read_to_string(fixtures().join("hcert/valid-vaccination.txt")).unwrap().trim().to_owned()
}

#[tokio::test]
async fn a_clock_3h_behind_the_last_server_date_is_suspect_within_2h_it_is_not() {
    let (_dir, path) = synced_at(server_time(), 0).await;
    let store = healthcert_core::trust::store::SqliteStore::open(&path).unwrap();
    let held = store.trusted_time().unwrap().unwrap();
    assert_eq!(
        (held.high_water, held.server_time, held.device_time),
        (Some(server_time()), Some(server_time()), Some(server_time()))
    );
    let verifier = Verifier::new(store);

    let behind = verifier.verify(&valid_payload(), &Device(server_time() - Duration::hours(3))).unwrap();
    assert_eq!(behind.clock_check.state, ClockState::Suspect);
    assert_eq!(behind.clock_check.reason, Reason::ClockSuspect);
    assert_eq!(behind.clock_check.device_time, Some(server_time() - Duration::hours(3)));
    assert_eq!(behind.clock_check.trusted_time, Some(server_time()));
    assert_eq!(behind.status, Status::Unknown, "a suspect clock does not let a valid verdict stand");
    assert!(behind.failures().next().is_none(), "every check passed: only the clock is in doubt");
    // The verification time is the device's, never silently replaced.
    assert_eq!(behind.clock, server_time() - Duration::hours(3));

    let within = verifier.verify(&valid_payload(), &Device(server_time() - Duration::minutes(110))).unwrap();
    assert_eq!((within.clock_check.state, within.status), (ClockState::Ok, Status::Valid));

    // A chosen instant (--at) is not checked; the mark is shown for information.
    let fixed = verifier.verify(&valid_payload(), &FixedClock(server_time() - Duration::hours(3))).unwrap();
    assert_eq!((fixed.clock_check.state, fixed.status), (ClockState::NotApplicable, Status::Valid));
    assert_eq!(fixed.clock_check.trusted_time, Some(server_time()));
}

#[tokio::test]
async fn age_counts_and_a_big_skew_at_sync_is_kept_and_reported() {
    // The device clock 5 h ahead of the server at the sync: the data is
    // still applied, the skew recorded, and verdicts are suspect though the
    // clock is ahead of the mark.
    let (_dir, path) = synced_at(server_time() + Duration::hours(5), 60).await;
    let store = healthcert_core::trust::store::SqliteStore::open(&path).unwrap();
    assert_eq!(store.len(), 9, "the verified list was applied");
    let held = store.trusted_time().unwrap().unwrap();
    assert_eq!(held.server_time, Some(server_time() + Duration::minutes(1)), "Date + Age");
    let v = Verifier::new(store).verify(&valid_payload(), &Device(server_time() + Duration::hours(5))).unwrap();
    assert_eq!((v.clock_check.state, v.status), (ClockState::Suspect, Status::Unknown));
    assert_eq!(v.clock_check.server_skew_seconds, Some(5 * 3600 - 60));
}

#[tokio::test]
async fn the_cli_reports_the_clock_in_verify_and_trust_status() {
    let (_dir, path) = synced_at(server_time(), 0).await;
    let db = path.to_str().unwrap();
    let payload = fixtures().join("hcert/valid-vaccination.txt");
    let payload = payload.to_str().unwrap();

    let out = healthcert(&["verify", "--db", db, "--device-time", "2026-09-01T09:00:00Z", "--json", payload]);
    assert_eq!(out.status.code(), Some(4), "cannot tell");
    let v = json(&out);
    assert_eq!(v["status"], "unknown");
    assert_eq!(v["clock_check"]["state"], "suspect");
    assert_eq!(v["clock_check"]["reason"], "CLOCK_SUSPECT");
    assert_eq!(v["clock_check"]["device_time"], "2026-09-01T09:00:00Z");
    assert_eq!(v["clock_check"]["trusted_time"], "2026-09-01T12:00:00Z");

    let out = healthcert(&["verify", "--db", db, "--device-time", "2026-09-01T09:00:00Z", payload]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("CANNOT TELL"), "{text}");
    assert!(text.contains("WARNING: the device clock is SUSPECT"), "{text}");

    let out = healthcert(&["verify", "--db", db, "--device-time", "2026-09-01T10:30:00Z", "--json", payload]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["clock_check"]["state"], "ok");

    let out = healthcert(&["verify", "--db", db, "--at", "2026-09-01T09:00:00Z", "--json", payload]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["clock_check"]["state"], "not_applicable");

    let out = healthcert(&["trust", "status", "--db", db, "--at", "2026-09-01T09:00:00Z", "--json"]);
    let s = json(&out);
    assert_eq!(s["clock"]["state"], "suspect");
    assert_eq!(s["clock"]["trusted_time"], "2026-09-01T12:00:00Z");
    assert_eq!(s["clock"]["last_server_time"], "2026-09-01T12:00:00Z");
    assert_eq!(s["clock"]["server_skew_seconds"], 0);
    let out = healthcert(&["trust", "status", "--db", db, "--at", "2026-09-01T11:00:00Z"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("clock\n  state         ok"), "{text}");
    assert!(text.contains("trusted time  2026-09-01T12:00:00Z"), "{text}");
}
