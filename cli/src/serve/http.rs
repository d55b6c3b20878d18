//! HTTP pieces shared by every endpoint: bodies, problem reports, strong
//! ETags and `If-None-Match`.

use std::io;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest as _, Sha256};

/// `text/plain` (DGCA certificate pages, the German list).
pub(super) const TEXT: &str = "text/plain;charset=UTF-8";
/// `application/json`.
pub(super) const JSON: &str = "application/json";

/// A 200 response with `body` as-is.
pub(super) fn ok(body: Bytes, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// An error in the shape of the DGCA services' problem report
/// (`{code, problem, sendValue, details}`).
pub(super) fn problem(status: StatusCode, code: &str, problem: &str, send_value: &str) -> Response {
    let body = serde_json::json!({"code": code, "problem": problem, "sendValue": send_value, "details": ""});
    (status, [(header::CONTENT_TYPE, JSON)], body.to_string()).into_response()
}

/// 404 for a resource the directory does not hold.
pub(super) fn not_found(what: &str) -> Response {
    problem(StatusCode::NOT_FOUND, "0x404", "not served by this trust server", what)
}

/// 500 for a served file that cannot be read or used.
pub(super) fn broken(e: &io::Error) -> Response {
    problem(StatusCode::INTERNAL_SERVER_ERROR, "0x500", "served file unusable", &e.to_string())
}

/// The strong entity tag of a body: the quoted lowercase hex SHA-256.
pub(super) fn etag(body: &[u8]) -> String {
    let hex: String = Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` header value matches `etag` (RFC 9110 13.1.2:
/// `*`, or a list of tags compared weakly, so `W/"x"` matches `"x"`).
pub(super) fn none_match(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// Builds a response from parts.
pub(super) fn response(status: StatusCode, headers: HeaderMap, body: Body) -> Response {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    r
}

/// Gives a 200 response's headers the ETag of `body` unless they have one,
/// and says whether `if_none_match` matches it (the answer is then 304).
pub(super) fn tag(status: StatusCode, headers: &mut HeaderMap, body: &[u8], if_none_match: Option<&str>) -> bool {
    if status != StatusCode::OK {
        return false;
    }
    let tag = match headers.get(header::ETAG).and_then(|v| v.to_str().ok()) {
        Some(t) => t.to_owned(),
        None => {
            let t = etag(body);
            if let Ok(v) = HeaderValue::from_str(&t) {
                headers.insert(header::ETAG, v);
            }
            t
        }
    };
    if_none_match.is_some_and(|inm| none_match(inm, &tag))
}

/// The 304 for a response whose ETag matched: its headers, no body.
pub(super) fn not_modified(mut headers: HeaderMap) -> Response {
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::CONTENT_TYPE);
    response(StatusCode::NOT_MODIFIED, headers, Body::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_forms() {
        let tag = etag(b"abc");
        assert_eq!(tag, "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
        assert!(none_match(&tag, &tag));
        assert!(none_match(&format!("\"other\", W/{tag}"), &tag));
        assert!(none_match("*", &tag));
        assert!(!none_match("\"other\"", &tag));
        assert!(!none_match("", &tag));
    }
}
