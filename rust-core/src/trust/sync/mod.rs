//! Trust-list sync over HTTPS. Each source protocol fetches everything it
//! needs, verifies it (signatures, hashes, sizes), and yields one
//! [`Update`]; only then is the update applied to the store, in one
//! transaction. Any failure before that leaves the store exactly as it was
//! and is recorded as the source's last failure.
//!
//! Verification never calls this module: sync is explicit, separate and
//! asynchronous (tokio); the verdict only reads the store.
//!
//! Sources are [`TrustSource`] trait objects: the three DGCA-era protocols
//! live here ([`DgcaSource`], [`SignedListSource`], [`RuleServiceSource`]);
//! a new protocol (an SHC VCI directory snapshot, an ICAO CSCA master list,
//! a tree of GDHCN DID trust lists) is one more implementation that fetches through
//! the shared, capped [`HttpClient`] (over the built-in or the app's
//! [`Transport`]) and returns an [`Update`] — the store,
//! the atomicity and the status bookkeeping stay as they are.

mod de;
mod dgca;
mod error;
#[cfg(feature = "jsonld")]
mod gdhcn;
mod http;
#[cfg(feature = "https")]
mod reqwest_transport;
mod revocation;
mod rules;
mod shc_issuers;
mod spec;
mod url;
mod vci;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use de::SignedListSource;
pub use dgca::DgcaSource;
pub use error::{MalformedReason, RedirectReason, ResumeTokenReason, SyncError};
#[cfg(feature = "jsonld")]
pub use gdhcn::{GdhcnSource, MAX_DOCUMENTS as GDHCN_MAX_DOCUMENTS, MAX_SEGMENTS as GDHCN_MAX_SEGMENTS};
pub use http::{Fetched, HttpClient, HttpRequest, HttpResponse, Transport, TransportError, TransportFuture};
#[cfg(feature = "https")]
pub use reqwest_transport::ReqwestTransport;
pub use revocation::{
    MAX_KIDS as REVOCATION_MAX_KIDS, MAX_LIST_BYTES as REVOCATION_MAX_LIST_BYTES,
    MAX_PARTITIONS as REVOCATION_MAX_PARTITIONS, RevocationSource, kid_segment as revocation_kid_segment,
};
pub use rules::RuleServiceSource;
pub use shc_issuers::{DIRECT_LOCATION, ShcIssuersSource};
pub use spec::{SYNCABLE_KINDS, SourceSpec, SpecError};
pub use url::{check_url, is_loopback_http};
pub use vci::VciSnapshotSource;

use super::file::SkippedEntry;
use super::store::{ApplyReport, SqliteStore};
use super::update::{SignerChange, SourceId, SourceKind, SourceMeta, Update};
use crate::clock::Clock;

/// Limits and timing of sync requests. Every limit holds per source and per
/// sync: a source that reaches one fails with a typed [`SyncError`], and the
/// store keeps its previous data (docs/trust.md, "Limits").
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for one whole request, body included (a slow server fails).
    pub request_timeout: Duration,
    /// Largest list body read (a signed list, a rule list), in bytes.
    pub max_list_bytes: usize,
    /// Largest single-item body (one certificate, one rule), in bytes.
    pub max_item_bytes: usize,
    /// Most pages of the DGCA certificate paging in one sync.
    pub max_pages: usize,
    /// Retries of a transient fault (network error, timeout, 5xx, 429).
    pub retries: u32,
    /// First retry delay; doubled each time, at most 30 s.
    pub retry_backoff: Duration,
    /// Allow plain `http://` URLs to any host. Without it, plain http is
    /// allowed only to hosts written as loopback literals ([`check_url`]);
    /// `https` is never redirected down to `http` either way.
    pub allow_http: bool,
    /// Body bytes one source's sync may download in all (every page, list,
    /// rule, redirect and retry): a bound on what a hostile server can make
    /// the sync hold before it commits ([`SyncError::ByteBudget`]).
    pub max_sync_bytes: u64,
    /// Requests one source's sync may send in all, retries and redirect
    /// hops included ([`SyncError::RequestBudget`]).
    pub max_requests: usize,
    /// Wall-clock time one source's download and verification may take, in
    /// all ([`SyncError::Deadline`]): a server that answers each request
    /// just within the request timeout cannot hold a sync for ever.
    pub sync_deadline: Duration,
    /// Longest DGCA resume token accepted, in bytes
    /// ([`SyncError::ResumeToken`]).
    pub max_resume_token_bytes: usize,
    /// Redirect hops followed for one request ([`SyncError::Redirect`]).
    pub max_redirects: u32,
    /// Most rules, and most value sets, one rule-service list may announce
    /// ([`SyncError::TooManyItems`]).
    pub max_rules: usize,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_list_bytes: 64 * 1024 * 1024,
            max_item_bytes: 256 * 1024,
            max_pages: 50_000,
            retries: 3,
            retry_backoff: Duration::from_millis(500),
            allow_http: false,
            max_sync_bytes: 128 * 1024 * 1024,
            max_requests: 60_000,
            sync_deadline: Duration::from_secs(15 * 60),
            max_resume_token_bytes: 256,
            max_redirects: 5,
            max_rules: 20_000,
        }
    }
}

