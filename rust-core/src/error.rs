//! Operational faults. A certificate that fails verification is *not* an
//! error: it is a [`Verdict`](crate::model::Verdict). These are the faults of
//! the machinery around it: a trust list that cannot be read, API misuse.
//!
//! `Display` never includes personal data: the messages name files, sources
//! and positions, never certificate contents.

use std::fmt;
use std::path::PathBuf;

/// An operational fault of the verifier.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A trust-list file or directory could not be read from disk.
    TrustIo {
        /// The path that failed.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A trust list was read but is not in a format this verifier knows.
    TrustFormat {
        /// Where the list came from (a path or a label).
        origin: String,
        /// What was wrong with it.
        reason: String,
    },
    /// The trust store failed while looking a key up.
    TrustStore(String),
    /// The caller passed an argument that can never be valid.
    InvalidArgument(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TrustIo { path, source } => {
                write!(f, "cannot read trust list {}: {source}", path.display())
            }
            Error::TrustFormat { origin, reason } => {
                write!(f, "trust list {origin} is not usable: {reason}")
            }
            Error::TrustStore(msg) => write!(f, "trust store failure: {msg}"),
            Error::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::TrustIo { source, .. } => Some(source),
            _ => None,
        }
    }
}
