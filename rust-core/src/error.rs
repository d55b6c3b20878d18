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

/// What kind of fault an [`Error`] is: the one thing callers branch on
/// (the bindings map it to their error type, a CLI to its exit status, an
/// app to what it logs). Exhaustive on purpose: a new kind must be handled
/// by every caller, and the compiler says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The trust database failed: it cannot be opened, read or written, or
    /// was written by a newer version. A fault of the device or the
    /// installation, worth logging.
    Database,
    /// Trust material is unusable: a trust-list file that cannot be read
    /// or is not in a known format. The material's fault, shown to the
    /// person who supplied it.
    TrustMaterial,
    /// A trust source offered a list older than the one held: refused as a
    /// possible replay. Worth logging: it may be an attack.
    Rollback,
    /// The caller passed an argument that can never be valid: a bug in the
    /// calling code.
    InvalidArgument,
}

impl ErrorKind {
    /// Whether a fault of this kind should be logged for operators (the
    /// message names files and sources, never personal data): database
    /// failures and rollbacks. Unusable material and invalid arguments are
    /// answers to the caller, not incidents.
    pub fn is_logged(self) -> bool {
        match self {
            ErrorKind::Database | ErrorKind::Rollback => true,
            ErrorKind::TrustMaterial | ErrorKind::InvalidArgument => false,
        }
    }
}

impl Error {
    /// The kind of fault.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::TrustIo { .. } | Error::TrustFormat { .. } => ErrorKind::TrustMaterial,
            Error::TrustDatabase { .. } | Error::TrustSchemaTooNew { .. } => ErrorKind::Database,
            Error::TrustRollback { .. } => ErrorKind::Rollback,
            Error::InvalidArgument(_) => ErrorKind::InvalidArgument,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_what_is_logged() {
        let db = Error::TrustDatabase { path: "t.db".into(), reason: "disk full".into() };
        let newer = Error::TrustSchemaTooNew { path: "t.db".into(), found: 9, supported: 4 };
        let format = Error::TrustFormat { origin: "list.json".into(), reason: "not JSON".into() };
        let at = time::OffsetDateTime::UNIX_EPOCH;
        let rollback = Error::TrustRollback { source: "dgca=x".into(), held: at, offered: at };
        let misuse = Error::InvalidArgument("country".into());
        let kinds: Vec<_> = [&db, &newer, &format, &rollback, &misuse].iter().map(|e| e.kind()).collect();
        use ErrorKind::*;
        assert_eq!(kinds, [Database, Database, TrustMaterial, Rollback, InvalidArgument]);
        assert!(Database.is_logged() && Rollback.is_logged());
        assert!(!TrustMaterial.is_logged() && !InvalidArgument.is_logged());
    }
}
