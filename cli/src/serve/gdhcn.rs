//! WHO GDHCN DID trust lists, served as the files they are:
//! `GET /gdhcn/<path>/did.json` serves `DIR/gdhcn/<path>/did.json`, the v2
//! layout of the WHO's CDN (`v2/trustlist/DCC/XXT/DSC/did.json`,
//! `v2/trustlist-ref/…`) that the `gdhcn=URL` sync source reads (e.g.
//! `gdhcn=http://127.0.0.1:8080/gdhcn/v2/trustlist-ref/`).
//!
//! Paths are checked before any file is touched: segments of letters,
//! digits, `.`, `-`, `_`, `=` and `+`, none `.` or `..`, at most 12 of
//! them, and only files named `did.json`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;

use super::AppState;
use super::files::{safe_segments, serve};
use super::http::{self, JSON};

/// `GET /gdhcn/{*path}`: a DID document of the tree.
pub(super) async fn document(State(state): State<Arc<AppState>>, Path(path): Path<String>) -> Response {
    if !is_did_document(&path) {
        return http::not_found("file");
    }
    serve(&state, &format!("gdhcn/{path}"), JSON)
}

/// `…/did.json` under safe segments (the wildcard `-` included).
fn is_did_document(path: &str) -> bool {
    safe_segments(path, b"=+", 12).is_some_and(|segments| segments.last() == Some(&"did.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_did_documents_under_safe_paths() {
        for ok in ["v2/trustlist-ref/did.json", "v2/trustlist/-/XXT/DSC/did.json", "signer/did.json", "did.json"] {
            assert!(is_did_document(ok), "{ok}");
        }
        for no in [
            "../vci/vci_snapshot.json",
            "v2/../../etc/did.json",
            "v2/./did.json",
            "v2/trustlist/other.json",
            "v2//did.json",
            "v2/%2e%2e/did.json",
            "v2/trustlist/did.json/",
            "",
        ] {
            assert!(!is_did_document(no), "{no}");
        }
    }
}
