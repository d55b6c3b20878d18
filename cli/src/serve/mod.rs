//! A real trust server for tests and demos: serves a directory of lists, as
//! they are, in the DGCA verifier-service protocol ([`dgca`]), the
//! German-shaped signed list ([`de`]), the DGCA business-rule service
//! ([`rules`]), SMART Health Card trust (a VCI-style directory snapshot,
//! issuers' key sets and revocation lists: `shc`), and WHO GDHCN DID trust
//! lists (`gdhcn`: a v2 tree of `did.json` documents), and the EU DCC
//! revocation distribution service (`revocation`). Every 200 carries a strong ETag (the quoted hex SHA-256 of
//! the body) and `If-None-Match` is answered with 304. Tests break it on
//! purpose through [`RunningServer::faults`]. The wire contract is
//! docs/trust-protocols.md; `fixtures/trust` is a directory it serves.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use healthcert_cli::serve::{Fault, TrustServer};
//! let server = TrustServer::start("fixtures/trust".as_ref(), "127.0.0.1:0".parse()?).await?;
//! server.faults().inject("/signercertificateUpdate", Fault::ErrorAfter { ok: 3 });
//! println!("{}", server.url());
//! server.stop().await?;
//! # Ok(()) }
//! ```

mod conn;
pub mod de;
pub mod dgca;
mod faults;
mod files;
mod gdhcn;
mod http;
mod revocation;
pub mod rules;
mod shc;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{ANY, Fault, Faults, Generator, Replacement};

use conn::{Conn, Conns};
use files::{Derived, Files};

/// Requests remembered by [`RunningServer::requests`]; later ones are not.
const LOG_CAP: usize = 1_000_000;

/// One request as the server answered it (no addresses, no bodies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The request path.
    pub path: String,
    /// The status sent.
    pub status: u16,
    /// Whether the request carried `If-None-Match`.
    pub if_none_match: bool,
    /// The `X-RESUME-TOKEN` the request carried.
    pub resume_token: Option<String>,
}

struct AppState {
    files: Files,
    dgca: Derived<dgca::Paged>,
    faults: Faults,
    log: Mutex<Vec<Served>>,
    stopping: Arc<AtomicBool>,
}

/// The trust server.
pub struct TrustServer;