/// What a sync is doing, for progress bars and logs (no personal data:
/// trust lists hold none).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncEvent {
    /// A source's sync began.
    Started {
        /// The source.
        source: SourceId,
    },
    /// Items downloaded so far (certificates, rules), and the total when known.
    Progress {
        /// The source.
        source: SourceId,
        /// Items so far.
        done: usize,
        /// Items expected, when known.
        total: Option<usize>,
    },
    /// Everything was downloaded and verified; the update is being
    /// committed (one transaction).
    Committing {
        /// The source.
        source: SourceId,
        /// Signer records in the update.
        signers: usize,
    },
    /// The update was verified and committed.
    Applied {
        /// The source.
        source: SourceId,
        /// Entries the source now holds.
        entries: usize,
        /// Entries skipped as unusable.
        skipped: usize,
        /// Whether anything changed.
        changed: bool,
    },
    /// The sync failed; the store keeps its previous state.
    Failed {
        /// The source.
        source: SourceId,
        /// Stable failure class ([`SyncError::code`]).
        code: &'static str,
        /// Why, in words.
        reason: String,
    },
}

/// Receives sync events.
pub trait Progress: Send + Sync {
    /// One event.
    fn event(&self, event: SyncEvent);
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn event(&self, _: SyncEvent) {}
}

/// What a source may use while it fetches.
pub struct FetchContext<'a> {
    /// The HTTP client, with the configured timeouts, caps and retries.
    pub http: &'a HttpClient,
    /// The limits.
    pub config: &'a SyncConfig,
    /// The store, read-only: what is already held (to skip unchanged items).
    pub store: &'a SqliteStore,
    /// This source's bookkeeping from its last successful sync.
    pub meta: SourceMeta,
    /// Where to report progress.
    pub progress: &'a dyn Progress,
}

/// A boxed future of a source's fetch.
pub type FetchFuture<'a> = Pin<Box<dyn Future<Output = Result<Update, SyncError>> + Send + 'a>>;

/// A trust source: one protocol at one location. It downloads and verifies
/// everything into an [`Update`] and never writes to the store itself.
pub trait TrustSource: Send + Sync + fmt::Debug {
    /// The source's identity in the store (protocol and location).
    fn id(&self) -> SourceId;
    /// Fetches and verifies the source's current state. Anything refused
    /// as a whole (a bad signature, a malformed list, a network fault) is an
    /// error; single unusable entries go to [`Update::skipped`].
    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a>;
}

/// The outcome of syncing one source.
#[derive(Debug)]
pub struct SourceOutcome {
    /// The source.
    pub source: SourceId,
    /// What was applied, or why nothing was.
    pub result: Result<ApplyReport, SyncError>,
}

impl SourceOutcome {
    /// The outcome as one flat record, for JSON output and the bindings.
    pub fn summary(&self) -> SyncSummary {
        let (kind, url) = (self.source.kind, self.source.location.clone());
        match &self.result {
            Ok(r) => SyncSummary {
                kind,
                url,
                ok: true,
                entries: Some(r.total as u64),
                added: Some(r.added as u64),
                removed: Some(r.removed as u64),
                skipped: Some(r.skipped.clone()),
                error: None,
            },
            Err(e) => SyncSummary {
                kind,
                url,
                ok: false,
                entries: None,
                added: None,
                removed: None,
                skipped: None,
                error: Some(SyncFailure { code: e.code().to_owned(), reason: e.to_string() }),
            },
        }
    }
}

/// One source's sync, flat: what `trust sync --json` prints per source and
/// what the bindings return. Applied: `entries`, `added`, `removed`,
/// `skipped`; not applied: `error`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct SyncSummary {
    /// The source's kind (serialized as its name: `dgca`, `de`, `rules`).
    pub kind: SourceKind,
    /// Its location.
    pub url: String,
    /// Whether the sync was applied.
    pub ok: bool,
    /// Entries the source holds now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<u64>,
    /// Signer rows that are new.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u64>,
    /// Signer rows that are gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
    /// Entries not applied, each with its position and reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Vec<SkippedEntry>>,
    /// Why nothing was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<SyncFailure>,
}

/// Why a source's sync was not applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct SyncFailure {
    /// The stable code of [`SyncError::code`].
    pub code: String,
    /// The message (no personal data).
    pub reason: String,
}

