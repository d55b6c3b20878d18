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

use std::collections::{HashMap, HashSet};

use base64::Engine as _;

use super::http::{Fetched, HttpClient};
use super::{FetchContext, FetchFuture, MalformedReason, SyncConfig, SyncError, SyncEvent, TrustSource, endpoint};
use crate::crypto::{self, PublicKey};
use crate::rules::{Rule, ValueSets};
use crate::trust::file::SkippedEntry;
use crate::trust::protocol;
use crate::trust::update::{RuleRecord, SignerChange, SourceId, SourceKind, SourceMeta, Update, ValueSetRecord};

fn check_signature(response: &Fetched, key: Option<&PublicKey>, url: &str) -> Result<(), SyncError> {
    let Some(key) = key else { return Ok(()) };
    let bad = || SyncError::BadSignature { what: url.to_owned() };
    let signature = response
        .header("X-SIGNATURE")
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s.trim()).ok())
        .ok_or_else(bad)?;
    let hash = protocol::content_hash(&response.body);
    crypto::verify_p256_sha256(key, hash.as_bytes(), &signature).map_err(|_| bad())
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
    if !protocol::content_hash(&response.body).eq_ignore_ascii_case(hash) {
        return Err(SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::HashMismatch });
    }
    Ok(response.body)
}

fn malformed(url: &str, e: protocol::ProtocolError) -> SyncError {
    SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::List(e) }
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
    let (http, config, store) = (ctx.http, ctx.config, ctx.store);
    let [rules_etag, sets_etag, countries_etag] = etags(&ctx.meta);
    let rules_url = endpoint(base, "rules");
    let sets_url = endpoint(base, "valuesets");
    let countries_url = endpoint(base, "countrylist");

    let rules_list = list(http, config, &rules_url, rules_etag.as_deref(), key).await?;
    let sets_list = list(http, config, &sets_url, sets_etag.as_deref(), key).await?;
    let countries_list = list(http, config, &countries_url, countries_etag.as_deref(), key).await?;

    let mut skipped = Vec::new();
    let (held_rules, held_sets) = if rules_list.is_some() || sets_list.is_some() {
        store.source_rules(&source).map_err(SyncError::Store)?
    } else {
        Default::default()
    };
    let mut done = 0usize;
    let rules = match &rules_list {
        None => None,
        Some(response) => {
            let entries = protocol::rule_list(&response.body).map_err(|e| malformed(&rules_url, e))?;
            if entries.len() > config.max_rules {
                return Err(SyncError::TooManyItems { url: rules_url, cap: config.max_rules });
            }
            Some(fetch_rules(ctx, &source, &rules_url, entries, held_rules, key, &mut done, &mut skipped).await?)
        }
    };
    let value_sets = match &sets_list {
        None => None,
        Some(response) => {
            let entries = protocol::value_set_list(&response.body).map_err(|e| malformed(&sets_url, e))?;
            if entries.len() > config.max_rules {
                return Err(SyncError::TooManyItems { url: sets_url, cap: config.max_rules });
            }
            Some(fetch_value_sets(ctx, &source, &sets_url, entries, held_sets, key, &mut done, &mut skipped).await?)
        }
    };
    let countries = match &countries_list {
        None => None,
        Some(response) => Some(protocol::country_list(&response.body).map_err(|e| malformed(&countries_url, e))?),
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
        skipped,
    })
}

