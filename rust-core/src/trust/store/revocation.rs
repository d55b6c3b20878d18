//! The EU DCC revocation service's data in the trust database (schema
//! version 9): applied inside a sync's transaction, and looked up per
//! verification from memory.
//!
//! A lookup must stay cheap with a million revoked hashes held, so it
//! never reads a slice blob per verification: the kids and partitions
//! (their chunk maps) are loaded once, and the slices of a cell
//! (kid, partition, chunk) are read and decoded on the first lookup that
//! needs them and kept ([`Held`], part of the store's cache, dropped on
//! every commit as the rest of it is). A lookup then costs hash-map probes
//! and, per live bloom slice, `k` SHA-256 (about 40 at the service's 1e-12).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use time::OffsetDateTime;

use crate::formats::RevocationKey;
use crate::trust::revocation::data::{KidInfo, PartitionInfo, RevocationDelta, SliceInfo, chunks_json, parse_chunks};
use crate::trust::revocation::{Mode, Slice, SliceType, cell, hash_type_from_name, hash_type_name};
use crate::trust::{KeyScheme, ListKey, Revocation, SourceKind};

/// The scheme whose keys the revocation service lists (the EU DCC).
fn dcc_scheme() -> KeyScheme {
    crate::formats::hcert::SCHEME
}