/// Runs syncs of trust sources into a store.
#[derive(Debug)]
pub struct Syncer {
    http: HttpClient,
    config: SyncConfig,
}

impl Syncer {
    /// A syncer with `config`, over the built-in transport.
    #[cfg(feature = "https")]
    pub fn new(config: SyncConfig) -> Result<Self, SyncError> {
        Ok(Syncer { http: HttpClient::new(&config)?, config })
    }

    /// A syncer with `config`, fetching through `transport` (the app's
    /// platform HTTP stack, or a test double).
    pub fn with_transport(config: SyncConfig, transport: std::sync::Arc<dyn Transport>) -> Self {
        Syncer { http: HttpClient::with_transport(&config, transport), config }
    }

    /// Fetches and verifies one source, then applies it to `store` in one
    /// transaction. On failure the store's data is untouched and the failure
    /// is recorded for `trust status`. The clock dates the success or the
    /// failure.
    pub async fn sync(
        &self,
        store: &SqliteStore,
        source: &dyn TrustSource,
        clock: &(dyn Clock + Sync),
        progress: &dyn Progress,
    ) -> Result<ApplyReport, SyncError> {
        let id = source.id();
        progress.event(SyncEvent::Started { source: id.clone() });
        // Each source's sync has its own byte and request budgets.
        let http = self.http.fresh();
        let result = self.fetch_and_apply(&http, store, source, &id, clock, progress).await;
        // The server's clock against the device's, whether or not the data
        // was applied (docs/verdict.md, "The clock check"). A big skew is
        // recorded and reported, and the verified data is still kept: a
        // signature does not depend on the device clock, and refusing the
        // list would leave the verifier on older data with the same clock.
        // A store that cannot write this one row fails the next write too,
        // and that one is reported.
        if let Some(server) = http.server_time() {
            let _ = store.record_server_time(server, clock.now());
        }
        match result {
            Ok((report, changed)) => {
                progress.event(SyncEvent::Applied {
                    source: id,
                    entries: report.total,
                    skipped: report.skipped.len(),
                    changed,
                });
                Ok(report)
            }
            Err(e) => {
                let reason = e.to_string();
                // Recording the failure must not hide it; a store that cannot
                // even record it has already been reported through `e` or
                // will be at the next open.
                let _ = store.record_failure(&id, clock.now(), &reason);
                progress.event(SyncEvent::Failed { source: id, code: e.code(), reason });
                Err(e)
            }
        }
    }

    /// Syncs every source in turn (one failing does not stop the others).
    pub async fn sync_all(
        &self,
        store: &SqliteStore,
        sources: &[Box<dyn TrustSource>],
        clock: &(dyn Clock + Sync),
        progress: &dyn Progress,
    ) -> Vec<SourceOutcome> {
        let mut out = Vec::with_capacity(sources.len());
        for source in sources {
            let result = self.sync(store, source.as_ref(), clock, progress).await;
            out.push(SourceOutcome { source: source.id(), result });
        }
        out
    }

    async fn fetch_and_apply(
        &self,
        http: &HttpClient,
        store: &SqliteStore,
        source: &dyn TrustSource,
        id: &SourceId,
        clock: &(dyn Clock + Sync),
        progress: &dyn Progress,
    ) -> Result<(ApplyReport, bool), SyncError> {
        let meta = store.source_meta(id).map_err(SyncError::Store)?;
        let ctx = FetchContext { http, config: &self.config, store, meta, progress };
        // Each its own deadline: whatever the server does, the fetch ends.
        let update = tokio::time::timeout(self.config.sync_deadline, source.fetch(&ctx))
            .await
            .map_err(|_| SyncError::Deadline { limit: self.config.sync_deadline })??;
        if update.source != *id {
            return Err(SyncError::Malformed {
                url: id.location.clone(),
                reason: MalformedReason::WrongSource { delivered: update.source },
            });
        }
        let changed = update.signers != SignerChange::Unchanged
            || update.rules.is_some()
            || update.value_sets.is_some()
            || update.countries.is_some();
        let signers = match &update.signers {
            SignerChange::Replace(r) | SignerChange::Incremental { add: r, .. } => r.len(),
            SignerChange::Unchanged => 0,
        };
        progress.event(SyncEvent::Committing { source: id.clone(), signers });
        let report = store.apply(&update, clock.now()).map_err(SyncError::Store)?;
        Ok((report, changed))
    }
}

/// `base` joined with `path`, with exactly one slash between them.
fn endpoint(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_join_cleanly() {
        assert_eq!(endpoint("http://h/", "/rules"), "http://h/rules");
        assert_eq!(endpoint("http://h/api", "rules"), "http://h/api/rules");
    }
}
