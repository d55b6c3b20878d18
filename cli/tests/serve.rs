//! The trust server (`healthcert_cli::serve`) against raw HTTP clients on a
//! loopback port: every protocol over `fixtures/trust`, ETag and 304, and
//! every fault mode.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::fs;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use healthcert_cli::serve::{ANY, Fault, Replacement, RunningServer, TrustServer};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const UPDATE: &str = "/signercertificateUpdate";
const STATUS: &str = "/signercertificateStatus";
const DE: &str = "/de/trustList/DSC";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fixtures").join("trust")
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s.trim()).expect("base64")
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn trustlist(path: &Path) -> Vec<Value> {
    serde_json::from_slice::<Value>(&fs::read(path).unwrap()).unwrap().as_array().unwrap().clone()
}

/// A copy of `fixtures/trust` that a test may change.
fn copy_of_fixtures() -> tempfile::TempDir {
    healthcert_test_support::fixtures::copy_dir(&fixtures())
}

async fn start(dir: &Path) -> RunningServer {
    TrustServer::start(dir, "127.0.0.1:0".parse().unwrap()).await.expect("server starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap()
}

async fn get(s: &RunningServer, path: &str) -> reqwest::Response {
    client().get(format!("{}{path}", s.url())).send().await.expect("response")
}

async fn page(s: &RunningServer, token: Option<&str>) -> reqwest::Response {
    let mut req = client().get(format!("{}{UPDATE}", s.url()));
    if let Some(t) = token {
        req = req.header("X-RESUME-TOKEN", t);
    }
    req.send().await.expect("response")
}

async fn json<T: serde::de::DeserializeOwned>(r: reqwest::Response) -> Result<T, String> {
    let bytes = r.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers().get(name).unwrap_or_else(|| panic!("no {name}")).to_str().unwrap().to_owned()
}

/// Pages from `token` to 204: `(token, kid, body)` of every page.
async fn page_all(s: &RunningServer, mut token: Option<String>) -> Vec<(String, String, String)> {
    let mut pages = Vec::new();
    loop {
        let r = page(s, token.as_deref()).await;
        if r.status() == 204 {
            return pages;
        }
        assert_eq!(r.status(), 200);
        let (t, kid) = (header(&r, "x-resume-token"), header(&r, "x-kid"));
        pages.push((t.clone(), kid, r.text().await.unwrap()));
        token = Some(t);
        assert!(pages.len() < 1000, "paging does not end");
    }
}

#[tokio::test]
async fn dgca_paging_runs_to_204_in_file_order() {
    let s = start(&fixtures()).await;
    let pages = page_all(&s, None).await;
    let list = trustlist(&fixtures().join("trustlist.json"));
    assert_eq!(pages.len(), list.len());
    for (i, ((token, kid, body), entry)) in pages.iter().zip(&list).enumerate() {
        assert_eq!(token, &(i + 1).to_string());
        assert_eq!(kid, entry["kid"].as_str().unwrap());
        assert_eq!(body, entry["rawData"].as_str().unwrap());
        // The kid is the first 8 bytes of SHA-256 of the DER served.
        assert_eq!(b64(kid), Sha256::digest(b64(body))[..8].to_vec());
    }
    let r = page(&s, Some("9")).await;
    assert_eq!(r.status(), 204);
    assert!(r.bytes().await.unwrap().is_empty());
    s.stop().await.unwrap();
}

#[tokio::test]
async fn status_lists_every_served_kid() {
    let s = start(&fixtures()).await;
    let r = get(&s, STATUS).await;
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("application/json"));
    let kids: Vec<String> = json(r).await.unwrap();
    let list = trustlist(&fixtures().join("trustlist.json"));
    assert_eq!(kids, list.iter().map(|e| e["kid"].as_str().unwrap().to_owned()).collect::<Vec<_>>());
}

