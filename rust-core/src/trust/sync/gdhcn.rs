//! A tree of WHO GDHCN DID trust lists at a URL (`gdhcn=URL`), read as the
//! v2 layout publishes it (formats-trust-specs §3.1; WHO SMART Trust "DID
//! Trustlist v2"):
//!
//! - `…/v2/trustlist/[domain|-]/[participant|-]/[usage]/did.json`: the
//!   *embedded* documents, whose verification methods carry the keys;
//! - `…/v2/trustlist-ref/…/did.json`: the *reference* documents, whose
//!   verification methods are DID strings naming other documents of the
//!   tree (`did:web:HOST:…:v2:trustlist:DCC:CHL:DSC#frag`: the key `frag`
//!   of the embedded document `trustlist/DCC/CHL/DSC`).
//!
//! The URL names the first document: a `…/did.json` URL, or a folder whose
//! `did.json` it is (`…/v2/trustlist-ref/` for the whole tree by reference,
//! `…/v2/trustlist/-/CHL/` for one participant's embedded keys). Every
//! document's `JsonWebSignature2020` proof is verified with the pinned
//! signing key (`trust::gdhcn::parse`) before anything of it is read.
//! The first document's `id` fixes the tree: the DID prefix before its
//! `trustlist`/`trustlist-ref` segment, and the base URL its remaining
//! segments are read under (the URL must end with them: a document served
//! at another place than its DID is refused). A reference in the tree is
//! followed at `base/<segments>/did.json` (the fragment dropped; the
//! document is fetched once however often it is named), whatever host the
//! DID names, so that a mirror or a local copy serves the whole tree; a
//! reference outside it (another prefix, an external DID) is reported as
//! skipped, never fetched. Each fetched document must be the DID that named
//! it.
//!
//! Keys are taken from every document fetched: each `JsonWebKey2020`
//! method's `x5c[0]` as an EU DCC signer, CA certificates (SCAs) and `SCA`
//! documents skipped (`trust::gdhcn`).
//!
//! **All or nothing**: a document that fails (its proof, its size, its
//! JSON, a status other than 200, a rollback) fails the whole sync, and the
//! store keeps the last good data of the source. Rollback is per document:
//! the `proof.created` of every document kept is remembered with the
//! source (in its bookkeeping column, [`SourceMeta::etag`]), and a document
//! signed before the one held is refused as a rollback
//! ([`crate::Error::TrustRollback`], code `rollback`). Caps: [`MAX_DOCUMENTS`]
//! documents, each at most [`gdhcn::MAX_DOCUMENT_LEN`] bytes (and the sync's
//! list cap) and 8 levels of JSON deep, DIDs of at most
//! [`MAX_SEGMENTS`] segments after the tree's prefix; and the sync's byte,
//! request and time budgets.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use time::OffsetDateTime;

use super::{FetchContext, FetchFuture, MalformedReason, SyncError, SyncEvent, TrustSource, endpoint};
use crate::trust::file::SkippedEntry;
use crate::trust::gdhcn::{self, Anchor, GdhcnError};
use crate::trust::update::{SignerChange, SignerRecord, SourceId, SourceKind, SourceMeta, Update};

/// Most documents one sync fetches.
pub const MAX_DOCUMENTS: usize = 2_000;
/// Most DID segments after the tree's prefix: `trustlist-ref`, domain,
/// participant, usage, a key's own document, and some room.
pub const MAX_SEGMENTS: usize = 8;
/// How the per-document bookkeeping starts in the source's bookkeeping
/// column (then JSON: `[[did, created (Unix seconds), keys], …]`).
const BOOKKEEPING: &str = "gdhcn-documents/1 ";

/// A tree of GDHCN DID trust lists, verified with the pinned signing key.
#[derive(Debug, Clone)]
pub struct GdhcnSource {
    url: String,
    anchor: Anchor,
}

impl GdhcnSource {
    /// The tree whose first document is at `url` (a `did.json` URL or its
    /// folder), signed by `anchor`.
    pub fn new(url: impl Into<String>, anchor: Anchor) -> Self {
        GdhcnSource { url: url.into(), anchor }
    }

    /// The URL of the first document.
    fn start_url(&self) -> String {
        if self.url.ends_with("/did.json") { self.url.clone() } else { endpoint(&self.url, "did.json") }
    }
}

impl TrustSource for GdhcnSource {
    fn id(&self) -> SourceId {
        SourceId { kind: SourceKind::Gdhcn, location: self.url.clone() }
    }

    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(fetch(ctx, self))
    }
}

/// A `did:web` DID split at its `trustlist`/`trustlist-ref` segment: the
/// prefix before it (`did:web:host:v2`) and the segments from it on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TreeDid {
    prefix: String,
    tail: Vec<String>,
}

