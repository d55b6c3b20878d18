//! The SQLite trust cache: signer keys, rules, value sets and per-source sync
//! metadata, kept current by `trust::sync` and read by the verifier.
//!
//! ARCHITECTURE.md: "Sync is separate, explicit, async, and atomic: a list is
//! verified, then committed in one SQLite transaction, or not at all. The
//! previous good list always survives a failed sync." Every write here is one
//! `BEGIN IMMEDIATE` transaction; a failure anywhere inside it rolls it back.
//!
//! Durability: WAL journal with `synchronous=FULL`, so a commit is on disk
//! (WAL fsynced) before [`SqliteStore::apply`] returns; a killed process or a
//! power cut leaves the database at the last commit, never part of one.
//!
//! Reads and writes use separate connections on a file database, so a
//! verifier keeps reading the last committed data (a WAL snapshot) while a
//! sync writes; the reading connection is opened read-only and never waits
//! for a writer. [`SqliteStore::open_read_only`] opens a store with the
//! reading connection alone (a verifier that must not write: `verify
//! --db`); `store/open.rs` says what it needs of the file system. Lookups
//! are served from an in-memory cache of signer keys that every commit
//! invalidates (see the private module `cache`); a lookup that misses it
//! builds its keys from their parsed fields, stored beside the key material
//! (`store/keys.rs`), without parsing a certificate.

mod apply;
mod cache;
mod clock;
mod content;
mod crl;
mod keys;
mod open;
mod revocation;
mod schema;
mod source_rules;
mod status;
mod wallet;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use time::OffsetDateTime;

pub use apply::ApplyReport;
pub use crl::{CrlImport, RevocationSummary};
pub use open::{NeedsWrite, WRITE_BUSY_TIMEOUT};
pub use revocation::HeldKid;
pub use schema::{APPLICATION_ID, CURRENT_VERSION};
pub use status::SourceStatus;

use self::cache::Cache;
use self::keys::StoredSigner;
use self::schema::db_error;
use super::key::LookupKey;
use super::update::{RuleRecord, SourceId, SourceKind, SourceMeta, Update, ValueSetRecord};
use super::{Crl, Freshness, HeldRules, KeyRef, KeyScheme, ListKey, Revocation, SignerKey, TrustStore};
use crate::Error;
use crate::error::{ArgumentError, TrustFormatReason};
use crate::formats::RevocationKey;

/// The reading connection and the cache it fills.
struct Reader {
    conn: Connection,
    cache: Cache,
}

/// Which connection writes.
enum Writer {
    /// A file database's own writing connection.
    Own(Mutex<Connection>),
    /// An in-memory database: the reader's connection writes too.
    Reader,
    /// Opened with [`SqliteStore::open_read_only`]: every write is refused.
    None,
}

