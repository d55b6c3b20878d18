//! Opening the trust database: the writing connection (creation, the switch
//! to WAL, migrations) and the reading connections, which never write.
//!
//! **Writers wait.** A sync or import waits up to [`WRITE_BUSY_TIMEOUT`] for
//! another connection's write lock. SQLite's busy handler does not cover the
//! switch of a new file to WAL: the pragma reads page 1, then upgrades its
//! read lock to a write lock, and SQLite answers an upgrade that conflicts
//! with another connection `SQLITE_BUSY` at once (waiting could deadlock two
//! upgraders). Two first syncs started at once on a new file therefore lost
//! some races with "database is locked" (13 of 150 in a two-process
//! reproduction, at once, without waiting). The switch is retried
//! here until the timeout; every other step (`BEGIN IMMEDIATE` migrations
//! and commits) takes its write lock first and is waited for by SQLite.
//!
//! **Readers never wait on writers.** A reading connection is opened
//! `SQLITE_OPEN_READ_ONLY`: no schema migration, no journal-mode change, no
//! write lock, ever. In WAL mode it reads the last commit (a WAL snapshot)
//! while another connection or process writes. SQLite still needs the
//! `-shm` file (the WAL index) to read a WAL database, and creates it (and
//! an empty `-wal`) when missing, as any reader of a WAL database does:
//!
//! - file and directory writable: as usual;
//! - the `-wal` and `-shm` files exist (a writer has them open, or left
//!   them): read, even where nothing can be written (the index is mapped
//!   read-only, or rebuilt from the `-wal` in private memory when no other
//!   connection has it open);
//! - no `-wal` file (or an empty one), and the `-shm` cannot be created
//!   (read-only file system or directory): every commit is in the main
//!   file and, since a writer would need the same `-shm`, no writer can be
//!   active; the file is opened `immutable=1` (no locks, no WAL). A more
//!   privileged process that starts writing the file while such a reader
//!   reads is not supported: the reader would not see its WAL;
//! - a non-empty `-wal` but no `-shm`, and it cannot be created: refused
//!   with a clear error. `immutable=1` would ignore the WAL and serve data
//!   older than its last commits (checked: it does).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::schema::{self, db_error};
use crate::Error;

/// How long a writer waits for another connection's write lock (another
/// sync or import committing) before failing.
pub const WRITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a reader waits. A WAL reader takes no lock a writer holds; it
/// waits only while a crashed writer's WAL index is being rebuilt.
pub(super) const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why [`SqliteStore::open_read_only`](super::SqliteStore::open_read_only)
/// could not serve a file as it is: it must be written first (created,
/// seeded or upgraded), which a reader never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedsWrite {
    /// There is no file.
    Missing,
    /// A new file (schema version 0), or one that holds no trust data yet
    /// (no signer, no source that ever synced).
    Empty,
    /// A file of an older schema version: opening it for writing upgrades it.
    OlderSchema {
        /// Its schema version.
        found: u32,
    },
}

impl std::fmt::Display for NeedsWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NeedsWrite::Missing => f.write_str("the trust database does not exist"),
            NeedsWrite::Empty => f.write_str("the trust database holds no trust data yet"),
            NeedsWrite::OlderSchema { found } => {
                write!(
                    f,
                    "the trust database has schema version {found}; this program reads {}",
                    schema::CURRENT_VERSION
                )
            }
        }
    }
}

/// Opens (creating when missing) the database at `path` for writing,
/// switched to WAL and migrated to the current schema. A newer, foreign or
/// corrupt file is refused before anything is written.
pub(super) fn writer(path: &Path, label: &str) -> Result<Connection, Error> {
    let db = |e| db_error(label, e);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(db)?;
    conn.busy_timeout(WRITE_BUSY_TIMEOUT).map_err(db)?;
    // Refuse before writing anything (journal mode included).
    schema::check_compatible(&conn, label, schema::CURRENT_VERSION)?;
    switch_to_wal(&conn, label, WRITE_BUSY_TIMEOUT)?;
    super::configure(&conn, label)?;
    schema::migrate(&mut conn, label)?;
    Ok(conn)
}

/// Sets `journal_mode = WAL` (a no-op for a file already in WAL), retrying
/// while another connection holds a lock, for up to `timeout`.
fn switch_to_wal(conn: &Connection, label: &str, timeout: Duration) -> Result<(), Error> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(mode) => {
                return Err(Error::TrustDatabase {
                    path: label.to_owned(),
                    reason: format!("cannot use write-ahead logging (journal mode stays {mode})"),
                });
            }
            Err(e) if is_busy(&e) && started.elapsed() < timeout => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(db_error(label, e)),
        }
    }
}

fn code_of(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(code_of(e), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// Whether the database's write-ahead log exists and holds anything.
fn has_log(path: &Path) -> bool {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    std::fs::metadata(PathBuf::from(name)).is_ok_and(|m| m.len() > 0)
}

/// Opens an existing database at `path` for reading only (see the module
/// documentation), and reads its schema version and application id; a
/// newer, foreign or corrupt file is an error. Returns the connection and
/// the schema version.
pub(super) fn reader(path: &Path, label: &str) -> Result<(Connection, u32), Error> {
    let db = |e| db_error(label, e);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(db)?;
    conn.busy_timeout(READ_BUSY_TIMEOUT).map_err(db)?;
    // The first read opens the WAL and its index (`-shm`).
    let conn = match schema::user_version(&conn) {
        Ok(_) => conn,
        Err(e) if matches!(code_of(&e), Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)) => {
            if has_log(path) {
                return Err(Error::TrustDatabase {
                    path: label.to_owned(),
                    reason: format!(
                        "{e}: its write-ahead log (-wal) holds commits but its index (-shm) is missing and cannot \
                         be created here; open it once where it can be written"
                    ),
                });
            }
            immutable(path).map_err(|_| db_error(label, e))?
        }
        Err(e) => return Err(db(e)),
    };
    conn.pragma_update(None, "query_only", true).map_err(db)?;
    let version = schema::check_compatible(&conn, label, schema::CURRENT_VERSION)?;
    Ok((conn, version))
}

/// Opens `path` as `immutable=1`: no locks, no WAL, no `-shm`. Only for a
/// file that nothing can be writing (see the module documentation).
fn immutable(path: &Path) -> rusqlite::Result<Connection> {
    let Some(text) = path.to_str() else {
        return Err(rusqlite::Error::InvalidPath(path.to_owned()));
    };
    // RFC 3986 percent-encoding of everything but unreserved characters and
    // the separator, so `?`, `#` and `%` in the path stay part of it.
    let mut uri = String::from("file:");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(&uri, flags)?;
    schema::user_version(&conn)?;
    Ok(conn)
}