impl TreeDid {
    /// `did` (its fragment dropped) split, when it is a `did:web` DID with
    /// a `trustlist` or `trustlist-ref` segment after its host and safe
    /// segments after that.
    fn parse(did: &str) -> Option<TreeDid> {
        let did = did.split_once('#').map_or(did, |(d, _)| d);
        let rest = did.strip_prefix("did:web:")?;
        let segments: Vec<&str> = rest.split(':').collect();
        // segments[0] is the host.
        let at = segments.iter().skip(1).position(|s| *s == "trustlist" || *s == "trustlist-ref")? + 1;
        let tail: Vec<String> = segments.get(at..)?.iter().map(|s| (*s).to_owned()).collect();
        if tail.len() > MAX_SEGMENTS || !tail.iter().all(|s| safe_segment(s)) {
            return None;
        }
        Some(TreeDid { prefix: format!("did:web:{}", segments.get(..at)?.join(":")), tail })
    }

    fn did(&self) -> String {
        format!("{}:{}", self.prefix, self.tail.join(":"))
    }

    /// Its document under `base`.
    fn url(&self, base: &str) -> String {
        format!("{}/{}/did.json", base.trim_end_matches('/'), self.tail.join("/"))
    }
}

/// A path segment that is safe to put in a URL as it is: letters, digits,
/// `-`, `_`, `.`, `=`, `+`, `~`, not `.` or `..`.
fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=' | b'+' | b'~'))
}

/// The base URL of the tree whose first document, `start`, is at
/// `start_url`: the URL without `did.json` and without the DID's segments.
fn base_of(start_url: &str, start: &TreeDid) -> Option<String> {
    let mut folder = start_url.strip_suffix("/did.json")?;
    for segment in start.tail.iter().rev() {
        folder = folder.strip_suffix(segment.as_str())?.strip_suffix('/')?;
    }
    Some(folder.to_owned())
}

/// What the source remembers of each document it kept: its DID, its
/// `proof.created` (Unix seconds) and how many keys it gave.
fn read_bookkeeping(meta: &SourceMeta) -> BTreeMap<String, i64> {
    meta.etag
        .as_deref()
        .and_then(|e| e.strip_prefix(BOOKKEEPING))
        .and_then(|json| serde_json::from_str::<Vec<(String, i64, u64)>>(json).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|(did, created, _)| (did, created))
        .collect()
}

fn write_bookkeeping(documents: &[(String, OffsetDateTime, usize)]) -> Option<String> {
    let rows: Vec<(&str, i64, usize)> =
        documents.iter().map(|(did, created, keys)| (did.as_str(), created.unix_timestamp(), *keys)).collect();
    serde_json::to_string(&rows).ok().map(|json| format!("{BOOKKEEPING}{json}"))
}

fn refused(url: &str, e: GdhcnError) -> SyncError {
    match e {
        GdhcnError::BadSignature | GdhcnError::NoAnchorKey => SyncError::BadSignature { what: url.to_owned() },
        GdhcnError::TooLarge => SyncError::TooLarge { url: url.to_owned(), cap: gdhcn::MAX_DOCUMENT_LEN },
        other => SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::Gdhcn(other) },
    }
}

fn mismatch(url: &str, expected: String, found: &str) -> SyncError {
    let found = crate::text::display_bounded(found, 300).into_owned();
    SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::DidMismatch { expected, found } }
}

