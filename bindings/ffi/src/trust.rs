//! Trust sources, sync progress and status, converted for the bindings.

use std::sync::Arc;
use std::time::SystemTime;

use healthcert_core::crypto::public_key_from_pem;
use healthcert_core::trust::SourceKind;
use healthcert_core::trust::store;
use healthcert_core::trust::sync::{self as core_sync, SourceSpec, TrustSource};

use crate::error::HealthcertError;

/// The protocol of a trust source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TrustSourceKind {
    /// The DGCA verifier-service protocol (base URL).
    Dgca,
    /// A German-shaped signed list (its URL); needs its signing key.
    De,
    /// The DGCA business-rule service (base URL); the key is optional.
    Rules,
}

/// A trust source to sync.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustSourceConfig {
    /// The protocol.
    pub kind: TrustSourceKind,
    /// `https://…` (plain `http://` only for loopback hosts).
    pub url: String,
    /// PEM public key (or certificate) its content must verify with.
    pub signing_key_pem: Option<String>,
}

impl TrustSourceConfig {
    pub(crate) fn build(&self) -> Result<Box<dyn TrustSource>, HealthcertError> {
        let key = match &self.signing_key_pem {
            None => None,
            Some(pem) => Some(
                public_key_from_pem(pem)
                    .map_err(|e| HealthcertError::Trust { reason: format!("signing key of {}: {}", self.url, e.0) })?,
            ),
        };
        let kind = match self.kind {
            TrustSourceKind::Dgca => SourceKind::Dgca,
            TrustSourceKind::De => SourceKind::De,
            TrustSourceKind::Rules => SourceKind::Rules,
        };
        SourceSpec { kind, url: self.url.clone(), key, allow_http: false }
            .build()
            .map_err(|e| HealthcertError::InvalidArgument { reason: format!("trust source {}: {e}", self.url) })
    }
}

fn instant(t: time::OffsetDateTime) -> SystemTime {
    SystemTime::from(t)
}

fn kind_name(kind: SourceKind) -> String {
    kind.name().to_owned()
}

/// What a sync is doing (no personal data: trust lists hold none).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SyncEvent {
    /// A source's sync began.
    Started {
        /// `kind=url`.
        source: String,
    },
    /// Items downloaded so far.
    Progress {
        /// `kind=url`.
        source: String,
        /// Items so far.
        done: u64,
        /// Items expected, when known.
        total: Option<u64>,
    },
    /// Downloaded and verified; committing.
    Committing {
        /// `kind=url`.
        source: String,
    },
    /// Committed.
    Applied {
        /// `kind=url`.
        source: String,
        /// Entries the source holds now.
        entries: u64,
        /// Entries skipped as unusable.
        skipped: u64,
        /// Whether anything changed.
        changed: bool,
    },
    /// Failed; the previous data is kept.
    Failed {
        /// `kind=url`.
        source: String,
        /// Stable failure code.
        code: String,
        /// Why.
        reason: String,
    },
}

/// Receives sync events, implemented by the app (Kotlin, Swift).
#[uniffi::export(with_foreign)]
pub trait SyncProgress: Send + Sync {
    /// One event. Called on a background thread.
    fn on_event(&self, event: SyncEvent);
}

/// Forwards core events to a foreign [`SyncProgress`].
pub(crate) struct Forward(pub Option<Arc<dyn SyncProgress>>);

impl core_sync::Progress for Forward {
    fn event(&self, event: core_sync::SyncEvent) {
        let Some(target) = &self.0 else { return };
        use core_sync::SyncEvent as E;
        let event = match event {
            E::Started { source } => SyncEvent::Started { source: source.to_string() },
            E::Progress { source, done, total } => {
                SyncEvent::Progress { source: source.to_string(), done: done as u64, total: total.map(|t| t as u64) }
            }
            E::Committing { source, .. } => SyncEvent::Committing { source: source.to_string() },
            E::Applied { source, entries, skipped, changed } => SyncEvent::Applied {
                source: source.to_string(),
                entries: entries as u64,
                skipped: skipped as u64,
                changed,
            },
            E::Failed { source, code, reason } => {
                SyncEvent::Failed { source: source.to_string(), code: code.to_owned(), reason }
            }
            _ => return,
        };
        target.on_event(event);
    }
}

/// The outcome of syncing one source.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncResult {
    /// The protocol (`dgca`, `de`, `rules`).
    pub kind: String,
    /// Its URL.
    pub url: String,
    /// Whether it was applied.
    pub ok: bool,
    /// Entries it holds now (when applied).
    pub entries: u64,
    /// Entries skipped as unusable (when applied).
    pub skipped: u64,
    /// Stable failure code (when not applied).
    pub error_code: Option<String>,
    /// Why it failed (when not applied).
    pub error_reason: Option<String>,
}

impl From<core_sync::SourceOutcome> for SyncResult {
    fn from(o: core_sync::SourceOutcome) -> Self {
        let s = o.summary();
        SyncResult {
            kind: s.kind.to_owned(),
            url: s.url,
            ok: s.ok,
            entries: s.entries.unwrap_or(0),
            skipped: s.skipped.map_or(0, |k| k.len() as u64),
            error_code: s.error.as_ref().map(|e| e.code.to_owned()),
            error_reason: s.error.map(|e| e.reason),
        }
    }
}

/// The state of one trust source (`trust status`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SourceStatus {
    /// `dgca`, `de`, `rules`, `import`, `bundled`.
    pub kind: String,
    /// Where.
    pub url: String,
    /// Entries it holds.
    pub entries: u64,
    /// Entries of its last list that were unusable.
    pub skipped: u64,
    /// When its list was issued, as the list says.
    pub list_issued_at: Option<SystemTime>,
    /// The last sync applied.
    pub last_success: Option<SystemTime>,
    /// The last sync that failed.
    pub last_failure: Option<SystemTime>,
    /// Why it failed.
    pub failure_reason: Option<String>,
    /// Age of its data, seconds.
    pub age_seconds: Option<i64>,
    /// The maximum age configured.
    pub max_age_seconds: Option<i64>,
    /// Whether the data is older than that (or absent).
    pub stale: bool,
}

impl From<store::SourceStatus> for SourceStatus {
    fn from(s: store::SourceStatus) -> Self {
        SourceStatus {
            kind: kind_name(s.kind),
            url: s.location,
            entries: s.entries as u64,
            skipped: s.skipped as u64,
            list_issued_at: s.list_issued_at.map(instant),
            last_success: s.last_success.map(instant),
            last_failure: s.last_failure.map(instant),
            failure_reason: s.failure_reason,
            age_seconds: s.age_seconds,
            max_age_seconds: s.max_age_seconds,
            stale: s.stale,
        }
    }
}
