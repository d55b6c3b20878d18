//! The cache-miss lookup of `benches/store_lookup.rs`, for an instruction
//! count (callgrind counts instructions, so the figure does not depend on
//! what else the machine runs):
//!
//! ```sh
//! cargo build --release -p healthcert-bench --example store_lookup_count
//! target/release/examples/store_lookup_count build /tmp/lookup.db
//! valgrind --tool=callgrind --toggle-collect='*store_lookup_count::lookups*' \
//!     target/release/examples/store_lookup_count run /tmp/lookup.db
//! ```
//!
//! `build DB` writes a trust database with `cargo xtask bulk-trust`'s
//! 10 000 signers, and beside it (`DB.kids`) the 1 000 kids the criterion
//! bench looks up (every tenth signer's), hex, one a line; `run DB` opens
//! the database and looks them up right after a commit (every one misses
//! the key cache). Only `lookups` is counted: divide its instructions by
//! 1 000.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::{Path, PathBuf};

use healthcert_core::formats::hcert;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::update::{SignerChange, SignerRecord, SourceMeta};
use healthcert_core::trust::{KeyRef, SignerKey, SourceId, SourceKind, TrustStore, Update, file};
use healthcert_core::{FixedClock, time_parse};

const COUNT: usize = 10_000;
const LOOKUPS: usize = 1_000;

fn source() -> SourceId {
    SourceId { kind: SourceKind::Import, location: "bulk".into() }
}

fn kids_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".kids");
    PathBuf::from(name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

fn signers() -> Vec<SignerKey> {
    let served = tempfile::tempdir().unwrap();
    xtask::bulk::generate(COUNT, served.path()).unwrap();
    file::load_signers(&served.path().join("trustlist.json")).unwrap().0
}

#[inline(never)]
fn lookups(store: &SqliteStore, refs: &[KeyRef]) -> usize {
    refs.iter().map(|r| store.signers(r).unwrap().len()).sum()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(command), Some(db)) = (args.get(1), args.get(2).map(Path::new)) else {
        panic!("usage: store_lookup_count build|run DB")
    };
    match command.as_str() {
        "build" => {
            let clock = FixedClock(time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap());
            let signers = signers();
            let store = SqliteStore::open(db).unwrap();
            let update = Update {
                signers: SignerChange::Replace(signers.iter().filter_map(SignerRecord::of).collect()),
                ..Update::unchanged(source(), SourceMeta::default())
            };
            store.apply(&update, clock.0).unwrap();
            assert_eq!(store.len(), COUNT);
            let kids: Vec<String> = signers.iter().step_by(COUNT / LOOKUPS).map(|s| hex(&s.kid)).collect();
            assert_eq!(kids.len(), LOOKUPS);
            std::fs::write(kids_file(db), kids.join("\n")).unwrap();
        }
        "run" => {
            let store = SqliteStore::open(db).unwrap();
            let kids = std::fs::read_to_string(kids_file(db)).unwrap();
            let refs: Vec<KeyRef> = kids.lines().map(|k| hcert::kid_ref(&unhex(k))).collect();
            assert_eq!(refs.len(), LOOKUPS);
            // A commit invalidates the key cache.
            store.set_max_age(&source(), None).unwrap();
            assert_eq!(lookups(&store, &refs), LOOKUPS);
        }
        other => panic!("unknown command {other}"),
    }
}