#[tokio::test]
async fn old_token_fetches_only_added_certificates_also_after_a_restart() {
    let dir = copy_of_fixtures();
    let s = start(dir.path()).await;
    let first = page_all(&s, None).await;
    let last = first.last().unwrap().0.clone();
    assert_eq!(last, "9");

    fs::copy(dir.path().join("variants/trustlist-added.json"), dir.path().join("trustlist.json")).unwrap();
    let added = page_all(&s, Some(last.clone())).await;
    let unknown = &trustlist(&dir.path().join("trustlist.json"))[9];
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].0, "10");
    assert_eq!(added[0].1, unknown["kid"].as_str().unwrap());
    s.stop().await.unwrap();

    // Tokens come from the file, not from the process.
    let s = start(dir.path()).await;
    let again = page_all(&s, Some(last)).await;
    assert_eq!(again, added);
    assert_eq!(page_all(&s, None).await.len(), 10);
}

#[tokio::test]
async fn removal_with_explicit_ids_keeps_tokens_and_shrinks_status() {
    let dir = copy_of_fixtures();
    fs::copy(dir.path().join("variants/trustlist-removed.json"), dir.path().join("trustlist.json")).unwrap();
    let s = start(dir.path()).await;
    let full = trustlist(&fixtures().join("trustlist.json"));
    let r = page(&s, None).await;
    assert_eq!(
        (header(&r, "x-resume-token"), header(&r, "x-kid")),
        ("2".into(), full[1]["kid"].as_str().unwrap().into())
    );
    let r = page(&s, Some("4")).await;
    assert_eq!(header(&r, "x-resume-token"), "5");
    assert_eq!(page(&s, Some("9")).await.status(), 204);
    let kids: Vec<String> = json(get(&s, STATUS).await).await.unwrap();
    assert_eq!(kids.len(), 8);
    assert!(!kids.iter().any(|k| k == full[0]["kid"].as_str().unwrap()));
}

#[tokio::test]
async fn bad_token_is_400_and_missing_or_broken_lists_are_errors() {
    let s = start(&fixtures()).await;
    assert_eq!(page(&s, Some("nine")).await.status(), 400);
    assert_eq!(page(&s, Some("-1")).await.status(), 400);
    assert_eq!(get(&s, "/no/such/path").await.status(), 404);

    let empty = tempfile::tempdir().unwrap();
    let e = start(empty.path()).await;
    for path in [UPDATE, STATUS, DE, "/rules", "/valuesets", "/countrylist"] {
        assert_eq!(get(&e, path).await.status(), 404, "{path}");
    }
    fs::write(empty.path().join("trustlist.json"), b"{not json").unwrap();
    assert_eq!(get(&e, UPDATE).await.status(), 500);
    assert_eq!(get(&e, STATUS).await.status(), 500);

    assert!(TrustServer::start(&empty.path().join("absent"), "127.0.0.1:0".parse().unwrap()).await.is_err());
}

