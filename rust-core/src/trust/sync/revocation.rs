//! The EU DCC revocation distribution service of the DGCA (`trust::revocation`),
//! synced incrementally:
//!
//! 1. `GET /lists` with `If-None-Match` (the ETag held): `304` ends the
//!    sync after this one request (expired rows are still pruned).
//! 2. Kids no longer listed are deleted; a kid whose mode changed is
//!    wiped and fetched anew.
//! 3. A new kid: `GET /lists/{kid}/partitions` with `If-Match` (the list's
//!    ETag); a kid whose `lastUpdated` changed: the same with
//!    `If-Modified-Since` (its held `lastUpdated`, ISO-8601 as the service
//!    wants it; `304`: no partition changed); an unchanged kid: nothing.
//! 4. For each partition fetched, the slices it announces that are not held
//!    travel: a whole chunk (`GET …/chunks/{cid}/slices`, tar.gz) when it is
//!    new or at least half of it changed, else each changed slice
//!    (`GET …/chunks/{cid}/slices/{sid}`); held slices no longer announced
//!    are dropped.
//! 5. Every slice must hash to its id (`sha256(bytes) == sid`) and read as
//!    its announced type, or the whole sync is refused.
//!
//! The service's batch endpoints (`POST` with a list of cids or sids) are
//! not used: a [`Transport`](super::Transport) carries GETs only (an app's
//! HTTP stack included); the GET endpoints deliver the same slices. Every
//! request sends `X-SLICE-FILTER-TYPE` (the slice type asked for). The
//! kid in a path is its base64 with the URL-safe alphabet. Everything is
//! checked before the update is returned; the store applies it in one
//! transaction.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{FetchContext, FetchFuture, MalformedReason, SyncError, SyncEvent, TrustSource, endpoint};
use crate::formats::codec::{base64, json};
use crate::trust::revocation::data::{
    KidInfo, PartitionInfo, RevocationDelta, SliceInfo, SliceRecord, parse_chunks, parse_time,
};
use crate::trust::revocation::{Mode, Slice, SliceType, archive, hash_type_from_name, hex};
use crate::trust::store::HeldKid;
use crate::trust::update::{SourceId, SourceKind, SourceMeta, Update};

/// Largest `/lists` or partitions body read, in bytes.
pub const MAX_LIST_BYTES: usize = 4 * 1024 * 1024;
/// Most kids `/lists` may name.
pub const MAX_KIDS: usize = 10_000;
/// Most partitions a kid may have (COORDINATE: 16 × 16).
pub const MAX_PARTITIONS: usize = 256;

/// The revocation service at a base URL.
#[derive(Debug, Clone)]
pub struct RevocationSource {
    base: String,
    slice_type: SliceType,
}

impl RevocationSource {
    /// The service at `base`, asking for bloom-filter slices (the
    /// service's default).
    pub fn new(base: impl Into<String>) -> Self {
        RevocationSource { base: base.into(), slice_type: SliceType::Bloom }
    }

    /// Asks for slices of `slice_type` instead.
    pub fn with_slice_type(mut self, slice_type: SliceType) -> Self {
        self.slice_type = slice_type;
        self
    }
}

impl TrustSource for RevocationSource {
    fn id(&self) -> SourceId {
        SourceId { kind: SourceKind::Revocation, location: self.base.clone() }
    }

    fn fetch<'a>(&'a self, ctx: &'a FetchContext<'a>) -> FetchFuture<'a> {
        Box::pin(fetch(ctx, self))
    }
}

fn malformed(url: &str, why: &'static str) -> SyncError {
    SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::Revocation(why) }
}

fn unquote(etag: &str) -> String {
    let t = etag.trim();
    let t = t.strip_prefix("W/").unwrap_or(t);
    t.trim_matches('"').to_owned()
}

/// A kid as a path segment: its base64 with the URL-safe alphabet.
pub fn kid_segment(kid: &[u8]) -> String {
    base64::encode(kid).replace('+', "-").replace('/', "_")
}