/// The SQLite trust store. Cheap to share (`Arc`); every method takes `&self`.
pub struct SqliteStore {
    /// The file path, or `:memory:`.
    label: String,
    read: Mutex<Reader>,
    write: Writer,
    /// Held while business rules compile (outside `read`), so that one
    /// verification compiles them and the others wait for its result.
    compiling: Mutex<()>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.label).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a guard was held cannot leave SQLite half-written (an
    // open transaction rolls back when dropped); carry on.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SqliteStore {
    /// Opens the trust database at `path` for reading and writing, creating
    /// it when missing, and brings its schema up to date; waits up to
    /// [`WRITE_BUSY_TIMEOUT`] for another writer (`store/open.rs`). A file
    /// that is not a database, is corrupt, belongs to another program, or
    /// was written by a newer version is an [`Error`], and is left untouched.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let label = path.display().to_string();
        let writer = open::writer(path, &label)?;
        let (reader, _) = open::reader(path, &label)?;
        Ok(SqliteStore {
            read: Mutex::new(Reader { conn: reader, cache: Cache::default() }),
            write: Writer::Own(Mutex::new(writer)),
            compiling: Mutex::default(),
            label,
        })
    }

    /// Opens the trust database at `path` for reading only: no creation, no
    /// migration, no journal-mode change, no seeding, no lock a writer
    /// holds; it reads the last commit while another process writes, and
    /// works where the file cannot be written (`store/open.rs`). Every
    /// write through the store is refused.
    ///
    /// `Ok(Err(_))` says why the file must be written before it can serve
    /// (missing, empty, an older schema); a newer, foreign or corrupt file,
    /// or one SQLite cannot read here, is an [`Error`].
    pub fn open_read_only(path: &Path) -> Result<Result<Self, NeedsWrite>, Error> {
        let label = path.display().to_string();
        if !path.exists() {
            return Ok(Err(NeedsWrite::Missing));
        }
        let (conn, version) = open::reader(path, &label)?;
        if version == 0 {
            return Ok(Err(NeedsWrite::Empty));
        }
        if version < CURRENT_VERSION {
            return Ok(Err(NeedsWrite::OlderSchema { found: version }));
        }
        if apply::is_empty(&conn).map_err(|e| db_error(&label, e))? {
            return Ok(Err(NeedsWrite::Empty));
        }
        Ok(Ok(SqliteStore {
            read: Mutex::new(Reader { conn, cache: Cache::default() }),
            write: Writer::None,
            compiling: Mutex::default(),
            label,
        }))
    }

    /// A new, empty store in memory (tests, one-off verifications).
    pub fn open_in_memory() -> Result<Self, Error> {
        let label = ":memory:".to_owned();
        let mut conn = Connection::open_in_memory().map_err(|e| db_error(&label, e))?;
        configure(&conn, &label)?;
        schema::migrate(&mut conn, &label)?;
        Ok(SqliteStore {
            read: Mutex::new(Reader { conn, cache: Cache::default() }),
            write: Writer::Reader,
            compiling: Mutex::default(),
            label,
        })
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction and commits it, or
    /// rolls everything back when `f` fails; then invalidates the cache.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, Error>) -> Result<T, Error> {
        let db = |e| db_error(&self.label, e);
        let run = |conn: &mut Connection| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
            let out = f(&tx)?;
            tx.commit().map_err(db)?;
            Ok(out)
        };
        match &self.write {
            Writer::Own(writer) => {
                let out = run(&mut lock(writer));
                lock(&self.read).cache.invalidate();
                out
            }
            Writer::Reader => {
                let mut reader = lock(&self.read);
                let out = run(&mut reader.conn);
                reader.cache.invalidate();
                out
            }
            Writer::None => Err(Error::TrustDatabase {
                path: self.label.clone(),
                reason: "opened read-only: a write needs the database opened for writing".to_owned(),
            }),
        }
    }

    /// The reader for queries that do not use the key cache (bookkeeping,
    /// rules): SQLite reads the last commit by itself.
    fn plain_reader(&self) -> MutexGuard<'_, Reader> {
        lock(&self.read)
    }

    /// The reader, its cache current with the database.
    fn reader(&self) -> Result<MutexGuard<'_, Reader>, Error> {
        let db = |e| db_error(&self.label, e);
        let mut guard = lock(&self.read);
        let r = &mut *guard;
        let version: i64 = r
            .conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut s| s.query_row([], |row| row.get(0)))
            .map_err(db)?;
        if !r.cache.is_current(version) {
            let len = status::signer_count(&r.conn).map_err(db)?;
            let ages = status::signer_ages(&r.conn).map_err(db)?;
            r.cache.reset(version, len, ages);
        }
        Ok(guard)
    }

    /// Applies a verified update of one source in one `BEGIN IMMEDIATE`
    /// transaction, or changes nothing:
    ///
    /// - a list issued (`meta.list_issued_at`) before the one held for the
    ///   source is refused with [`Error::TrustRollback`] (rollback
    ///   protection; equal is accepted, `None` keeps the held time);
    /// - signers: `Replace` deletes the source's signers and inserts the
    ///   list; `Incremental` inserts or replaces `add`, then, with
    ///   `keep_only`, deletes the source's signers whose kid is not listed;
    ///   `Unchanged` leaves them;
    /// - rules, value sets and countries, when given, replace the source's;
    /// - the source's bookkeeping (etag, resume token, issue time, entries,
    ///   skipped count) is stored and its last attempt and last success set
    ///   to `now`.
    ///
    /// Every signer record must parse via [`SignerKey::from_material`]; one that
    /// does not is skipped and reported, and the rest applies. What parsing
    /// found (the public key, validity, extended key usage) is stored with
    /// the material, so lookups never parse it again.
    pub fn apply(&self, update: &Update, now: OffsetDateTime) -> Result<ApplyReport, Error> {
        let (rows, skipped) = apply::prepare(update);
        self.write(|tx| apply::apply_in(tx, &self.label, update, &rows, skipped, now))
    }

    /// Seeds an empty store (no signer, no source ever synced) with the
    /// bundled snapshot, checking and applying in one transaction. Returns
    /// whether it seeded.
    pub fn seed_if_empty(&self, update: &Update, now: OffsetDateTime) -> Result<bool, Error> {
        if update.source.kind != SourceKind::Bundled {
            return Err(Error::InvalidArgument(ArgumentError::NotBundledSource { kind: update.source.kind }));
        }
        let (rows, skipped) = apply::prepare(update);
        self.write(|tx| {
            if !apply::is_empty(tx).map_err(|e| db_error(&self.label, e))? {
                return Ok(false);
            }
            apply::apply_in(tx, &self.label, update, &rows, skipped, now).map(|_| true)
        })
    }

    /// Seeds an empty store with a signed snapshot (a German-shaped signed
    /// list, as apps and the CLI bundle it): verified with `key` first, then
    /// applied as the [`SourceKind::Bundled`] source `label` by
    /// [`seed_if_empty`](Self::seed_if_empty). Returns that source and
    /// whether it seeded. A snapshot that does not verify is an
    /// [`Error::TrustFormat`], and nothing is written.
    pub fn seed_from_signed_snapshot(
        &self,
        label: &str,
        snapshot: &[u8],
        key: &crate::crypto::PublicKey,
        now: OffsetDateTime,
    ) -> Result<(SourceId, bool), Error> {
        let list = crate::trust::signed_list::parse(label, snapshot, key)
            .map_err(|e| Error::TrustFormat { origin: label.to_owned(), reason: TrustFormatReason::SignedList(e) })?;
        let id = SourceId { kind: SourceKind::Bundled, location: label.to_owned() };
        let seeded = self.seed_if_empty(&list.into_update(id.clone(), None), now)?;
        Ok((id, seeded))
    }

    /// Stores `crl` as the revocation list of `issuer`'s key `crl.kid` in
    /// `scheme`, in one transaction: it replaces a list held with a lower
    /// or equal `ctr`; one with a lower `ctr` than the list held is refused
    /// ([`Error::CrlRollback`]) and the held list kept.
    pub fn import_crl(
        &self,
        scheme: KeyScheme,
        issuer: &str,
        crl: &Crl,
        now: OffsetDateTime,
    ) -> Result<CrlImport, Error> {
        self.write(|tx| crl::store(tx, &self.label, scheme, issuer, crl, now))
    }

    /// Records a failed sync of `source` (last attempt, last failure and its
    /// reason, cut to 1000 bytes) without touching any data. `reason` is
    /// shown by `trust status`: it must not carry personal data.
    pub fn record_failure(&self, source: &SourceId, now: OffsetDateTime, reason: &str) -> Result<(), Error> {
        self.write(|tx| apply::record_failure(tx, source, now, reason).map_err(|e| db_error(&self.label, e)))
    }

    /// Records a server's time seen at a sync (`Date` + `Age`) and the
    /// device clock at that moment, and raises the high-water mark of
    /// trusted times to it (never lowers it), in one transaction. Kept
    /// whether the sync was applied or not: it is an observation of the
    /// clocks, not data.
    pub fn record_server_time(&self, server: OffsetDateTime, device: OffsetDateTime) -> Result<(), Error> {
        self.write(|tx| clock::observe(tx, server, device).map_err(|e| db_error(&self.label, e)))
    }

    /// Raises the high-water mark of trusted times to `t` (a lower `t`
    /// leaves it as it is).
    pub fn raise_trusted_time(&self, t: OffsetDateTime) -> Result<(), Error> {
        self.write(|tx| clock::raise(tx, t).map_err(|e| db_error(&self.label, e)))
    }

    /// Stores a certificate in the holder's wallet as the payload it came
    /// in (`binary`: a binary payload such as a DIVOC ZIP; else UTF-8
    /// text), never re-encoded; its id. Use [`crate::wallet::add`], which
    /// checks that the payload is a health certificate first.
    pub fn wallet_add(
        &self,
        payload: &[u8],
        binary: bool,
        label: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<i64, Error> {
        self.write(|tx| wallet::add(tx, payload, binary, label, now).map_err(|e| db_error(&self.label, e)))
    }

    /// Every certificate of the wallet, oldest first.
    pub fn wallet_list(&self) -> Result<Vec<crate::wallet::WalletItem>, Error> {
        let reader = self.plain_reader();
        wallet::list(&reader.conn).map_err(|e| db_error(&self.label, e))
    }

    /// One certificate of the wallet.
    pub fn wallet_get(&self, id: i64) -> Result<Option<crate::wallet::WalletItem>, Error> {
        let reader = self.plain_reader();
        wallet::get(&reader.conn, id).map_err(|e| db_error(&self.label, e))
    }

    /// Removes a certificate from the wallet; whether it was there. Its
    /// bytes are overwritten (`secure_delete`), and the write-ahead log is
    /// checkpointed into the main file and truncated, so they are in
    /// neither file afterwards.
    pub fn wallet_remove(&self, id: i64) -> Result<bool, Error> {
        let db = |e| db_error(&self.label, e);
        let removed = self.write(|tx| wallet::remove(tx, id).map_err(db))?;
        if let Writer::Own(writer) = &self.write {
            // A reader in the middle of a read keeps the frames it reads
            // until it ends; the checkpoint then reports it busy. Nothing
            // here holds one open across calls.
            lock(writer).query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(db)?;
        }
        Ok(removed)
    }

    /// What the next sync of `source` sends (`If-None-Match`,
    /// `X-RESUME-TOKEN`) and the issue time of the list held (rollback
    /// protection). Empty for a source never synced. Times have one-second
    /// precision.
    pub fn source_meta(&self, source: &SourceId) -> Result<SourceMeta, Error> {
        let reader = self.plain_reader();
        let meta = apply::source_meta(&reader.conn, source).map_err(|e| db_error(&self.label, e))?;
        Ok(meta.unwrap_or_default())
    }

    /// Sets the maximum age of `source`'s data (offline policy): older data
    /// makes verdicts `stale`. `None` removes the limit.
    pub fn set_max_age(&self, source: &SourceId, max_age_seconds: Option<i64>) -> Result<(), Error> {
        self.set_max_ages(std::slice::from_ref(source), max_age_seconds)
    }

    /// [`set_max_age`](Self::set_max_age) for several sources, in one
    /// transaction.
    pub fn set_max_ages(&self, sources: &[SourceId], max_age_seconds: Option<i64>) -> Result<(), Error> {
        if max_age_seconds.is_some_and(|m| m < 0) {
            return Err(Error::InvalidArgument(ArgumentError::NegativeMaxAge));
        }
        self.write(|tx| {
            for source in sources {
                apply::set_max_age(tx, source, max_age_seconds).map_err(|e| db_error(&self.label, e))?;
            }
            Ok(())
        })
    }

    /// Every issuer that the signer keys of `scheme` held name (SMART
    /// Health Card issuers: from a VCI snapshot, a registry, an imported
    /// JWKS), sorted, each once; keys of the source `except` do not count.
    pub fn issuers(&self, scheme: KeyScheme, except: Option<&SourceId>) -> Result<Vec<String>, Error> {
        let reader = self.plain_reader();
        let (kind, location) = except.map_or(("", ""), |s| (s.kind.name(), s.location.as_str()));
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = reader.conn.prepare_cached(
                "SELECT DISTINCT g.issuer FROM signers g JOIN sources s ON s.id = g.source_id
                 WHERE g.scheme = ?1 AND g.issuer != '' AND NOT (s.kind = ?2 AND s.location = ?3)
                 ORDER BY g.issuer",
            )?;
            let rows = stmt.query_map(params![scheme.name(), kind, location], |r| r.get(0))?;
            rows.collect()
        };
        run().map_err(|e| db_error(&self.label, e))
    }

    /// The status of every source at `now`.
    pub fn status(&self, now: OffsetDateTime) -> Result<Vec<SourceStatus>, Error> {
        let reader = self.plain_reader();
        status::load(&reader.conn, now).map_err(|e| db_error(&self.label, e))
    }

    /// What the EU DCC revocation source `source` holds, by kid (for the
    /// next sync's diff).
    pub fn revocation_held(&self, source: &SourceId) -> Result<std::collections::HashMap<Vec<u8>, HeldKid>, Error> {
        let reader = self.plain_reader();
        revocation::held_kids(&reader.conn, source).map_err(|e| db_error(&self.label, e))
    }

    /// The revocation lists held (they belong to no source: the newest
    /// version of a key's list wins, whoever delivered it).
    pub fn revocation_summary(&self) -> Result<RevocationSummary, Error> {
        let reader = self.plain_reader();
        crl::summary(&reader.conn).map_err(|e| db_error(&self.label, e))
    }

    /// The business rules of a country of arrival, from every source.
    pub fn rules(&self, country: &str) -> Result<Vec<RuleRecord>, Error> {
        let reader = self.plain_reader();
        content::rules(&reader.conn, country).map_err(|e| db_error(&self.label, e))
    }

    /// Every value set, from every source.
    pub fn value_sets(&self) -> Result<Vec<ValueSetRecord>, Error> {
        let reader = self.plain_reader();
        content::value_sets(&reader.conn).map_err(|e| db_error(&self.label, e))
    }

    /// The countries the rule sources list, sorted, each once.
    pub fn countries(&self) -> Result<Vec<String>, Error> {
        let reader = self.plain_reader();
        content::countries(&reader.conn).map_err(|e| db_error(&self.label, e))
    }

    /// The schema version of the database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32, Error> {
        let reader = lock(&self.read);
        schema::user_version(&reader.conn).map_err(|e| db_error(&self.label, e))
    }

    /// Whether SQLite's `PRAGMA integrity_check` finds the file sound. A
    /// check that stops on a corrupt page answers `false`; an error is a
    /// failure to check (I/O, a lock held too long).
    pub fn integrity_check(&self) -> Result<bool, Error> {
        // Not through `reader()`: its cache refresh may itself hit the damage.
        let reader = lock(&self.read);
        let results: rusqlite::Result<Vec<String>> = reader
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect());
        match results {
            Ok(results) => Ok(results == ["ok"]),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) =>
            {
                Ok(false)
            }
            Err(e) => Err(db_error(&self.label, e)),
        }
    }

    /// Reads the cache, reloading it only when this store invalidated it
    /// (or never loaded it); when even that fails, the last values known.
    fn cached<T>(&self, read: impl Fn(&Cache) -> T) -> T {
        {
            let guard = lock(&self.read);
            if guard.cache.is_loaded() {
                return read(&guard.cache);
            }
        }
        match self.reader() {
            Ok(guard) => read(&guard.cache),
            Err(_) => read(&lock(&self.read).cache),
        }
    }

    fn lookup(&self, key: &KeyRef) -> Result<Vec<Arc<SignerKey>>, Error> {
        let Some(key) = key.lookup_key() else { return Ok(Vec::new()) };
        let mut guard = self.reader()?;
        let r = &mut *guard;
        if let Some(hit) = r.cache.get(&key) {
            return Ok(hit);
        }
        let found = load_signers(&r.conn, &key).map_err(|e| db_error(&self.label, e))?;
        r.cache.put(key, found.clone());
        Ok(found)
    }
}

