//! Business-rule content per source: CertLogic rules, value sets and the
//! country list of the DGCA business-rule service (`/rules`, `/valuesets`,
//! `/countrylist`). A source that delivers one of them delivers it whole,
//! so each is replaced, never merged.
//!
//! Two rules of one source with the same country, identifier and version, or
//! two value sets with the same id, make the list ambiguous: the insert
//! fails, and with it the whole apply (the last good list is kept). A
//! repeated country code is harmless and stored once.

use rusqlite::{Connection, Transaction, params};

use crate::trust::update::{RuleRecord, Update, ValueSetRecord};

/// Replaces the rules, value sets and countries `update` delivers.
pub(super) fn replace(tx: &Transaction<'_>, source_id: i64, update: &Update) -> rusqlite::Result<()> {
    if let Some(rules) = &update.rules {
        tx.execute("DELETE FROM rules WHERE source_id = ?1", [source_id])?;
        let mut stmt = tx.prepare_cached(
            "INSERT INTO rules (source_id, country, identifier, version, hash, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in rules {
            stmt.execute(params![source_id, r.country, r.identifier, r.version, r.hash, r.json])?;
        }
    }
    if let Some(sets) = &update.value_sets {
        tx.execute("DELETE FROM value_sets WHERE source_id = ?1", [source_id])?;
        let mut stmt =
            tx.prepare_cached("INSERT INTO value_sets (source_id, value_set_id, hash, json) VALUES (?1, ?2, ?3, ?4)")?;
        for v in sets {
            stmt.execute(params![source_id, v.id, v.hash, v.json])?;
        }
    }
    if let Some(countries) = &update.countries {
        tx.execute("DELETE FROM countries WHERE source_id = ?1", [source_id])?;
        let mut stmt = tx.prepare_cached("INSERT OR IGNORE INTO countries (source_id, code) VALUES (?1, ?2)")?;
        for c in countries {
            stmt.execute(params![source_id, c])?;
        }
    }
    Ok(())
}

/// Everything the source holds: signers, rules, value sets, countries.
pub(super) fn entries(tx: &Transaction<'_>, source_id: i64) -> rusqlite::Result<usize> {
    let n: i64 = tx.query_row(
        "SELECT (SELECT count(*) FROM signers WHERE source_id = ?1)
              + (SELECT count(*) FROM rules WHERE source_id = ?1)
              + (SELECT count(*) FROM value_sets WHERE source_id = ?1)
              + (SELECT count(*) FROM countries WHERE source_id = ?1)",
        [source_id],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The rules of a country of arrival, from every source, each distinct rule
/// once, ordered by identifier and version.
pub(super) fn rules(conn: &Connection, country: &str) -> rusqlite::Result<Vec<RuleRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT country, identifier, version, hash, json FROM rules WHERE country = ?1
         ORDER BY identifier, version, hash",
    )?;
    let rows = stmt.query_map([country], rule_record)?;
    rows.collect()
}

/// A rule from a row of `country, identifier, version, hash, json`.
pub(super) fn rule_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<RuleRecord> {
    Ok(RuleRecord { country: r.get(0)?, identifier: r.get(1)?, version: r.get(2)?, hash: r.get(3)?, json: r.get(4)? })
}

/// Every rule document of every country and source, each distinct one once.
pub(super) fn all_rule_documents(conn: &Connection) -> rusqlite::Result<Vec<Vec<u8>>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT json FROM rules ORDER BY country, identifier, version")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Every value set from every source, each distinct one once, by id.
pub(super) fn value_sets(conn: &Connection) -> rusqlite::Result<Vec<ValueSetRecord>> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT value_set_id, hash, json FROM value_sets ORDER BY value_set_id, hash")?;
    let rows = stmt.query_map([], |r| Ok(ValueSetRecord { id: r.get(0)?, hash: r.get(1)?, json: r.get(2)? }))?;
    rows.collect()
}

/// The union of the country lists of every source, sorted.
pub(super) fn countries(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT code FROM countries ORDER BY code")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
