//! Why a sync failed ([`SyncError`]), with what went wrong as data: the
//! malformed content, the redirect or the resume token refused. Text is
//! kept only where text is all there is (a transport's message).

use std::fmt;
use std::time::Duration;

use crate::trust::protocol::ProtocolError;
use crate::trust::signed_list::ListError;
use crate::trust::update::SourceId;

/// Why a sync failed. The store was left as it was.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncError {
    /// The server answered with a status the protocol does not allow.
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The connection failed, was reset, or the body was cut short.
    Network {
        /// The URL.
        url: String,
        /// What failed, in the transport's words (the HTTP stack's or the
        /// app's message: text is all a transport gives).
        reason: String,
    },
    /// The server was too slow.
    Timeout {
        /// The URL.
        url: String,
    },
    /// A body exceeded its size cap (an endless or hostile response).
    TooLarge {
        /// The URL.
        url: String,
        /// The cap in bytes.
        cap: usize,
    },
    /// A signature did not verify with the pinned key.
    BadSignature {
        /// What was signed.
        what: String,
    },
    /// The content does not follow the protocol.
    Malformed {
        /// The URL.
        url: String,
        /// What was wrong.
        reason: MalformedReason,
    },
    /// The DGCA paging did not end within the configured number of pages.
    TooManyPages {
        /// The cap.
        max_pages: usize,
    },
    /// The HTTP client could not be set up (TLS roots, configuration), in
    /// the HTTP stack's words.
    Client(String),
    /// A URL the policy refuses ([`check_url`](super::check_url)): plain `http://` to a host
    /// that is not written as a loopback literal (without
    /// [`SyncConfig::allow_http`](super::SyncConfig::allow_http)), a redirect from `https` down to `http`,
    /// another scheme, or a URL with whitespace or control characters.
    InsecureUrl {
        /// The URL.
        url: String,
    },
    /// A redirect that cannot be followed: too many hops, or no `Location`.
    /// (A hop to a URL the policy refuses is [`SyncError::InsecureUrl`].)
    Redirect {
        /// The URL requested (with too many hops) or the hop without a
        /// `Location`.
        url: String,
        /// What was wrong.
        reason: RedirectReason,
    },
    /// The source's sync downloaded [`SyncConfig::max_sync_bytes`](super::SyncConfig::max_sync_bytes) and
    /// wanted more.
    ByteBudget {
        /// The budget in bytes.
        limit: u64,
    },
    /// The source's sync sent [`SyncConfig::max_requests`](super::SyncConfig::max_requests) requests and
    /// needed more.
    RequestBudget {
        /// The budget.
        limit: usize,
    },
    /// The source's sync did not finish within [`SyncConfig::sync_deadline`](super::SyncConfig::sync_deadline).
    Deadline {
        /// The deadline.
        limit: Duration,
    },
    /// A DGCA resume token that was seen before in this sync (the paging
    /// would loop) or is longer than [`SyncConfig::max_resume_token_bytes`](super::SyncConfig::max_resume_token_bytes).
    ResumeToken {
        /// The URL.
        url: String,
        /// What was wrong.
        reason: ResumeTokenReason,
    },
    /// A list announces more entries than the configured cap
    /// ([`SyncConfig::max_rules`](super::SyncConfig::max_rules)).
    TooManyItems {
        /// The URL.
        url: String,
        /// The cap.
        cap: usize,
    },
    /// The store refused or failed to apply the update (a rollback to an
    /// older list is refused here).
    Store(crate::Error),
}

impl SyncError {
    /// A stable, machine-readable name of the failure class, for JSON
    /// output and bindings.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Status { .. } => "http_status",
            SyncError::Network { .. } => "network",
            SyncError::Timeout { .. } => "timeout",
            SyncError::TooLarge { .. } => "too_large",
            SyncError::BadSignature { .. } => "bad_signature",
            SyncError::Malformed { .. } => "malformed",
            SyncError::TooManyPages { .. } => "too_many_pages",
            SyncError::Client(_) => "client",
            SyncError::InsecureUrl { .. } => "insecure_url",
            SyncError::Redirect { .. } => "redirect",
            SyncError::ByteBudget { .. } => "byte_budget",
            SyncError::RequestBudget { .. } => "request_budget",
            SyncError::Deadline { .. } => "deadline",
            SyncError::ResumeToken { .. } => "resume_token",
            SyncError::TooManyItems { .. } => "too_many_items",
            SyncError::Store(crate::Error::TrustRollback { .. }) => "rollback",
            SyncError::Store(_) => "store",
        }
    }
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::Status { url, status } => write!(f, "{url} answered HTTP {status}"),
            SyncError::Network { url, reason } => write!(f, "{url}: {reason}"),
            SyncError::Timeout { url } => write!(f, "{url} timed out"),
            SyncError::TooLarge { url, cap } => write!(f, "{url} sent more than {cap} bytes"),
            SyncError::BadSignature { what } => write!(f, "{what}: signature does not verify with the pinned key"),
            SyncError::Malformed { url, reason } => write!(f, "{url}: {reason}"),
            SyncError::TooManyPages { max_pages } => {
                write!(f, "certificate paging did not end within {max_pages} pages")
            }
            SyncError::Client(reason) => write!(f, "cannot set up the HTTP client: {reason}"),
            SyncError::InsecureUrl { url } => write!(
                f,
                "{url}: refused by the URL policy (https only; plain http only to a loopback literal or with allow-http; never https to http)"
            ),
            SyncError::Redirect { url, reason } => write!(f, "{url}: redirect not followed: {reason}"),
            SyncError::ByteBudget { limit } => write!(f, "the sync would download more than {limit} bytes"),
            SyncError::RequestBudget { limit } => write!(f, "the sync would send more than {limit} requests"),
            SyncError::Deadline { limit } => {
                write!(f, "the sync did not finish within {} s", limit.as_secs_f64())
            }
            SyncError::ResumeToken { url, reason } => write!(f, "{url}: {reason}"),
            SyncError::TooManyItems { url, cap } => write!(f, "{url}: more than {cap} entries"),
            SyncError::Store(e) => write!(f, "{e}"),
        }
    }
}

