//! HTTP for trust sources: the URL policy (checked again on every redirect
//! hop, which this client follows itself), an overall timeout, a hard cap
//! on every response body, the per-sync byte and request budgets, and
//! retries with exponential backoff for transient faults only — all here,
//! whatever carries the bytes.
//!
//! The bytes travel through a [`Transport`]: one GET, nothing else. The
//! `https` feature brings the built-in one (reqwest, rustls with ring and the
//! Mozilla roots); a mobile app can bring its platform's instead (OkHttp or
//! `HttpURLConnection`, `URLSession`) through the bindings, which keeps the
//! library small and uses the platform's certificate store and proxies.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::{RedirectReason, SyncConfig, SyncError};

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

/// Carries one GET. Retries, the overall timeout, the body cap, the
/// budgets, redirects and the URL policy are handled around it by
/// [`HttpClient`]; a transport must still stop reading at the cap (so a
/// hostile server cannot make it allocate without bound) and must **not**
/// follow redirects: it returns the 3xx response with its `Location` as it
/// is, so that the client checks every hop against the URL policy.
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

/// What one sync of one source may still spend: body bytes and requests
/// (every attempt and every redirect hop counts). Shared by the clones of
/// the [`HttpClient`] that serves that sync.
#[derive(Debug)]
struct Budget {
    bytes_left: AtomicU64,
    requests_left: AtomicUsize,
    /// The server's time by the last response that said it (`Date` +
    /// `Age`), and when that response arrived (monotonic).
    server_time: Mutex<Option<(OffsetDateTime, Instant)>>,
}

impl Budget {
    fn new(config: &SyncConfig) -> Self {
        Budget {
            bytes_left: AtomicU64::new(config.max_sync_bytes),
            requests_left: AtomicUsize::new(config.max_requests),
            server_time: Mutex::new(None),
        }
    }
}

/// The server's time a response states: its `Date` (IMF-fixdate) plus its
/// `Age` (seconds it spent in caches), when it has a readable `Date`. An
/// unreadable `Age` counts as 0; one over a year is not believed (0).
fn server_time_of(response: &HttpResponse) -> Option<OffsetDateTime> {
    let date = crate::time_parse::http_date(&response.header("Date")?)?;
    let age = response
        .header("Age")
        .and_then(|a| a.trim().parse::<i64>().ok())
        .filter(|a| (0..=365 * 86_400).contains(a))
        .unwrap_or(0);
    date.checked_add(time::Duration::seconds(age))
}

/// The HTTP client every source fetches through: the URL policy on every
/// request and every redirect hop (redirects are followed here, never by
/// the transport), timeouts, a cap on every body, the per-sync byte and
/// request budgets, retries with exponential backoff for transient faults
/// only.
#[derive(Debug, Clone)]
pub struct HttpClient {
    transport: Arc<dyn Transport>,
    config: SyncConfig,
    budget: Arc<Budget>,
}

/// Whether trying again could help.
fn transient(e: &SyncError) -> bool {
    match e {
        SyncError::Network { .. } | SyncError::Timeout { .. } => true,
        SyncError::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
        _ => false,
    }
}

/// Whether `status` is a redirect the client follows (with a `Location`).
fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

impl HttpClient {
    /// A client over the built-in transport (reqwest with rustls) with the
    /// timeouts, URL policy, budgets and retries of `config`.
    #[cfg(feature = "https")]
    pub fn new(config: &SyncConfig) -> Result<Self, SyncError> {
        let transport = super::reqwest_transport::ReqwestTransport::new(config)?;
        Ok(Self::with_transport(config, Arc::new(transport)))
    }

    /// A client over `transport` with the timeouts, URL policy, budgets
    /// and retries of `config`. The byte and request budgets are spent by
    /// every request of this client and its clones; a [`Syncer`](super::Syncer)
    /// gives each source's sync a fresh one.
    pub fn with_transport(config: &SyncConfig, transport: Arc<dyn Transport>) -> Self {
        HttpClient { transport, config: config.clone(), budget: Arc::new(Budget::new(config)) }
    }

    /// The same transport and configuration with full budgets (one sync).
    pub(super) fn fresh(&self) -> Self {
        HttpClient {
            transport: Arc::clone(&self.transport),
            config: self.config.clone(),
            budget: Arc::new(Budget::new(&self.config)),
        }
    }

    /// The server's time now, by the last response of this client (or its
    /// clones) that stated one: its `Date` + `Age`, plus the whole seconds
    /// since it arrived. `None` when no response had a readable `Date`.
    pub fn server_time(&self) -> Option<OffsetDateTime> {
        let seen = *self.budget.server_time.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (date, at) = seen?;
        let since = i64::try_from(at.elapsed().as_secs()).unwrap_or(i64::MAX);
        date.checked_add(time::Duration::seconds(since))
    }

