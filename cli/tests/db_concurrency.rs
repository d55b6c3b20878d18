//! `verify --db` against a trust database another process is writing, and
//! against one it cannot write (docs/trust.md, "Concurrency").

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const AT: &str = "2026-09-01T12:00:00Z";

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures").join(path).display().to_string()
}

fn sample() -> String {
    fixture("hcert/valid-vaccination.txt")
}

/// Runs `command` to its end, for at most a minute (a hang guard, not a
/// timing assertion).
fn run(mut command: Command) -> Output {
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("still running after a minute: blocked on the database?");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn healthcert(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_healthcert"));
    c.args(args);
    run(c)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A database holding the fixtures' trust list, closed (its log folded into
/// the main file).
fn imported(dir: &Path) -> String {
    let db = dir.join("trust.db").display().to_string();
    let out = healthcert(&["trust", "import", "--db", &db, &fixture("trust/trustlist.json"), "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    db
}

/// A sync holds the write lock and has deleted every signer without
/// committing: `verify --db` answers at once from the last commit (it waited
/// five seconds and failed with "database is locked" when it opened the
/// database for writing). After the commit it sees no signer.
#[test]
fn verify_reads_the_last_commit_while_a_sync_holds_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported(dir.path());
    let sync = rusqlite::Connection::open(&db).unwrap();
    sync.execute_batch("BEGIN IMMEDIATE; DELETE FROM signers;").unwrap();

    let out = healthcert(&["verify", &sample(), "--db", &db, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = healthcert(&["trust", "status", "--db", &db, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    sync.execute_batch("COMMIT").unwrap();
    let out = healthcert(&["verify", &sample(), "--db", &db, "--at", AT, "--json"]);
    assert!(!matches!(out.status.code(), Some(0 | 1)), "a verdict without the signer: {}", stderr(&out));
}

/// Two first writers started at once on a new database, as two processes
/// (`trust import`, and `rules import`, which seeds an empty one): the second waits
/// for the first and both commit (one of them failed at once with "database
/// is locked" when the switch to WAL raced). Repeated: the race is narrow.
#[test]
fn two_first_imports_on_a_new_database_both_commit() {
    let list = fixture("trust/trustlist.json");
    let rules = fixture("trust/rules");
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("trust.db").display().to_string();
        let spawn = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_healthcert"))
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let children = [
            spawn(&["trust", "import", "--db", &db, &list, "--at", AT]),
            spawn(&["rules", "import", "--db", &db, &rules, "--at", AT]),
        ];
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "round {round}: {}", stderr(&out));
        }
        let out = healthcert(&["trust", "status", "--db", &db, "--at", AT, "--json"]);
        let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut kinds: Vec<_> = status["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kind"].as_str().unwrap().to_owned())
            .filter(|k| k != "bundled") // seeded only when `rules import` came first
            .collect();
        kinds.sort();
        assert_eq!(kinds, ["import", "rules"], "round {round}");
    }
}

/// Whether this test process can run a command as another, unprivileged
/// user: root with `setpriv`. Permissions do not stop root; they do stop
/// `nobody`.
#[cfg(unix)]
fn as_nobody() -> Option<Command> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return None;
    }
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
    Command::new("setpriv").arg("--version").output().ok()?.status.success().then_some(c)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

/// `verify --db` as a user who can write neither the database nor its
/// directory (what a read-only file system does): with the log folded in
/// (opened immutable), with commits still in the log and its index present
/// (read through them), and with a log whose index is missing (refused,
/// clearly: reading without it would miss the log's commits). Nothing is
/// written. Skipped unless the tests run as root with `setpriv`.
#[cfg(unix)]
#[test]
fn verify_from_a_database_it_cannot_write() {
    let Some(_) = as_nobody() else {
        eprintln!("skipped: needs root and setpriv to run as an unprivileged user");
        return;
    };
    let verify = |db: &str| {
        let mut c = as_nobody().unwrap();
        // The payload itself, not its path: the unprivileged user may not
        // be able to read the checkout (a 0700 clone directory).
        let payload = std::fs::read_to_string(sample()).unwrap();
        c.args([env!("CARGO_BIN_EXE_healthcert"), "verify", payload.trim(), "--db", db, "--at", AT]);
        run(c)
    };
    let base = tempfile::tempdir().unwrap();
    set_mode(base.path(), 0o755);

    // Closed cleanly: no -wal, no -shm.
    let closed = base.path().join("closed");
    std::fs::create_dir(&closed).unwrap();
    let db = imported(&closed);
    set_mode(Path::new(&db), 0o444);
    set_mode(&closed, 0o555);
    let before = snapshot(&closed);
    assert_eq!(before.len(), 1);
    let out = verify(&db);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(snapshot(&closed), before, "nothing written or created");

    // Commits only in the log, a writer still holding it open.
    let live = base.path().join("live");
    std::fs::create_dir(&live).unwrap();
    set_mode(&live, 0o755);
    let db = live.join("trust.db").display().to_string();
    let writer = healthcert_core::trust::store::SqliteStore::open(Path::new(&db)).unwrap();
    let out = healthcert(&["trust", "import", "--db", &db, &fixture("trust/trustlist.json"), "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let wal = live.join("trust.db-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the import is in the log");
    for f in ["trust.db", "trust.db-wal", "trust.db-shm"] {
        set_mode(&live.join(f), 0o444);
    }
    set_mode(&live, 0o555);
    let before = snapshot(&live);
    let out = verify(&db);
    assert_eq!(out.status.code(), Some(0), "the log's commits were read: {}", stderr(&out));
    let after = snapshot(&live);
    assert_eq!(after.len(), before.len());
    for ((name, was), (_, is)) in before.iter().zip(&after) {
        // Readers may update the read marks after the WAL index's header.
        let n = if name.ends_with("-shm") { 96 } else { was.len() };
        assert!(was.len() == is.len() && was[..n] == is[..n], "{} changed", name.display());
    }

    // The same log without its index, in a directory nobody can write to.
    let orphan = base.path().join("orphan");
    std::fs::create_dir(&orphan).unwrap();
    for f in ["trust.db", "trust.db-wal"] {
        std::fs::copy(live.join(f), orphan.join(f)).unwrap();
        set_mode(&orphan.join(f), 0o444);
    }
    set_mode(&orphan, 0o555);
    let out = verify(&orphan.join("trust.db").display().to_string());
    assert_eq!(out.status.code(), Some(1), "an error, not a verdict on old data");
    assert!(stderr(&out).contains("-shm"), "{}", stderr(&out));
    assert!(!orphan.join("trust.db-shm").exists());

    drop(writer);
    for d in [&closed, &live, &orphan] {
        set_mode(d, 0o755);
    }
}
