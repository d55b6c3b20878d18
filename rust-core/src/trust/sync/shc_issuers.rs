//! The SMART Health Card issuers the store already knows (from a VCI
//! snapshot, a registry, an imported key set), each fetched from its own
//! URL as the SMART Health Cards Framework publishes it:
//!
//! - `{iss}/.well-known/jwks.json`: the issuer's key set, read as an
//!   imported one (only ES256 signing keys on P-256 whose kid is their
//!   thumbprint; the others skipped and reported);
//! - `{iss}/.well-known/crl/{kid}.json` for each key with a `crlVersion`:
//!   its revocation list, refused when its `kid` is not that key's or its
//!   `ctr` is not the key's `crlVersion`.
//!
//! One issuer's failure (unreachable, an error status, a body over its
//! cap, a key set that is not one, an issuer URL refused by the URL policy)
//! is reported as a skipped entry and the others go on; the sync fails, and
//! the last good data is kept, only when no issuer could be read. The keys
//! fetched become this source's complete signer set and the lists are
//! stored beside them, in one transaction.
//!
//! With a mirror base URL, `{iss}` is fetched under it instead: `https://
//! host/path` becomes `{mirror}/host/path` (a local copy, or the test
//! server of `healthcert trust serve`). Every request goes through the
//! shared client: the URL policy (https only, plain http to a loopback
//! literal), the size caps and the sync's byte, request and time budgets.

use serde_json::Value;

use super::{FetchContext, FetchFuture, MalformedReason, SyncError, SyncEvent, TrustSource, endpoint};
use crate::formats::codec::json;
use crate::formats::shc::SCHEME;
use crate::trust::file::{self, LoadReport, SkippedEntry};
use crate::trust::update::{IssuerCrl, SignerChange, SignerRecord, SourceId, SourceKind, SourceMeta, Update};
use crate::trust::{crl, vci};

/// Where this source's status says it fetches from when it has no mirror.
pub const DIRECT_LOCATION: &str = "each issuer's URL";

/// The key sets and revocation lists of the SMART Health Card issuers the
/// store knows.
#[derive(Debug, Clone)]
pub struct ShcIssuersSource {
    mirror: Option<String>,
}

impl ShcIssuersSource {
    /// Each issuer at its own URL (`mirror` `None`), or under the base URL
    /// `mirror`.
    pub fn new(mirror: Option<String>) -> Self {
        ShcIssuersSource { mirror: mirror.filter(|m| !m.is_empty()) }
    }

    /// `{iss}` as fetched: itself, or under the mirror.
    fn base(&self, iss: &str) -> String {
        match &self.mirror {
            None => iss.to_owned(),
            Some(mirror) => {
                let rest = iss.strip_prefix("https://").or_else(|| iss.strip_prefix("http://")).unwrap_or(iss);
                endpoint(mirror, rest)
            }
        }
    }
}

impl TrustSource for ShcIssuersSource {
    fn id(&self) -> SourceId {
        SourceId {
            kind: SourceKind::ShcIssuers,
            location: self.mirror.clone().unwrap_or_else(|| DIRECT_LOCATION.to_owned()),
        }
    }

    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(fetch(ctx, self))
    }
}

/// The largest key set read, in bytes.
const MAX_JWKS_LEN: usize = 1024 * 1024;

async fn fetch(ctx: &FetchContext<'_>, source: &ShcIssuersSource) -> Result<Update, SyncError> {
    let id = source.id();
    let issuers = ctx.store.issuers(SCHEME, Some(&id)).map_err(SyncError::Store)?;
    if issuers.len() > vci::MAX_ISSUERS {
        return Err(SyncError::TooManyItems { url: id.location.clone(), cap: vci::MAX_ISSUERS });
    }
    let mut report = LoadReport::default();
    let mut records = Vec::new();
    let mut crls = Vec::new();
    let mut reached = 0usize;
    for (i, iss) in issuers.iter().enumerate() {
        ctx.progress.event(SyncEvent::Progress { source: id.clone(), done: i, total: Some(issuers.len()) });
        let position = format!("issuer {}", crate::text::display_bounded(iss, 200));
        match issuer(ctx, source, iss, &position, &mut report).await {
            Ok((keys, lists)) => {
                reached += 1;
                records.extend(keys.iter().filter_map(SignerRecord::of));
                crls.extend(lists);
            }
            Err(e) => report.skipped.push(SkippedEntry { position, reason: e.to_string() }),
        }
    }
    if reached == 0 && !issuers.is_empty() {
        return Err(SyncError::Malformed {
            url: id.location.clone(),
            reason: MalformedReason::NoIssuerReached { tried: issuers.len() },
        });
    }
    Ok(Update {
        signers: SignerChange::Replace(records),
        skipped: report.skipped,
        crls,
        ..Update::unchanged(id, SourceMeta::default())
    })
}