/// Sets the per-connection pragmas: foreign keys on, full fsync at commit,
/// deleted content overwritten with zeros (the wallet's personal data must
/// not survive its deletion in free pages).
fn configure(conn: &Connection, label: &str) -> Result<(), Error> {
    conn.pragma_update(None, "foreign_keys", true).map_err(|e| db_error(label, e))?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| db_error(label, e))?;
    conn.pragma_update(None, "secure_delete", true).map_err(|e| db_error(label, e))?;
    Ok(())
}

/// The columns a lookup reads.
macro_rules! signer_query {
    ($where:literal) => {
        concat!(
            "SELECT material_hash, country IS NULL, source_id, issuer, kid, material_type, material, country,
                    key_type, public_key, not_before, not_after, eku, subject_country, status
             FROM signers WHERE ",
            $where
        )
    };
}

/// The signers `key` refers to, each key once even when several sources
/// deliver it (the copy with a country, then the oldest source, wins),
/// built from their stored fields. A row whose fields do not rebuild a key
/// is left out.
fn load_signers(conn: &Connection, key: &LookupKey) -> rusqlite::Result<Vec<Arc<SignerKey>>> {
    type Order = (Vec<u8>, bool, i64);
    let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(Order, StoredSigner)> {
        let order = (r.get(0)?, r.get(1)?, r.get(2)?);
        Ok((
            order,
            StoredSigner {
                issuer: r.get(3)?,
                kid: r.get(4)?,
                material_type: r.get(5)?,
                material: r.get(6)?,
                country: r.get(7)?,
                key_type: r.get(8)?,
                public_key: r.get(9)?,
                not_before: r.get(10)?,
                not_after: r.get(11)?,
                eku: r.get(12)?,
                subject_country: r.get(13)?,
                status: r.get(14)?,
            },
        ))
    };
    let (scheme, mut rows) = match key {
        LookupKey::Kid(scheme, kid) => {
            let mut stmt = conn.prepare_cached(signer_query!("scheme = ?1 AND kid = ?2 AND issuer = ''"))?;
            let rows = stmt.query_map(params![scheme.name(), kid], read)?.collect::<rusqlite::Result<Vec<_>>>()?;
            (*scheme, rows)
        }
        LookupKey::IssuerKid(scheme, issuer, kid) => {
            let mut stmt = conn.prepare_cached(signer_query!("scheme = ?1 AND kid = ?2 AND issuer = ?3"))?;
            let rows =
                stmt.query_map(params![scheme.name(), kid, issuer], read)?.collect::<rusqlite::Result<Vec<_>>>()?;
            (*scheme, rows)
        }
        LookupKey::Certificate(scheme, hash) => {
            let mut stmt =
                conn.prepare_cached(signer_query!("scheme = ?1 AND material_hash = ?2 AND material_type = 'x509'"))?;
            let rows =
                stmt.query_map(params![scheme.name(), hash.as_slice()], read)?.collect::<rusqlite::Result<Vec<_>>>()?;
            (*scheme, rows)
        }
    };
    // Sorted here, not with ORDER BY: SQLite's sorter costs more than the
    // whole indexed lookup.
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.dedup_by(|later, first| later.0.0 == first.0.0);
    Ok(rows.into_iter().filter_map(|(_, stored)| stored.rebuild(scheme).map(Arc::new)).collect())
}

