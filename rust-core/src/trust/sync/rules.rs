//! The DGCA business-rule service: `GET /rules` (identifier, version,
//! country, hash of every rule), `GET /rules/{CC}/{hash}`, `GET /valuesets`
//! (id, hash), `GET /valuesets/{hash}`, `GET /countrylist`.
//!
//! Each list is requested conditionally (its entity tag from the last
//! sync); only rules and value sets whose hash is not already held are
//! downloaded, and each must hash (lowercase hex SHA-256 of its bytes) to the
//! hash the list announced. With a signing key configured, every signed body
//! must carry an `X-SIGNATURE` that verifies: as the real service computes
//! it, an ECDSA P-256 / SHA-256 signature (DER, base64) over the UTF-8 text
//! of the body's lowercase hex SHA-256.

use base64::Engine as _;
use serde::Deserialize;

use super::http::{Fetched, HttpClient};
use super::{FetchContext, FetchFuture, SyncConfig, SyncError, SyncEvent, TrustSource, endpoint};
use crate::crypto::{self, PublicKey};
use crate::trust::update::{RuleRecord, SignerChange, SourceId, SourceKind, SourceMeta, Update, ValueSetRecord};

/// Most rules or value sets accepted from one service.
const MAX_ITEMS: usize = 20_000;

#[derive(Deserialize)]
struct RuleEntry {
    identifier: String,
    version: String,
    country: String,
    hash: String,
}

#[derive(Deserialize)]
struct ValueSetEntry {
    id: String,
    hash: String,
}

/// A path segment from the service (country, hash): refuse anything that
/// could change the URL's shape.
fn segment(s: &str, url: &str) -> Result<String, SyncError> {
    if !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(s.to_owned())
    } else {
        Err(SyncError::Malformed {
            url: url.to_owned(),
            reason: "an identifier that is not a plain URL segment".into(),
        })
    }
}

fn check_signature(response: &Fetched, key: Option<&PublicKey>, url: &str) -> Result<(), SyncError> {
    let Some(key) = key else { return Ok(()) };
    let bad = || SyncError::BadSignature { what: url.to_owned() };
    let signature = response
        .header("X-SIGNATURE")
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s.trim()).ok())
        .ok_or_else(bad)?;
    let hash = hex_sha256(&response.body);
    crypto::verify_p256_sha256(key, hash.as_bytes(), &signature).map_err(|_| bad())
}

/// Lowercase hex SHA-256, the rule service's content hash.
fn hex_sha256(body: &[u8]) -> String {
    use std::fmt::Write as _;
    crypto::sha256(body).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// One conditional list request: `None` when unchanged (304).
async fn list(
    http: &HttpClient,
    config: &SyncConfig,
    url: &str,
    etag: Option<&str>,
    key: Option<&PublicKey>,
) -> Result<Option<Fetched>, SyncError> {
    let conditional: Vec<(&str, String)> = etag.iter().map(|e| ("If-None-Match", (*e).to_owned())).collect();
    let response = http.get(url, &conditional, config.max_list_bytes).await?;
    match response.status {
        304 => Ok(None),
        200 => {
            check_signature(&response, key, url)?;
            Ok(Some(response))
        }
        status => Err(SyncError::Status { url: url.to_owned(), status }),
    }
}

/// One rule or value set, checked against the hash the list announced.
async fn item(
    http: &HttpClient,
    config: &SyncConfig,
    url: &str,
    hash: &str,
    key: Option<&PublicKey>,
) -> Result<Vec<u8>, SyncError> {
    let response = http.get(url, &[], config.max_item_bytes).await?;
    if response.status != 200 {
        return Err(SyncError::Status { url: url.to_owned(), status: response.status });
    }
    check_signature(&response, key, url)?;
    if !hex_sha256(&response.body).eq_ignore_ascii_case(hash) {
        return Err(SyncError::Malformed {
            url: url.to_owned(),
            reason: "the content does not match its listed hash".into(),
        });
    }
    Ok(response.body)
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8], url: &str) -> Result<Vec<T>, SyncError> {
    let items: Vec<T> = serde_json::from_slice(body)
        .map_err(|e| SyncError::Malformed { url: url.to_owned(), reason: format!("unexpected list: {e}") })?;
    if items.len() > MAX_ITEMS {
        return Err(SyncError::Malformed { url: url.to_owned(), reason: format!("more than {MAX_ITEMS} items") });
    }
    Ok(items)
}