#[tokio::test]
async fn every_200_has_a_strong_etag_and_if_none_match_gives_304() {
    let s = start(&fixtures()).await;
    let rules: Vec<Value> = json(get(&s, "/rules").await).await.unwrap();
    let rule = format!("/rules/{}/{}", rules[0]["country"].as_str().unwrap(), rules[0]["hash"].as_str().unwrap());
    for path in [UPDATE, STATUS, DE, "/de/trustList/DSC/", "/rules", "/rules/XT", &rule, "/valuesets", "/countrylist"] {
        let r = get(&s, path).await;
        assert_eq!(r.status(), 200, "{path}");
        let tag = header(&r, "etag");
        let body = r.bytes().await.unwrap();
        assert_eq!(tag, format!("\"{}\"", hex_sha256(&body)), "{path}");

        let url = format!("{}{path}", s.url());
        let r = client().get(&url).header("If-None-Match", &tag).send().await.unwrap();
        assert_eq!(r.status(), 304, "{path}");
        assert_eq!(header(&r, "etag"), tag);
        assert!(r.bytes().await.unwrap().is_empty());
        let r = client().get(&url).header("If-None-Match", format!("\"x\", W/{tag}")).send().await.unwrap();
        assert_eq!(r.status(), 304, "{path}: weak comparison");
        let r = client().get(&url).header("If-None-Match", "\"other\"").send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    assert!(get(&s, "/no/such/path").await.headers().get("etag").is_none());
}

fn key(rel: &str) -> VerifyingKey {
    VerifyingKey::from_public_key_pem(&fs::read_to_string(fixtures().join(rel)).unwrap()).expect("public key")
}

/// Splits a German-shaped list and verifies its raw r || s signature.
fn verify_de(list: &[u8], key: &VerifyingKey) -> Result<Value, String> {
    let nl = list.iter().position(|&b| b == b'\n').ok_or("no newline")?;
    let sig = b64(std::str::from_utf8(&list[..nl]).unwrap());
    assert_eq!(sig.len(), 64, "raw P-256 signature");
    let sig = Signature::from_slice(&sig).map_err(|e| e.to_string())?;
    key.verify(&list[nl + 1..], &sig).map_err(|e| e.to_string())?;
    serde_json::from_slice(&list[nl + 1..]).map_err(|e| e.to_string())
}

#[tokio::test]
async fn german_list_verifies_with_the_list_signing_key() {
    let s = start(&fixtures()).await;
    let r = get(&s, DE).await;
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    assert_eq!(body, fs::read(fixtures().join("de/trustlist")).unwrap(), "served as-is");
    let key = key("de/list-signing-key.pem");
    let doc = verify_de(&body, &key).expect("signature verifies");
    assert_eq!(doc["timestamp"], "2026-08-01T00:00:00Z");
    let kids: Vec<&str> = doc["certificates"].as_array().unwrap().iter().map(|c| c["kid"].as_str().unwrap()).collect();
    let list = trustlist(&fixtures().join("trustlist.json"));
    assert_eq!(kids, list.iter().map(|e| e["kid"].as_str().unwrap()).collect::<Vec<_>>());

    let variant = |name: &str| fs::read(fixtures().join("variants").join(name)).unwrap();
    let older = verify_de(&variant("de-trustlist-older"), &key).expect("older list is validly signed");
    assert!(older["timestamp"].as_str().unwrap() < doc["timestamp"].as_str().unwrap());
    assert!(verify_de(&variant("de-trustlist-bad-signature"), &key).is_err());
    let garbage = verify_de(&variant("de-trustlist-garbage-entry"), &key).expect("validly signed");
    assert_eq!(garbage["certificates"].as_array().unwrap().len(), list.len() + 1);
    let newer = verify_de(&variant("de-trustlist-newer"), &key).expect("validly signed");
    assert!(newer["timestamp"].as_str().unwrap() > doc["timestamp"].as_str().unwrap());
}

/// Verifies an `X-SIGNATURE`: DER ECDSA over the hex SHA-256 of the body.
fn verify_x_signature(signature: &str, body: &[u8], key: &VerifyingKey) {
    let sig = Signature::from_der(&b64(signature)).expect("DER signature");
    key.verify(hex_sha256(body).as_bytes(), &sig).expect("X-SIGNATURE verifies");
}

/// GETs a signed JSON document: (document, hex SHA-256 of its bytes).
async fn signed_json(s: &RunningServer, path: &str, key: &VerifyingKey) -> (Value, String) {
    let r = get(s, path).await;
    assert_eq!(r.status(), 200, "{path}");
    let signature = header(&r, "x-signature");
    let body = r.bytes().await.unwrap();
    verify_x_signature(&signature, &body, key);
    (serde_json::from_slice(&body).unwrap(), hex_sha256(&body))
}

#[tokio::test]
async fn rules_value_sets_and_countries_carry_verifying_signatures() {
    let s = start(&fixtures()).await;
    let key = key("rules/signing-key.pem");
    let (rules, _) = signed_json(&s, "/rules", &key).await;
    let rules = rules.as_array().unwrap().clone();
    assert!(rules.len() >= 5);
    for item in &rules {
        let (cc, hash) = (item["country"].as_str().unwrap(), item["hash"].as_str().unwrap());
        let (rule, body_hash) = signed_json(&s, &format!("/rules/{cc}/{hash}"), &key).await;
        assert_eq!(body_hash, hash, "the list's hash is the hash of the rule's bytes");
        assert_eq!(rule["Identifier"], item["identifier"]);
        assert_eq!(rule["Country"], cc);
        assert_eq!(rule["Engine"], "CERTLOGIC");
        assert!(rule["Logic"].is_object());
        // Lower-case country codes are accepted, as by the real service.
        let lower = get(&s, &format!("/rules/{}/{hash}", cc.to_lowercase())).await;
        assert_eq!(lower.status(), 200);
    }
    let xt: Vec<Value> = json(get(&s, "/rules/xt").await).await.unwrap();
    assert_eq!(xt, rules.iter().filter(|r| r["country"] == "XT").cloned().collect::<Vec<_>>());

    let (sets, _) = signed_json(&s, "/valuesets", &key).await;
    for item in sets.as_array().unwrap() {
        let hash = item["hash"].as_str().unwrap();
        let (set, body_hash) = signed_json(&s, &format!("/valuesets/{hash}"), &key).await;
        assert_eq!(body_hash, hash);
        assert_eq!(set["valueSetId"], item["id"]);
    }
    let (countries, _) = signed_json(&s, "/countrylist", &key).await;
    assert_eq!(countries, serde_json::json!(["DE", "XT"]));

    assert_eq!(get(&s, "/rules/X1").await.status(), 400);
    assert_eq!(get(&s, "/rules/XTX/abc").await.status(), 400);
    assert_eq!(get(&s, "/rules/XT/../../trustlist.json").await.status(), 404);
    assert_eq!(get(&s, &format!("/rules/XT/{}", "0".repeat(64))).await.status(), 404);
    assert_eq!(get(&s, "/valuesets/..%2Frules.json").await.status(), 404);
}

#[tokio::test]
async fn error_after_n_pages_then_resume_once_cleared() {
    let s = start(&fixtures()).await;
    s.faults().inject(UPDATE, Fault::ErrorAfter { ok: 3 });
    let mut token: Option<String> = None;
    for want in ["1", "2", "3"] {
        let r = page(&s, token.as_deref()).await;
        assert_eq!(r.status(), 200);
        token = Some(header(&r, "x-resume-token"));
        assert_eq!(token.as_deref(), Some(want));
    }
    assert_eq!(page(&s, token.as_deref()).await.status(), 500);
    assert_eq!(page(&s, token.as_deref()).await.status(), 500);
    assert_eq!(get(&s, STATUS).await.status(), 200, "other paths are unaffected");
    s.faults().clear();
    assert_eq!(page_all(&s, token).await.len(), 6);
    let log = s.requests();
    assert_eq!(log.iter().filter(|r| r.path == UPDATE && r.status == 500).count(), 2);
    assert_eq!(log[1].resume_token.as_deref(), Some("1"));
}

/// Raw HTTP/1.1 GET: (head, body bytes received, how the read ended).
async fn raw_get(s: &RunningServer, path: &str) -> (String, Vec<u8>, std::io::Result<()>) {
    let mut tcp = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr());
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        match tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await.expect("no hang") {
            Ok(0) => break Ok(()),
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) => break Err(e),
        }
    };
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head") + 4;
    (String::from_utf8_lossy(&all[..split]).into_owned(), all[split..].to_vec(), end)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
        .expect("content-length")
}

