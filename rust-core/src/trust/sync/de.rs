//! A German-shaped signed signer list: one request (conditional on the
//! entity tag of the list held), then the signature is verified with the
//! pinned key before anything of the list is used.

use super::{FetchContext, FetchFuture, MalformedReason, SyncError, TrustSource};
use crate::crypto::PublicKey;
use crate::trust::signed_list::{self, ListError};
use crate::trust::update::{SourceId, SourceKind, Update};

/// A signed list in the German shape at a URL, verified with a pinned
/// list-signing key.
#[derive(Debug, Clone)]
pub struct SignedListSource {
    url: String,
    key: PublicKey,
}

impl SignedListSource {
    /// The list at `url`, signed by `key`.
    pub fn new(url: impl Into<String>, key: PublicKey) -> Self {
        SignedListSource { url: url.into(), key }
    }
}

impl TrustSource for SignedListSource {
    fn id(&self) -> SourceId {
        SourceId { kind: SourceKind::De, location: self.url.clone() }
    }

    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(fetch(ctx, self.id(), &self.url, &self.key))
    }
}

async fn fetch(ctx: &FetchContext<'_>, source: SourceId, url: &str, key: &PublicKey) -> Result<Update, SyncError> {
    let (http, config, meta) = (ctx.http, ctx.config, ctx.meta.clone());
    let conditional: Vec<(&str, String)> = meta.etag.iter().map(|e| ("If-None-Match", e.clone())).collect();
    let response = http.get(url, &conditional, config.max_list_bytes).await?;
    match response.status {
        304 => return Ok(Update::unchanged(source, meta)),
        200 => {}
        status => return Err(SyncError::Status { url: url.to_owned(), status }),
    }
    let list = signed_list::parse(url, &response.body, key).map_err(|e| match e {
        ListError::BadSignature => SyncError::BadSignature { what: url.to_owned() },
        other => SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::SignedList(other) },
    })?;
    Ok(list.into_update(source, response.header("etag")))
}
