//! The EU DCC revocation distribution service (the DGCA's), served from
//! `DIR/revocation/` as `cargo xtask fixtures` lays it out
//! (`xtask/src/revocation.rs`): `lists.json`, and per slice type
//! (`BLOOMFILTER`, `VARHASHLIST`) `<kid>/partitions.json` and the slices
//! `<kid>/<pid>/<cid>/<sid>`. Base URL: `http://ADDR/revocation`.
//!
//! - `GET /lists`: `lists.json` with its ETag (`If-None-Match` → 304, as
//!   every route of this server).
//! - `GET /lists/{kid}/partitions[/{id}]`: `If-Match` is required (400
//!   without, 412 when it is not the ETag of `/lists`, quotes ignored);
//!   `If-Modified-Since` (ISO-8601, as the service reads it) keeps the
//!   partitions updated after it, 304 when none is; 404 for a kid without
//!   partitions.
//! - `GET …/partitions/{id}/chunks/{cid}/slices`: the chunk's slices as a
//!   tar.gz of `<kid>/<id>/<cid>/<sid>` entries.
//! - `GET …/chunks/{cid}/slices/{sid}`: one slice, its raw bytes.
//!
//! `X-SLICE-FILTER-TYPE` picks the tree (default `BLOOMFILTER`; another
//! value: 400). The batch `POST` endpoints of the service are not served
//! (the sync does not use them). Path segments are checked before any file
//! is touched.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse as _, Response};
use healthcert_core::trust::revocation::archive;
use healthcert_core::trust::revocation::data::parse_time;
use serde_json::Value;

use super::AppState;
use super::files::safe_segments;
use super::http::{self, JSON};

/// A response refusing the request (boxed: a response is large).
type Refusal = Box<Response>;

const FILTER_TYPE: &str = "x-slice-filter-type";
const OCTETS: &str = "application/octet-stream";
const GZIP: &str = "application/gzip";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn unquote(tag: &str) -> &str {
    let t = tag.trim();
    t.strip_prefix("W/").unwrap_or(t).trim_matches('"')
}

fn bad_request(what: &str) -> Response {
    http::problem(StatusCode::BAD_REQUEST, "0x400", "bad request", what)
}

/// The slice tree the request asks for, or the 400 for an unknown type.
fn tree(headers: &HeaderMap) -> Result<&'static str, Refusal> {
    match header(headers, FILTER_TYPE) {
        None | Some("BLOOMFILTER") => Ok("BLOOMFILTER"),
        Some("VARHASHLIST") => Ok("VARHASHLIST"),
        Some(_) => Err(bad_request("X-SLICE-FILTER-TYPE").into()),
    }
}

/// Checks `If-Match` against the ETag of `/lists`.
fn if_match(state: &AppState, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(given) = header(headers, "if-match") else { return Err(bad_request("If-Match").into()) };
    let lists = match state.files.read("revocation/lists.json") {
        Ok(Some(f)) => f,
        Ok(None) => return Err(http::not_found("file").into()),
        Err(e) => return Err(http::broken(&e).into()),
    };
    if unquote(given) == unquote(&http::etag(&lists.bytes)) {
        Ok(())
    } else {
        Err(http::problem(StatusCode::PRECONDITION_FAILED, "0x412", "ETag does not match", "").into())
    }
}

fn segment_ok(s: &str, extra: &[u8]) -> bool {
    safe_segments(s, extra, 1).is_some()
}

/// The partitions of `kid` in `tree`, as JSON values.
fn partitions(state: &AppState, tree: &str, kid: &str) -> Result<Vec<Value>, Refusal> {
    if !segment_ok(kid, b"=") {
        return Err(http::not_found("kid").into());
    }
    let file = match state.files.read(&format!("revocation/{tree}/{kid}/partitions.json")) {
        Ok(Some(f)) => f,
        Ok(None) => return Err(http::not_found("kid").into()),
        Err(e) => return Err(http::broken(&e).into()),
    };
    match serde_json::from_slice::<Value>(&file.bytes) {
        Ok(Value::Array(items)) => Ok(items),
        _ => Err(http::broken(&std::io::Error::other("partitions.json is not an array")).into()),
    }
}

fn json_response(v: &Value) -> Response {
    http::ok(v.to_string().into(), JSON)
}

/// `GET /revocation/lists`.
pub(super) async fn lists(State(state): State<Arc<AppState>>) -> Response {
    super::files::serve(&state, "revocation/lists.json", JSON)
}

/// `GET /revocation/lists/{kid}/partitions`.
pub(super) async fn all_partitions(
    State(state): State<Arc<AppState>>,
    Path(kid): Path<String>,
    req: Request,
) -> Response {
    partitions_response(&state, &kid, None, req.headers())
}