fn read_json(url: &str, body: &[u8]) -> Result<Value, SyncError> {
    json::parse::<Value>(body.trim_ascii_start(), MAX_LIST_BYTES, 16).map_err(|_| malformed(url, "not JSON"))
}

/// Reads `/lists`.
fn parse_lists(url: &str, v: &Value) -> Result<Vec<KidInfo>, SyncError> {
    let items = v.as_array().ok_or_else(|| malformed(url, "/lists is not an array"))?;
    if items.len() > MAX_KIDS {
        return Err(SyncError::TooManyItems { url: url.to_owned(), cap: MAX_KIDS });
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let text = |k: &str| item.get(k).and_then(Value::as_str);
        let kid = text("kid")
            .filter(|k| !k.is_empty() && k.len() <= 256)
            .and_then(base64::decode_lenient)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| malformed(url, "a kid is not base64"))?;
        if !seen.insert(kid.clone()) {
            return Err(malformed(url, "a kid is listed twice"));
        }
        let mode = text("mode").and_then(Mode::from_name).ok_or_else(|| malformed(url, "a mode is unknown"))?;
        // The live field is `hashTypes`; the app's mock says `hashType`.
        let types = item.get("hashTypes").or_else(|| item.get("hashType")).and_then(Value::as_array);
        let hash_types: Vec<_> = types
            .ok_or_else(|| malformed(url, "a kid has no hashTypes"))?
            .iter()
            .filter_map(|t| t.as_str().and_then(hash_type_from_name))
            .collect();
        let expires = text("expires").and_then(parse_time).ok_or_else(|| malformed(url, "an expiry is not a date"))?;
        let last_updated = text("lastUpdated")
            .filter(|t| t.len() <= 64 && parse_time(t).is_some())
            .ok_or_else(|| malformed(url, "a lastUpdated is not a date"))?;
        out.push(KidInfo { kid, mode, hash_types, expires, last_updated: last_updated.to_owned() });
    }
    Ok(out)
}

/// Reads a partitions array of `kid` in `mode`.
fn parse_partitions(url: &str, v: &Value, mode: Mode) -> Result<Vec<PartitionInfo>, SyncError> {
    let items = v.as_array().ok_or_else(|| malformed(url, "partitions are not an array"))?;
    if items.len() > MAX_PARTITIONS {
        return Err(SyncError::TooManyItems { url: url.to_owned(), cap: MAX_PARTITIONS });
    }
    let mut out: Vec<PartitionInfo> = Vec::with_capacity(items.len());
    for item in items {
        let digit = |k: &str| -> Result<Option<char>, SyncError> {
            match item.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.len() == 1 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    Ok(s.to_ascii_lowercase().chars().next())
                }
                Some(_) => Err(malformed(url, "a partition x or y is not a hex digit")),
            }
        };
        let (x, y) = (digit("x")?, digit("y")?);
        let id = match item.get("id") {
            None | Some(Value::Null) => "null".to_owned(),
            Some(Value::String(s)) if (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
                s.to_ascii_lowercase()
            }
            Some(_) => return Err(malformed(url, "a partition id is not null or hex digits")),
        };
        let expected: String = x.into_iter().chain(y).collect();
        let shape_ok = match mode {
            Mode::Point => x.is_none() && y.is_none() && id == "null",
            Mode::Vector => x.is_some() && y.is_none() && id == expected,
            Mode::Coordinate => x.is_some() && y.is_some() && id == expected,
        };
        if !shape_ok {
            return Err(malformed(url, "a partition's id, x and y do not fit the kid's mode"));
        }
        // The service's field is `expired`; `expires` is read too.
        let expires = item
            .get("expired")
            .or_else(|| item.get("expires"))
            .and_then(Value::as_str)
            .and_then(parse_time)
            .ok_or_else(|| malformed(url, "a partition expiry is not a date"))?;
        let last_updated = item
            .get("lastUpdated")
            .and_then(Value::as_str)
            .filter(|t| t.len() <= 64 && parse_time(t).is_some())
            .ok_or_else(|| malformed(url, "a partition lastUpdated is not a date"))?;
        let chunks = parse_chunks(item.get("chunks").unwrap_or(&Value::Null)).map_err(|why| malformed(url, why))?;
        if out.iter().any(|p| p.id == id) {
            return Err(malformed(url, "a partition is listed twice"));
        }
        out.push(PartitionInfo { id, x, y, expires, last_updated: last_updated.to_owned(), chunks });
    }
    Ok(out)
}

