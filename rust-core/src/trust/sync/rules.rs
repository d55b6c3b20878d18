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
use crate::trust::protocol::{self, RuleEntry, ValueSetEntry};
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

/// The entries of a rule or value set list, read by `read`; a list of more
/// than [`SyncConfig::max_rules`] items is refused whole.
fn entries<T>(
    list: &Fetched,
    url: &str,
    config: &SyncConfig,
    read: fn(&[u8]) -> Result<Vec<T>, protocol::ProtocolError>,
) -> Result<Vec<T>, SyncError> {
    let entries = read(&list.body).map_err(|e| malformed(url, e))?;
    if entries.len() > config.max_rules {
        return Err(SyncError::TooManyItems { url: url.to_owned(), cap: config.max_rules });
    }
    Ok(entries)
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

    let (held_rules, held_sets) = if rules_list.is_some() || sets_list.is_some() {
        store.source_rules(&source).map_err(SyncError::Store)?
    } else {
        Default::default()
    };
    let mut items = Items { ctx, source: &source, key, done: 0, skipped: Vec::new() };
    let rules = match &rules_list {
        None => None,
        Some(list) => {
            let entries = entries(list, &rules_url, config, protocol::rule_list)?;
            Some(items.rules(&rules_url, entries, held_rules).await?)
        }
    };
    let value_sets = match &sets_list {
        None => None,
        Some(list) => {
            let entries = entries(list, &sets_url, config, protocol::value_set_list)?;
            Some(items.value_sets(&sets_url, entries, held_sets).await?)
        }
    };
    let skipped = items.skipped;
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
        crls: Vec::new(),
        revocation: None,
    })
}

/// What the downloads of the rules and value sets of one sync share: the
/// source, its signing key, the items done so far (for progress events) and
/// the entries skipped.
struct Items<'a> {
    ctx: &'a FetchContext<'a>,
    source: &'a SourceId,
    key: Option<&'a PublicKey>,
    done: usize,
    skipped: Vec<SkippedEntry>,
}

impl Items<'_> {
    /// The item at `url`, checked against the `hash` its list gives.
    async fn download(&self, url: &str, hash: &str) -> Result<Vec<u8>, SyncError> {
        item(self.ctx.http, self.ctx.config, url, hash, self.key).await
    }

    fn skip(&mut self, position: String, reason: impl Into<String>) {
        self.skipped.push(SkippedEntry { position, reason: reason.into() });
    }

    /// One more item done: a progress event.
    fn one_done(&mut self) {
        self.done += 1;
        self.ctx.progress.event(SyncEvent::Progress { source: self.source.clone(), done: self.done, total: None });
    }

    /// Every rule the list announces, each hash once: held ones reused,
    /// others downloaded, all compiled; one that does not compile is skipped
    /// and the source's held version of it kept.
    async fn rules(
        &mut self,
        url: &str,
        entries: Vec<RuleEntry>,
        held: Vec<RuleRecord>,
    ) -> Result<Vec<RuleRecord>, SyncError> {
        let mut out: Vec<RuleRecord> = Vec::with_capacity(entries.len());
        let mut hashes: HashSet<String> = HashSet::with_capacity(entries.len());
        // Rules already held (from any source) by country, then hash: read once
        // per country, not once per rule. Held rules compiled when they were
        // stored; they are reused without a download.
        let mut known: HashMap<String, HashMap<String, Vec<u8>>> = HashMap::new();
        let mut broken: Vec<(String, String)> = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            let (country, hash) = (e.country, e.hash);
            let position = format!("{url} entry {i} ({country} {})", e.identifier);
            if !hashes.insert(hash.to_ascii_lowercase()) {
                self.skip(position, "a hash listed before (each rule is used once)");
                continue;
            }
            if !known.contains_key(&country) {
                let rules = self.ctx.store.rules(&country).map_err(SyncError::Store)?;
                known.insert(country.clone(), rules.into_iter().map(|r| (r.hash, r.json)).collect());
            }
            let reused = known.get_mut(&country).and_then(|by_hash| by_hash.remove(&hash));
            let json = match reused {
                Some(json) => json,
                None => {
                    let rule_url = endpoint(url, &format!("{country}/{hash}"));
                    let json = self.download(&rule_url, &hash).await?;
                    if let Err(reason) = Rule::from_json(&json) {
                        self.skip(position, format!("the rule does not compile: {reason}"));
                        broken.push((country, e.identifier));
                        continue;
                    }
                    json
                }
            };
            out.push(RuleRecord { country, identifier: e.identifier, version: e.version, hash, json });
            self.one_done();
        }
        // A broken update never removes a working rule: keep what this source
        // held of it (every held version the new list does not hold already).
        for (country, identifier) in broken {
            for r in held.iter().filter(|r| r.country == country && r.identifier == identifier) {
                let taken = out
                    .iter()
                    .any(|o| o.country == r.country && o.identifier == r.identifier && o.version == r.version);
                if !taken && hashes.insert(r.hash.to_ascii_lowercase()) {
                    out.push(r.clone());
                }
            }
        }
        Ok(out)
    }

    /// Every value set the list announces, each hash once; one that cannot be
    /// read is skipped and the source's held value set of that id kept.
    async fn value_sets(
        &mut self,
        url: &str,
        entries: Vec<ValueSetEntry>,
        held: Vec<ValueSetRecord>,
    ) -> Result<Vec<ValueSetRecord>, SyncError> {
        let mut known: HashMap<String, Vec<u8>> =
            self.ctx.store.value_sets().map_err(SyncError::Store)?.into_iter().map(|v| (v.hash, v.json)).collect();
        let mut out: Vec<ValueSetRecord> = Vec::with_capacity(entries.len());
        let mut hashes: HashSet<String> = HashSet::with_capacity(entries.len());
        let mut broken: Vec<String> = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            let position = format!("{url} entry {i} ({})", e.id);
            if !hashes.insert(e.hash.to_ascii_lowercase()) {
                self.skip(position, "a hash listed before (each value set is used once)");
                continue;
            }
            let json = match known.remove(&e.hash) {
                Some(json) => json,
                None => {
                    let json = self.download(&endpoint(url, &e.hash), &e.hash).await?;
                    if let Some(bad) = ValueSets::from_json([&json]).1.first() {
                        self.skip(position, format!("the value set cannot be read: {}", bad.reason));
                        broken.push(e.id);
                        continue;
                    }
                    json
                }
            };
            out.push(ValueSetRecord { id: e.id, hash: e.hash, json });
            self.one_done();
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
}
