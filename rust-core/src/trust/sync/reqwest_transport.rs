//! The built-in [`Transport`]: reqwest on tokio, rustls with ring and the
//! Mozilla root certificates (feature `https`).

use super::http::{HttpRequest, HttpResponse, Transport, TransportError, TransportFuture};
use super::{SyncConfig, SyncError};

/// GETs with reqwest: connect and request timeouts, redirects never
/// followed (the 3xx goes back to the [`HttpClient`](super::HttpClient),
/// which checks every hop against the URL policy), the body read in chunks
/// and abandoned at its cap.
#[derive(Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with the timeouts of `config`.
    pub fn new(config: &SyncConfig) -> Result<Self, SyncError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("healthcert/", env!("CARGO_PKG_VERSION")))
            // The client follows redirects itself, hop by hop, under the
            // URL policy; reqwest's own policy would check only the scheme.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SyncError::Client(error_chain(&e)))?;
        Ok(ReqwestTransport { client })
    }

    async fn fetch(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let network = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportError::Timeout
            } else {
                // The reason names the failure, not the content.
                TransportError::Network(error_chain(&e))
            }
        };
        let cap = request.max_body_bytes;
        let mut builder = self.client.get(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let mut response = builder.send().await.map_err(network)?;
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(TransportError::TooLarge);
        }
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            if body.len() + chunk.len() > cap {
                return Err(TransportError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse { status, headers, body })
    }
}

impl Transport for ReqwestTransport {
    fn get<'a>(&'a self, request: &'a HttpRequest) -> TransportFuture<'a> {
        Box::pin(self.fetch(request))
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
