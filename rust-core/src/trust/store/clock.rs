//! The clock record (one row of `clock_record`): the high-water mark of
//! trusted times, and the server's time at the last sync that reported one
//! with the device clock at that moment. The mark only moves forward: a
//! lower time never lowers it. docs/verdict.md, "The clock check".

use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use time::OffsetDateTime;

use super::apply::unix;
use super::status::time_at;
use crate::clock::TrustedTime;

/// Raises the high-water mark to `t` when `t` is later.
pub(super) fn raise(tx: &Transaction<'_>, t: OffsetDateTime) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO clock_record (id, high_water) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET high_water = max(coalesce(high_water, ?1), ?1)",
        [unix(t)],
    )?;
    Ok(())
}

/// Records a server time seen at a sync and the device clock then, and
/// raises the mark to the server time.
pub(super) fn observe(tx: &Transaction<'_>, server: OffsetDateTime, device: OffsetDateTime) -> rusqlite::Result<()> {
    raise(tx, server)?;
    tx.execute(
        "UPDATE clock_record SET server_time = ?1, device_time = ?2 WHERE id = 1",
        params![unix(server), unix(device)],
    )?;
    Ok(())
}

/// The record, when anything was ever recorded.
pub(super) fn load(conn: &Connection) -> rusqlite::Result<Option<TrustedTime>> {
    let row = conn
        .prepare_cached("SELECT high_water, server_time, device_time FROM clock_record WHERE id = 1")?
        .query_row([], |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?)))
        .optional()?;
    row.map(|(mark, server, device)| Ok(TrustedTime::new(time_at(mark)?, time_at(server)?, time_at(device)?)))
        .transpose()
}