/// `GET /revocation/lists/{kid}/partitions/{id}`.
pub(super) async fn one_partition(
    State(state): State<Arc<AppState>>,
    Path((kid, id)): Path<(String, String)>,
    req: Request,
) -> Response {
    partitions_response(&state, &kid, Some(&id), req.headers())
}

fn partitions_response(state: &AppState, kid: &str, id: Option<&str>, headers: &HeaderMap) -> Response {
    let run = || -> Result<Response, Refusal> {
        let tree = tree(headers)?;
        if_match(state, headers)?;
        let since = match header(headers, "if-modified-since") {
            None => None,
            Some(s) => Some(parse_time(s).ok_or_else(|| Refusal::new(bad_request("If-Modified-Since")))?),
        };
        let mut items = partitions(state, tree, kid)?;
        if let Some(id) = id {
            items.retain(|p| p["id"].as_str().unwrap_or("null") == id);
            if items.is_empty() {
                return Err(http::not_found("partition").into());
            }
        }
        if let Some(since) = since {
            items.retain(|p| p["lastUpdated"].as_str().and_then(parse_time).is_some_and(|t| t > since));
            if items.is_empty() {
                return Ok(StatusCode::NOT_MODIFIED.into_response());
            }
        }
        Ok(match (id, items.len()) {
            (Some(_), 1) => json_response(&items[0]),
            _ => json_response(&Value::Array(items)),
        })
    };
    run().unwrap_or_else(|e| *e)
}

/// The sids partition `id` of `kid` announces for chunk `cid`.
fn announced(items: &[Value], id: &str, cid: &str) -> Vec<String> {
    let Some(p) = items.iter().find(|p| p["id"].as_str().unwrap_or("null") == id) else { return Vec::new() };
    let Some(Value::Object(slices)) = p["chunks"].get(cid) else { return Vec::new() };
    slices.values().filter_map(|s| s["hash"].as_str().map(str::to_owned)).collect()
}

fn check_cell(id: &str, cid: &str) -> bool {
    (id == "null" || (1..=2).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit()))
        && cid.len() == 1
        && cid.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `GET /revocation/lists/{kid}/partitions/{id}/chunks/{cid}/slices`.
pub(super) async fn chunk(
    State(state): State<Arc<AppState>>,
    Path((kid, id, cid)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    let run = || -> Result<Response, Refusal> {
        let tree = tree(req.headers())?;
        if_match(&state, req.headers())?;
        if !check_cell(&id, &cid) {
            return Err(http::not_found("chunk").into());
        }
        let items = partitions(&state, tree, &kid)?;
        let sids = announced(&items, &id, &cid);
        if sids.is_empty() {
            return Err(http::not_found("chunk").into());
        }
        let mut entries = Vec::new();
        for sid in &sids {
            entries.push((format!("{kid}/{id}/{cid}/{sid}"), slice_bytes(&state, tree, &kid, &id, &cid, sid)?));
        }
        let gz = archive::write(entries.iter().map(|(n, b)| (n.as_str(), b.as_ref())))
            .map_err(|e| Refusal::new(http::broken(&std::io::Error::other(e.to_string()))))?;
        Ok(http::ok(gz.into(), GZIP))
    };
    run().unwrap_or_else(|e| *e)
}

fn slice_bytes(
    state: &AppState,
    tree: &str,
    kid: &str,
    id: &str,
    cid: &str,
    sid: &str,
) -> Result<axum::body::Bytes, Refusal> {
    if !(sid.len() == 64 && sid.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(http::not_found("slice").into());
    }
    match state.files.read(&format!("revocation/{tree}/{kid}/{id}/{cid}/{sid}")) {
        Ok(Some(f)) => Ok(f.bytes),
        Ok(None) => Err(http::not_found("slice").into()),
        Err(e) => Err(http::broken(&e).into()),
    }
}

/// `GET /revocation/lists/{kid}/partitions/{id}/chunks/{cid}/slices/{sid}`.
pub(super) async fn slice(
    State(state): State<Arc<AppState>>,
    Path((kid, id, cid, sid)): Path<(String, String, String, String)>,
    req: Request,
) -> Response {
    let run = || -> Result<Response, Refusal> {
        let tree = tree(req.headers())?;
        if_match(&state, req.headers())?;
        if !check_cell(&id, &cid) || !segment_ok(&kid, b"=") {
            return Err(http::not_found("slice").into());
        }
        Ok(http::ok(slice_bytes(&state, tree, &kid, &id, &cid, &sid)?, OCTETS))
    };
    run().unwrap_or_else(|e| *e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_compare_without_quotes_and_cells_are_checked() {
        assert_eq!(unquote("\"abc\""), "abc");
        assert_eq!(unquote("W/\"abc\""), "abc");
        assert!(check_cell("null", "a") && check_cell("ab", "0") && check_cell("f", "9"));
        assert!(!check_cell("..", "a") && !check_cell("abc", "a") && !check_cell("a", "ab") && !check_cell("a", "/"));
    }
}
