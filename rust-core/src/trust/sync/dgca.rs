//! The DGCA verifier-service protocol: `GET /signercertificateUpdate`
//! delivers one signer certificate per response (base64 DER body, its
//! `X-KID`, and an `X-RESUME-TOKEN`), repeated with the last token until the
//! server answers 204; `GET /signercertificateStatus` lists the kids that are
//! currently valid, and every other signer of the source is dropped.
//!
//! A first sync downloads everything; later syncs resume from the token of
//! the last committed sync, so only new certificates travel. All pages are
//! collected and verified before anything is applied; what they can hold is
//! bounded by the sync's byte budget ([`SyncConfig::max_sync_bytes`]), their
//! number by [`SyncConfig::max_pages`] and the request budget.
//!
//! A hostile server cannot keep the paging going: a resume token seen
//! before in this sync (A, B, A, B, …, not only the previous one) or longer
//! than [`SyncConfig::max_resume_token_bytes`] ends it with
//! [`SyncError::ResumeToken`], and the sync's deadline ends a server that
//! sends each page just in time.
//!
//! [`SyncConfig::max_sync_bytes`]: super::SyncConfig::max_sync_bytes
//! [`SyncConfig::max_pages`]: super::SyncConfig::max_pages
//! [`SyncConfig::max_resume_token_bytes`]: super::SyncConfig::max_resume_token_bytes

use std::collections::HashSet;

use super::{
    FetchContext, FetchFuture, MalformedReason, ResumeTokenReason, SyncError, SyncEvent, TrustSource, endpoint,
};
use crate::trust::file::SkippedEntry;
use crate::trust::protocol;
use crate::trust::update::{SignerChange, SignerRecord, SourceId, SourceKind, SourceMeta, Update};

/// A DGCA verifier service at a base URL (the endpoints are appended).
#[derive(Debug, Clone)]
pub struct DgcaSource {
    base: String,
}

impl DgcaSource {
    /// The service at `base` (`https://host/path`).
    pub fn new(base: impl Into<String>) -> Self {
        DgcaSource { base: base.into() }
    }
}

impl TrustSource for DgcaSource {
    fn id(&self) -> SourceId {
        SourceId { kind: SourceKind::Dgca, location: self.base.clone() }
    }

    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(fetch(ctx, self.id(), &self.base))
    }
}

async fn fetch(ctx: &FetchContext<'_>, source: SourceId, base: &str) -> Result<Update, SyncError> {
    let (http, config, meta, progress) = (ctx.http, ctx.config, &ctx.meta, ctx.progress);
    let update_url = endpoint(base, "signercertificateUpdate");
    let incremental = meta.resume_token.is_some();
    let mut token = meta.resume_token.clone();
    let mut added: Vec<SignerRecord> = Vec::new();
    let mut skipped: Vec<SkippedEntry> = Vec::new();
    let mut page = 0usize;
    // Every token of this sync, the one it resumed from included: the
    // paging loops as soon as one comes back. Bounded by the page count
    // times the token length cap.
    let mut seen: HashSet<String> = token.iter().cloned().collect();
    loop {
        if page >= config.max_pages {
            return Err(SyncError::TooManyPages { max_pages: config.max_pages });
        }
        page += 1;
        let headers: Vec<(&str, String)> = token.iter().map(|t| ("X-RESUME-TOKEN", t.clone())).collect();
        let response = http.get(&update_url, &headers, config.max_item_bytes).await?;
        match response.status {
            204 => break,
            200 => {}
            status => return Err(SyncError::Status { url: update_url, status }),
        }
        let next = response.header("X-RESUME-TOKEN").ok_or_else(|| SyncError::Malformed {
            url: update_url.clone(),
            reason: MalformedReason::MissingResumeToken,
        })?;
        if next.len() > config.max_resume_token_bytes {
            return Err(SyncError::ResumeToken {
                url: update_url,
                reason: ResumeTokenReason::TooLong { limit: config.max_resume_token_bytes },
            });
        }
        if !seen.insert(next.clone()) {
            // A token seen before would page for ever.
            return Err(SyncError::ResumeToken { url: update_url, reason: ResumeTokenReason::Repeated { page } });
        }
        token = Some(next);
        let position = format!("{update_url} page {page}");
        let declared_kid = response.header("X-KID");
        let record = protocol::dgca_page(&response.body, declared_kid.as_deref());
        match record {
            Ok(r) => added.push(r),
            Err(e) => skipped.push(SkippedEntry { position, reason: e.to_string() }),
        }
        progress.event(SyncEvent::Progress { source: source.clone(), done: added.len(), total: None });
    }

    let status_url = endpoint(base, "signercertificateStatus");
    let conditional: Vec<(&str, String)> =
        meta.etag.iter().filter(|_| incremental).map(|e| ("If-None-Match", e.clone())).collect();
    let response = http.get(&status_url, &conditional, config.max_list_bytes).await?;
    let (keep_only, etag) = match response.status {
        // Only a conditional request may be answered "unchanged"; a first
        // sync always gets the list and filters its pages with it.
        304 if incremental => (None, meta.etag.clone()),
        200 => {
            let kids = protocol::dgca_status(&response.body)
                .map_err(|e| SyncError::Malformed { url: status_url.clone(), reason: MalformedReason::List(e) })?;
            (Some(kids), response.header("etag"))
        }
        status => return Err(SyncError::Status { url: status_url, status }),
    };

    let signers = match (incremental, keep_only) {
        (true, None) if added.is_empty() => SignerChange::Unchanged,
        (true, keep_only) => SignerChange::Incremental { add: added, keep_only },
        (false, Some(valid)) => {
            let valid: HashSet<&[u8]> = valid.iter().map(Vec::as_slice).collect();
            SignerChange::Replace(added.into_iter().filter(|r| valid.contains(r.kid.as_slice())).collect())
        }
        (false, None) => SignerChange::Replace(added),
    };
    Ok(Update {
        source,
        signers,
        rules: None,
        value_sets: None,
        countries: None,
        meta: SourceMeta { etag, resume_token: token, list_issued_at: None },
        skipped,
        crls: Vec::new(),
        revocation: None,
    })
}
