//! `healthcert trust sync | status | import` and `verify --db`, run as a
//! user runs them, against the trust server on a loopback port; and a sync
//! killed with SIGKILL while it commits.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

mod common;

use common::{healthcert, json, stderr};

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use healthcert_cli::serve::BackgroundServer;
use healthcert_core::trust::SourceKind;
use healthcert_core::trust::store::SqliteStore;

const AT: &str = "2026-09-01T12:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn de_key() -> String {
    fixtures().join("trust/de/list-signing-key.pem").display().to_string()
}

fn rules_key() -> String {
    fixtures().join("trust/rules/signing-key.pem").display().to_string()
}

fn db_in(dir: &tempfile::TempDir) -> String {
    dir.path().join("trust.db").display().to_string()
}

#[test]
fn sync_then_status_then_verify_from_the_database() {
    let server = BackgroundServer::start(&fixtures().join("trust")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let (dgca, de, rules) = (
        format!("dgca={}/", server.url()),
        format!("de={}/de/trustList/DSC", server.url()),
        format!("rules={}/", server.url()),
    );
    let (de_key, rules_key) = (de_key(), rules_key());
    let args = [
        "trust",
        "sync",
        "--db",
        &db,
        "--source",
        &dgca,
        "--source",
        &de,
        "--source",
        &rules,
        "--de-key",
        &de_key,
        "--rules-key",
        &rules_key,
        "--max-age",
        "3d",
        "--at",
        AT,
        "--json",
    ];
    let out = healthcert(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let synced = json(&out);
    let sources = synced["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3);
    assert!(sources.iter().all(|s| s["ok"] == true), "{synced}");
    assert_eq!(sources[0]["entries"], 9);

    // Two days later: fresh. Four days later: stale.
    let out = healthcert(&["trust", "status", "--db", &db, "--json", "--at", "2026-09-03T12:00:00Z"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status = json(&out);
    let sources = status["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3);
    for s in sources {
        for key in ["kind", "url", "entries", "last_success", "last_failure", "failure_reason", "age_seconds", "stale"]
        {
            assert!(s.get(key).is_some(), "{key} missing in {s}");
        }
        assert_eq!(s["last_success"], AT);
        assert_eq!(s["age_seconds"], 2 * 86_400);
        assert_eq!(s["stale"], false);
        assert!(s["last_failure"].is_null() && s["failure_reason"].is_null());
    }
    let kinds: Vec<&str> = sources.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["de", "dgca", "rules"]);
    let later = json(&healthcert(&["trust", "status", "--db", &db, "--json", "--at", "2026-09-05T12:00:01Z"]));
    assert!(later["sources"].as_array().unwrap().iter().all(|s| s["stale"] == true), "{later}");
    let text = healthcert(&["trust", "status", "--db", &db, "--at", "2026-09-05T12:00:01Z"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("STALE"));

    let sample = fixtures().join("hcert/valid-vaccination.txt").display().to_string();
    let out = healthcert(&["verify", &sample, "--db", &db, "--at", "2026-09-02T12:00:00Z", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let verdict = json(&out);
    assert_eq!(verdict["status"], "valid");
    assert_eq!(verdict["trust"]["age_seconds"], 86_400);
    assert_eq!(verdict["trust"]["stale"], false);
    assert!(verdict["trust"]["source"].as_str().unwrap().contains("trust.db"));
}

#[test]
fn a_failing_source_fails_the_command_and_is_reported_while_the_others_apply() {
    let server = BackgroundServer::start(&fixtures().join("trust")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let (dgca, de) = (format!("dgca={}/", server.url()), format!("de={}/de/trustList/DSC", server.url()));
    // The rules key does not sign the German list.
    let wrong = rules_key();
    let out =
        healthcert(&["trust", "sync", "--db", &db, "--source", &de, "--source", &dgca, "--de-key", &wrong, "--at", AT]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("FAIL de=") && err.contains("bad_signature"), "{err}");
    assert!(err.contains("ok   dgca="), "{err}");
    let status = json(&healthcert(&["trust", "status", "--db", &db, "--json", "--at", AT]));
    let de = status["sources"].as_array().unwrap().iter().find(|s| s["kind"] == "de").unwrap().clone();
    assert_eq!(de["entries"], 0);
    assert_eq!(de["last_failure"], AT);
    assert!(de["failure_reason"].as_str().unwrap().contains("signature"), "{de}");
    assert!(de["last_success"].is_null());

    // A source that cannot be reached at all.
    let out = healthcert(&["trust", "sync", "--db", &db, "--source", "dgca=http://127.0.0.1:9/", "--retries", "0"]);
    assert_eq!(out.status.code(), Some(1));

    // Bad arguments are refused before anything is fetched.
    let out = healthcert(&["trust", "sync", "--db", &db, "--source", "de=http://127.0.0.1:9/x"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(stderr(&out).contains("--de-key"), "{}", stderr(&out));
    let out = healthcert(&["trust", "sync", "--db", &db, "--source", "dgca=http://example.org/"]);
    assert!(stderr(&out).contains("loopback"), "{}", stderr(&out));
    let out = healthcert(&["trust", "sync", "--db", &db, "--source", "ftp=https://example.org/"]);
    assert!(stderr(&out).contains("unknown kind"), "{}", stderr(&out));
}

#[test]
fn import_and_first_start_seeding() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let sample = fixtures().join("hcert/valid-vaccination.txt").display().to_string();

    // An empty database is seeded with the signed bundled snapshot.
    let out = healthcert(&["verify", &sample, "--db", &db, "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status = json(&healthcert(&["trust", "status", "--db", &db, "--json", "--at", AT]));
    let sources = status["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0]["kind"], "bundled");
    assert_eq!(sources[0]["entries"], 9);
    // Its data is as old as the snapshot (issued 2026-08-01), not as the seeding.
    assert_eq!(sources[0]["age_seconds"], 31 * 86_400 + 12 * 3600);

    // Import: DGCA JSON, a PEM directory, a signed list with its key.
    let list = fixtures().join("trust/trustlist.json").display().to_string();
    let out = healthcert(&["trust", "import", "--db", &db, &list, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("9 signers"));
    let pems = fixtures().join("trust/dsc").display().to_string();
    assert_eq!(healthcert(&["trust", "import", "--db", &db, &pems, "--at", AT]).status.code(), Some(0));
    let signed = fixtures().join("trust/de/trustlist").display().to_string();
    let key = de_key();
    let out = healthcert(&["trust", "import", "--db", &db, &signed, "--de-key", &key, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bad = fixtures().join("trust/variants/de-trustlist-bad-signature").display().to_string();
    let out = healthcert(&["trust", "import", "--db", &db, &bad, "--de-key", &key, "--at", AT]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("signature"), "{}", stderr(&out));
    let garbage = fixtures().join("README.md").display().to_string();
    assert_eq!(healthcert(&["trust", "import", "--db", &db, &garbage]).status.code(), Some(1));

    let status = json(&healthcert(&["trust", "status", "--db", &db, "--json", "--at", AT]));
    let imports = status["sources"].as_array().unwrap().iter().filter(|s| s["kind"] == "import").count();
    assert_eq!(imports, 3);
    let out = healthcert(&["verify", &sample, "--db", &db, "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A file that is not a database is an error, and left alone.
    let not_db = dir.path().join("not.db");
    std::fs::write(&not_db, b"not a database, just text that is long enough to have a header").unwrap();
    let out = healthcert(&["verify", &sample, "--db", &not_db.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&not_db).unwrap(), b"not a database, just text that is long enough to have a header");
}

/// The signer rows of the `de` source, straight from the file.
fn de_rows(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM signers JOIN sources ON sources.id = signers.source_id WHERE sources.kind = 'de'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Spawns `trust sync` of a large German list into a copy of a database
/// holding the small one, and kills it with SIGKILL `delay` after it says it
/// is committing (or never, with `None`). Returns the database.
fn sync_and_kill(held: &Path, work: &Path, url: &str, key: &str, delay: Option<Duration>) -> PathBuf {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", work.display()));
    }
    std::fs::copy(held, work).unwrap();
    let source = format!("de={url}/de/trustList/DSC");
    let db = work.display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_healthcert"))
        .args(["trust", "sync", "--db", &db, "--source", &source, "--de-key", key, "--at", AT])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    match delay {
        None => {
            assert!(child.wait().unwrap().success());
        }
        Some(delay) => {
            loop {
                let line = rx.recv_timeout(Duration::from_secs(60)).expect("the sync reports committing");
                if line.contains("committing") {
                    break;
                }
            }
            std::thread::sleep(delay);
            // SIGKILL on Unix; the process may have finished already.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    work.to_owned()
}

#[test]
fn a_sync_killed_while_committing_leaves_the_old_list_or_the_new_one() {
    const NEW: i64 = 1500;
    let bulk = tempfile::tempdir().unwrap();
    xtask::bulk::generate(NEW as usize, bulk.path()).unwrap();
    // One source, one URL: first serving the fixtures' list, then the large
    // one (same signing key and issue time).
    let served = bulk.path().join("de/trustlist");
    let large = std::fs::read(&served).unwrap();
    std::fs::copy(fixtures().join("trust/de/trustlist"), &served).unwrap();
    let server = BackgroundServer::start(bulk.path()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let held = dir.path().join("held.db");
    let key = de_key();
    let source = format!("de={}/de/trustList/DSC", server.url());
    let out = healthcert(&[
        "trust",
        "sync",
        "--db",
        &held.display().to_string(),
        "--source",
        &source,
        "--de-key",
        &key,
        "--at",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(de_rows(&held), 9);
    std::fs::write(&served, large).unwrap();

    let work = dir.path().join("work.db");
    let mut outcomes = Vec::new();
    // Kills from the moment the update is verified through the whole
    // commit (~100 ms for 1 500 certificates in a debug build), then one
    // run left to finish.
    // A coarse sweep finds where the outcome flips; a fine one (1 ms steps)
    // then kills around the commit itself.
    let mut check = |delay: Option<Duration>| -> i64 {
        let db = sync_and_kill(&held, &work, &server.url(), &key, delay);
        // Frames in the WAL before reopening: a kill inside the commit leaves
        // frames without a commit record, which recovery ignores.
        let wal = std::fs::metadata(format!("{}-wal", db.display())).map_or(0, |m| m.len());
        let store = SqliteStore::open(&db).expect("the killed database opens");
        assert!(store.integrity_check().unwrap(), "integrity check after a kill at {delay:?}");
        let rows = de_rows(&db);
        let status = store.status(healthcert_core::time_parse::rfc3339(AT).unwrap()).unwrap();
        let entries = status.iter().find(|s| s.kind == SourceKind::De).unwrap().entries as i64;
        assert!(rows == 9 || rows == NEW, "a mix of the old and the new list: {rows} rows after a kill at {delay:?}");
        assert_eq!(entries, rows, "bookkeeping and data from different commits");
        outcomes.push((delay, rows, wal));
        rows
    };
    let mut flip = None;
    for i in 0..16u64 {
        let delay = Duration::from_millis(i * 12);
        if check(Some(delay)) == NEW && flip.is_none() {
            flip = Some(delay);
        }
    }
    if let Some(flip) = flip {
        let from = flip.saturating_sub(Duration::from_millis(12));
        for ms in 1..12u64 {
            check(Some(from + Duration::from_millis(ms)));
        }
    }
    check(None);
    assert_eq!(outcomes.first().unwrap().1, 9, "killed as the commit began: the old list ({outcomes:?})");
    assert_eq!(outcomes.last().unwrap().1, NEW, "not killed: the new list ({outcomes:?})");
    eprintln!("kill outcomes (delay after 'committing', signer rows, WAL bytes at the kill): {outcomes:?}");
}
