//! HTTP for trust sources: the scheme policy, an overall timeout, a hard cap
//! on every response body, and retries with exponential backoff for
//! transient faults only — all here, whatever carries the bytes.
//!
//! The bytes travel through a [`Transport`]: one GET, nothing else. The
//! `https` feature brings the built-in one (reqwest, rustls with ring and the
//! Mozilla roots); a mobile app can bring its platform's instead (OkHttp or
//! `HttpURLConnection`, `URLSession`) through the bindings, which keeps the
//! library small and uses the platform's certificate store and proxies.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::{SyncConfig, SyncError};

/// One GET request for a [`Transport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The URL (already checked against the scheme policy).
    pub url: String,
    /// Request headers (conditional requests, resume tokens).
    pub headers: Vec<(String, String)>,
    /// Stop reading and fail with [`TransportError::TooLarge`] past this
    /// many body bytes.
    pub max_body_bytes: usize,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for the whole request, body included.
    pub timeout: Duration,
}

/// A response read completely (within its cap).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// The final HTTP status.
    pub status: u16,
    /// Response headers, names in any case.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

/// Why a transport could not deliver a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The connection failed, was reset, or the body was cut short. The
    /// reason names the failure, never content.
    Network(String),
    /// A timeout passed.
    Timeout,
    /// The body exceeded [`HttpRequest::max_body_bytes`].
    TooLarge,
}

/// A boxed future of one transport request.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Carries one GET. Retries, the overall timeout, the body cap and the
/// scheme policy are enforced around it by [`HttpClient`]; a transport
/// must still stop reading at the cap (so a hostile server cannot make it
/// allocate without bound) and must never follow a redirect from `https`
/// to plain `http`.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Performs `request` once.
    fn get<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a>;
}

/// A response read completely (within its cap).
pub type Fetched = HttpResponse;

impl HttpResponse {
    /// A header as text, if present (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
}

/// The HTTP client every source fetches through: scheme policy, timeouts,
/// a cap on every body, retries with exponential backoff for transient
/// faults only.
#[derive(Debug, Clone)]
pub struct HttpClient {
    transport: Arc<dyn Transport>,
    config: SyncConfig,
}

/// Whether trying again could help.
fn transient(e: &SyncError) -> bool {
    match e {
        SyncError::Network { .. } | SyncError::Timeout { .. } => true,
        SyncError::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
        _ => false,
    }
}

impl HttpClient {
    /// A client over the built-in transport (reqwest with rustls) with the
    /// timeouts, scheme policy and retries of `config`.
    #[cfg(feature = "https")]
    pub fn new(config: &SyncConfig) -> Result<Self, SyncError> {
        let transport = super::reqwest_transport::ReqwestTransport::new(config)?;
        Ok(Self::with_transport(config, Arc::new(transport)))
    }

    /// A client over `transport` with the timeouts, scheme policy and
    /// retries of `config`.
    pub fn with_transport(config: &SyncConfig, transport: Arc<dyn Transport>) -> Self {
        HttpClient { transport, config: config.clone() }
    }

