//! The German-shaped signed signer list: `GET /de/trustList/DSC` (and with a
//! trailing slash, as the German service spells it) serves `DIR/de/trustlist`
//! as-is, `text/plain`.
//!
//! The file's first line is the base64 of an ECDSA P-256 SHA-256 signature
//! in raw form (r || s, 64 bytes: what the German list and its clients use);
//! it signs the bytes after the first newline, the JSON
//! `{"timestamp": RFC 3339 issue time, "certificates": [{certificateType,
//! country, kid, rawData, thumbprint, timestamp}]}`. The server neither
//! checks nor re-signs anything: a client verifies the signature with the
//! list-signing public key (`de/list-signing-key.pem` in the fixtures) and
//! refuses a list whose `timestamp` is older than the one it holds.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::AppState;
use super::http::{self, TEXT};

/// The served file.
pub const FILE: &str = "de/trustlist";

/// `GET /de/trustList/DSC`.
pub(super) async fn list(State(state): State<Arc<AppState>>) -> Response {
    match state.files.read(FILE) {
        Ok(Some(f)) => http::ok(f.bytes, TEXT),
        Ok(None) => http::not_found(FILE),
        Err(e) => http::broken(&e),
    }
}
