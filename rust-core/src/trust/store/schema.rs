//! The trust database's schema and its migrations.
//!
//! The schema version is SQLite's `PRAGMA user_version` (0 for a new file).
//! Migrations run in order, each in its own `BEGIN IMMEDIATE` transaction
//! that also bumps the version, so an interrupted upgrade leaves the file at
//! the last version that completed, never between two. A file whose version
//! is newer than [`CURRENT_VERSION`] is refused, never downgraded; a file
//! that already holds someone else's tables is refused, never adopted.
//!
//! Times are stored as Unix seconds (UTC), certificates as DER, JWKs as
//! JSON text, kids as raw bytes; an issuer is `''` for keys looked up by
//! kid alone. Since version 5 a signer's parsed fields are stored beside its
//! material (`store/keys.rs`).

use rusqlite::{Connection, TransactionBehavior};

use crate::Error;

/// `PRAGMA application_id` of a healthcert trust database (`HCTS`), so that
/// another program's SQLite file is not mistaken for one.
pub const APPLICATION_ID: i32 = 0x4843_5453;

/// One step of the schema, taking version `n - 1` to `n`, where `n` is its
/// position in [`MIGRATIONS`] plus one: SQL, then, in the same
/// transaction, a step over the data that SQL cannot do (parsing stored
/// material).
#[derive(Clone, Copy)]
pub(super) struct Migration {
    sql: &'static str,
    data: Option<fn(&Connection) -> rusqlite::Result<()>>,
}

impl Migration {
    /// A step that is SQL alone.
    pub(super) const fn sql(sql: &'static str) -> Self {
        Migration { sql, data: None }
    }

    fn run(&self, conn: &Connection) -> rusqlite::Result<()> {
        conn.execute_batch(self.sql)?;
        match self.data {
            Some(step) => step(conn),
            None => Ok(()),
        }
    }
}

/// Version 1: trust sources and their signer certificates.
const V1: Migration = Migration::sql(
    "
CREATE TABLE sources (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    location       TEXT NOT NULL,
    etag           TEXT,
    resume_token   TEXT,
    list_issued_at INTEGER,
    entries        INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    last_attempt   INTEGER,
    last_success   INTEGER,
    last_failure   INTEGER,
    failure_reason TEXT,
    UNIQUE (kind, location)
);
CREATE TABLE signers (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    scheme      TEXT NOT NULL,
    kid         BLOB NOT NULL CHECK (length(kid) > 0),
    country     TEXT,
    cert_hash   BLOB NOT NULL CHECK (length(cert_hash) = 32),
    certificate BLOB NOT NULL,
    UNIQUE (source_id, scheme, kid, cert_hash)
);
CREATE INDEX signers_by_kid ON signers (scheme, kid);
",
);

/// Version 2: business rules, value sets and country lists per source, and a
/// per-source maximum age (offline policy).
const V2: Migration = Migration::sql(
    "
ALTER TABLE sources ADD COLUMN max_age_seconds INTEGER
    CHECK (max_age_seconds IS NULL OR max_age_seconds >= 0);
CREATE TABLE rules (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    country    TEXT NOT NULL,
    identifier TEXT NOT NULL,
    version    TEXT NOT NULL,
    hash       TEXT NOT NULL,
    json       BLOB NOT NULL,
    UNIQUE (source_id, country, identifier, version)
);
CREATE INDEX rules_by_country ON rules (country);
CREATE TABLE value_sets (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    value_set_id TEXT NOT NULL,
    hash         TEXT NOT NULL,
    json         BLOB NOT NULL,
    UNIQUE (source_id, value_set_id)
);
CREATE TABLE countries (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    PRIMARY KEY (source_id, code)
);
",
);

