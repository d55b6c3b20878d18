//! SMART Health Card trust: the VCI-style directory snapshot and the
//! issuers' key sets and revocation lists, served as the files they are.
//!
//! - `GET /vci/vci_snapshot.json` and `GET /vci/vci_snapshot.sig` serve
//!   `DIR/vci/` (the snapshot and its detached P-521 signature, made by the
//!   fixtures generator and verified by the client with `vci/anchor.crt`);
//! - `GET /shc-issuers/<host>/<path>/.well-known/jwks.json` and
//!   `…/.well-known/crl/<kid>.json` serve `DIR/shc-issuers/<host>/<path>/…`:
//!   a mirror of issuers' well-known files, the layout the `shc-issuers=URL`
//!   sync source reads (an issuer `https://host/path` under `URL/host/path`).
//!
//! Paths are checked before any file is touched: segments of letters,
//! digits, `.`, `-` and `_` only, none `.` or `..`, and nothing but the two
//! well-known file kinds.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;

use super::AppState;
use super::files::{safe_segments, serve};
use super::http::{self, JSON};

/// The detached signature's media type.
const OCTETS: &str = "application/octet-stream";

/// `GET /vci/{file}`: the snapshot or its signature.
pub(super) async fn vci(State(state): State<Arc<AppState>>, Path(file): Path<String>) -> Response {
    let content_type = match file.as_str() {
        "vci_snapshot.json" => JSON,
        "vci_snapshot.sig" => OCTETS,
        _ => return http::not_found("file"),
    };
    serve(&state, &format!("vci/{file}"), content_type)
}

/// `GET /shc-issuers/{*path}`: an issuer's `jwks.json` or CRL.
pub(super) async fn issuer_file(State(state): State<Arc<AppState>>, Path(path): Path<String>) -> Response {
    if !is_well_known_file(&path) {
        return http::not_found("file");
    }
    serve(&state, &format!("shc-issuers/{path}"), JSON)
}

/// `host/…/.well-known/jwks.json` or `host/…/.well-known/crl/<kid>.json`,
/// each segment of safe characters.
fn is_well_known_file(path: &str) -> bool {
    match safe_segments(path, b"", usize::MAX).as_deref() {
        Some([_host, .., ".well-known", "jwks.json"]) => true,
        Some([_host, .., ".well-known", "crl", kid]) => kid.ends_with(".json") && kid.len() > ".json".len(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_known_files_under_safe_paths() {
        for ok in [
            "shc.healthcert.test/issuer/.well-known/jwks.json",
            "shc.healthcert.test/issuer/.well-known/crl/9GCSY6_hcTMO7TZXo9EvpVHPVbyc-VtQAMEL5sge_wM.json",
            "host/.well-known/jwks.json",
        ] {
            assert!(is_well_known_file(ok), "{ok}");
        }
        for no in [
            "../vci/vci_snapshot.json",
            "host/../../etc/passwd",
            "host/./.well-known/jwks.json",
            "host/.well-known/other.json",
            "host/.well-known/crl/.json",
            ".well-known/jwks.json/",
            "host//.well-known/jwks.json",
            "host/%2e%2e/.well-known/jwks.json",
            "",
        ] {
            assert!(!is_well_known_file(no), "{no}");
        }
    }
}