/// Applies `delta` for the source `source_id` inside `tx`, then prunes
/// rows whose expiry is at or before `now`. Returns the slices the source
/// holds after.
pub(super) fn apply(
    tx: &Transaction<'_>,
    source_id: i64,
    delta: &RevocationDelta,
    now: OffsetDateTime,
) -> rusqlite::Result<usize> {
    if let Some(listed) = &delta.listed {
        let held: Vec<Vec<u8>> = {
            let mut stmt = tx.prepare_cached("SELECT kid FROM dcc_revocation_kids WHERE source_id = ?1")?;
            let rows = stmt.query_map([source_id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for kid in held.iter().filter(|k| !listed.contains(k)) {
            delete_kid(tx, source_id, kid)?;
        }
    }
    for kid in &delta.wipe {
        delete_kid(tx, source_id, kid)?;
    }
    let mut kid_stmt = tx.prepare_cached(
        "INSERT INTO dcc_revocation_kids (source_id, kid, mode, hash_types, expires, last_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (source_id, kid) DO UPDATE SET mode = excluded.mode, hash_types = excluded.hash_types,
             expires = excluded.expires, last_updated = excluded.last_updated",
    )?;
    for k in &delta.kids {
        let types: Vec<&str> = k.hash_types.iter().map(|t| hash_type_name(*t)).collect();
        kid_stmt.execute(params![
            source_id,
            k.kid,
            k.mode.name(),
            types.join(","),
            k.expires.unix_timestamp(),
            k.last_updated
        ])?;
    }
    let mut part_stmt = tx.prepare_cached(
        "INSERT INTO dcc_revocation_partitions (source_id, kid, pid, x, y, expires, last_updated, chunks)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (source_id, kid, pid) DO UPDATE SET x = excluded.x, y = excluded.y,
             expires = excluded.expires, last_updated = excluded.last_updated, chunks = excluded.chunks",
    )?;
    for (kid, p) in &delta.partitions {
        part_stmt.execute(params![
            source_id,
            kid,
            p.id,
            p.x.map(String::from),
            p.y.map(String::from),
            p.expires.unix_timestamp(),
            p.last_updated,
            chunks_json(&p.chunks).to_string()
        ])?;
    }
    let mut drop_stmt = tx.prepare_cached(
        "DELETE FROM dcc_revocation_slices WHERE source_id = ?1 AND kid = ?2 AND pid = ?3 AND cid = ?4 AND sid = ?5",
    )?;
    for (kid, pid, cid, sid) in &delta.drop {
        drop_stmt.execute(params![source_id, kid, pid, cid, sid])?;
    }
    let mut add_stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO dcc_revocation_slices (source_id, kid, pid, cid, sid, type, expires, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (kid, s) in &delta.add {
        add_stmt.execute(params![
            source_id,
            kid,
            s.pid,
            s.cid,
            s.info.sid,
            s.info.kind.name(),
            s.info.expires.unix_timestamp(),
            s.bytes
        ])?;
    }
    let now = now.unix_timestamp();
    tx.execute("DELETE FROM dcc_revocation_slices WHERE source_id = ?1 AND expires <= ?2", params![source_id, now])?;
    tx.execute(
        "DELETE FROM dcc_revocation_partitions WHERE source_id = ?1 AND expires <= ?2",
        params![source_id, now],
    )?;
    tx.execute("DELETE FROM dcc_revocation_kids WHERE source_id = ?1 AND expires <= ?2", params![source_id, now])?;
    let held: i64 =
        tx.query_row("SELECT count(*) FROM dcc_revocation_slices WHERE source_id = ?1", [source_id], |r| r.get(0))?;
    Ok(usize::try_from(held).unwrap_or_default())
}

fn delete_kid(tx: &Transaction<'_>, source_id: i64, kid: &[u8]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM dcc_revocation_kids WHERE source_id = ?1 AND kid = ?2", params![source_id, kid])?;
    Ok(())
}

/// What a revocation source holds of one kid, for the next sync's diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldKid {
    /// Its metadata as last stored.
    pub info: KidInfo,
    /// Its partitions by id.
    pub partitions: BTreeMap<String, PartitionInfo>,
}

/// What the revocation source `source` holds, by kid.
pub(super) fn held_kids(
    conn: &Connection,
    source: &crate::trust::SourceId,
) -> rusqlite::Result<HashMap<Vec<u8>, HeldKid>> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM sources WHERE kind = ?1 AND location = ?2",
            params![source.kind.name(), source.location],
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else { return Ok(HashMap::new()) };
    load_kids(conn, Some(id)).map(|kids| kids.into_iter().map(|(k, (_, h))| (k, h)).collect())
}

/// A kid held, with the source holding it and its data.
type KidRow = (Vec<u8>, (i64, HeldKid));

/// Every kid held (of one source, or of all), with its partitions.
fn load_kids(conn: &Connection, source: Option<i64>) -> rusqlite::Result<Vec<KidRow>> {
    let mut kids = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT source_id, kid, mode, hash_types, expires, last_updated FROM dcc_revocation_kids
         WHERE ?1 IS NULL OR source_id = ?1",
    )?;
    let rows = stmt.query_map([source], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (sid, kid, mode, types, expires, last_updated) = row?;
        let (Some(mode), Ok(expires)) = (Mode::from_name(&mode), OffsetDateTime::from_unix_timestamp(expires)) else {
            continue;
        };
        let hash_types = types.split(',').filter_map(hash_type_from_name).collect();
        let info = KidInfo { kid: kid.clone(), mode, hash_types, expires, last_updated };
        kids.push((kid, (sid, HeldKid { info, partitions: BTreeMap::new() })));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT source_id, kid, pid, x, y, expires, last_updated, chunks FROM dcc_revocation_partitions
         WHERE ?1 IS NULL OR source_id = ?1",
    )?;
    let rows = stmt.query_map([source], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    for row in rows {
        let (sid, kid, pid, x, y, expires, last_updated, chunks) = row?;
        let chunks = serde_json::from_str(&chunks).ok().and_then(|v| parse_chunks(&v).ok());
        let (Some(chunks), Ok(expires)) = (chunks, OffsetDateTime::from_unix_timestamp(expires)) else { continue };
        let digit = |s: Option<String>| s.and_then(|s| s.chars().next());
        let p = PartitionInfo { id: pid.clone(), x: digit(x), y: digit(y), expires, last_updated, chunks };
        if let Some((_, (_, held))) = kids.iter_mut().find(|(k, (s, _))| *k == kid && *s == sid) {
            held.partitions.insert(pid, p);
        }
    }
    Ok(kids)
}

/// The decoded live data of one cell: each held slice with its expiry.
type CellSlices = Arc<Vec<(String, i64, Slice)>>;

/// One kid of one source, ready for lookups.
struct LoadedKid {
    source_id: i64,
    info: KidInfo,
    /// Partitions by (x, y).
    partitions: HashMap<(Option<char>, Option<char>), PartitionInfo>,
}

/// The revocation data a store's cache holds (see the module docs).
#[derive(Default)]
pub(super) struct Held {
    /// `None` until loaded for the current data version.
    kids: Option<HashMap<Vec<u8>, Vec<LoadedKid>>>,
    /// The latest successful sync of a revocation source.
    synced_at: Option<OffsetDateTime>,
    /// Decoded slices by (source, kid, partition id, chunk id).
    cells: HashMap<(i64, Vec<u8>, String, String), CellSlices>,
}

impl Held {
    fn load(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        if self.kids.is_some() {
            return Ok(());
        }
        let synced: Option<i64> = conn.query_row(
            "SELECT max(last_success) FROM sources WHERE kind = ?1",
            [SourceKind::Revocation.name()],
            |r| r.get(0),
        )?;
        self.synced_at = synced.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
        let mut kids: HashMap<Vec<u8>, Vec<LoadedKid>> = HashMap::new();
        for (kid, (source_id, held)) in load_kids(conn, None)? {
            let partitions = held.partitions.into_values().map(|p| ((p.x, p.y), p)).collect();
            kids.entry(kid).or_default().push(LoadedKid { source_id, info: held.info, partitions });
        }
        self.kids = Some(kids);
        Ok(())
    }

    /// The decoded slices of a cell, read once.
    fn cell(&mut self, conn: &Connection, key: (i64, Vec<u8>, String, String)) -> rusqlite::Result<CellSlices> {
        if let Some(hit) = self.cells.get(&key) {
            return Ok(Arc::clone(hit));
        }
        let mut stmt = conn.prepare_cached(
            "SELECT sid, type, expires, content FROM dcc_revocation_slices
             WHERE source_id = ?1 AND kid = ?2 AND pid = ?3 AND cid = ?4",
        )?;
        let rows = stmt.query_map(params![key.0, key.1, key.2, key.3], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, Vec<u8>>(3)?))
        })?;
        let mut slices = Vec::new();
        for row in rows {
            let (sid, kind, expires, bytes) = row?;
            // Checked at sync; a row that no longer reads is left out (and
            // the lookup then reports the cell's data missing).
            if let Some(slice) = SliceType::from_name(&kind).and_then(|k| Slice::parse(k, &bytes).ok()) {
                slices.push((sid, expires, slice));
            }
        }
        let slices = Arc::new(slices);
        self.cells.insert(key, Arc::clone(&slices));
        Ok(slices)
    }

    /// What the data held says of `key` for the signer `list` at `at`.
    pub(super) fn lookup(
        &mut self,
        conn: &Connection,
        list: ListKey<'_>,
        key: &RevocationKey,
        at: OffsetDateTime,
    ) -> rusqlite::Result<Revocation> {
        let RevocationKey::Hash { kind, hash } = key else { return Ok(Revocation::NoList) };
        if list.scheme != dcc_scheme() {
            return Ok(Revocation::NoList);
        }
        self.load(conn)?;
        let Some(synced_at) = self.synced_at else { return Ok(Revocation::NoList) };
        let at_unix = at.unix_timestamp();
        let mut wanted = Vec::new();
        let mut mode = None;
        if let Some(entries) = self.kids.as_ref().and_then(|k| k.get(list.kid)) {
            for k in entries {
                mode = Some(k.info.mode);
                if !k.info.hash_types.contains(kind) {
                    continue;
                }
                let c = cell(k.info.mode, hash);
                let Some(p) = k.partitions.get(&(c.x, c.y)) else { continue };
                let Some(slices) = p.chunks.get(c.cid.encode_utf8(&mut [0; 4])) else { continue };
                let live: Vec<SliceInfo> =
                    slices.iter().filter(|s| s.expires.unix_timestamp() > at_unix).cloned().collect();
                if !live.is_empty() {
                    wanted.push(((k.source_id, list.kid.to_vec(), p.id.clone(), c.cid.to_string()), k.info.mode, live));
                }
            }
        }
        let Some(mode) = mode else { return Ok(Revocation::DccKidNotListed { synced_at }) };
        let mut missing = false;
        // The k digests of the hash, shared by the bloom slices asked.
        let mut digests = Vec::new();
        for (cell_key, mode, live) in wanted {
            let held = self.cell(conn, cell_key)?;
            for info in &live {
                match held.iter().find(|(sid, expires, _)| *sid == info.sid && *expires > at_unix) {
                    Some((_, _, slice)) if slice.contains_cached(hash, &mut digests) => {
                        return Ok(Revocation::DccListed {
                            kind: *kind,
                            mode,
                            slice: slice.kind(),
                            prob_rate: slice.prob_rate(),
                        });
                    }
                    Some(_) => {}
                    None => missing = true,
                }
            }
        }
        Ok(if missing { Revocation::DccDataMissing { mode } } else { Revocation::DccNotListed { mode, synced_at } })
    }
}
