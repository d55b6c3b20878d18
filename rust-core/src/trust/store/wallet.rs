//! The holder's wallet table (`wallet`): certificates as the payloads they
//! came in, exact bytes. Deleting one overwrites its bytes (`secure_delete`
//! on the writing connection) and checkpoints the write-ahead log into the
//! main file and truncates it, so the holder's data is gone from both files
//! once [`SqliteStore::wallet_remove`](super::SqliteStore::wallet_remove)
//! returns (docs/wallet.md).

use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use time::OffsetDateTime;

use super::apply::unix;
use super::status::time_at;
use crate::wallet::WalletItem;

/// Stores a payload; its id.
pub(super) fn add(
    tx: &Transaction<'_>,
    payload: &[u8],
    binary: bool,
    label: Option<&str>,
    now: OffsetDateTime,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO wallet (payload, binary, label, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![payload, binary, label, unix(now)],
    )?;
    Ok(tx.last_insert_rowid())
}

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<WalletItem> {
    Ok(WalletItem {
        id: r.get(0)?,
        payload: r.get(1)?,
        binary: r.get(2)?,
        label: r.get(3)?,
        added_at: time_at(Some(r.get(4)?))?.unwrap_or(OffsetDateTime::UNIX_EPOCH),
    })
}

/// Every stored certificate, oldest first.
pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<WalletItem>> {
    let mut stmt = conn.prepare("SELECT id, payload, binary, label, added_at FROM wallet ORDER BY id")?;
    let rows = stmt.query_map([], read)?;
    rows.collect()
}

/// One stored certificate.
pub(super) fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<WalletItem>> {
    conn.query_row("SELECT id, payload, binary, label, added_at FROM wallet WHERE id = ?1", [id], read).optional()
}

/// Deletes one; whether it was there.
pub(super) fn remove(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<bool> {
    Ok(tx.execute("DELETE FROM wallet WHERE id = ?1", [id])? > 0)
}
