//! Revocation lists in the trust database (schema version 6): stored per
//! (scheme, issuer, kid), replaced by a list with an equal or higher `ctr`,
//! a lower one refused; looked up by one indexed query per revocation key.

use rusqlite::{OptionalExtension, Transaction, params};
use time::OffsetDateTime;

use crate::Error;
use crate::formats::RevocationKey;
use crate::trust::KeyScheme;
use crate::trust::crl::{self, Crl, ListKey, Revocation};

/// What storing a revocation list did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrlImport {
    /// The `ctr` of the list it replaced, if one was held.
    pub replaced: Option<u64>,
    /// How many rids the stored list names.
    pub entries: usize,
}

/// Stores `crl` for `(scheme, issuer, crl.kid)` inside `tx`, or refuses a
/// rollback ([`Error::CrlRollback`]).
pub(super) fn store(
    tx: &Transaction<'_>,
    label: &str,
    scheme: KeyScheme,
    issuer: &str,
    crl: &Crl,
    now: OffsetDateTime,
) -> Result<CrlImport, Error> {
    let db = |e| super::schema::db_error(label, e);
    let kid = crl.kid.as_bytes();
    let held: Option<(i64, i64)> = tx
        .query_row(
            "SELECT id, ctr FROM revocation_lists WHERE scheme = ?1 AND issuer = ?2 AND kid = ?3",
            params![scheme.name(), issuer, kid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(db)?;
    // `crl::parse` keeps ctr within i64; a list built otherwise is capped.
    let ctr = i64::try_from(crl.ctr).unwrap_or(i64::MAX);
    if let Some((id, held_ctr)) = held {
        if held_ctr > ctr {
            return Err(Error::CrlRollback {
                issuer: issuer.to_owned(),
                kid: crl.kid.clone(),
                held: held_ctr.unsigned_abs(),
                offered: crl.ctr,
            });
        }
        tx.execute("DELETE FROM revocation_lists WHERE id = ?1", [id]).map_err(db)?;
    }
    tx.execute(
        "INSERT INTO revocation_lists (scheme, issuer, kid, method, ctr, imported_at) VALUES (?1, ?2, ?3, 'rid', ?4, ?5)",
        params![scheme.name(), issuer, kid, ctr, now.unix_timestamp()],
    )
    .map_err(db)?;
    let id = tx.last_insert_rowid();
    let mut insert =
        tx.prepare_cached("INSERT INTO revoked_ids (list_id, rid, revoked_before) VALUES (?1, ?2, ?3)").map_err(db)?;
    for (rid, before) in crl.entries() {
        insert.execute(params![id, rid, before]).map_err(db)?;
    }
    Ok(CrlImport { replaced: held.map(|(_, c)| c.unsigned_abs()), entries: crl.len() })
}

/// What the list held for `(scheme, issuer, kid)` says about `key`.
pub(super) fn lookup(
    conn: &rusqlite::Connection,
    list: ListKey<'_>,
    key: &RevocationKey,
) -> rusqlite::Result<Revocation> {
    let Some(issuer) = list.issuer else { return Ok(Revocation::NoList) };
    let rid = match key {
        RevocationKey::Rid { rid, .. } => Some(rid.as_str()),
        _ => None,
    };
    // One row per list: its ctr, whether the rid is listed, and its stamp.
    let found: Option<(i64, bool, Option<i64>)> = conn
        .prepare_cached(
            "SELECT l.ctr, r.rid IS NOT NULL, r.revoked_before FROM revocation_lists l
             LEFT JOIN revoked_ids r ON r.list_id = l.id AND r.rid = ?4
             WHERE l.scheme = ?1 AND l.issuer = ?2 AND l.kid = ?3",
        )?
        .query_row(params![list.scheme.name(), issuer, list.kid, rid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match (found, key) {
        (None, _) => Revocation::NoList,
        (Some((ctr, true, before)), RevocationKey::Rid { issued_at, .. }) if crl::entry_revokes(before, *issued_at) => {
            Revocation::Revoked { ctr: ctr.unsigned_abs() }
        }
        (Some((ctr, ..)), _) => Revocation::NotRevoked { ctr: ctr.unsigned_abs() },
    })
}

/// What the store holds of revocation lists, for `trust status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct RevocationSummary {
    /// Revocation lists held (one per signer key).
    pub lists: u64,
    /// Identifiers they revoke, in all.
    pub revoked: u64,
    /// When the newest of them was stored.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_stored: Option<OffsetDateTime>,
}

pub(super) fn summary(conn: &rusqlite::Connection) -> rusqlite::Result<RevocationSummary> {
    let (lists, last): (i64, Option<i64>) =
        conn.query_row("SELECT count(*), max(imported_at) FROM revocation_lists", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let revoked: i64 = conn.query_row("SELECT count(*) FROM revoked_ids", [], |r| r.get(0))?;
    Ok(RevocationSummary {
        lists: u64::try_from(lists).unwrap_or_default(),
        revoked: u64::try_from(revoked).unwrap_or_default(),
        last_stored: last.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok()),
    })
}