/// The source is the lower-level error whose message `Display` already
/// includes: the store's, or the one behind a [`MalformedReason`].
impl std::error::Error for SyncError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SyncError::Store(e) => Some(e),
            SyncError::Malformed { reason, .. } => reason.source(),
            _ => None,
        }
    }
}

/// How content does not follow the protocol ([`SyncError::Malformed`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum MalformedReason {
    /// A DGCA certificate page without an `X-RESUME-TOKEN`.
    MissingResumeToken,
    /// A list the protocol parser refused (a DGCA status list, a rule
    /// service's rule, value set or country list).
    List(ProtocolError),
    /// A rule or value set whose content does not hash to the hash its
    /// list announced.
    HashMismatch,
    /// A signed list refused as a whole for its shape or content (a bad
    /// signature is [`SyncError::BadSignature`]).
    SignedList(ListError),
    /// A VCI directory snapshot refused for its shape or content (a bad
    /// signature is [`SyncError::BadSignature`]).
    Vci(crate::trust::vci::VciError),
    /// An issuer's key set that is not one (the reader's message).
    Issuer(String),
    /// No issuer's key set could be fetched (each issuer's failure is in
    /// the message's count; a sync where some succeed applies those).
    NoIssuerReached {
        /// Issuers tried.
        tried: usize,
    },
    /// A GDHCN DID trust list refused for its shape or content (a bad
    /// proof is [`SyncError::BadSignature`]).
    #[cfg(feature = "jsonld")]
    Gdhcn(crate::trust::gdhcn::GdhcnError),
    /// A DID document that is not the DID it was fetched as: another `id`
    /// than the reference that named it, or, for the first document of a
    /// GDHCN tree, an `id` whose segments are not the URL's path.
    DidMismatch {
        /// The DID expected.
        expected: String,
        /// The document's `id` (bounded, terminal-safe).
        found: String,
    },
    /// A revocation service answer that does not follow its protocol
    /// (`/lists`, a partition: what is wrong with it).
    Revocation(&'static str),
    /// A revocation slice or slice archive refused (`trust::revocation`).
    Slice(crate::trust::revocation::SliceError),
    /// The source delivered an update for another source (a bug of the
    /// source's implementation).
    WrongSource {
        /// The source the update was for.
        delivered: SourceId,
    },
}

impl MalformedReason {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MalformedReason::List(e) => Some(e),
            MalformedReason::SignedList(e) => Some(e),
            MalformedReason::Vci(e) => Some(e),
            MalformedReason::Slice(e) => Some(e),
            MalformedReason::Revocation(_) => None,
            #[cfg(feature = "jsonld")]
            MalformedReason::Gdhcn(e) => Some(e),
            MalformedReason::DidMismatch { .. } => None,
            MalformedReason::NoIssuerReached { .. } | MalformedReason::Issuer(_) => None,
            MalformedReason::MissingResumeToken
            | MalformedReason::HashMismatch
            | MalformedReason::WrongSource { .. } => None,
        }
    }
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MalformedReason::MissingResumeToken => f.write_str("a certificate page without X-RESUME-TOKEN"),
            MalformedReason::List(e) => write!(f, "{e}"),
            MalformedReason::HashMismatch => f.write_str("the content does not match its listed hash"),
            MalformedReason::SignedList(e) => write!(f, "{e}"),
            MalformedReason::Vci(e) => write!(f, "{e}"),
            #[cfg(feature = "jsonld")]
            MalformedReason::Gdhcn(e) => write!(f, "{e}"),
            MalformedReason::DidMismatch { expected, found } => {
                write!(f, "the document is {found}, not the DID expected ({expected})")
            }
            MalformedReason::Issuer(e) => f.write_str(e),
            MalformedReason::Revocation(e) => write!(f, "revocation service: {e}"),
            MalformedReason::Slice(e) => write!(f, "{e}"),
            MalformedReason::NoIssuerReached { tried } => {
                write!(f, "none of the {tried} issuers' key sets could be fetched and read")
            }
            MalformedReason::WrongSource { delivered } => write!(f, "the source delivered an update for {delivered}"),
        }
    }
}

/// Why a redirect is not followed ([`SyncError::Redirect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectReason {
    /// More hops than [`SyncConfig::max_redirects`](super::SyncConfig::max_redirects).
    TooMany {
        /// The limit.
        limit: u32,
    },
    /// A redirect status without a `Location` header.
    NoLocation {
        /// The HTTP status.
        status: u16,
    },
}

impl fmt::Display for RedirectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectReason::TooMany { limit } => write!(f, "more than {limit} redirects"),
            RedirectReason::NoLocation { status } => write!(f, "HTTP {status} without a Location"),
        }
    }
}

/// Why a DGCA resume token ends the paging ([`SyncError::ResumeToken`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResumeTokenReason {
    /// Longer than [`SyncConfig::max_resume_token_bytes`](super::SyncConfig::max_resume_token_bytes).
    TooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// A token seen before in this sync: the paging loops.
    Repeated {
        /// The page (1-based) that repeated it.
        page: usize,
    },
}

impl fmt::Display for ResumeTokenReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResumeTokenReason::TooLong { limit } => write!(f, "a resume token longer than {limit} bytes"),
            ResumeTokenReason::Repeated { page } => {
                write!(f, "page {page} repeats a resume token of this sync (the paging loops)")
            }
        }
    }
}