async fn fetch(ctx: &FetchContext<'_>, source: &GdhcnSource) -> Result<Update, SyncError> {
    let id = source.id();
    let held = read_bookkeeping(&ctx.meta);
    let cap = ctx.config.max_list_bytes.min(gdhcn::MAX_DOCUMENT_LEN);
    // The tree (prefix and base URL) is fixed by the first document.
    let mut tree: Option<(String, String)> = None;
    let mut queue: VecDeque<(String, Option<TreeDid>)> = VecDeque::from([(source.start_url(), None)]);
    let mut seen = BTreeSet::new();
    let mut documents = Vec::new();
    let mut records: Vec<SignerRecord> = Vec::new();
    let mut skipped = Vec::new();
    while let Some((url, expected)) = queue.pop_front() {
        if documents.len() >= MAX_DOCUMENTS {
            return Err(SyncError::TooManyItems { url: id.location.clone(), cap: MAX_DOCUMENTS });
        }
        ctx.progress.event(SyncEvent::Progress { source: id.clone(), done: documents.len(), total: None });
        let response = ctx.http.get(&url, &[], cap).await?;
        if response.status != 200 {
            return Err(SyncError::Status { url, status: response.status });
        }
        // The proof is verified here, before anything is read.
        let list = gdhcn::parse(&url, &response.body, &source.anchor).map_err(|e| refused(&url, e))?;
        let did = TreeDid::parse(&list.id)
            .ok_or_else(|| mismatch(&url, "a did:web DID of a v2 trust list (…:trustlist…)".into(), &list.id))?;
        match (&tree, &expected) {
            (None, _) => {
                let base = base_of(&url, &did).ok_or_else(|| {
                    mismatch(&url, format!("a DID whose last segments are the URL's path ({url})"), &list.id)
                })?;
                seen.insert(did.tail.clone());
                tree = Some((did.prefix.clone(), base));
            }
            (Some(_), Some(expected)) if *expected == did => {}
            (Some(_), expected) => {
                return Err(mismatch(&url, expected.as_ref().map(TreeDid::did).unwrap_or_default(), &list.id));
            }
        }
        if let Some(&held) = held.get(&list.id)
            && list.created.unix_timestamp() < held
        {
            let held = OffsetDateTime::from_unix_timestamp(held).unwrap_or(OffsetDateTime::UNIX_EPOCH);
            return Err(SyncError::Store(crate::Error::TrustRollback {
                source: format!("{id} document {}", crate::text::display_bounded(&list.id, 300)),
                held,
                offered: list.created,
            }));
        }
        let Some((prefix, base)) = &tree else { continue };
        for (position, reference) in &list.references {
            match TreeDid::parse(reference) {
                Some(next) if next.prefix == *prefix => {
                    if seen.insert(next.tail.clone()) {
                        queue.push_back((next.url(base), Some(next)));
                    }
                }
                _ => skipped.push(SkippedEntry {
                    position: position.clone(),
                    reason: "a DID outside this trust-list tree; not followed".into(),
                }),
            }
        }
        documents.push((list.id.clone(), list.created, list.signers.len()));
        for record in list.signers.iter().filter_map(SignerRecord::of) {
            if !records.contains(&record) {
                records.push(record);
            }
        }
        skipped.extend(list.skipped);
    }
    ctx.progress.event(SyncEvent::Progress { source: id.clone(), done: documents.len(), total: Some(documents.len()) });
    Ok(Update {
        signers: SignerChange::Replace(records),
        skipped,
        ..Update::unchanged(id, SourceMeta { etag: write_bookkeeping(&documents), ..SourceMeta::default() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dids_split_at_the_trust_list_segment() {
        let d =
            TreeDid::parse("did:web:worldhealthorganization.github.io:tng-cdn-dev:v2.0.0:trustlist:DCC:CHL:DSC#YVE3")
                .unwrap();
        assert_eq!(d.prefix, "did:web:worldhealthorganization.github.io:tng-cdn-dev:v2.0.0");
        assert_eq!(d.tail, ["trustlist", "DCC", "CHL", "DSC"]);
        assert_eq!(d.url("http://127.0.0.1:1/gdhcn/v2/"), "http://127.0.0.1:1/gdhcn/v2/trustlist/DCC/CHL/DSC/did.json");
        assert_eq!(TreeDid::parse("did:web:h:trustlist-ref").unwrap().tail, ["trustlist-ref"]);
        for no in [
            "did:web:example.com",
            "did:web:trustlist",
            "did:key:z6Mk:trustlist",
            "did:web:h:trustlist:..:x",
            "did:web:h:trustlist:a/b",
            "did:web:h:trustlist::x",
            "did:web:h:trustlist:1:2:3:4:5:6:7:8",
        ] {
            assert_eq!(TreeDid::parse(no), None, "{no}");
        }
    }

    #[test]
    fn the_base_is_the_url_without_the_dids_segments() {
        let d = TreeDid::parse("did:web:h:v2:trustlist-ref:DCC").unwrap();
        assert_eq!(base_of("http://l/x/v2/trustlist-ref/DCC/did.json", &d).as_deref(), Some("http://l/x/v2"));
        assert_eq!(base_of("http://l/x/v2/trustlist/DCC/did.json", &d), None, "served elsewhere");
        assert_eq!(base_of("http://l/x/v2/trustlist-ref/DCC/other.json", &d), None);
        let source = GdhcnSource::new("http://l/v2/trustlist-ref/", Anchor::key(test_key()));
        assert_eq!(source.start_url(), "http://l/v2/trustlist-ref/did.json");
    }

    #[test]
    fn bookkeeping_reads_back_and_ignores_what_is_not_its_own() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let etag = write_bookkeeping(&[("did:web:h:trustlist".into(), at, 3)]);
        let held = read_bookkeeping(&SourceMeta { etag, ..SourceMeta::default() });
        assert_eq!(held.get("did:web:h:trustlist"), Some(&1_700_000_000));
        let other = SourceMeta { etag: Some("\"abc\"".into()), ..SourceMeta::default() };
        assert!(read_bookkeeping(&other).is_empty());
    }

    fn test_key() -> crate::crypto::PublicKey {
        crate::crypto::PublicKey::p256_from_sec1(&[4; 65]).unwrap()
    }
}
