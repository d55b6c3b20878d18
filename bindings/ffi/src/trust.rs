//! Trust sources and sync progress, converted for the bindings. What a sync
//! did and the state of each source cross as the core's own records
//! ([`SyncSummary`](healthcert_core::trust::sync::SyncSummary),
//! [`SourceStatus`](healthcert_core::trust::store::SourceStatus)).

use std::sync::Arc;

use healthcert_core::crypto::public_key_from_pem;
use healthcert_core::trust::SourceKind;
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
    /// The VCI directory snapshot of SMART Health Card issuers (its URL; the
    /// signature is read beside it); needs the directory's anchor
    /// certificate (P-521).
    Vci,
    /// The key sets and revocation lists of the SMART Health Card issuers
    /// the store knows: each at its own URL (empty URL), or under a mirror.
    ShcIssuers,
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
            TrustSourceKind::Vci => SourceKind::Vci,
            TrustSourceKind::ShcIssuers => SourceKind::ShcIssuers,
        };
        SourceSpec { kind, url: self.url.clone(), key, allow_http: false }
            .build()
            .map_err(|e| HealthcertError::InvalidArgument { reason: format!("trust source {}: {e}", self.url) })
    }
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