/// Version 3: the number of distinct signer certificates, kept by every
/// commit that changes signers (opening a store reads one row instead of
/// counting 10 000), and an index on certificate hashes for that count.
const V3: Migration = Migration::sql(
    "
CREATE INDEX signers_by_hash ON signers (cert_hash);
CREATE TABLE store_stats (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    distinct_signers INTEGER NOT NULL
);
INSERT INTO store_stats (id, distinct_signers) VALUES (1, (SELECT count(DISTINCT cert_hash) FROM signers));
",
);

/// Version 4: signers keyed by (scheme, issuer, kid) with key material that
/// is an X.509 certificate or a JSON Web Key. The table is rebuilt (SQLite
/// cannot change a UNIQUE constraint in place); every row is kept, as an
/// X.509 signer without issuer.
const V4: Migration = Migration::sql(
    "
CREATE TABLE signers_v4 (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    scheme        TEXT NOT NULL,
    issuer        TEXT NOT NULL DEFAULT '',
    kid           BLOB NOT NULL CHECK (length(kid) > 0),
    country       TEXT,
    material_type TEXT NOT NULL CHECK (material_type IN ('x509', 'jwk')),
    material_hash BLOB NOT NULL CHECK (length(material_hash) = 32),
    material      BLOB NOT NULL,
    UNIQUE (source_id, scheme, issuer, kid, material_hash)
);
INSERT INTO signers_v4 (id, source_id, scheme, issuer, kid, country, material_type, material_hash, material)
    SELECT id, source_id, scheme, '', kid, country, 'x509', cert_hash, certificate FROM signers;
DROP TABLE signers;
ALTER TABLE signers_v4 RENAME TO signers;
CREATE INDEX signers_by_kid ON signers (scheme, kid);
CREATE INDEX signers_by_hash ON signers (material_hash);
UPDATE store_stats SET distinct_signers = (SELECT count(DISTINCT material_hash) FROM signers) WHERE id = 1;
",
);

/// Version 5: each signer's parsed fields beside its material, so that a
/// lookup builds its key without parsing a certificate: the public key
/// (`key_type` and `public_key`), the validity (`not_before`, `not_after`),
/// the extended key usage (`eku`) and the subject's country; and material
/// that may also be a bare public key (`spki`, as trust registries list
/// some keys). The table is rebuilt (SQLite cannot change a CHECK
/// constraint in place), every row kept. The data step fills the parsed
/// fields from the stored material; a row whose material does not parse
/// keeps `key_type` NULL and is left out of lookups, as before.
const V5: Migration = Migration {
    sql: "
CREATE TABLE signers_v5 (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    scheme          TEXT NOT NULL,
    issuer          TEXT NOT NULL DEFAULT '',
    kid             BLOB NOT NULL CHECK (length(kid) > 0),
    country         TEXT,
    material_type   TEXT NOT NULL CHECK (material_type IN ('x509', 'jwk', 'spki')),
    material_hash   BLOB NOT NULL CHECK (length(material_hash) = 32),
    material        BLOB NOT NULL,
    key_type        TEXT CHECK (key_type IS NULL OR key_type IN ('p256', 'p384', 'rsa')),
    public_key      BLOB,
    not_before      INTEGER,
    not_after       INTEGER,
    eku             TEXT,
    subject_country TEXT,
    UNIQUE (source_id, scheme, issuer, kid, material_hash)
);
INSERT INTO signers_v5 (id, source_id, scheme, issuer, kid, country, material_type, material_hash, material)
    SELECT id, source_id, scheme, issuer, kid, country, material_type, material_hash, material FROM signers;
DROP TABLE signers;
ALTER TABLE signers_v5 RENAME TO signers;
CREATE INDEX signers_by_kid ON signers (scheme, kid);
CREATE INDEX signers_by_hash ON signers (material_hash);
",
    data: Some(super::keys::fill_columns),
};