/// Checks a slice against what its partition announced: its hash is its
/// id and it reads as its type.
fn checked(url: &str, info: &SliceInfo, bytes: &[u8]) -> Result<(), SyncError> {
    if hex(&crate::crypto::sha256(bytes)) != info.sid {
        return Err(SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::HashMismatch });
    }
    Slice::parse(info.kind, bytes)
        .map(|_| ())
        .map_err(|e| SyncError::Malformed { url: url.to_owned(), reason: MalformedReason::Slice(e) })
}

struct Fetcher<'a> {
    ctx: &'a FetchContext<'a>,
    source: &'a RevocationSource,
    etag: String,
}

impl Fetcher<'_> {
    fn headers(&self, since: Option<&str>) -> Vec<(&'static str, String)> {
        let mut h =
            vec![("If-Match", self.etag.clone()), ("X-SLICE-FILTER-TYPE", self.source.slice_type.name().into())];
        if let Some(since) = since {
            h.push(("If-Modified-Since", since.to_owned()));
        }
        h
    }

    fn slice_cap(&self) -> usize {
        self.ctx.config.max_list_bytes.min(crate::trust::revocation::MAX_SLICE_BYTES)
    }

    /// The partitions of `kid` (changed since `since`, when given).
    async fn partitions(&self, kid: &KidInfo, since: Option<&str>) -> Result<Vec<PartitionInfo>, SyncError> {
        let url = endpoint(&self.source.base, &format!("lists/{}/partitions", kid_segment(&kid.kid)));
        let r = self.ctx.http.get(&url, &self.headers(since), MAX_LIST_BYTES).await?;
        match r.status {
            200 => parse_partitions(&url, &read_json(&url, &r.body)?, kid.mode),
            304 | 404 => Ok(Vec::new()),
            status => Err(SyncError::Status { url, status }),
        }
    }

    /// The slices `wanted` of chunk `cid` of partition `pid`: the whole
    /// chunk when `whole`, else one by one.
    async fn slices(
        &self,
        kid: &[u8],
        pid: &str,
        cid: &str,
        wanted: &[SliceInfo],
        whole: bool,
    ) -> Result<Vec<SliceRecord>, SyncError> {
        let chunk =
            endpoint(&self.source.base, &format!("lists/{}/partitions/{pid}/chunks/{cid}/slices", kid_segment(kid)));
        let mut got: HashMap<String, Vec<u8>> = HashMap::new();
        if whole {
            let r = self.ctx.http.get(&chunk, &self.headers(None), self.ctx.config.max_list_bytes).await?;
            if r.status != 200 {
                return Err(SyncError::Status { url: chunk, status: r.status });
            }
            let entries = archive::read(&r.body)
                .map_err(|e| SyncError::Malformed { url: chunk.clone(), reason: MalformedReason::Slice(e) })?;
            for e in entries {
                if e.cid == cid {
                    got.insert(e.sid, e.bytes);
                }
            }
        } else {
            for info in wanted {
                let url = format!("{chunk}/{}", info.sid);
                let r = self.ctx.http.get(&url, &self.headers(None), self.slice_cap()).await?;
                if r.status != 200 {
                    return Err(SyncError::Status { url, status: r.status });
                }
                // One slice: its bytes, or an archive of it.
                let bytes = if r.body.starts_with(&[0x1f, 0x8b]) {
                    archive::read(&r.body)
                        .map_err(|e| SyncError::Malformed { url: url.clone(), reason: MalformedReason::Slice(e) })?
                        .into_iter()
                        .find(|e| e.sid == info.sid)
                        .map(|e| e.bytes)
                        .unwrap_or_default()
                } else {
                    r.body
                };
                got.insert(info.sid.clone(), bytes);
            }
        }
        let mut out = Vec::with_capacity(wanted.len());
        for info in wanted {
            let bytes =
                got.remove(&info.sid).ok_or_else(|| malformed(&chunk, "an announced slice was not delivered"))?;
            checked(&chunk, info, &bytes)?;
            out.push(SliceRecord { pid: pid.to_owned(), cid: cid.to_owned(), info: info.clone(), bytes });
        }
        Ok(out)
    }

    /// The changes of one partition against the one held (if any).
    async fn partition(
        &self,
        kid: &[u8],
        p: &PartitionInfo,
        held: Option<&PartitionInfo>,
        delta: &mut RevocationDelta,
    ) -> Result<(), SyncError> {
        let held_sids = |cid: &str| -> HashSet<&str> {
            held.and_then(|h| h.chunks.get(cid)).map(|s| s.iter().map(|i| i.sid.as_str()).collect()).unwrap_or_default()
        };
        for (cid, slices) in &p.chunks {
            let have = held_sids(cid);
            let new: Vec<SliceInfo> = slices.iter().filter(|s| !have.contains(s.sid.as_str())).cloned().collect();
            if !new.is_empty() {
                let whole = have.is_empty() || new.len() * 2 >= slices.len();
                let records = self.slices(kid, &p.id, cid, &new, whole).await?;
                delta.add.extend(records.into_iter().map(|r| (kid.to_vec(), r)));
            }
            let now: HashSet<&str> = slices.iter().map(|s| s.sid.as_str()).collect();
            for sid in have.iter().filter(|s| !now.contains(*s)) {
                delta.drop.push((kid.to_vec(), p.id.clone(), cid.clone(), (*sid).to_owned()));
            }
        }
        if let Some(held) = held {
            for (cid, slices) in held.chunks.iter().filter(|(c, _)| !p.chunks.contains_key(*c)) {
                for s in slices {
                    delta.drop.push((kid.to_vec(), p.id.clone(), cid.clone(), s.sid.clone()));
                }
            }
        }
        delta.partitions.push((kid.to_vec(), p.clone()));
        Ok(())
    }
}