impl TrustStore for SqliteStore {
    fn signers(&self, key: &KeyRef) -> Result<Vec<Arc<SignerKey>>, Error> {
        self.lookup(key)
    }

    /// A rid: one indexed query on the reading connection (the last
    /// commit). An EU DCC hash: from the cache of revocation data
    /// (`store/revocation.rs`), current with the database.
    fn revocation(&self, list: ListKey<'_>, key: &RevocationKey, at: OffsetDateTime) -> Result<Revocation, Error> {
        if let RevocationKey::Hash { .. } = key {
            let mut guard = self.reader()?;
            let r = &mut *guard;
            return r.cache.revocation.lookup(&r.conn, list, key, at).map_err(|e| db_error(&self.label, e));
        }
        let reader = self.plain_reader();
        crl::lookup(&reader.conn, list, key).map_err(|e| db_error(&self.label, e))
    }

    fn source(&self) -> String {
        format!("sqlite {}", self.label)
    }

    /// One row, read on the reading connection (the last commit).
    fn trusted_time(&self) -> Result<Option<crate::clock::TrustedTime>, Error> {
        let reader = self.plain_reader();
        clock::load(&reader.conn).map_err(|e| db_error(&self.label, e))
    }

    /// Distinct signer certificates. Served from the cache: a commit of
    /// this store is reflected at once, one by another process from the
    /// next lookup on (the lookup path checks; this one stays cheap).
    fn len(&self) -> usize {
        self.cached(|c| c.len())
    }