/// Version 6: SMART Health Card revocation lists, one per (scheme, issuer,
/// kid), each with its version (`ctr`) and its revoked rids; a rid's
/// `revoked_before` is the Unix second before which issued cards are
/// revoked, NULL for all of them. A list belongs to no source: the newest
/// `ctr` for the key wins, whoever delivered it.
const V6: Migration = Migration::sql(
    "
CREATE TABLE revocation_lists (
    id          INTEGER PRIMARY KEY,
    scheme      TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    kid         BLOB NOT NULL CHECK (length(kid) > 0),
    method      TEXT NOT NULL CHECK (method IN ('rid')),
    ctr         INTEGER NOT NULL CHECK (ctr >= 0),
    imported_at INTEGER NOT NULL,
    UNIQUE (scheme, issuer, kid)
);
CREATE TABLE revoked_ids (
    list_id        INTEGER NOT NULL REFERENCES revocation_lists (id) ON DELETE CASCADE,
    rid            TEXT NOT NULL,
    revoked_before INTEGER,
    PRIMARY KEY (list_id, rid)
);
",
);

/// Version 7: what a trust registry says of each signer key (`status`:
/// current, terminated, revoked, expired); every earlier row is current.
/// Only a current key is trusted; the others let the `issuer` check say
/// why a certificate they signed is refused.
const V7: Migration = Migration::sql(
    "
ALTER TABLE signers ADD COLUMN status TEXT NOT NULL DEFAULT 'current'
    CHECK (status IN ('current', 'terminated', 'revoked', 'expired'));
",
);

/// Version 8: two more key types, `p521` (ICAO seals' ES512 signers) and
/// `ed25519` (DIVOC issuers' `Ed25519Signature2018`). SQLite cannot change
/// a CHECK constraint in place: the table is rebuilt as in version 5, every
/// row and its status kept.
const V8: Migration = Migration::sql(
    "
CREATE TABLE signers_v8 (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    scheme          TEXT NOT NULL,
    issuer          TEXT NOT NULL DEFAULT '',
    kid             BLOB NOT NULL CHECK (length(kid) > 0),
    country         TEXT,
    material_type   TEXT NOT NULL CHECK (material_type IN ('x509', 'jwk', 'spki')),
    material_hash   BLOB NOT NULL CHECK (length(material_hash) = 32),
    material        BLOB NOT NULL,
    key_type        TEXT CHECK (key_type IS NULL OR key_type IN ('p256', 'p384', 'p521', 'rsa', 'ed25519')),
    public_key      BLOB,
    not_before      INTEGER,
    not_after       INTEGER,
    eku             TEXT,
    subject_country TEXT,
    status          TEXT NOT NULL DEFAULT 'current'
        CHECK (status IN ('current', 'terminated', 'revoked', 'expired')),
    UNIQUE (source_id, scheme, issuer, kid, material_hash)
);
INSERT INTO signers_v8 SELECT id, source_id, scheme, issuer, kid, country, material_type, material_hash, material,
    key_type, public_key, not_before, not_after, eku, subject_country, status FROM signers;
DROP TABLE signers;
ALTER TABLE signers_v8 RENAME TO signers;
CREATE INDEX signers_by_kid ON signers (scheme, kid);
CREATE INDEX signers_by_hash ON signers (material_hash);
",
);

/// Version 9: the clock record (one row: the high-water mark of trusted
/// times, the server's time at the last sync that reported one and the
/// device clock at that moment; docs/verdict.md, "The clock check"), and
/// the holder's wallet (docs/wallet.md): each certificate as the payload
/// it came in, exact bytes, never re-encoded; `binary` 1 for a binary
/// payload (a DIVOC ZIP), 0 for text.
const V9: Migration = Migration::sql(
    "
CREATE TABLE clock_record (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    high_water  INTEGER,
    server_time INTEGER,
    device_time INTEGER
);
CREATE TABLE wallet (
    id       INTEGER PRIMARY KEY,
    payload  BLOB NOT NULL CHECK (length(payload) > 0),
    binary   INTEGER NOT NULL CHECK (binary IN (0, 1)),
    label    TEXT,
    added_at INTEGER NOT NULL
);
",
);