/// Every rule the list announces, each hash once: held ones reused,
/// others downloaded, all compiled; one that does not compile is skipped
/// and the source's held version of it kept.
#[allow(clippy::too_many_arguments)]
async fn fetch_rules(
    ctx: &FetchContext<'_>,
    source: &SourceId,
    rules_url: &str,
    entries: Vec<protocol::RuleEntry>,
    held: Vec<RuleRecord>,
    key: Option<&PublicKey>,
    done: &mut usize,
    skipped: &mut Vec<SkippedEntry>,
) -> Result<Vec<RuleRecord>, SyncError> {
    let (http, config, store, progress) = (ctx.http, ctx.config, ctx.store, ctx.progress);
    let mut out: Vec<RuleRecord> = Vec::with_capacity(entries.len());
    let mut hashes: HashSet<String> = HashSet::with_capacity(entries.len());
    // Rules already held (from any source) by country, then hash: read once
    // per country, not once per rule. Held rules compiled when they were
    // stored; they are reused without a download.
    let mut known: HashMap<String, HashMap<String, Vec<u8>>> = HashMap::new();
    let mut broken: Vec<(String, String)> = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let (country, hash) = (e.country, e.hash);
        let position = format!("{rules_url} entry {i} ({country} {})", e.identifier);
        if !hashes.insert(hash.to_ascii_lowercase()) {
            skipped.push(SkippedEntry { position, reason: "a hash listed before (each rule is used once)".into() });
            continue;
        }
        if !known.contains_key(&country) {
            let rules = store.rules(&country).map_err(SyncError::Store)?;
            known.insert(country.clone(), rules.into_iter().map(|r| (r.hash, r.json)).collect());
        }
        let reused = known.get_mut(&country).and_then(|by_hash| by_hash.remove(&hash));
        let json = match reused {
            Some(json) => json,
            None => {
                let url = endpoint(rules_url, &format!("{country}/{hash}"));
                let json = item(http, config, &url, &hash, key).await?;
                if let Err(reason) = Rule::from_json(&json) {
                    skipped.push(SkippedEntry { position, reason: format!("the rule does not compile: {reason}") });
                    broken.push((country, e.identifier));
                    continue;
                }
                json
            }
        };
        out.push(RuleRecord { country, identifier: e.identifier, version: e.version, hash, json });
        *done += 1;
        progress.event(SyncEvent::Progress { source: source.clone(), done: *done, total: None });
    }
    // A broken update never removes a working rule: keep what this source
    // held of it (every held version the new list does not hold already).
    for (country, identifier) in broken {
        for r in held.iter().filter(|r| r.country == country && r.identifier == identifier) {
            let taken =
                out.iter().any(|o| o.country == r.country && o.identifier == r.identifier && o.version == r.version);
            if !taken && hashes.insert(r.hash.to_ascii_lowercase()) {
                out.push(r.clone());
            }
        }
    }
    Ok(out)
}

/// Every value set the list announces, each hash once; one that cannot be
/// read is skipped and the source's held value set of that id kept.
#[allow(clippy::too_many_arguments)]
async fn fetch_value_sets(
    ctx: &FetchContext<'_>,
    source: &SourceId,
    sets_url: &str,
    entries: Vec<protocol::ValueSetEntry>,
    held: Vec<ValueSetRecord>,
    key: Option<&PublicKey>,
    done: &mut usize,
    skipped: &mut Vec<SkippedEntry>,
) -> Result<Vec<ValueSetRecord>, SyncError> {
    let (http, config, store, progress) = (ctx.http, ctx.config, ctx.store, ctx.progress);
    let mut known: HashMap<String, Vec<u8>> =
        store.value_sets().map_err(SyncError::Store)?.into_iter().map(|v| (v.hash, v.json)).collect();
    let mut out: Vec<ValueSetRecord> = Vec::with_capacity(entries.len());
    let mut hashes: HashSet<String> = HashSet::with_capacity(entries.len());
    let mut broken: Vec<String> = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let position = format!("{sets_url} entry {i} ({})", e.id);
        if !hashes.insert(e.hash.to_ascii_lowercase()) {
            skipped
                .push(SkippedEntry { position, reason: "a hash listed before (each value set is used once)".into() });
            continue;
        }
        let json = match known.remove(&e.hash) {
            Some(json) => json,
            None => {
                let json = item(http, config, &endpoint(sets_url, &e.hash), &e.hash, key).await?;
                if let Some(bad) = ValueSets::from_json([&json]).1.first() {
                    skipped.push(SkippedEntry {
                        position,
                        reason: format!("the value set cannot be read: {}", bad.reason),
                    });
                    broken.push(e.id);
                    continue;
                }
                json
            }
        };
        out.push(ValueSetRecord { id: e.id, hash: e.hash, json });
        *done += 1;
        progress.event(SyncEvent::Progress { source: source.clone(), done: *done, total: None });
    }
    for id in broken {
        if let Some(v) = held.iter().find(|v| v.id == id)
            && !out.iter().any(|o| o.id == id)
            && hashes.insert(v.hash.to_ascii_lowercase())
        {
            out.push(v.clone());
        }
    }
    Ok(out)
}