async fn fetch(ctx: &FetchContext<'_>, source: &RevocationSource) -> Result<Update, SyncError> {
    let id = source.id();
    let lists_url = endpoint(&source.base, "lists");
    let mut headers = vec![("X-SLICE-FILTER-TYPE", source.slice_type.name().to_owned())];
    if let Some(etag) = &ctx.meta.etag {
        headers.push(("If-None-Match", etag.clone()));
    }
    let r = ctx.http.get(&lists_url, &headers, MAX_LIST_BYTES).await?;
    if r.status == 304 {
        return Ok(Update {
            revocation: Some(Box::default()),
            ..Update::unchanged(id, SourceMeta { etag: ctx.meta.etag.clone(), ..SourceMeta::default() })
        });
    }
    if r.status != 200 {
        return Err(SyncError::Status { url: lists_url, status: r.status });
    }
    // Kept as sent (quoted) for If-None-Match; If-Match carries it unquoted,
    // as the DGCA app sends it.
    let etag = r.header("ETag").filter(|e| !unquote(e).is_empty() && e.len() <= 256);
    let etag = etag.ok_or_else(|| malformed(&lists_url, "/lists has no ETag (needed for If-Match)"))?;
    let kids = parse_lists(&lists_url, &read_json(&lists_url, &r.body)?)?;
    let held: HashMap<Vec<u8>, HeldKid> = ctx.store.revocation_held(&id).map_err(SyncError::Store)?;
    let fetcher = Fetcher { ctx, source, etag: unquote(&etag) };
    let mut delta =
        RevocationDelta { listed: Some(kids.iter().map(|k| k.kid.clone()).collect()), ..Default::default() };
    for (i, kid) in kids.iter().enumerate() {
        ctx.progress.event(SyncEvent::Progress { source: id.clone(), done: i, total: Some(kids.len()) });
        let held_kid = held.get(&kid.kid).filter(|h| h.info.mode == kid.mode);
        if held.contains_key(&kid.kid) && held_kid.is_none() {
            delta.wipe.push(kid.kid.clone());
        }
        let partitions = match held_kid {
            None => fetcher.partitions(kid, None).await?,
            Some(h) if h.info.last_updated != kid.last_updated => {
                fetcher.partitions(kid, Some(&h.info.last_updated)).await?
            }
            Some(h) if h.info == *kid => continue,
            Some(_) => Vec::new(),
        };
        for p in &partitions {
            let held_p = held_kid.and_then(|h| h.partitions.get(&p.id));
            fetcher.partition(&kid.kid, p, held_p, &mut delta).await?;
        }
        delta.kids.push(kid.clone());
    }
    Ok(Update {
        revocation: Some(Box::new(delta)),
        ..Update::unchanged(id, SourceMeta { etag: Some(etag), ..SourceMeta::default() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::revocation::data::is_sid;

    #[test]
    fn lists_and_partitions_are_read_and_checked() {
        let url = "http://x/lists";
        let lists = serde_json::json!([
            {"kid": "a2lkMQ==", "mode": "POINT", "hashTypes": ["UCI", "SIGNATURE"], "expires": "2030-01-01T00:00:00Z",
             "lastUpdated": "2026-01-01T00:00:00Z"},
            {"kid": "a2lkMg==", "mode": "VECTOR", "hashType": ["COUNTRYCODEUCI"], "expires": "2030-01-01T00:00:00Z",
             "lastUpdated": "2026-01-01T00:00:00Z"}
        ]);
        let kids = parse_lists(url, &lists).unwrap();
        assert_eq!(
            (kids[0].kid.as_slice(), kids[0].mode, kids[0].hash_types.len()),
            (b"kid1".as_slice(), Mode::Point, 2)
        );
        assert_eq!(kids[1].mode, Mode::Vector);
        let twice = serde_json::json!([lists[0], lists[0]]);
        assert!(parse_lists(url, &twice).is_err());
        let sid = "0f".repeat(32);
        let part = |id: Value, x: Value, y: Value| {
            serde_json::json!([{"id": id, "x": x, "y": y, "expired": "2030-01-01T00:00:00Z",
              "lastUpdated": "2026-01-01T00:00:00.000000Z",
              "chunks": {"a": {"2030-01-01T00:00:00Z": {"type": "BLOOMFILTER", "version": "1.0", "hash": sid}}}}])
        };
        assert_eq!(
            parse_partitions(url, &part(Value::Null, Value::Null, Value::Null), Mode::Point).unwrap()[0].id,
            "null"
        );
        assert!(parse_partitions(url, &part("a".into(), "a".into(), Value::Null), Mode::Vector).is_ok());
        assert!(parse_partitions(url, &part("ab".into(), "a".into(), "b".into()), Mode::Coordinate).is_ok());
        assert!(parse_partitions(url, &part("b".into(), "a".into(), Value::Null), Mode::Vector).is_err());
        assert!(parse_partitions(url, &part(Value::Null, Value::Null, Value::Null), Mode::Vector).is_err());
        assert_eq!(kid_segment(&[0xfb, 0xff]), "-_8=");
        assert_eq!(unquote("W/\"abc\""), "abc");
        assert!(is_sid(&sid));
    }

    #[test]
    fn a_slice_must_hash_to_its_id_and_read_as_its_type() {
        let bytes = crate::trust::revocation::BloomFilter::build(1, 1e-6, [[1u8; 16].as_slice()]).unwrap().to_bytes();
        let info = |kind| SliceInfo {
            kind,
            sid: hex(&crate::crypto::sha256(&bytes)),
            expires: time::OffsetDateTime::UNIX_EPOCH,
        };
        assert!(checked("u", &info(SliceType::Bloom), &bytes).is_ok());
        let mut other = bytes.clone();
        let last = other.len() - 1;
        other[last] ^= 1;
        assert!(matches!(
            checked("u", &info(SliceType::Bloom), &other),
            Err(SyncError::Malformed { reason: MalformedReason::HashMismatch, .. })
        ));
        assert!(matches!(
            checked("u", &info(SliceType::HashList), &bytes),
            Err(SyncError::Malformed { reason: MalformedReason::Slice(_), .. })
        ));
    }
}
