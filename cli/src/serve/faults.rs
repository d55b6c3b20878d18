//! Faults a test switches on at run time through [`Faults`] (never over
//! HTTP): server errors part-way through paging, broken connections,
//! truncated, endless or slow bodies, and replacement responses.
//!
//! A fault applies to one request path (`/signercertificateUpdate`,
//! `/de/trustList/DSC`, …; the query is ignored) or to every path ([`ANY`]).
//! Several faults may be active at once: an [`Fault::ErrorAfter`] is checked
//! first, then a [`Fault::Replace`] (else a [`Fault::Generate`]) decides the
//! response, then one body
//! fault ([`Fault::Reset`], [`Fault::Truncate`], [`Fault::Endless`],
//! [`Fault::Slow`]; the one injected last) shapes how it is sent. A 304 is
//! sent plainly (after the delay of a slow fault).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::stream;

use super::conn::Conn;
use super::http;

/// The path that matches every request.
pub const ANY: &str = "*";

/// How long a broken body waits after its first half before breaking, so
/// that the client has read the first half.
const BREAK_PAUSE: Duration = Duration::from_millis(100);

/// One fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Let `ok` responses with status 200 through, then answer every further
    /// request with 500 (e.g. the DGCA paging failing after N pages).
    ErrorAfter {
        /// Successful responses before the errors start.
        ok: usize,
    },
    /// Send the headers (with the full `Content-Length`) and the first half
    /// of the body, then reset the connection (TCP RST).
    Reset,
    /// Send the headers (with the full `Content-Length`) and the first half
    /// of the body, then close the connection (FIN).
    Truncate,
    /// Send the status and headers without a length, the body, then spaces
    /// for ever (until the client hangs up or the server stops).
    Endless,
    /// Wait `before_headers`, then send the body `chunk` bytes at a time with
    /// `between_chunks` between them.
    Slow {
        /// Delay before the status line and headers.
        before_headers: Duration,
        /// Bytes per chunk (at least 1).
        chunk: usize,
        /// Delay between two chunks.
        between_chunks: Duration,
    },
    /// Answer with this response instead of the real one.
    Replace(Replacement),
    /// Answer with what the generator makes of the request's
    /// `X-RESUME-TOKEN` (hostile servers: a flood of distinct pages, resume
    /// tokens that loop or grow). Checked after [`Fault::Replace`].
    Generate(Generator),
}

/// Makes a response from the request's `X-RESUME-TOKEN`, for
/// [`Fault::Generate`]. Two generators are equal only when they are the
/// same one.
#[derive(Clone)]
pub struct Generator(pub Arc<GenerateFn>);

/// What a [`Generator`] calls: the request's `X-RESUME-TOKEN` in, the
/// response out.
pub(super) type GenerateFn = dyn Fn(Option<&str>) -> Replacement + Send + Sync;

impl Generator {
    /// A generator calling `f` for every request.
    pub fn new(f: impl Fn(Option<&str>) -> Replacement + Send + Sync + 'static) -> Self {
        Generator(Arc::new(f))
    }
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Generator")
    }
}

impl PartialEq for Generator {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Generator {}

/// A response served in place of the real one. A 200 still gets an ETag
/// (unless it sets one) and still honours `If-None-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The HTTP status.
    pub status: u16,
    /// Headers, in order (invalid names or values are left out).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Replacement {
    /// A response with `status` and `body` and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Replacement { status, headers: Vec::new(), body: body.into() }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(super) fn parts(&self) -> (StatusCode, HeaderMap, Bytes) {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str())) {
                headers.append(n, v);
            }
        }
        (status, headers, Bytes::from(self.body.clone()))
    }
}

struct Injected {
    path: String,
    fault: Fault,
    ok_served: usize,
}

/// The faults of a running server; clones share them.
#[derive(Clone, Default)]
pub struct Faults {
    active: Arc<Mutex<Vec<Injected>>>,
}

