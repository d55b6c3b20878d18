//! The DGCA verifier-service protocol over `DIR/trustlist.json`
//! (eu-digital-green-certificates/dgca-verifier-service,
//! `SignerInformationController`):
//!
//! - `GET /signercertificateUpdate`: one signer certificate per response:
//!   200, body = the entry's `rawData` (base64 DER) as `text/plain`, headers
//!   `X-RESUME-TOKEN` (the entry's token) and `X-KID` (its base64 kid). The
//!   client repeats the request with the last `X-RESUME-TOKEN` it received
//!   until 204 No Content. Without a token the first entry is sent; with one,
//!   the first entry whose token is greater. A token that is not an integer
//!   gets 400.
//! - `GET /signercertificateStatus`: the JSON array of the kids served.
//!
//! An entry's token is its `id` field when present (an extension of this
//! server), else its 1-based position in the file; tokens must increase
//! through the file. Only entries whose `certificateType` is `DSC` (or
//! absent) are served. Appending entries gives them larger tokens, so a
//! client holding an old token fetches only the new ones.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::AppState;
use super::http::{self, JSON, TEXT};

/// The served file.
pub const FILE: &str = "trustlist.json";
/// The request and response header carrying the resume token.
pub const RESUME_TOKEN: &str = "x-resume-token";
/// The response header carrying the kid.
pub const KID: &str = "x-kid";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    id: Option<u64>,
    certificate_type: Option<String>,
    kid: String,
    raw_data: String,
}

/// One served certificate.
pub(super) struct Page {
    token: u64,
    kid: HeaderValue,
    raw: Bytes,
}

/// `trustlist.json`, ready to page.
pub(super) struct Paged {
    pages: Vec<Page>,
    status: Bytes,
}

/// Reads a DGCA trust-list JSON array into pages.
pub(super) fn parse(bytes: &[u8]) -> Result<Paged, String> {
    let entries: Vec<Entry> =
        serde_json::from_slice(bytes).map_err(|e| format!("{FILE} is not a DGCA trust-list array: {e}"))?;
    let mut pages: Vec<Page> = Vec::with_capacity(entries.len());
    for (i, e) in entries.into_iter().enumerate() {
        let token = e.id.unwrap_or(i as u64 + 1);
        if pages.last().is_some_and(|p| p.token >= token) {
            return Err(format!("{FILE} entry {i}: token {token} does not increase"));
        }
        if e.certificate_type.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("DSC")) {
            continue;
        }
        let kid = HeaderValue::from_str(&e.kid).map_err(|_| format!("{FILE} entry {i}: kid is not a header value"))?;
        pages.push(Page { token, kid, raw: Bytes::from(e.raw_data) });
    }
    let kids: Vec<&str> = pages.iter().filter_map(|p| p.kid.to_str().ok()).collect();
    let status = Bytes::from(serde_json::to_vec(&kids).map_err(|e| e.to_string())?);
    Ok(Paged { pages, status })
}

/// `trustlist.json`, paged, or the response saying why not (boxed: a
/// response is large).
fn load(state: &AppState) -> Result<Arc<Paged>, Box<Response>> {
    let file = match state.files.read(FILE) {
        Ok(Some(f)) => f,
        Ok(None) => return Err(Box::new(http::not_found(FILE))),
        Err(e) => return Err(Box::new(http::broken(&e))),
    };
    state.dgca.get(&file, parse).map_err(|reason| Box::new(http::broken(&std::io::Error::other(reason))))
}

/// `GET /signercertificateUpdate`.
pub(super) async fn update(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let paged = match load(&state) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let after = match headers.get(RESUME_TOKEN).map(|v| v.to_str().map(|s| s.trim().parse::<u64>())) {
        None => None,
        Some(Ok(Ok(t))) => Some(t),
        Some(_) => {
            return http::problem(StatusCode::BAD_REQUEST, "0x400", "X-RESUME-TOKEN is not an integer", "");
        }
    };
    let next = match after {
        None => 0,
        Some(t) => paged.pages.partition_point(|p| p.token <= t),
    };
    let Some(page) = paged.pages.get(next) else { return StatusCode::NO_CONTENT.into_response() };
    let mut r = http::ok(page.raw.clone(), TEXT);
    r.headers_mut().insert(RESUME_TOKEN, HeaderValue::from(page.token));
    r.headers_mut().insert(KID, page.kid.clone());
    r
}

/// `GET /signercertificateStatus`.
pub(super) async fn status(State(state): State<Arc<AppState>>) -> Response {
    match load(&state) {
        Ok(p) => http::ok(p.status.clone(), JSON),
        Err(r) => *r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_positions_or_ids_and_must_increase() {
        let list = br#"[{"kid":"a","rawData":"AA=="},{"certificateType":"CSCA","kid":"c","rawData":"AA=="},{"kid":"b","rawData":"AQ=="}]"#;
        let p = parse(list).unwrap();
        assert_eq!(p.pages.iter().map(|p| p.token).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(&p.status[..], br#"["a","b"]"#);

        let ids = br#"[{"id":5,"kid":"a","rawData":"AA=="},{"id":9,"kid":"b","rawData":"AA=="}]"#;
        assert_eq!(parse(ids).unwrap().pages.iter().map(|p| p.token).collect::<Vec<_>>(), [5, 9]);

        let back = br#"[{"id":5,"kid":"a","rawData":"AA=="},{"id":5,"kid":"b","rawData":"AA=="}]"#;
        assert!(parse(back).err().is_some_and(|e| e.contains("does not increase")));
        assert!(parse(b"{\"certificates\":[]}").is_err());
        assert!(parse(b"\xff").is_err());
    }
}
