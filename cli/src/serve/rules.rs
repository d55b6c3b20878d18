//! The DGCA business-rule service (eu-digital-green-certificates/
//! dgca-businessrule-service) over `DIR/rules/`:
//!
//! | request | file |
//! |---|---|
//! | `GET /rules` | `rules/rules.json`: `[{identifier, version, country, hash}]` |
//! | `GET /rules/{CC}` | the entries of `rules/rules.json` for `CC` (computed, unsigned, as the real service) |
//! | `GET /rules/{CC}/{hash}` | `rules/rule/{CC}/{hash}.json` |
//! | `GET /valuesets` | `rules/valuesets.json`: `[{id, hash}]` |
//! | `GET /valuesets/{hash}` | `rules/valueset/{hash}.json` |
//! | `GET /countrylist` | `rules/countrylist.json`: `["DE", …]` |
//!
//! Bodies are served as-is. When `<file>.sig` exists, its trimmed content is
//! sent as `X-SIGNATURE` (base64 DER ECDSA P-256 SHA-256 over the UTF-8
//! lowercase hex SHA-256 of the body, as the real service signs). A country
//! code that is not two letters gets 400; a hash that is not 64 lowercase hex
//! digits, or that the directory does not hold, gets 404.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::http::{self, JSON};

/// The response header carrying the signature.
pub const SIGNATURE: &str = "x-signature";

/// Serves `rules/<rel>` with its signature, if any.
fn signed_file(state: &AppState, rel: &str) -> Response {
    let rel = format!("rules/{rel}");
    let body = match state.files.read(&rel) {
        Ok(Some(f)) => f.bytes,
        Ok(None) => return http::not_found(&rel),
        Err(e) => return http::broken(&e),
    };
    let mut r = http::ok(body, JSON);
    match state.files.read(&format!("{rel}.sig")) {
        Ok(Some(sig)) => {
            let text = String::from_utf8_lossy(&sig.bytes);
            if let Ok(v) = HeaderValue::from_str(text.trim())
                && !text.trim().is_empty()
            {
                r.headers_mut().insert(SIGNATURE, v);
            }
        }
        Ok(None) => {}
        Err(e) => return http::broken(&e),
    }
    r
}

/// The country code in upper case, when `cc` is two ASCII letters.
fn country(cc: &str) -> Option<String> {
    (cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_alphabetic())).then(|| cc.to_ascii_uppercase())
}

fn bad_country(cc: &str) -> Response {
    http::problem(StatusCode::BAD_REQUEST, "0x004", "The Country Code has a wrong format.", cc)
}

fn is_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `GET /rules`.
pub(super) async fn list(State(state): State<Arc<AppState>>) -> Response {
    signed_file(&state, "rules.json")
}

#[derive(Deserialize, Serialize)]
struct RuleItem {
    identifier: String,
    version: String,
    country: String,
    hash: String,
}

/// `GET /rules/{CC}`.
pub(super) async fn list_for(State(state): State<Arc<AppState>>, Path(cc): Path<String>) -> Response {
    let Some(cc) = country(&cc) else { return bad_country(&cc) };
    let file = match state.files.read("rules/rules.json") {
        Ok(Some(f)) => f,
        Ok(None) => return http::not_found("rules/rules.json"),
        Err(e) => return http::broken(&e),
    };
    let items: Vec<RuleItem> = match serde_json::from_slice(&file.bytes) {
        Ok(v) => v,
        Err(e) => return http::broken(&std::io::Error::other(format!("rules/rules.json: {e}"))),
    };
    let mine: Vec<&RuleItem> = items.iter().filter(|i| i.country.eq_ignore_ascii_case(&cc)).collect();
    match serde_json::to_vec(&mine) {
        Ok(body) => http::ok(Bytes::from(body), JSON),
        Err(e) => http::broken(&std::io::Error::other(e)),
    }
}

/// `GET /rules/{CC}/{hash}`.
pub(super) async fn rule(State(state): State<Arc<AppState>>, Path((cc, hash)): Path<(String, String)>) -> Response {
    let Some(cc) = country(&cc) else { return bad_country(&cc) };
    if !is_hash(&hash) {
        return http::not_found("rule");
    }
    signed_file(&state, &format!("rule/{cc}/{hash}.json"))
}

/// `GET /valuesets`.
pub(super) async fn value_sets(State(state): State<Arc<AppState>>) -> Response {
    signed_file(&state, "valuesets.json")
}

/// `GET /valuesets/{hash}`.
pub(super) async fn value_set(State(state): State<Arc<AppState>>, Path(hash): Path<String>) -> Response {
    if !is_hash(&hash) {
        return http::not_found("value set");
    }
    signed_file(&state, &format!("valueset/{hash}.json"))
}

/// `GET /countrylist`.
pub(super) async fn countries(State(state): State<Arc<AppState>>) -> Response {
    signed_file(&state, "countrylist.json")
}
