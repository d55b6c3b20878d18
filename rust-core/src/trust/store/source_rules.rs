//! The rules and value sets one source holds (not the union of every
//! source): a rule sync keeps the held version of a rule whose update does
//! not compile, and must take it from that source only.

use super::SqliteStore;
use super::schema::db_error;
use crate::Error;
use crate::trust::update::{RuleRecord, SourceId, ValueSetRecord};

impl SqliteStore {
    /// The rules and value sets `source` holds (empty when it holds none).
    pub fn source_rules(&self, source: &SourceId) -> Result<(Vec<RuleRecord>, Vec<ValueSetRecord>), Error> {
        let reader = self.plain_reader();
        let run = || -> rusqlite::Result<_> {
            let kind = source.kind.name();
            let mut stmt = reader.conn.prepare_cached(
                "SELECT r.country, r.identifier, r.version, r.hash, r.json FROM rules r
                 JOIN sources s ON s.id = r.source_id WHERE s.kind = ?1 AND s.location = ?2
                 ORDER BY r.country, r.identifier, r.version",
            )?;
            let rules = stmt
                .query_map([kind, &source.location], super::content::rule_record)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = reader.conn.prepare_cached(
                "SELECT v.value_set_id, v.hash, v.json FROM value_sets v
                 JOIN sources s ON s.id = v.source_id WHERE s.kind = ?1 AND s.location = ?2
                 ORDER BY v.value_set_id",
            )?;
            let sets = stmt
                .query_map([kind, &source.location], |r| {
                    Ok(ValueSetRecord { id: r.get(0)?, hash: r.get(1)?, json: r.get(2)? })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((rules, sets))
        };
        run().map_err(|e| db_error(&self.label, e))
    }
}