#[tokio::test]
async fn reset_breaks_the_body_off_with_a_tcp_reset() {
    let s = start(&fixtures()).await;
    s.faults().inject(DE, Fault::Reset);
    let (head, body, end) = raw_get(&s, DE).await;
    let full = fs::read(fixtures().join("de/trustlist")).unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(content_length(&head), full.len());
    assert!(body.len() < full.len() && full.starts_with(&body), "got {} of {} bytes", body.len(), full.len());
    assert_eq!(end.expect_err("connection reset").kind(), std::io::ErrorKind::ConnectionReset);
    assert!(get(&s, DE).await.bytes().await.is_err(), "a client reading the body sees an error");
    assert_eq!(get(&s, STATUS).await.status(), 200, "other paths are unaffected");
}

#[tokio::test]
async fn truncated_body_declares_more_than_it_sends_then_closes() {
    let s = start(&fixtures()).await;
    s.faults().inject(STATUS, Fault::Truncate);
    let (head, body, end) = raw_get(&s, STATUS).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.len() < content_length(&head));
    assert!(end.is_ok(), "closed with FIN, not reset: {end:?}");
    assert!(get(&s, STATUS).await.bytes().await.is_err());
    s.faults().clear_path(STATUS);
    assert!(json::<Vec<String>>(get(&s, STATUS).await).await.is_ok());
}

