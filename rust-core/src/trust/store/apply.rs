//! Applying an [`Update`] inside one transaction: the rollback check, the
//! signer changes, the rules, value sets and countries, and the source's
//! bookkeeping. Any error returns before the commit, and dropping the
//! transaction rolls every statement back (ARCHITECTURE.md: "a list is
//! verified, then committed in one SQLite transaction, or not at all").
//!
//! Certificates are parsed *before* the transaction opens (parsing is the
//! slow part, and the write lock is held only for the statements), once:
//! their parsed fields are stored beside them (`store/keys.rs`).

use std::collections::HashSet;

use rusqlite::{OptionalExtension as _, Transaction, params};
use time::OffsetDateTime;

use super::content;
use super::keys::KeyColumns;
use super::schema::db_error;
use super::status::time_at;
use crate::Error;
use crate::crypto::sha256;
use crate::formats::codec::base64::encode as b64;
use crate::trust::file::SkippedEntry;
use crate::trust::update::{SignerChange, SignerRecord, SourceId, SourceMeta, Update};

/// What applying an update did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplyReport {
    /// Signer rows of the source that are new (not held before).
    pub added: usize,
    /// Signer rows of the source that were held before and are gone.
    pub removed: usize,
    /// Entries not applied: those the source already skipped, then every
    /// signer record whose certificate does not parse as a usable signer.
    pub skipped: Vec<SkippedEntry>,
    /// Entries the source holds after the update: signers, rules, value
    /// sets and countries (the `entries` of `trust status`).
    pub total: usize,
    /// Revocation lists of the update stored (each replacing the list held
    /// for its key).
    pub crls_stored: usize,
    /// Revocation lists of the update not stored because the list held for
    /// the same key has a higher `ctr` (kept).
    pub crls_kept: usize,
}

/// A signer record that parsed, ready for insertion with its parsed fields.
pub(super) struct Row<'a> {
    record: &'a SignerRecord,
    hash: [u8; 32],
    columns: KeyColumns,
}

/// Checks every signer record of `update` (each must parse via
/// [`SignerKey::from_material`](crate::trust::SignerKey::from_material));
/// returns the usable ones with their parsed fields, and the skipped
/// entries.
pub(super) fn prepare(update: &Update) -> (Vec<Row<'_>>, Vec<SkippedEntry>) {
    let records: &[SignerRecord] = match &update.signers {
        SignerChange::Replace(r) => r,
        SignerChange::Incremental { add, .. } => add,
        SignerChange::Unchanged => &[],
    };
    let mut skipped = update.skipped.clone();
    let mut rows = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        let usable = if record.kid.is_empty() {
            Err("empty key identifier".to_owned())
        } else {
            KeyColumns::of_record(record).map_err(|e| e.0)
        };
        match usable {
            Ok(columns) => rows.push(Row { record, hash: sha256(record.material.bytes()), columns }),
            Err(reason) => skipped.push(SkippedEntry {
                position: format!("{} signer {i} (kid {})", update.source, b64(&record.kid)),
                reason,
            }),
        }
    }
    (rows, skipped)
}

/// Points inside the transaction where a test can make it fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// After the source row was created or read.
    SourceRow,
    /// After signer rows were deleted (a Replace, or a `keep_only`).
    SignerDeletes,
    /// After signer rows were inserted.
    SignerInserts,
    /// After rules, value sets and countries were replaced.
    Content,
    /// After the source row was updated, just before the commit.
    Bookkeeping,
}

fn reached(label: &str, stage: Stage) -> Result<(), Error> {
    #[cfg(test)]
    if fault::fires(stage) {
        return Err(Error::TrustDatabase { path: label.to_owned(), reason: format!("injected fault after {stage:?}") });
    }
    let _ = (label, stage);
    Ok(())
}

