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
    /// The trust database could not be opened, read or written: a missing
    /// directory, a file that is not a database, a corrupt page, a disk that
    /// is full. The database is left as it was before the failing operation.
    TrustDatabase {
        /// The database file (`:memory:` for an in-memory database).
        path: String,
        /// What failed (SQLite's message; never certificate contents).
        reason: String,
    },
    /// The trust database was written by a newer version of this software
    /// (its schema version is higher than this code knows). It is left
    /// untouched rather than downgraded.
    TrustSchemaTooNew {
        /// The database file.
        path: String,
        /// The schema version found in the file.
        found: u32,
        /// The newest schema version this code knows.
        supported: u32,
    },
    /// A trust source offered a list issued before the one the store holds
    /// for that source (a replayed or rolled-back list). Nothing was applied.
    TrustRollback {
        /// The source (`kind=location`).
        source: String,
        /// When the list held was issued.
        held: time::OffsetDateTime,
        /// When the offered list was issued.
        offered: time::OffsetDateTime,
    },
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
            Error::TrustDatabase { path, reason } => write!(f, "trust database {path}: {reason}"),
            Error::TrustSchemaTooNew { path, found, supported } => write!(
                f,
                "trust database {path} has schema version {found}, newer than the {supported} this version \
                 knows; it was left untouched (use a newer version, or another database file)"
            ),
            Error::TrustRollback { source, held, offered } => write!(
                f,
                "trust source {source} offered a list issued {}, older than the one held (issued {}); \
                 refused as a rollback, the held list is kept",
                crate::time_parse::format_utc(*offered),
                crate::time_parse::format_utc(*held)
            ),
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
