//! The app's HTTP stack as the sync transport: Kotlin (`HttpURLConnection`,
//! OkHttp) or Swift (`URLSession`) carries each GET and follows no redirect
//! (the 3xx comes back as it is); the core keeps the URL policy, checked on
//! every redirect hop it follows, timeouts, body caps, the per-sync budgets,
//! retries, signature checks and the atomic commit. Mobile builds use this and leave the built-in reqwest
//! transport out (feature `native-http`), which keeps the library small and
//! follows the platform's certificate store and proxy settings.

use std::fmt;
use std::sync::Arc;

use healthcert_core::trust::sync as core_sync;

/// One GET for the app's HTTP stack.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpRequest {
    /// The URL (`https://`, or loopback `http://` in tests).
    pub url: String,
    /// Request headers to send as given.
    pub headers: Vec<HttpHeader>,
    /// Stop reading past this many body bytes and throw
    /// [`TransportError::TooLarge`].
    pub max_body_bytes: u64,
    /// Connect timeout, milliseconds.
    pub connect_timeout_ms: u64,
    /// Whole-request timeout, milliseconds.
    pub timeout_ms: u64,
}

/// One HTTP header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    /// Its name (any case).
    pub name: String,
    /// Its value.
    pub value: String,
}

/// A complete response.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// The HTTP status (any status; the core decides). A redirect is
    /// returned as it is, with its `Location` header, never followed.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<HttpHeader>,
    /// The whole body (at most `max_body_bytes`).
    pub body: Vec<u8>,
}

/// Why the app's HTTP stack delivered no response.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum TransportError {
    /// Connection failed, reset, TLS refused, body cut short.
    Network {
        /// What failed (never content).
        reason: String,
    },
    /// A timeout passed.
    Timeout,
    /// The body was larger than `max_body_bytes`.
    TooLarge,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Network { reason } => write!(f, "network: {reason}"),
            TransportError::Timeout => f.write_str("timed out"),
            TransportError::TooLarge => f.write_str("body too large"),
        }
    }
}

impl std::error::Error for TransportError {}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // An exception the transport did not declare is a network fault of
        // that request, not a crash.
        TransportError::Network { reason: format!("transport failed: {}", e.reason) }
    }
}

/// The app's HTTP stack: performs one GET, no retries (the core retries).
/// It must stop reading at `max_body_bytes`, honour the timeouts, and never
/// follow a redirect from `https` to plain `http`.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    /// Performs `request` once.
    async fn get(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// A foreign [`HttpTransport`] as the core's transport.
pub(crate) struct Foreign(pub Arc<dyn HttpTransport>);

impl fmt::Debug for Foreign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ForeignTransport")
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl core_sync::Transport for Foreign {
    fn get<'a>(&'a self, request: &'a core_sync::HttpRequest) -> core_sync::TransportFuture<'a> {
        let request = HttpRequest {
            url: request.url.clone(),
            headers: request
                .headers
                .iter()
                .map(|(name, value)| HttpHeader { name: name.clone(), value: value.clone() })
                .collect(),
            max_body_bytes: request.max_body_bytes as u64,
            connect_timeout_ms: millis(request.connect_timeout),
            timeout_ms: millis(request.timeout),
        };
        Box::pin(async move {
            match self.0.get(request).await {
                Ok(r) => Ok(core_sync::HttpResponse {
                    status: r.status,
                    headers: r.headers.into_iter().map(|h| (h.name, h.value)).collect(),
                    body: r.body,
                }),
                Err(TransportError::Network { reason }) => Err(core_sync::TransportError::Network(reason)),
                Err(TransportError::Timeout) => Err(core_sync::TransportError::Timeout),
                Err(TransportError::TooLarge) => Err(core_sync::TransportError::TooLarge),
            }
        })
    }
}