    /// GET `url`, retrying transient faults; any final status is returned
    /// (callers decide which they accept), bodies larger than `cap` fail.
    pub async fn get(&self, url: &str, headers: &[(&str, String)], cap: usize) -> Result<Fetched, SyncError> {
        if !url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")) && !self.config.allow_http {
            return Err(SyncError::InsecureUrl { url: url.to_owned() });
        }
        let request = HttpRequest {
            url: url.to_owned(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect(),
            max_body_bytes: cap,
            connect_timeout: self.config.connect_timeout,
            timeout: self.config.request_timeout,
        };
        let mut delay = self.config.retry_backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.get_once(&request).await.and_then(|f| {
                // A server error is worth another try; surface it as one.
                if f.status >= 500 || f.status == 429 {
                    Err(SyncError::Status { url: url.to_owned(), status: f.status })
                } else {
                    Ok(f)
                }
            });
            match result {
                Err(e) if transient(&e) && attempt <= self.config.retries => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(30));
                }
                other => return other,
            }
        }
    }

    async fn get_once(&self, request: &HttpRequest) -> Result<Fetched, SyncError> {
        let url = || request.url.clone();
        // The transport has the timeout too; this one holds whatever it does.
        let outcome = tokio::time::timeout(request.timeout, self.transport.get(request))
            .await
            .map_err(|_| SyncError::Timeout { url: url() })?;
        let response = outcome.map_err(|e| match e {
            TransportError::Network(reason) => SyncError::Network { url: url(), reason },
            TransportError::Timeout => SyncError::Timeout { url: url() },
            TransportError::TooLarge => SyncError::TooLarge { url: url(), cap: request.max_body_bytes },
        })?;
        if response.body.len() > request.max_body_bytes {
            return Err(SyncError::TooLarge { url: url(), cap: request.max_body_bytes });
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Answers from a script and records what it was asked.
    #[derive(Debug, Default)]
    struct Scripted {
        answers: Mutex<Vec<Result<HttpResponse, TransportError>>>,
        asked: Mutex<Vec<HttpRequest>>,
    }

    impl Transport for Scripted {
        fn get<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a> {
            self.asked.lock().unwrap().push(request.clone());
            let answer = self.answers.lock().unwrap().remove(0);
            Box::pin(async move { answer })
        }
    }

    fn client(answers: Vec<Result<HttpResponse, TransportError>>) -> (HttpClient, Arc<Scripted>) {
        let transport = Arc::new(Scripted { answers: Mutex::new(answers), ..Scripted::default() });
        let config = SyncConfig { retries: 2, retry_backoff: Duration::from_millis(1), ..SyncConfig::default() };
        (HttpClient::with_transport(&config, transport.clone()), transport)
    }

    fn ok(status: u16, body: &[u8]) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse { status, headers: vec![("ETag".into(), "\"1\"".into())], body: body.to_vec() })
    }

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(f)
    }

    #[test]
    fn retries_transient_faults_then_answers() {
        let (http, transport) =
            client(vec![Err(TransportError::Network("reset".into())), ok(503, b""), ok(200, b"list")]);
        let got = run(http.get("https://h/x", &[("If-None-Match", "\"0\"".into())], 10)).unwrap();
        assert_eq!(
            (got.status, got.body.as_slice(), got.header("etag").as_deref()),
            (200, &b"list"[..], Some("\"1\""))
        );
        let asked = transport.asked.lock().unwrap();
        assert_eq!(asked.len(), 3);
        assert_eq!(asked[0].headers, [("If-None-Match".to_owned(), "\"0\"".to_owned())]);
        assert_eq!(asked[0].max_body_bytes, 10);
    }

    #[test]
    fn gives_up_after_the_configured_retries() {
        let (http, _) = client(vec![ok(500, b""), ok(500, b""), ok(502, b"")]);
        let err = run(http.get("https://h/x", &[], 10)).unwrap_err();
        assert!(matches!(err, SyncError::Status { status: 502, .. }), "{err}");
    }

    #[test]
    fn client_errors_are_not_retried() {
        let (http, transport) = client(vec![ok(404, b"")]);
        assert_eq!(run(http.get("https://h/x", &[], 10)).unwrap().status, 404);
        assert_eq!(transport.asked.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_body_over_the_cap_fails_even_when_the_transport_ignored_it() {
        let (http, _) = client(vec![ok(200, b"0123456789A")]);
        let err = run(http.get("https://h/x", &[], 10)).unwrap_err();
        assert!(matches!(err, SyncError::TooLarge { cap: 10, .. }), "{err}");
        let (http, _) = client(vec![Err(TransportError::TooLarge)]);
        assert_eq!(run(http.get("https://h/x", &[], 10)).unwrap_err().code(), "too_large");
    }

    #[test]
    fn plain_http_is_refused_before_the_transport_is_asked() {
        let (http, transport) = client(vec![]);
        let err = run(http.get("http://example.org/x", &[], 10)).unwrap_err();
        assert_eq!(err.code(), "insecure_url");
        assert!(transport.asked.lock().unwrap().is_empty());
    }

    #[test]
    fn a_transport_that_never_answers_times_out() {
        #[derive(Debug)]
        struct Never;
        impl Transport for Never {
            fn get<'a>(&'a self, _: &'a HttpRequest) -> TransportFuture<'a> {
                Box::pin(std::future::pending())
            }
        }
        let config = SyncConfig { request_timeout: Duration::from_millis(5), retries: 0, ..SyncConfig::default() };
        let http = HttpClient::with_transport(&config, Arc::new(Never));
        assert_eq!(run(http.get("https://h/x", &[], 10)).unwrap_err().code(), "timeout");
    }
}
