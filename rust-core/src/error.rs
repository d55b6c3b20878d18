//! Operational faults. A certificate that fails verification is *not* an
//! error: it is a [`Verdict`](crate::model::Verdict). These are the faults of
//! the machinery around it: a trust list that cannot be read, API misuse.
//!
//! `Display` never includes personal data: the messages name files, sources
//! and positions, never certificate contents.
//!
//! What went wrong is data ([`TrustFormatReason`], [`ArgumentError`]): a
//! caller branches on it, and [`std::error::Error::source`] gives the
//! lower-level error when there is one (the I/O error, serde's JSON error
//! with its line and column, the signed list's, the key's).

use std::fmt;
use std::path::PathBuf;

use crate::crypto::KeyError;
use crate::trust::signed_list::ListError;
use crate::trust::update::SourceKind;

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
        reason: TrustFormatReason,
    },
    /// The trust database could not be opened, read or written: a missing
    /// directory, a file that is not a database, a corrupt page, a disk that
    /// is full. The database is left as it was before the failing operation.
    TrustDatabase {
        /// The database file (`:memory:` for an in-memory database).
        path: String,
        /// What failed: SQLite's message, kept as text (it is all SQLite
        /// says; never certificate contents).
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
    /// A revocation list older (a lower `ctr`) than the one held for the
    /// same issuer key (a replayed or rolled-back list). Nothing was applied.
    CrlRollback {
        /// The issuer.
        issuer: String,
        /// The key the list is for.
        kid: String,
        /// The `ctr` of the list held.
        held: u64,
        /// The `ctr` of the list offered.
        offered: u64,
    },
    /// The caller passed an argument that can never be valid.
    InvalidArgument(ArgumentError),
}

/// Why trust material is not usable ([`Error::TrustFormat`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum TrustFormatReason {
    /// A file larger than the limit (read no further).
    TooLarge {
        /// Its length in bytes.
        len: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A directory tree with more JSON files than the limit.
    TooManyFiles {
        /// The limit.
        limit: usize,
    },
    /// A JSON document that is not a trust list: not JSON, or JSON of
    /// another shape. serde's error (the source) has the line and column.
    NotTrustListJson(serde_json::Error),
    /// A signed list refused as a whole (its signature, its shape, its
    /// content).
    SignedList(ListError),
    /// A public key that cannot be read.
    Key(KeyError),
    /// A JSON Web Key Set given without its issuer, which it does not name.
    JwksWithoutIssuer,
    /// An issuer that cannot be the `iss` of a SMART Health Card: empty, a
    /// trailing `/`, white space or control characters.
    IssuerInvalid,
    /// A document that is not a JSON Web Key Set (`{"keys": [...]}`).
    NotJwks(crate::formats::codec::json::JsonError),
    /// A SMART Health Card revocation list refused as a whole.
    Crl(crate::trust::crl::CrlError),
    /// A VCI directory snapshot refused as a whole (its signature first).
    Vci(crate::trust::vci::VciError),
    /// A WHO GDHCN DID trust list refused as a whole (its proof first).
    #[cfg(feature = "jsonld")]
    Gdhcn(crate::trust::gdhcn::GdhcnError),
}

impl TrustFormatReason {
    /// The line and column (1-based; column 0 is before the line's first
    /// character) where a JSON document stopped being a trust list, when
    /// that is the reason and serde knows the position.
    pub fn json_position(&self) -> Option<(usize, usize)> {
        match self {
            TrustFormatReason::NotTrustListJson(e) if e.line() > 0 => Some((e.line(), e.column())),
            _ => None,
        }
    }

    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TrustFormatReason::NotTrustListJson(e) => Some(e),
            TrustFormatReason::SignedList(e) => Some(e),
            TrustFormatReason::Key(e) => Some(e),
            TrustFormatReason::NotJwks(e) => Some(e),
            TrustFormatReason::Crl(e) => Some(e),
            TrustFormatReason::Vci(e) => Some(e),
            #[cfg(feature = "jsonld")]
            TrustFormatReason::Gdhcn(e) => Some(e),
            TrustFormatReason::TooLarge { .. }
            | TrustFormatReason::TooManyFiles { .. }
            | TrustFormatReason::JwksWithoutIssuer
            | TrustFormatReason::IssuerInvalid => None,
        }
    }
}

impl fmt::Display for TrustFormatReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustFormatReason::TooLarge { len, limit } => write!(f, "{len} bytes is more than the {limit}-byte limit"),
            TrustFormatReason::TooManyFiles { limit } => write!(f, "more than {limit} JSON files"),
            TrustFormatReason::NotTrustListJson(e) => write!(f, "not a trust-list JSON document: {e}"),
            TrustFormatReason::SignedList(e) => write!(f, "{e}"),
            TrustFormatReason::Key(e) => write!(f, "{e}"),
            TrustFormatReason::JwksWithoutIssuer => {
                f.write_str("a JSON Web Key Set does not name its issuer: import it with the issuer's URL (--issuer)")
            }
            TrustFormatReason::IssuerInvalid => {
                f.write_str("the issuer must be the iss of its cards: a URL without a trailing / or white space")
            }
            TrustFormatReason::NotJwks(e) => write!(f, "not a JSON Web Key Set ({{\"keys\": [...]}}): {e}"),
            TrustFormatReason::Crl(e) => write!(f, "revocation list refused: {e}"),
            TrustFormatReason::Vci(e) => write!(f, "VCI snapshot refused: {e}"),
            #[cfg(feature = "jsonld")]
            TrustFormatReason::Gdhcn(e) => write!(f, "GDHCN DID trust list refused: {e}"),
        }
    }
}