/// One issuer: its usable keys and revocation lists (a list that fails is
/// reported alone), or why none could be read.
async fn issuer(
    ctx: &FetchContext<'_>,
    source: &ShcIssuersSource,
    iss: &str,
    position: &str,
    report: &mut LoadReport,
) -> Result<(Vec<crate::trust::SignerKey>, Vec<IssuerCrl>), SyncError> {
    let base = source.base(iss);
    let url = endpoint(&base, ".well-known/jwks.json");
    let response = ctx.http.get(&url, &[], MAX_JWKS_LEN).await?;
    if response.status != 200 {
        return Err(SyncError::Status { url, status: response.status });
    }
    let keys = file::parse_jwks(&url, &response.body, iss, report)
        .map_err(|e| SyncError::Malformed { url: url.clone(), reason: MalformedReason::Issuer(e.to_string()) })?;
    // The crlVersion of each key, read from the set as published.
    let versions: Vec<(String, u64)> = json::parse::<Value>(response.body.trim_ascii_start(), MAX_JWKS_LEN, 8)
        .ok()
        .and_then(|v| v.get("keys").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|k| Some((k.get("kid")?.as_str()?.to_owned(), crl_version(k.get("crlVersion")?)?)))
        .collect();
    let mut lists = Vec::new();
    for key in &keys {
        let kid = key.kid_text();
        let Some((_, version)) = versions.iter().find(|(k, _)| *k == kid) else { continue };
        let crl_url = endpoint(&base, &format!(".well-known/crl/{kid}.json"));
        let got = async {
            let r = ctx
                .http
                .get(&crl_url, &[], crl::MAX_CRL_LEN.min(ctx.config.max_list_bytes))
                .await
                .map_err(|e| e.to_string())?;
            if r.status != 200 {
                return Err(format!("{crl_url} answered HTTP {}", r.status));
            }
            let list = file::parse_crl(&crl_url, &r.body, iss).map_err(|e| e.to_string())?;
            if list.kid != kid {
                return Err(format!("{crl_url}: the list is for another key"));
            }
            if list.ctr != *version {
                return Err(format!("{crl_url}: its ctr {} is not the key's crlVersion {version}", list.ctr));
            }
            Ok(list)
        };
        match got.await {
            Ok(list) => lists.push(IssuerCrl { scheme: SCHEME, issuer: iss.to_owned(), crl: list }),
            Err(reason) => {
                report.skipped.push(SkippedEntry { position: format!("{position} crl of key {kid}"), reason })
            }
        }
    }
    Ok((keys, lists))
}

/// A key's `crlVersion`: a number or, as the VCI directory writes it, a
/// numeric string.
fn crl_version(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_holds_each_issuer_under_its_host_and_path() {
        let direct = ShcIssuersSource::new(None);
        assert_eq!(direct.base("https://issuer.example/shc"), "https://issuer.example/shc");
        assert_eq!(direct.id().location, DIRECT_LOCATION);
        let mirror = ShcIssuersSource::new(Some("http://127.0.0.1:8080/shc-issuers/".into()));
        assert_eq!(mirror.base("https://issuer.example/shc"), "http://127.0.0.1:8080/shc-issuers/issuer.example/shc");
        assert_eq!(crl_version(&"12".into()), Some(12));
        assert_eq!(crl_version(&3.into()), Some(3));
        assert_eq!(crl_version(&"x".into()), None);
    }
}
