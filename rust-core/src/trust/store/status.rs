//! Per-source status (`trust status`) and the freshness inputs of the
//! signer sources.
//!
//! The age of a source's data is measured from its last successful sync,
//! except for the bundled snapshot and a VCI directory snapshot: their data
//! is only as current as the snapshot, so its age runs from the list's issue
//! time when the snapshot says it (and never from later than the sync).

use rusqlite::{Connection, Row};
use serde::Serialize;
use time::OffsetDateTime;

use super::cache::SignerAge;
use crate::time_parse::serde_utc;
use crate::trust::update::SourceKind;

/// The state of one trust source, as `trust status --json` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct SourceStatus {
    /// The protocol (`dgca`, `de`, `rules`, `import`, `bundled`).
    pub kind: SourceKind,
    /// Where: a base URL, a file path, or a label for bundled data (`url`
    /// in JSON).
    #[serde(rename = "url")]
    pub location: String,
    /// Entries the source holds: signers, rules, value sets, countries.
    pub entries: u64,
    /// Entries of its last applied list that were unusable.
    pub skipped: u64,
    /// When the list held was issued, as the list says.
    #[serde(with = "serde_utc::option")]
    pub list_issued_at: Option<OffsetDateTime>,
    /// The last sync that was applied.
    #[serde(with = "serde_utc::option")]
    pub last_success: Option<OffsetDateTime>,
    /// The last sync tried, successful or not.
    #[serde(with = "serde_utc::option")]
    pub last_attempt: Option<OffsetDateTime>,
    /// The last sync that failed.
    #[serde(with = "serde_utc::option")]
    pub last_failure: Option<OffsetDateTime>,
    /// Why it failed.
    pub failure_reason: Option<String>,
    /// Age of the data at the instant asked about, in seconds; `None` when
    /// the source never synced.
    pub age_seconds: Option<i64>,
    /// The maximum age configured for the source (offline policy).
    pub max_age_seconds: Option<i64>,
    /// Whether a maximum age is configured and the data is older than it (or
    /// there is no data at all).
    pub stale: bool,
}

/// A stored Unix time, read back.
pub(super) fn time_at(unix: Option<i64>) -> rusqlite::Result<Option<OffsetDateTime>> {
    unix.map(|u| {
        OffsetDateTime::from_unix_timestamp(u)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Integer, Box::new(e)))
    })
    .transpose()
}

/// The instant a source's data was current (see the module documentation).
pub(super) fn data_as_of(
    kind: SourceKind,
    last_success: Option<OffsetDateTime>,
    list_issued_at: Option<OffsetDateTime>,
) -> Option<OffsetDateTime> {
    match (kind, last_success, list_issued_at) {
        (SourceKind::Bundled | SourceKind::Vci | SourceKind::Gdhcn, Some(success), Some(issued)) => {
            Some(success.min(issued))
        }
        (_, success, _) => success,
    }
}

fn kind_of(r: &Row<'_>, i: usize) -> rusqlite::Result<SourceKind> {
    let name: String = r.get(i)?;
    SourceKind::from_name(&name).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown source kind {name:?}").into(),
        )
    })
}

/// The status of every source at `now`, ordered by kind and location.
pub(super) fn load(conn: &Connection, now: OffsetDateTime) -> rusqlite::Result<Vec<SourceStatus>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, location, entries, skipped, list_issued_at, last_success, last_attempt, last_failure,
                failure_reason, max_age_seconds
         FROM sources ORDER BY kind, location",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind = kind_of(r, 0)?;
        let list_issued_at = time_at(r.get(4)?)?;
        let last_success = time_at(r.get(5)?)?;
        let max_age_seconds: Option<i64> = r.get(9)?;
        let age_seconds = data_as_of(kind, last_success, list_issued_at).map(|t| (now - t).whole_seconds());
        Ok(SourceStatus {
            kind,
            location: r.get(1)?,
            entries: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
            skipped: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            list_issued_at,
            last_success,
            last_attempt: time_at(r.get(6)?)?,
            last_failure: time_at(r.get(7)?)?,
            failure_reason: r.get(8)?,
            age_seconds,
            max_age_seconds,
            stale: max_age_seconds.is_some_and(|max| age_seconds.is_none_or(|age| age > max)),
        })
    })?;
    rows.collect()
}

/// The freshness inputs of every signer source that ever synced.
pub(super) fn signer_ages(conn: &Connection) -> rusqlite::Result<Vec<SignerAge>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, last_success, list_issued_at, max_age_seconds FROM sources WHERE last_success IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind = kind_of(r, 0)?;
        let as_of = data_as_of(kind, time_at(r.get(1)?)?, time_at(r.get(2)?)?);
        Ok((kind, as_of, r.get(3)?))
    })?;
    let mut ages = Vec::new();
    for row in rows {
        if let (kind, Some(as_of), max_age_seconds) = row?
            && kind.provides_signers()
        {
            ages.push(SignerAge { as_of, max_age_seconds });
        }
    }
    Ok(ages)
}

/// Distinct signer certificates in the store, as the last commit that
/// changed signers counted them ([`count_signers`]).
pub(super) fn signer_count(conn: &Connection) -> rusqlite::Result<usize> {
    let n: i64 = conn.query_row("SELECT distinct_signers FROM store_stats WHERE id = 1", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Recounts the distinct signer certificates, inside a commit that changed
/// signers.
pub(super) fn count_signers(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE store_stats SET distinct_signers = (SELECT count(DISTINCT material_hash) FROM signers) WHERE id = 1",
        [],
    )?;
    Ok(())
}