/// Which argument can never be valid ([`Error::InvalidArgument`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgumentError {
    /// A country of arrival that is not an ISO 3166-1 alpha-2 code.
    CountryOfArrival {
        /// What was given (trimmed).
        given: String,
    },
    /// A store can be seeded only from the bundled snapshot
    /// ([`SourceKind::Bundled`]).
    NotBundledSource {
        /// The kind of the source offered.
        kind: SourceKind,
    },
    /// A maximum age of a source's data that is negative.
    NegativeMaxAge,
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgumentError::CountryOfArrival { given } => {
                write!(f, "country of arrival {given:?} is not an ISO 3166-1 alpha-2 code (e.g. DE)")
            }
            ArgumentError::NotBundledSource { kind } => {
                write!(f, "only a bundled snapshot seeds a store, not a {kind} source")
            }
            ArgumentError::NegativeMaxAge => f.write_str("a maximum age cannot be negative"),
        }
    }
}

impl std::error::Error for ArgumentError {}

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
            Error::CrlRollback { issuer, kid, held, offered } => write!(
                f,
                "the revocation list offered for key {} of {} has ctr {offered}, lower than the {held} held; \
                 refused as a rollback, the held list is kept",
                crate::text::display_bounded(kid, 64),
                crate::text::display_bounded(issuer, 160)
            ),
            Error::InvalidArgument(e) => write!(f, "invalid argument: {e}"),
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
            Error::TrustRollback { .. } | Error::CrlRollback { .. } => ErrorKind::Rollback,
            Error::InvalidArgument(_) => ErrorKind::InvalidArgument,
        }
    }
}

/// The source is the lower-level error whose message `Display` already
/// includes: the I/O error, or the one behind a [`TrustFormatReason`].
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::TrustIo { source, .. } => Some(source),
            Error::TrustFormat { reason, .. } => reason.source(),
            Error::TrustDatabase { .. }
            | Error::TrustSchemaTooNew { .. }
            | Error::TrustRollback { .. }
            | Error::CrlRollback { .. }
            | Error::InvalidArgument(_) => None,
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
        let format =
            Error::TrustFormat { origin: "list.json".into(), reason: TrustFormatReason::TooManyFiles { limit: 3 } };
        let at = time::OffsetDateTime::UNIX_EPOCH;
        let rollback = Error::TrustRollback { source: "dgca=x".into(), held: at, offered: at };
        let misuse = Error::InvalidArgument(ArgumentError::NegativeMaxAge);
        let kinds: Vec<_> = [&db, &newer, &format, &rollback, &misuse].iter().map(|e| e.kind()).collect();
        use ErrorKind::*;
        assert_eq!(kinds, [Database, Database, TrustMaterial, Rollback, InvalidArgument]);
        assert!(Database.is_logged() && Rollback.is_logged());
        assert!(!TrustMaterial.is_logged() && !InvalidArgument.is_logged());
    }

    #[test]
    fn reasons_are_data_and_lower_errors_are_the_source() {
        use std::error::Error as _;
        let mut report = crate::trust::file::LoadReport::default();
        let e = crate::trust::file::parse("list.json", b"[{\"kid\": 3}]", &mut report).unwrap_err();
        let Error::TrustFormat { origin, reason } = &e else { panic!("{e:?}") };
        assert_eq!(origin, "list.json");
        assert!(matches!(reason, TrustFormatReason::NotTrustListJson(_)), "{reason:?}");
        assert_eq!(reason.json_position(), Some((1, 10)), "at the 3");
        assert!(e.source().is_some_and(|s| s.is::<serde_json::Error>()));
        assert!(
            e.to_string().starts_with("trust list list.json is not usable: not a trust-list JSON document: "),
            "{e}"
        );

        let key =
            crate::crypto::public_key_from_pem("-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----").unwrap_err();
        let e = Error::TrustFormat { origin: "the key".into(), reason: TrustFormatReason::Key(key.clone()) };
        assert_eq!(e.source().and_then(|s| s.downcast_ref::<KeyError>()), Some(&key));
        assert_eq!(e.to_string(), format!("trust list the key is not usable: {key}"));

        let e = Error::TrustFormat { origin: "big".into(), reason: TrustFormatReason::TooLarge { len: 9, limit: 8 } };
        assert_eq!(e.to_string(), "trust list big is not usable: 9 bytes is more than the 8-byte limit");
        assert!(e.source().is_none());

        let arrival = crate::Arrival::parse(Some(" DEU "), None, None).unwrap_err();
        assert!(
            matches!(&arrival, Error::InvalidArgument(ArgumentError::CountryOfArrival { given }) if given == "DEU")
        );
        assert_eq!(
            arrival.to_string(),
            "invalid argument: country of arrival \"DEU\" is not an ISO 3166-1 alpha-2 code (e.g. DE)"
        );
        let seed = Error::InvalidArgument(ArgumentError::NotBundledSource { kind: SourceKind::Dgca });
        assert_eq!(seed.to_string(), "invalid argument: only a bundled snapshot seeds a store, not a dgca source");
    }
}