impl TrustServer {
    /// Binds `addr` (port 0 picks a free port) and serves `dir` until the
    /// returned server is stopped or dropped. Must run inside a Tokio runtime.
    pub async fn start(dir: &Path, addr: SocketAddr) -> anyhow::Result<RunningServer> {
        if !dir.is_dir() {
            bail!("{} is not a directory", dir.display());
        }
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
        let addr = listener.local_addr()?;
        let state = Arc::new(AppState {
            files: Files::new(dir.to_owned()),
            dgca: Derived::default(),
            faults: Faults::default(),
            log: Mutex::new(Vec::new()),
            stopping: Arc::new(AtomicBool::new(false)),
        });
        let app = router(Arc::clone(&state)).into_make_service_with_connect_info::<Conn>();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let serve = axum::serve(Conns(listener), app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        let task = tokio::spawn(async move { serve.await });
        Ok(RunningServer { addr, state, shutdown: Some(shutdown), task: Some(task) })
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/signercertificateUpdate", get(dgca::update))
        .route("/signercertificateStatus", get(dgca::status))
        .route("/de/trustList/DSC", get(de::list))
        .route("/de/trustList/DSC/", get(de::list))
        .route("/rules", get(rules::list))
        .route("/rules/{country}", get(rules::list_for))
        .route("/rules/{country}/{hash}", get(rules::rule))
        .route("/valuesets", get(rules::value_sets))
        .route("/valuesets/{hash}", get(rules::value_set))
        .route("/countrylist", get(rules::countries))
        .route("/vci/{file}", get(shc::vci))
        .route("/shc-issuers/{*path}", get(shc::issuer_file))
        .route("/gdhcn/{*path}", get(gdhcn::document))
        .route("/revocation/lists", get(revocation::lists))
        .route("/revocation/lists/{kid}/partitions", get(revocation::all_partitions))
        .route("/revocation/lists/{kid}/partitions/{id}", get(revocation::one_partition))
        .route("/revocation/lists/{kid}/partitions/{id}/chunks/{cid}/slices", get(revocation::chunk))
        .route("/revocation/lists/{kid}/partitions/{id}/chunks/{cid}/slices/{sid}", get(revocation::slice))
        .fallback(|| async { http::not_found("path") })
        .layer(middleware::from_fn_with_state(Arc::clone(&state), finish))
        .with_state(state)
}

/// Around every request: faults, ETag and 304, the request log.
async fn finish(
    State(state): State<Arc<AppState>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let if_none_match = header_text(&req, header::IF_NONE_MATCH.as_str());
    let resume_token = header_text(&req, dgca::RESUME_TOKEN);

    let plan = state.faults.plan(&path);
    if let Some(Fault::Slow { before_headers, .. }) = &plan.body {
        tokio::time::sleep(*before_headers).await;
    }
    let (status, mut headers, body) = if plan.fail {
        let r = http::problem(StatusCode::INTERNAL_SERVER_ERROR, "0x500", "trust server fault: server error", "");
        into_parts(r).await
    } else if let Some(r) = &plan.replacement {
        r.parts()
    } else if let Some(g) = &plan.generate {
        (g.0)(resume_token.as_deref()).parts()
    } else {
        into_parts(next.run(req).await).await
    };
    if status == StatusCode::OK {
        state.faults.served_ok(&path);
    }
    let unchanged = http::tag(status, &mut headers, &body, if_none_match.as_deref());
    let sent = if unchanged { StatusCode::NOT_MODIFIED } else { status };
    {
        let mut log = state.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() < LOG_CAP {
            let if_none_match = if_none_match.is_some();
            log.push(Served { path, status: sent.as_u16(), if_none_match, resume_token });
        }
    }
    match plan.body {
        _ if unchanged => http::not_modified(headers),
        Some(fault) => faults::send(&fault, status, headers, body, &conn, &state.stopping),
        None => http::response(status, headers, body.into()),
    }
}

fn header_text(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

async fn into_parts(r: Response) -> (StatusCode, axum::http::HeaderMap, axum::body::Bytes) {
    let (parts, body) = r.into_parts();
    // Every handler answers with a body held in memory.
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => (parts.status, parts.headers, bytes),
        Err(e) => {
            let (p, b) = http::broken(&std::io::Error::other(e)).into_parts();
            (p.status, p.headers, axum::body::to_bytes(b, usize::MAX).await.unwrap_or_default())
        }
    }
}

/// A server started by [`TrustServer::start`]. Dropping it stops it.
pub struct RunningServer {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the base URL of every protocol it serves.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The faults; switching them takes effect from the next request.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Every request answered so far, in order.
    pub fn requests(&self) -> Vec<Served> {
        self.state.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets the requests answered so far.
    pub fn clear_requests(&self) {
        self.state.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn signal_stop(&mut self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Stops accepting, ends endless and slow bodies, and waits (up to five
    /// seconds) for open connections to finish.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.signal_stop();
        let Some(mut task) = self.task.take() else { return Ok(()) };
        match tokio::time::timeout(Duration::from_secs(5), &mut task).await {
            Ok(joined) => Ok(joined.context("server task")??),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }

    /// Serves until the task ends (for the command line, which is stopped by
    /// a signal).
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let Some(task) = self.task.take() else { return Ok(()) };
        Ok(task.await.context("server task")??)
    }
}

/// A [`TrustServer`] on a loopback port with a tokio runtime of its own,
/// for callers that are not async (tests, examples). Dropping it stops the
/// server, then the runtime.
pub struct BackgroundServer {
    server: RunningServer,
    _runtime: tokio::runtime::Runtime,
}

impl BackgroundServer {
    /// Serves the trust directory `dir` on `127.0.0.1`, on a free port.
    pub fn start(dir: &Path) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
        let server = runtime.block_on(TrustServer::start(dir, SocketAddr::from(([127, 0, 0, 1], 0))))?;
        Ok(BackgroundServer { server, _runtime: runtime })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The running server (its faults, its request log).
    pub fn server(&self) -> &RunningServer {
        &self.server
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.signal_stop();
    }
}