pub(super) fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// The id of `source`'s row (created when missing) and the issue time of
/// the list held.
fn source_row(tx: &Transaction<'_>, source: &SourceId) -> rusqlite::Result<(i64, Option<i64>)> {
    tx.execute(
        "INSERT INTO sources (kind, location) VALUES (?1, ?2) ON CONFLICT (kind, location) DO NOTHING",
        params![source.kind.name(), source.location],
    )?;
    tx.query_row(
        "SELECT id, list_issued_at FROM sources WHERE kind = ?1 AND location = ?2",
        params![source.kind.name(), source.location],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

type SignerIdentity = (String, String, Vec<u8>, Vec<u8>);

fn signer_set(tx: &Transaction<'_>, source_id: i64) -> rusqlite::Result<HashSet<SignerIdentity>> {
    let mut stmt = tx.prepare_cached("SELECT scheme, issuer, kid, material_hash FROM signers WHERE source_id = ?1")?;
    let rows = stmt.query_map([source_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

fn insert_signers(tx: &Transaction<'_>, source_id: i64, rows: &[Row<'_>]) -> rusqlite::Result<()> {
    // A row held already keeps its material (same hash) and takes the
    // record's country and the fields this version parsed.
    let mut stmt = tx.prepare_cached(
        "INSERT INTO signers (source_id, scheme, issuer, kid, country, material_type, material_hash, material,
                              key_type, public_key, not_before, not_after, eku, subject_country, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (source_id, scheme, issuer, kid, material_hash) DO UPDATE
         SET country = excluded.country, key_type = excluded.key_type, public_key = excluded.public_key,
             not_before = excluded.not_before, not_after = excluded.not_after, eku = excluded.eku,
             subject_country = excluded.subject_country, status = excluded.status",
    )?;
    for row in rows {
        let (r, c) = (row.record, &row.columns);
        stmt.execute(params![
            source_id,
            r.scheme.name(),
            r.issuer.as_deref().unwrap_or_default(),
            r.kid,
            r.country,
            r.material.type_name(),
            row.hash.as_slice(),
            r.material.bytes(),
            c.key_type,
            c.public_key,
            c.not_before,
            c.not_after,
            c.eku,
            c.subject_country,
            r.status.name(),
        ])?;
    }
    Ok(())
}

/// Deletes the source's signers whose kid is not in `keep`.
fn keep_only(tx: &Transaction<'_>, source_id: i64, keep: &[Vec<u8>]) -> rusqlite::Result<()> {
    let keep: HashSet<&[u8]> = keep.iter().map(Vec::as_slice).collect();
    let doomed: Vec<i64> = {
        let mut stmt = tx.prepare_cached("SELECT id, kid FROM signers WHERE source_id = ?1")?;
        let rows = stmt.query_map([source_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut doomed = Vec::new();
        for row in rows {
            let (id, kid) = row?;
            if !keep.contains(kid.as_slice()) {
                doomed.push(id);
            }
        }
        doomed
    };
    let mut delete = tx.prepare_cached("DELETE FROM signers WHERE id = ?1")?;
    for id in doomed {
        delete.execute([id])?;
    }
    Ok(())
}

/// Applies `update` inside `tx` (which the caller commits). `rows` and
/// `skipped` come from [`prepare`].
pub(super) fn apply_in(
    tx: &Transaction<'_>,
    label: &str,
    update: &Update,
    rows: &[Row<'_>],
    skipped: Vec<SkippedEntry>,
    now: OffsetDateTime,
) -> Result<ApplyReport, Error> {
    let db = |e| db_error(label, e);
    let (source_id, held) = source_row(tx, &update.source).map_err(db)?;
    let offered = update.meta.list_issued_at;
    if let (Some(held), Some(offered)) = (held, offered)
        && unix(offered) < held
    {
        let held = OffsetDateTime::from_unix_timestamp(held).map_err(|e| Error::TrustDatabase {
            path: label.to_owned(),
            reason: format!("stored list issue time is out of range: {e}"),
        })?;
        return Err(Error::TrustRollback { source: update.source.to_string(), held, offered });
    }
    reached(label, Stage::SourceRow)?;

    // Added and removed are counted on the source's signer set before and
    // after; an unchanged source skips reading it.
    let unchanged = update.signers == SignerChange::Unchanged;
    let before = if unchanged { HashSet::new() } else { signer_set(tx, source_id).map_err(db)? };
    match &update.signers {
        SignerChange::Replace(_) => {
            tx.execute("DELETE FROM signers WHERE source_id = ?1", [source_id]).map_err(db)?;
            reached(label, Stage::SignerDeletes)?;
            insert_signers(tx, source_id, rows).map_err(db)?;
            reached(label, Stage::SignerInserts)?;
        }
        SignerChange::Incremental { keep_only: keep, .. } => {
            insert_signers(tx, source_id, rows).map_err(db)?;
            reached(label, Stage::SignerInserts)?;
            if let Some(keep) = keep {
                keep_only(tx, source_id, keep).map_err(db)?;
                reached(label, Stage::SignerDeletes)?;
            }
        }
        SignerChange::Unchanged => {}
    }
    let after = if unchanged { HashSet::new() } else { signer_set(tx, source_id).map_err(db)? };
    if !unchanged {
        super::status::count_signers(tx).map_err(db)?;
    }

    content::replace(tx, source_id, update).map_err(db)?;
    let (mut crls_stored, mut crls_kept) = (0, 0);
    for c in &update.crls {
        match super::crl::store(tx, label, c.scheme, &c.issuer, &c.crl, now) {
            Ok(_) => crls_stored += 1,
            // Checked before anything of it is written: the newer list held stays.
            Err(Error::CrlRollback { .. }) => crls_kept += 1,
            Err(e) => return Err(e),
        }
    }
    let slices = match &update.revocation {
        Some(delta) => super::revocation::apply(tx, source_id, delta, now).map_err(db)?,
        None => 0,
    };
    reached(label, Stage::Content)?;

    let total = content::entries(tx, source_id).map_err(db)? + slices;
    tx.execute(
        "UPDATE sources SET etag = ?2, resume_token = ?3, list_issued_at = coalesce(?4, list_issued_at),
                entries = ?5, skipped = ?6, last_attempt = ?7, last_success = ?7
         WHERE id = ?1",
        params![
            source_id,
            update.meta.etag,
            update.meta.resume_token,
            offered.map(unix),
            i64::try_from(total).unwrap_or(i64::MAX),
            i64::try_from(skipped.len()).unwrap_or(i64::MAX),
            unix(now),
        ],
    )
    .map_err(db)?;
    // A signed list's time is a trusted time (the clock check's mark).
    if let Some(issued) = offered {
        super::clock::raise(tx, issued).map_err(db)?;
    }
    reached(label, Stage::Bookkeeping)?;

    Ok(ApplyReport {
        added: after.difference(&before).count(),
        removed: before.difference(&after).count(),
        skipped,
        total,
        crls_stored,
        crls_kept,
    })
}

/// Whether the store holds nothing yet: no signer, and no source that ever
/// synced successfully.
pub(super) fn is_empty(conn: &rusqlite::Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM signers) AND NOT EXISTS (SELECT 1 FROM sources WHERE last_success IS NOT NULL)",
        [],
        |r| r.get(0),
    )
}

/// Longest failure reason stored, in bytes.
pub(super) const MAX_REASON_LEN: usize = 1000;

/// Records a failed sync of `source` on its row (created when missing),
/// touching nothing else.
pub(super) fn record_failure(
    tx: &Transaction<'_>,
    source: &SourceId,
    now: OffsetDateTime,
    reason: &str,
) -> rusqlite::Result<()> {
    let mut end = reason.len().min(MAX_REASON_LEN);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    tx.execute(
        "INSERT INTO sources (kind, location, last_attempt, last_failure, failure_reason) VALUES (?1, ?2, ?3, ?3, ?4)
         ON CONFLICT (kind, location) DO UPDATE
         SET last_attempt = excluded.last_attempt, last_failure = excluded.last_failure,
             failure_reason = excluded.failure_reason",
        params![source.kind.name(), source.location, unix(now), &reason[..end]],
    )?;
    Ok(())
}

/// Sets the maximum age of `source` (its row is created when missing).
pub(super) fn set_max_age(tx: &Transaction<'_>, source: &SourceId, max_age: Option<i64>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO sources (kind, location, max_age_seconds) VALUES (?1, ?2, ?3)
         ON CONFLICT (kind, location) DO UPDATE SET max_age_seconds = excluded.max_age_seconds",
        params![source.kind.name(), source.location, max_age],
    )?;
    Ok(())
}

/// The bookkeeping of `source`, when it has a row.
pub(super) fn source_meta(conn: &rusqlite::Connection, source: &SourceId) -> rusqlite::Result<Option<SourceMeta>> {
    conn.query_row(
        "SELECT etag, resume_token, list_issued_at FROM sources WHERE kind = ?1 AND location = ?2",
        params![source.kind.name(), source.location],
        |r| Ok(SourceMeta { etag: r.get(0)?, resume_token: r.get(1)?, list_issued_at: time_at(r.get(2)?)? }),
    )
    .optional()
}

#[cfg(test)]
pub(super) mod fault {
    use std::cell::Cell;

    use super::Stage;

    thread_local!(static ARMED: Cell<Option<Stage>> = const { Cell::new(None) });

    /// Makes the next apply on this thread fail at `stage`.
    pub(crate) fn arm(stage: Stage) {
        ARMED.with(|a| a.set(Some(stage)));
    }

    pub(super) fn fires(stage: Stage) -> bool {
        ARMED.with(|a| if a.get() == Some(stage) { a.take().is_some() } else { false })
    }
}