/// What the faults decide for one request.
pub(super) struct Plan {
    /// Answer 500.
    pub fail: bool,
    /// Answer this instead of the real response.
    pub replacement: Option<Replacement>,
    /// Answer what this makes of the request instead of the real response.
    pub generate: Option<Generator>,
    /// Send the body this way.
    pub body: Option<Fault>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Injected>> {
        self.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Switches `fault` on for requests to `path` (or [`ANY`]).
    pub fn inject(&self, path: &str, fault: Fault) {
        self.lock().push(Injected { path: path.to_owned(), fault, ok_served: 0 });
    }

    /// Switches off the faults of `path` (exactly as injected).
    pub fn clear_path(&self, path: &str) {
        self.lock().retain(|i| i.path != path);
    }

    /// Switches every fault off.
    pub fn clear(&self) {
        self.lock().clear();
    }

    pub(super) fn plan(&self, path: &str) -> Plan {
        let mut plan = Plan { fail: false, replacement: None, generate: None, body: None };
        for i in self.lock().iter().filter(|i| i.path == path || i.path == ANY) {
            match &i.fault {
                Fault::ErrorAfter { ok } => plan.fail |= i.ok_served >= *ok,
                Fault::Replace(r) => plan.replacement = Some(r.clone()),
                Fault::Generate(g) => plan.generate = Some(g.clone()),
                other => plan.body = Some(other.clone()),
            }
        }
        plan
    }

    /// Counts a 200 response on `path` toward [`Fault::ErrorAfter`].
    pub(super) fn served_ok(&self, path: &str) {
        for i in self.lock().iter_mut().filter(|i| i.path == path || i.path == ANY) {
            if matches!(i.fault, Fault::ErrorAfter { .. }) {
                i.ok_served += 1;
            }
        }
    }
}

type Chunk = Result<Bytes, io::Error>;

fn broken() -> io::Error {
    io::Error::other("trust server fault: body broken off")
}

/// Sends `body` the way the body fault says.
pub(super) fn send(
    fault: &Fault,
    status: StatusCode,
    mut headers: HeaderMap,
    body: Bytes,
    conn: &Conn,
    stopping: &Arc<AtomicBool>,
) -> Response {
    let stream_body = match fault {
        Fault::Reset | Fault::Truncate => {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            let first = body.slice(..body.len() / 2);
            let reset = matches!(fault, Fault::Reset).then(|| conn.clone());
            Body::from_stream(stream::unfold(0u8, move |step| {
                let (first, reset) = (first.clone(), reset.clone());
                async move {
                    match step {
                        0 => Some((Ok::<_, io::Error>(first), 1)),
                        1 => {
                            tokio::time::sleep(BREAK_PAUSE).await;
                            if let Some(conn) = reset {
                                conn.reset_on_close();
                            }
                            Some((Err(broken()), 2))
                        }
                        _ => None,
                    }
                }
            }))
        }
        Fault::Endless => {
            static FILLER: [u8; 16 * 1024] = [b' '; 16 * 1024];
            headers.remove(header::CONTENT_LENGTH);
            let stopping = Arc::clone(stopping);
            // State: None once broken off; Some(first) while streaming, with
            // the real body as the first chunk.
            Body::from_stream(stream::unfold(Some(Some(body)), move |state| {
                let stopping = Arc::clone(&stopping);
                async move {
                    let first = state?;
                    if stopping.load(Ordering::SeqCst) {
                        return Some((Err(broken()), None));
                    }
                    tokio::task::yield_now().await;
                    let chunk: Chunk = Ok(first.unwrap_or_else(|| Bytes::from_static(&FILLER)));
                    Some((chunk, Some(None)))
                }
            }))
        }
        Fault::Slow { chunk, between_chunks, .. } => {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            let (chunk, pause, stopping) = ((*chunk).max(1), *between_chunks, Arc::clone(stopping));
            Body::from_stream(stream::unfold(0usize, move |pos| {
                let (body, stopping) = (body.clone(), Arc::clone(&stopping));
                async move {
                    if pos >= body.len() {
                        return None;
                    }
                    if pos > 0 {
                        tokio::time::sleep(pause).await;
                    }
                    if stopping.load(Ordering::SeqCst) {
                        return Some((Err(broken()), usize::MAX));
                    }
                    let end = (pos + chunk).min(body.len());
                    Some((Ok::<_, io::Error>(body.slice(pos..end)), end))
                }
            }))
        }
        Fault::ErrorAfter { .. } | Fault::Replace(_) | Fault::Generate(_) => Body::from(body),
    };
    http::response(status, headers, stream_body)
}