/// The three entity tags of the source, kept together in its metadata.
fn etags(meta: &SourceMeta) -> [Option<String>; 3] {
    let mut parts = meta.etag.as_deref().unwrap_or_default().split('\n').map(|s| (!s.is_empty()).then(|| s.to_owned()));
    [parts.next().flatten(), parts.next().flatten(), parts.next().flatten()]
}

/// A DGCA business-rule service at a base URL; with a key, every body must
/// carry an `X-SIGNATURE` that verifies with it.
#[derive(Debug, Clone)]
pub struct RuleServiceSource {
    base: String,
    key: Option<PublicKey>,
}

impl RuleServiceSource {
    /// The service at `base`, checking signatures with `key` when given.
    pub fn new(base: impl Into<String>, key: Option<PublicKey>) -> Self {
        RuleServiceSource { base: base.into(), key }
    }
}

impl TrustSource for RuleServiceSource {
    fn id(&self) -> SourceId {
        SourceId { kind: SourceKind::Rules, location: self.base.clone() }
    }

    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(fetch(ctx, self.id(), &self.base, self.key.as_ref()))
    }
}

async fn fetch(
    ctx: &FetchContext<'_>,
    source: SourceId,
    base: &str,
    key: Option<&PublicKey>,
) -> Result<Update, SyncError> {
    let (http, config, store, progress) = (ctx.http, ctx.config, ctx.store, ctx.progress);
    let [rules_etag, sets_etag, countries_etag] = etags(&ctx.meta);
    let rules_url = endpoint(base, "rules");
    let sets_url = endpoint(base, "valuesets");
    let countries_url = endpoint(base, "countrylist");

    let rules_list = list(http, config, &rules_url, rules_etag.as_deref(), key).await?;
    let sets_list = list(http, config, &sets_url, sets_etag.as_deref(), key).await?;
    let countries_list = list(http, config, &countries_url, countries_etag.as_deref(), key).await?;

    let mut done = 0usize;
    let rules = match &rules_list {
        None => None,
        Some(response) => {
            let entries: Vec<RuleEntry> = parse(&response.body, &rules_url)?;
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let country = segment(&e.country, &rules_url)?;
                let hash = segment(&e.hash, &rules_url)?;
                let held = store.rules(&country).map_err(SyncError::Store)?.into_iter().find(|r| r.hash == hash);
                let json = match held {
                    Some(r) => r.json,
                    None => item(http, config, &endpoint(&rules_url, &format!("{country}/{hash}")), &hash, key).await?,
                };
                out.push(RuleRecord { country, identifier: e.identifier, version: e.version, hash, json });
                done += 1;
                progress.event(SyncEvent::Progress { source: source.clone(), done, total: None });
            }
            Some(out)
        }
    };
    let value_sets = match &sets_list {
        None => None,
        Some(response) => {
            let entries: Vec<ValueSetEntry> = parse(&response.body, &sets_url)?;
            let held = store.value_sets().map_err(SyncError::Store)?;
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let hash = segment(&e.hash, &sets_url)?;
                let json = match held.iter().find(|v| v.hash == hash) {
                    Some(v) => v.json.clone(),
                    None => item(http, config, &endpoint(&sets_url, &hash), &hash, key).await?,
                };
                out.push(ValueSetRecord { id: e.id, hash, json });
                done += 1;
                progress.event(SyncEvent::Progress { source: source.clone(), done, total: None });
            }
            Some(out)
        }
    };
    let countries = match &countries_list {
        None => None,
        Some(response) => Some(parse::<String>(&response.body, &countries_url)?),
    };

    let etag = [
        rules_list.as_ref().map_or(rules_etag, |r| r.header("etag")),
        sets_list.as_ref().map_or(sets_etag, |r| r.header("etag")),
        countries_list.as_ref().map_or(countries_etag, |r| r.header("etag")),
    ]
    .map(Option::unwrap_or_default)
    .join("\n");
    Ok(Update {
        source,
        signers: SignerChange::Unchanged,
        rules,
        value_sets,
        countries,
        meta: SourceMeta { etag: Some(etag), resume_token: None, list_issued_at: None },
        skipped: Vec::new(),
    })
}