    /// GET `url`, following redirects (each hop checked against the URL
    /// policy) and retrying transient faults; any other final status is
    /// returned (callers decide which they accept), bodies larger than `cap`
    /// fail, and so does a request past the sync's budgets.
    pub async fn get(&self, url: &str, headers: &[(&str, String)], cap: usize) -> Result<Fetched, SyncError> {
        super::url::check_url(url, self.config.allow_http)?;
        let headers: Vec<(String, String)> = headers.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect();
        let mut delay = self.config.retry_backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.follow(url, &headers, cap).await.and_then(|(f, final_url)| {
                // A server error is worth another try; surface it as one.
                if f.status >= 500 || f.status == 429 {
                    Err(SyncError::Status { url: final_url, status: f.status })
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

    /// One attempt: the request and its redirect hops.
    async fn follow(
        &self,
        url: &str,
        headers: &[(String, String)],
        cap: usize,
    ) -> Result<(Fetched, String), SyncError> {
        let mut current = url.to_owned();
        let mut hops = 0u32;
        loop {
            let response = self.get_once(&current, headers, cap).await?;
            if !is_redirect(response.status) {
                return Ok((response, current));
            }
            if hops >= self.config.max_redirects {
                return Err(SyncError::Redirect {
                    url: url.to_owned(),
                    reason: RedirectReason::TooMany { limit: self.config.max_redirects },
                });
            }
            hops += 1;
            let location = response.header("Location").ok_or_else(|| SyncError::Redirect {
                url: current.clone(),
                reason: RedirectReason::NoLocation { status: response.status },
            })?;
            current = super::url::redirect_target(&current, &location, self.config.allow_http)?;
        }
    }

    async fn get_once(&self, url: &str, headers: &[(String, String)], cap: usize) -> Result<Fetched, SyncError> {
        let budget = &self.budget;
        if budget.requests_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_err() {
            return Err(SyncError::RequestBudget { limit: self.config.max_requests });
        }
        let bytes_left = budget.bytes_left.load(Ordering::SeqCst);
        // The transport stops reading at whichever comes first: this body's
        // cap or what is left of the sync's byte budget.
        let by_budget = bytes_left < cap as u64;
        let limit = if by_budget { bytes_left as usize } else { cap };
        let request = HttpRequest {
            url: url.to_owned(),
            headers: headers.to_vec(),
            max_body_bytes: limit,
            connect_timeout: self.config.connect_timeout,
            timeout: self.config.request_timeout,
        };
        let over = || {
            if by_budget {
                budget.bytes_left.store(0, Ordering::SeqCst);
                SyncError::ByteBudget { limit: self.config.max_sync_bytes }
            } else {
                SyncError::TooLarge { url: url.to_owned(), cap }
            }
        };
        // The transport has the timeout too; this one holds whatever it does.
        let outcome = tokio::time::timeout(request.timeout, self.transport.get(&request))
            .await
            .map_err(|_| SyncError::Timeout { url: url.to_owned() })?;
        let response = outcome.map_err(|e| match e {
            TransportError::Network(reason) => SyncError::Network { url: url.to_owned(), reason },
            TransportError::Timeout => SyncError::Timeout { url: url.to_owned() },
            TransportError::TooLarge => over(),
        })?;
        if let Some(t) = server_time_of(&response) {
            *budget.server_time.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((t, Instant::now()));
        }
        if response.body.len() > limit {
            return Err(over());
        }
        let spent = response.body.len() as u64;
        if budget.bytes_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(spent)).is_err() {
            // Another request of the same sync spent the rest meanwhile.
            return Err(SyncError::ByteBudget { limit: self.config.max_sync_bytes });
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

    fn redirect(to: &str) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse { status: 302, headers: vec![("Location".into(), to.into())], body: b"moved".to_vec() })
    }

    fn urls(transport: &Scripted) -> Vec<String> {
        transport.asked.lock().unwrap().iter().map(|r| r.url.clone()).collect()
    }

    #[test]
    fn redirects_are_followed_hop_by_hop_under_the_url_policy() {
        let (http, transport) = client(vec![redirect("/v2/x"), redirect("http://localhost:9/y"), ok(200, b"list")]);
        let got = run(http.get("http://127.0.0.1:9/x", &[("X-RESUME-TOKEN", "7".into())], 10)).unwrap();
        assert_eq!(got.body, b"list");
        assert_eq!(urls(&transport), ["http://127.0.0.1:9/x", "http://127.0.0.1:9/v2/x", "http://localhost:9/y"]);
        assert!(transport.asked.lock().unwrap().iter().all(|r| r.headers.len() == 1), "headers go along");

        // A redirect off loopback, or to a host that only reaches it, is
        // refused before the transport is asked; so is https down to http.
        for (from, to) in [
            ("http://127.0.0.1:9/x", "http://0.0.0.0:9/x"),
            ("http://127.0.0.1:9/x", "http://[::ffff:127.0.0.1]:9/x"),
            ("http://127.0.0.1:9/x", "http://trust.example/x"),
            ("https://trust.example/x", "http://127.0.0.1:9/x"),
            ("https://trust.example/x", "http://trust.example/x"),
        ] {
            let (http, transport) = client(vec![redirect(to), ok(200, b"list")]);
            let err = run(http.get(from, &[], 10)).unwrap_err();
            assert_eq!(err.code(), "insecure_url", "{from} -> {to}: {err}");
            assert_eq!(urls(&transport), [from], "{to} was requested");
        }
    }

    #[test]
    fn https_is_not_redirected_to_http_even_when_http_is_allowed() {
        let transport =
            Arc::new(Scripted { answers: Mutex::new(vec![redirect("http://trust.example/x")]), ..Scripted::default() });
        let config = SyncConfig { allow_http: true, ..SyncConfig::default() };
        let http = HttpClient::with_transport(&config, transport.clone());
        assert_eq!(run(http.get("https://trust.example/x", &[], 10)).unwrap_err().code(), "insecure_url");
        assert_eq!(transport.asked.lock().unwrap().len(), 1);
    }

    #[test]
    fn redirect_chains_end() {
        let config = SyncConfig::default();
        let (http, _) = client((0..=config.max_redirects).map(|i| redirect(&format!("/r{i}"))).collect());
        assert_eq!(run(http.get("https://h/x", &[], 10)).unwrap_err().code(), "redirect");
        let (http, _) = client(vec![Ok(HttpResponse { status: 301, ..HttpResponse::default() })]);
        assert_eq!(run(http.get("https://h/x", &[], 10)).unwrap_err().code(), "redirect");
    }

    #[test]
    fn the_request_budget_counts_retries_and_hops() {
        let transport = Arc::new(Scripted {
            answers: Mutex::new(vec![ok(503, b""), redirect("/y"), ok(200, b"a"), ok(200, b"b")]),
            ..Scripted::default()
        });
        let config = SyncConfig { max_requests: 3, retry_backoff: Duration::from_millis(1), ..SyncConfig::default() };
        let http = HttpClient::with_transport(&config, transport.clone());
        assert_eq!(run(http.get("https://h/x", &[], 10)).unwrap().body, b"a");
        let err = run(http.get("https://h/z", &[], 10)).unwrap_err();
        assert!(matches!(err, SyncError::RequestBudget { limit: 3 }), "{err}");
        assert_eq!(transport.asked.lock().unwrap().len(), 3);
        // A fresh client (the next source's sync) starts with a full budget.
        assert_eq!(run(http.fresh().get("https://h/z", &[], 10)).unwrap().body, b"b");
    }

    #[test]
    fn the_byte_budget_caps_the_transport_and_the_sync() {
        let transport = Arc::new(Scripted {
            answers: Mutex::new(vec![ok(200, b"123456"), ok(200, b"123456"), Err(TransportError::TooLarge)]),
            ..Scripted::default()
        });
        let config = SyncConfig { max_sync_bytes: 10, ..SyncConfig::default() };
        let http = HttpClient::with_transport(&config, transport.clone());
        assert!(run(http.get("https://h/a", &[], 8)).is_ok());
        // 4 bytes left: the transport is told to stop there.
        let err = run(http.get("https://h/b", &[], 8)).unwrap_err();
        assert!(matches!(err, SyncError::ByteBudget { limit: 10 }), "{err}");
        let err = run(http.get("https://h/c", &[], 8)).unwrap_err();
        assert_eq!(err.code(), "byte_budget");
        let asked = transport.asked.lock().unwrap();
        assert_eq!(asked.iter().map(|r| r.max_body_bytes).collect::<Vec<_>>(), [8, 4, 0]);
    }

    #[test]
    fn the_last_date_header_is_the_server_time() {
        let dated = |date: &str, age: Option<&str>| {
            let mut headers = vec![("date".to_owned(), date.to_owned())];
            headers.extend(age.map(|a| ("Age".to_owned(), a.to_owned())));
            Ok(HttpResponse { status: 200, headers, body: Vec::new() })
        };
        let (http, _) = client(vec![
            dated("Tue, 01 Sep 2026 12:00:00 GMT", None),
            dated("Tue, 01 Sep 2026 12:00:05 GMT", Some("60")),
            dated("not a date", Some("60")),
            ok(404, b""),
        ]);
        assert_eq!(http.server_time(), None);
        run(http.get("https://h/a", &[], 10)).unwrap();
        assert_eq!(http.server_time(), crate::time_parse::rfc3339("2026-09-01T12:00:00Z"));
        // Age is added; a clone (the same sync) sees it.
        run(http.clone().get("https://h/b", &[], 10)).unwrap();
        assert_eq!(http.server_time(), crate::time_parse::rfc3339("2026-09-01T12:01:05Z"));
        // A response without a readable Date leaves the last one.
        run(http.get("https://h/c", &[], 10)).unwrap();
        run(http.get("https://h/d", &[], 10)).unwrap();
        assert_eq!(http.server_time(), crate::time_parse::rfc3339("2026-09-01T12:01:05Z"));
        // A fresh client (the next sync) has seen none.
        assert_eq!(http.fresh().server_time(), None);
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
