//! Trust sync against the loopback trust server of the CLI (`trust serve`),
//! for the sync tests: the fixtures' three sources at a server, a store file
//! synced from them once, and the check that a failed sync leaves the data
//! exactly as it was and records why.

use std::path::{Path, PathBuf};

use healthcert_cli::serve::{RunningServer, TrustServer};
use healthcert_core::FixedClock;
use healthcert_core::crypto::public_key_from_pem;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::sync::{
    DgcaSource, NoProgress, RuleServiceSource, SignedListSource, SyncConfig, SyncError, Syncer, TrustSource,
};
use tempfile::TempDir;

use crate::database::dump;
use crate::fixtures::{fixtures, reference_time, temp_database};

/// The path of the DGCA protocol's signer pages.
pub const UPDATE: &str = "/signercertificateUpdate";
/// The path of the DGCA protocol's status list.
pub const STATUS: &str = "/signercertificateStatus";
/// The path of the German-shaped signed list.
pub const DE: &str = "/de/trustList/DSC";

/// The fixtures' reference time, as a clock.
pub fn clock() -> FixedClock {
    FixedClock(reference_time())
}

/// A copy of `fixtures/trust` a test may change, and serve.
pub fn served_copy() -> TempDir {
    crate::fixtures::copy_dir(&fixtures().join("trust"))
}

/// The trust server serving `dir` on a free loopback port.
pub async fn serve(dir: &Path) -> RunningServer {
    TrustServer::start(dir, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// The DGCA source of `server`.
pub fn dgca(server: &RunningServer) -> DgcaSource {
    DgcaSource::new(format!("{}/", server.url()))
}

/// The `de` source at `url`, checked with the fixtures' list-signing key.
pub fn de_at(url: &str) -> SignedListSource {
    let pem = std::fs::read_to_string(fixtures().join("trust/de/list-signing-key.pem")).unwrap();
    SignedListSource::new(url, public_key_from_pem(&pem).unwrap())
}

/// The `de` source of `server`.
pub fn de(server: &RunningServer) -> SignedListSource {
    de_at(&format!("{}{DE}", server.url()))
}

/// The business-rule source of `server`, checked with the fixtures' rules key.
pub fn rules(server: &RunningServer) -> RuleServiceSource {
    let pem = std::fs::read_to_string(fixtures().join("trust/rules/signing-key.pem")).unwrap();
    RuleServiceSource::new(server.url(), Some(public_key_from_pem(&pem).unwrap()))
}

/// One sync of `source` at [`clock`]; the entries the source holds after it.
pub async fn sync(store: &SqliteStore, source: &dyn TrustSource, config: SyncConfig) -> Result<usize, SyncError> {
    let report = Syncer::new(config)?.sync(store, source, &clock(), &NoProgress).await?;
    Ok(report.total)
}

/// The trust lists in `served` on a loopback port, and an empty store file:
/// the folder holding the file (the store lives as long as it), the server,
/// the file's path and the store.
pub async fn unsynced(served: &Path) -> (TempDir, RunningServer, PathBuf, SqliteStore) {
    let (dir, path) = temp_database();
    let server = serve(served).await;
    let store = SqliteStore::open(&path).unwrap();
    (dir, server, path, store)
}

/// As [`unsynced`], with the store's DGCA, `de` and rule sources synced
/// once with `config`.
pub async fn synced(served: &Path, config: SyncConfig) -> (TempDir, RunningServer, PathBuf, SqliteStore) {
    let (dir, server, path, store) = unsynced(served).await;
    assert_eq!(sync(&store, &dgca(&server), config.clone()).await.unwrap(), 9);
    assert_eq!(sync(&store, &de(&server), config.clone()).await.unwrap(), 9);
    assert!(sync(&store, &rules(&server), config).await.unwrap() > 0);
    (dir, server, path, store)
}

/// Asserts that a sync of `source` into the store at `path` fails with
/// `code`, leaves the data as it was, and records the failure; returns the
/// error.
pub async fn fails_intact(
    path: &Path,
    store: &SqliteStore,
    source: &dyn TrustSource,
    config: SyncConfig,
    code: &str,
) -> SyncError {
    let before = dump(path);
    let err = sync(store, source, config).await.expect_err("the sync must fail");
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(dump(path), before, "a failed sync ({err}) changed the data");
    let status = store.status(clock().0).unwrap();
    let s = status.iter().find(|s| s.kind == source.id().kind && s.location == source.id().location).unwrap();
    assert!(s.last_failure.is_some() && s.failure_reason.as_deref() == Some(&*err.to_string()), "{s:?}");
    err
}