/// Version 10: the EU DCC revocation service's data (`store/revocation.rs`),
/// per revocation source: its kids (mode, hash types, expiry,
/// `lastUpdated`), their partitions (place, expiry, `lastUpdated`, the
/// chunk map as JSON) and the slices (type, batch expiry, bytes), keyed by
/// (kid, partition id, chunk id, slice id). The `/lists` ETag and the last
/// sync are the source's row in `sources`. Times are Unix seconds.
const V10: Migration = Migration::sql(
    "
CREATE TABLE dcc_revocation_kids (
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    kid          BLOB NOT NULL CHECK (length(kid) > 0),
    mode         TEXT NOT NULL CHECK (mode IN ('POINT', 'VECTOR', 'COORDINATE')),
    hash_types   TEXT NOT NULL,
    expires      INTEGER NOT NULL,
    last_updated TEXT NOT NULL,
    PRIMARY KEY (source_id, kid)
);
CREATE TABLE dcc_revocation_partitions (
    source_id    INTEGER NOT NULL,
    kid          BLOB NOT NULL,
    pid          TEXT NOT NULL,
    x            TEXT,
    y            TEXT,
    expires      INTEGER NOT NULL,
    last_updated TEXT NOT NULL,
    chunks       TEXT NOT NULL,
    PRIMARY KEY (source_id, kid, pid),
    FOREIGN KEY (source_id, kid) REFERENCES dcc_revocation_kids (source_id, kid) ON DELETE CASCADE
);
CREATE TABLE dcc_revocation_slices (
    source_id INTEGER NOT NULL,
    kid       BLOB NOT NULL,
    pid       TEXT NOT NULL,
    cid       TEXT NOT NULL,
    sid       TEXT NOT NULL,
    type      TEXT NOT NULL CHECK (type IN ('BLOOMFILTER', 'VARHASHLIST')),
    expires   INTEGER NOT NULL,
    content   BLOB NOT NULL,
    PRIMARY KEY (source_id, kid, pid, cid, sid),
    FOREIGN KEY (source_id, kid, pid) REFERENCES dcc_revocation_partitions (source_id, kid, pid) ON DELETE CASCADE
);
",
);

/// Every migration, in order.
pub(super) const MIGRATIONS: &[Migration] = &[V1, V2, V3, V4, V5, V6, V7, V8, V9, V10];

/// The schema version this code writes and reads.
pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;

pub(super) fn db_error(label: &str, e: rusqlite::Error) -> Error {
    Error::TrustDatabase { path: label.to_owned(), reason: e.to_string() }
}

