//! The one public error of the bindings, mapped from the core's errors here
//! and nowhere else. A certificate that fails verification is never an
//! error: it is a [`Verdict`](crate::Verdict). These are operational faults.
//! Messages never carry personal data (the core's never do).

use std::fmt;

use healthcert_core::scan::FrameError;
use healthcert_core::trust::sync::SyncError;

/// An operational fault.
#[derive(Debug, uniffi::Error)]
#[non_exhaustive]
pub enum HealthcertError {
    /// The trust database cannot be opened, read or written (a path that is
    /// not a database, a newer schema, a full disk).
    Database {
        /// What went wrong.
        reason: String,
    },
    /// Trust material given by the app is unusable (a snapshot that does not
    /// verify with its key, a key that is not a P-256 public key).
    Trust {
        /// What went wrong.
        reason: String,
    },
    /// Syncing could not start (the HTTP client could not be built). A source
    /// that fails is not an error: it is a
    /// [`SyncSummary`](healthcert_core::trust::sync::SyncSummary) with its `error`.
    Sync {
        /// Stable code of the failure class.
        code: String,
        /// What went wrong.
        reason: String,
    },
    /// The caller passed something that can never be valid (a frame whose
    /// size does not match its dimensions, an unknown URL scheme).
    InvalidArgument {
        /// What was wrong.
        reason: String,
    },
}

impl fmt::Display for HealthcertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HealthcertError::Database { reason } => write!(f, "trust database: {reason}"),
            HealthcertError::Trust { reason } => write!(f, "trust material: {reason}"),
            HealthcertError::Sync { code, reason } => write!(f, "sync ({code}): {reason}"),
            HealthcertError::InvalidArgument { reason } => write!(f, "invalid argument: {reason}"),
        }
    }
}

impl std::error::Error for HealthcertError {}

impl From<healthcert_core::Error> for HealthcertError {
    fn from(e: healthcert_core::Error) -> Self {
        use healthcert_core::error::ErrorKind;
        let reason = e.to_string();
        match e.kind() {
            ErrorKind::Database => HealthcertError::Database { reason },
            ErrorKind::TrustMaterial | ErrorKind::Rollback => HealthcertError::Trust { reason },
            ErrorKind::InvalidArgument => HealthcertError::InvalidArgument { reason },
        }
    }
}

impl From<SyncError> for HealthcertError {
    fn from(e: SyncError) -> Self {
        HealthcertError::Sync { code: e.code().to_owned(), reason: e.to_string() }
    }
}

impl From<FrameError> for HealthcertError {
    fn from(e: FrameError) -> Self {
        HealthcertError::InvalidArgument { reason: e.to_string() }
    }
}
