//! The VCI directory snapshot at a URL: the snapshot and its detached
//! signature (the URL with `.json` replaced by `.sig`, or `.sig` appended:
//! [`signature_url`]) are downloaded, the signature is
//! verified with the pinned anchor key over the snapshot's exact bytes, and
//! only then is the snapshot read (`trust::vci`). Its issuers' keys become
//! the source's complete signer set and its revocation lists are stored
//! beside them, in one transaction; a snapshot older than the one held is
//! refused as a rollback.

use super::{FetchContext, FetchFuture, MalformedReason, SyncError, TrustSource};
use crate::crypto::PublicKey;
use crate::trust::update::{SourceId, SourceKind, Update};
use crate::trust::vci::{self, VciError};

/// A VCI directory snapshot at a URL, verified with the directory's anchor
/// key (P-521).
#[derive(Debug, Clone)]
pub struct VciSnapshotSource {
    url: String,
    anchor: PublicKey,
}

impl VciSnapshotSource {
    /// The snapshot at `url` (its signature at `url` + `.sig`), signed by
    /// `anchor`.
    pub fn new(url: impl Into<String>, anchor: PublicKey) -> Self {
        VciSnapshotSource { url: url.into(), anchor }
    }
}

impl TrustSource for VciSnapshotSource {
    fn id(&self) -> SourceId {
        SourceId { kind: SourceKind::Vci, location: self.url.clone() }
    }

    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(fetch(ctx, self.id(), &self.url, &self.anchor))
    }
}

/// Where the detached signature of the snapshot at `url` is: `.json`
/// replaced by `.sig`, as the directory publishes it (`logs/vci_snapshot.json`
/// and `logs/vci_snapshot.sig`); otherwise `.sig` appended.
pub(super) fn signature_url(url: &str) -> String {
    match url.strip_suffix(".json") {
        Some(stem) => format!("{stem}.sig"),
        None => format!("{url}.sig"),
    }
}

async fn fetch(ctx: &FetchContext<'_>, source: SourceId, url: &str, anchor: &PublicKey) -> Result<Update, SyncError> {
    let http = ctx.http;
    let cap = ctx.config.max_list_bytes.min(vci::MAX_SNAPSHOT_LEN);
    let snapshot = http.get(url, &[], cap).await?;
    if snapshot.status != 200 {
        return Err(SyncError::Status { url: url.to_owned(), status: snapshot.status });
    }
    let sig_url = signature_url(url);
    let signature = http.get(&sig_url, &[], vci::MAX_SIGNATURE_LEN).await?;
    if signature.status != 200 {
        return Err(SyncError::Status { url: sig_url, status: signature.status });
    }
    let read = vci::parse(url, &snapshot.body, &signature.body, anchor).map_err(|e| match e {
        VciError::BadSignature | VciError::AnchorNotP521 => SyncError::BadSignature { what: url.to_owned() },
        other => SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::Vci(other) },
    })?;
    Ok(read.into_update(source))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_beside_the_snapshot() {
        assert_eq!(super::signature_url("https://h/logs/vci_snapshot.json"), "https://h/logs/vci_snapshot.sig");
        assert_eq!(super::signature_url("https://h/snapshot"), "https://h/snapshot.sig");
    }
}