/// The schema version of the database behind `conn`.
pub(super) fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// Refuses a file this code must not touch: a newer schema, or another
/// program's database. Reads only, in one statement: one snapshot, even
/// outside a transaction (read in several, a new file could be seen at
/// version 0 and then with the tables another connection's first migration
/// just committed, and be taken for another program's).
pub(super) fn check_compatible(conn: &Connection, label: &str, known: u32) -> Result<u32, Error> {
    let db = |e| db_error(label, e);
    let (version, app_id, objects): (i64, i32, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id),
                    (SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(db)?;
    let version = u32::try_from(version).unwrap_or(u32::MAX);
    if version > known {
        return Err(Error::TrustSchemaTooNew { path: label.to_owned(), found: version, supported: known });
    }
    let foreign = if version == 0 { objects > 0 || app_id != 0 } else { app_id != APPLICATION_ID };
    if foreign {
        return Err(Error::TrustDatabase {
            path: label.to_owned(),
            reason: "not a healthcert trust database (it holds other data); left untouched".to_owned(),
        });
    }
    Ok(version)
}

/// Brings the database to [`CURRENT_VERSION`].
pub(super) fn migrate(conn: &mut Connection, label: &str) -> Result<u32, Error> {
    migrate_with(conn, label, MIGRATIONS, CURRENT_VERSION)
}

/// Runs `migrations` up to version `target`, one transaction per version.
/// The version is re-read inside each transaction, so two processes opening
/// the same new file do not both run a step.
pub(super) fn migrate_with(
    conn: &mut Connection,
    label: &str,
    migrations: &[Migration],
    target: u32,
) -> Result<u32, Error> {
    let known = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    let target = target.min(known);
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| db_error(label, e))?;
        let version = check_compatible(&tx, label, known)?;
        if version >= target {
            tx.commit().map_err(|e| db_error(label, e))?;
            return Ok(version);
        }
        let step = |e| Error::TrustDatabase {
            path: label.to_owned(),
            reason: format!("migration to schema version {} failed: {e}", version + 1),
        };
        migrations[version as usize].run(&tx).map_err(step)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(step)?;
        tx.pragma_update(None, "user_version", version + 1).map_err(step)?;
        tx.commit().map_err(step)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn versions_apply_in_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate_with(&mut conn, "t", MIGRATIONS, 1).unwrap(), 1);
        assert_eq!(tables(&conn), ["signers", "sources"]);
        assert_eq!(migrate(&mut conn, "t").unwrap(), CURRENT_VERSION);
        assert_eq!(
            tables(&conn),
            [
                "clock_record",
                "countries",
                "dcc_revocation_kids",
                "dcc_revocation_partitions",
                "dcc_revocation_slices",
                "revocation_lists",
                "revoked_ids",
                "rules",
                "signers",
                "sources",
                "store_stats",
                "value_sets",
                "wallet"
            ]
        );
        assert_eq!(user_version(&conn).unwrap(), CURRENT_VERSION);
        // Idempotent.
        assert_eq!(migrate(&mut conn, "t").unwrap(), CURRENT_VERSION);
    }

    #[test]
    fn a_failing_step_leaves_the_previous_version_whole() {
        let mut conn = Connection::open_in_memory().unwrap();
        let broken: &[Migration] =
            &[V1, Migration::sql("CREATE TABLE half_done (a); INSERT INTO no_such_table VALUES (1);")];
        let err = migrate_with(&mut conn, "t", broken, 2).unwrap_err();
        assert!(matches!(&err, Error::TrustDatabase { reason, .. } if reason.contains("version 2")), "{err}");
        assert_eq!(user_version(&conn).unwrap(), 1);
        assert_eq!(tables(&conn), ["signers", "sources"], "the failed step's table was rolled back");

        // A data step that fails rolls its SQL back too.
        let failing_data = Migration {
            sql: "CREATE TABLE half_done (a); UPDATE signers SET country = 'XX';",
            data: Some(|_| Err(rusqlite::Error::InvalidQuery)),
        };
        let err = migrate_with(&mut conn, "t", &[V1, failing_data], 2).unwrap_err();
        assert!(matches!(&err, Error::TrustDatabase { reason, .. } if reason.contains("version 2")), "{err}");
        assert_eq!(user_version(&conn).unwrap(), 1);
        assert_eq!(tables(&conn), ["signers", "sources"]);
    }

    #[test]
    fn newer_and_foreign_databases_are_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        let newer = CURRENT_VERSION + 1;
        conn.pragma_update(None, "user_version", newer).unwrap();
        match migrate(&mut conn, "t") {
            Err(Error::TrustSchemaTooNew { found, supported, .. }) if found == newer => {
                assert_eq!(supported, CURRENT_VERSION)
            }
            other => panic!("expected TrustSchemaTooNew, got {other:?}"),
        }
        assert_eq!(user_version(&conn).unwrap(), newer, "not downgraded");

        let mut other = Connection::open_in_memory().unwrap();
        other.execute_batch("CREATE TABLE notes (body TEXT)").unwrap();
        assert!(matches!(migrate(&mut other, "t"), Err(Error::TrustDatabase { .. })));
        assert_eq!(tables(&other), ["notes"]);
    }
}