    /// The stalest signer source (Dgca, De, Import, Bundled) that ever
    /// synced: a stale one before a fresh one, then the oldest. Cached as
    /// [`len`](Self::len) is.
    fn freshness(&self, now: OffsetDateTime) -> Option<Freshness> {
        self.cached(|c| c.freshness(now))
    }

    /// Every rule and value set of every source, compiled once per commit
    /// (the first verification with a country of arrival after a change
    /// compiles them; the others share the result). The documents are read
    /// under the reader's lock and compiled without it, so other
    /// verifications' signer lookups go on meanwhile (thousands of rules
    /// take a few hundred milliseconds to compile); verifications that need
    /// the rules wait for the one compiling them.
    fn business_rules(&self) -> Result<Option<Arc<HeldRules>>, Error> {
        if let Some(held) = self.reader()?.cache.rules() {
            return Ok(Some(held));
        }
        let _compiling = lock(&self.compiling);
        let (generation, rules, value_sets) = {
            let guard = self.reader()?;
            if let Some(held) = guard.cache.rules() {
                return Ok(Some(held));
            }
            let db = |e| db_error(&self.label, e);
            let rules = content::all_rule_documents(&guard.conn).map_err(db)?;
            let value_sets = content::value_sets(&guard.conn).map_err(db)?;
            (guard.cache.generation(), rules, value_sets)
        };
        #[cfg(test)]
        tests::while_compiling();
        let held = Arc::new(HeldRules::from_json(&rules, value_sets.iter().map(|v| &v.json)));
        lock(&self.read).cache.set_rules(generation, Arc::clone(&held));
        Ok(Some(held))
    }
}

#[cfg(test)]
mod tests;