#[tokio::test]
async fn endless_body_streams_past_any_cap_and_stop_ends_it() {
    let s = start(&fixtures()).await;
    s.faults().inject(ANY, Fault::Endless);
    let mut r = get(&s, "/countrylist").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-length").is_none());
    let cap = 4 * 1024 * 1024;
    let mut got = 0;
    while got <= cap {
        got += r.chunk().await.expect("stream continues").expect("not ended").len();
    }
    let started = Instant::now();
    s.stop().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(4), "stop ends endless bodies");
    loop {
        match r.chunk().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("an endless body must not end cleanly"),
            Err(_) => break,
        }
    }
}

#[tokio::test]
async fn slow_server_delays_headers_and_chunks() {
    let s = start(&fixtures()).await;
    let full = fs::read(fixtures().join("de/trustlist")).unwrap();
    let chunk = full.len() / 4 + 1;
    let fault =
        Fault::Slow { before_headers: Duration::from_millis(300), chunk, between_chunks: Duration::from_millis(50) };
    s.faults().inject(DE, fault);
    let started = Instant::now();
    let r = get(&s, DE).await;
    assert!(started.elapsed() >= Duration::from_millis(300), "headers came after {:?}", started.elapsed());
    let body = r.bytes().await.unwrap();
    assert_eq!(body, full);
    assert!(started.elapsed() >= Duration::from_millis(450), "3 pauses between 4 chunks");

    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(100)).build().unwrap();
    let err = impatient.get(format!("{}{DE}", s.url())).send().await.expect_err("times out");
    assert!(err.is_timeout());
}

#[tokio::test]
async fn replacement_serves_the_given_response_until_cleared() {
    let s = start(&fixtures()).await;
    let bad = fs::read(fixtures().join("variants/de-trustlist-bad-signature")).unwrap();
    s.faults().inject(DE, Fault::Replace(Replacement::new(200, bad.clone()).header("content-type", "text/plain")));
    let r = get(&s, DE).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "etag"), format!("\"{}\"", hex_sha256(&bad)));
    assert_eq!(r.bytes().await.unwrap(), bad);

    s.faults().inject("/rules", Fault::Replace(Replacement::new(503, "busy").header("Retry-After", "1")));
    let r = get(&s, "/rules").await;
    assert_eq!((r.status().as_u16(), header(&r, "retry-after")), (503, "1".to_owned()));
    assert!(r.headers().get("etag").is_none());

    // A replacement on a path the server does not know.
    s.faults().inject("/extra", Fault::Replace(Replacement::new(200, "[]")));
    assert_eq!(get(&s, "/extra").await.text().await.unwrap(), "[]");

    s.faults().clear();
    assert_eq!(get(&s, DE).await.bytes().await.unwrap(), fs::read(fixtures().join("de/trustlist")).unwrap());
    assert_eq!(get(&s, "/rules").await.status(), 200);
}

#[tokio::test]
async fn request_log_records_conditional_and_paged_requests() {
    let s = start(&fixtures()).await;
    let tag = header(&get(&s, DE).await, "etag");
    let r = client().get(format!("{}{DE}", s.url())).header("If-None-Match", tag).send().await.unwrap();
    assert_eq!(r.status(), 304);
    page(&s, Some("3")).await;
    let log = s.requests();
    let summary: Vec<(&str, u16, bool, Option<&str>)> =
        log.iter().map(|r| (r.path.as_str(), r.status, r.if_none_match, r.resume_token.as_deref())).collect();
    assert_eq!(summary, [(DE, 200, false, None), (DE, 304, true, None), (UPDATE, 200, false, Some("3"))]);
    s.clear_requests();
    assert!(s.requests().is_empty());
}

#[test]
fn cli_trust_serve_listens_and_serves() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_healthcert"))
        .args(["trust", "serve"])
        .arg(fixtures())
        .args(["--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("healthcert runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_owned);
    let served = url.map(|url| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async { json::<Vec<String>>(client().get(format!("{url}{STATUS}")).send().await.unwrap()).await })
    });
    let _ = child.kill();
    let _ = child.wait();
    let kids = served.unwrap_or_else(|| panic!("no URL in {line:?}")).expect("status JSON");
    assert_eq!(kids.len(), 9);
}
