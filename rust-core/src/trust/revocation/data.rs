//! What a sync of the revocation service delivers and what the store holds:
//! kids (`/lists`), partitions with their chunk maps, and slices.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Mode, SliceType};
use crate::formats::RevocationHashKind;

/// Most slices one chunk may announce.
pub const MAX_SLICES_PER_CHUNK: usize = 1_000;
/// Most chunks one partition may announce (a hex digit: 16).
pub const MAX_CHUNKS: usize = 16;

/// A kid as `/lists` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KidInfo {
    /// The key identifier, raw bytes (base64 on the wire).
    pub kid: Vec<u8>,
    /// How its hashes are spread.
    pub mode: Mode,
    /// The hash types it lists.
    pub hash_types: Vec<RevocationHashKind>,
    /// The latest batch expiry.
    pub expires: OffsetDateTime,
    /// Its `lastUpdated`, verbatim (sent back as `If-Modified-Since`).
    pub last_updated: String,
}

/// One slice a partition announces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceInfo {
    /// Its type.
    pub kind: SliceType,
    /// Its id: the lowercase hex SHA-256 of its bytes.
    pub sid: String,
    /// When its batch expires (the slice counts only before).
    pub expires: OffsetDateTime,
}

/// A partition: its place and what its chunks hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    /// Its id as URLs name it (`null` in POINT mode).
    pub id: String,
    /// Its `x` hex digit (VECTOR, COORDINATE).
    pub x: Option<char>,
    /// Its `y` hex digit (COORDINATE).
    pub y: Option<char>,
    /// When its last batch expires.
    pub expires: OffsetDateTime,
    /// Its `lastUpdated`, verbatim.
    pub last_updated: String,
    /// Chunk id → the slices of the chunk.
    pub chunks: BTreeMap<String, Vec<SliceInfo>>,
}

/// One slice to store, its bytes checked against its id.
#[derive(Clone, PartialEq, Eq)]
pub struct SliceRecord {
    /// The partition id.
    pub pid: String,
    /// The chunk id.
    pub cid: String,
    /// The slice, as announced.
    pub info: SliceInfo,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for SliceRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SliceRecord")
            .field("pid", &self.pid)
            .field("cid", &self.cid)
            .field("sid", &self.info.sid)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// What one sync changes, applied in the sync's transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevocationDelta {
    /// Every kid the service lists now: the source's other kids are deleted.
    /// `None`: the list did not change (`304`), nothing is deleted.
    pub listed: Option<Vec<Vec<u8>>>,
    /// Kids whose data is wiped first (their mode changed).
    pub wipe: Vec<Vec<u8>>,
    /// Kid metadata to store (new or changed kids).
    pub kids: Vec<KidInfo>,
    /// Partitions to store (replacing the one held with the same id).
    pub partitions: Vec<(Vec<u8>, PartitionInfo)>,
    /// Slices to store.
    pub add: Vec<(Vec<u8>, SliceRecord)>,
    /// Slices to drop: (kid, pid, cid, sid).
    pub drop: Vec<(Vec<u8>, String, String, String)>,
}

/// Reads a time the service writes (`yyyy-MM-dd'T'HH:mm:ss[.S…]XXX`).
pub fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The service's time form, UTC (`2023-01-01T00:00:00Z`).
pub fn format_time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

fn is_hex_digit(s: &str) -> bool {
    s.len() == 1 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `s` is a slice id: 64 lowercase hex digits.
pub fn is_sid(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Reads a partition's `chunks` map: `{cid: {expiry: {type, version, hash}}}`.
pub fn parse_chunks(v: &Value) -> Result<BTreeMap<String, Vec<SliceInfo>>, &'static str> {
    let Value::Object(chunks) = v else { return Err("chunks is not an object") };
    if chunks.len() > MAX_CHUNKS {
        return Err("more than 16 chunks");
    }
    let mut out = BTreeMap::new();
    for (cid, slices) in chunks {
        if !is_hex_digit(cid) {
            return Err("a chunk id is not a lowercase hex digit");
        }
        let Value::Object(slices) = slices else { return Err("a chunk is not an object") };
        if slices.len() > MAX_SLICES_PER_CHUNK {
            return Err("a chunk announces too many slices");
        }
        let mut list = Vec::with_capacity(slices.len());
        for (expiry, s) in slices {
            let expires = parse_time(expiry).ok_or("a slice expiry is not a date-time")?;
            let kind =
                s.get("type").and_then(Value::as_str).and_then(SliceType::from_name).ok_or("unknown slice type")?;
            let sid = s.get("hash").and_then(Value::as_str).filter(|h| is_sid(h)).ok_or("a slice hash is not hex")?;
            list.push(SliceInfo { kind, sid: sid.to_owned(), expires });
        }
        out.insert(cid.clone(), list);
    }
    Ok(out)
}

/// The chunk map in the service's JSON shape (what the store keeps).
pub fn chunks_json(chunks: &BTreeMap<String, Vec<SliceInfo>>) -> Value {
    let mut out = Map::new();
    for (cid, slices) in chunks {
        let mut m = Map::new();
        for s in slices {
            m.insert(
                format_time(s.expires),
                serde_json::json!({"type": s.kind.name(), "version": "1.0", "hash": s.sid}),
            );
        }
        out.insert(cid.clone(), Value::Object(m));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_maps_round_trip_and_defects_are_refused() {
        let sid = "ab".repeat(32);
        let v =
            serde_json::json!({"a": {"2030-01-01T00:00:00Z": {"type": "BLOOMFILTER", "version": "1.0", "hash": sid}}});
        let chunks = parse_chunks(&v).unwrap();
        assert_eq!(chunks["a"][0].kind, SliceType::Bloom);
        assert_eq!(chunks_json(&chunks), v);
        for bad in [
            serde_json::json!({"A": {}}),
            serde_json::json!({"a": {"never": {"type": "BLOOMFILTER", "hash": sid}}}),
            serde_json::json!({"a": {"2030-01-01T00:00:00Z": {"type": "X", "hash": sid}}}),
            serde_json::json!({"a": {"2030-01-01T00:00:00Z": {"type": "VARHASHLIST", "hash": "zz"}}}),
            serde_json::json!([]),
        ] {
            assert!(parse_chunks(&bad).is_err(), "{bad}");
        }
        assert!(parse_time("2023-01-01T00:00:00.123456+01:00").is_some());
    }
}
