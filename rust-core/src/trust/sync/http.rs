//! HTTP for trust sources: timeouts, a hard cap on every response body,
//! and retries with exponential backoff for transient faults only.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::{SyncConfig, SyncError};

/// A response read completely (within its cap).
pub struct Fetched {
    /// The final HTTP status.
    pub status: u16,
    headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Fetched {
    /// A header as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

/// The HTTP client every source fetches through: connect and request
/// timeouts, a cap on every body, retries with exponential backoff for
/// transient faults only.
#[derive(Debug)]
pub struct HttpClient {
    client: reqwest::Client,
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
    /// A client with the timeouts, scheme policy and retries of `config`.
    pub fn new(config: &SyncConfig) -> Result<Self, SyncError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("healthcert/", env!("CARGO_PKG_VERSION")))
            .https_only(!config.allow_http)
            .build()
            .map_err(|e| SyncError::Client(error_chain(&e)))?;
        Ok(HttpClient { client, config: config.clone() })
    }

    /// GET `url`, retrying transient faults; any final status is returned
    /// (callers decide which they accept), bodies larger than `cap` fail.
    pub async fn get(&self, url: &str, headers: &[(&str, String)], cap: usize) -> Result<Fetched, SyncError> {
        let mut delay = self.config.retry_backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.get_once(url, headers, cap).await.and_then(|f| {
                // A server error is worth another try; surface it as one.
                if f.status >= 500 || f.status == StatusCode::TOO_MANY_REQUESTS.as_u16() {
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

    async fn get_once(&self, url: &str, headers: &[(&str, String)], cap: usize) -> Result<Fetched, SyncError> {
        let network = |e: reqwest::Error| {
            if e.is_timeout() {
                SyncError::Timeout { url: url.to_owned() }
            } else {
                // The reason names the failure, not the content.
                SyncError::Network { url: url.to_owned(), reason: error_chain(&e) }
            }
        };
        let mut request = self.client.get(url);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = request.send().await.map_err(network)?;
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(SyncError::TooLarge { url: url.to_owned(), cap });
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            if body.len() + chunk.len() > cap {
                return Err(SyncError::TooLarge { url: url.to_owned(), cap });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched { status, headers, body })
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
