//! `healthcert rules import`: its arguments, and what each path stored,
//! printed; the work is done by [`healthcert_cli::trust_cmd::import_rules`].

use std::path::PathBuf;

use clap::Subcommand;

use healthcert_cli::{errln, outln, trust_cmd};
use healthcert_core::text::display;

use super::clock;
use crate::exit;

/// The `rules` subcommands.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// Import rules and value sets from files: rule documents (the DCC
    /// Gateway's JSON), value set documents, or directory trees of them
    /// (e.g. `<CC>/<rule>/rule.json`). Each PATH becomes one source in the
    /// database, replacing what that path held before. A new database is
    /// seeded with the bundled TEST snapshot first, as `verify --db` does. Other JSON files are
    /// ignored; rules that do not compile are skipped and reported.
    Import {
        /// The trust database (created when missing).
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Record the import as of this instant instead of now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
    },
}

/// Runs the `rules` subcommand named on the command line.
pub(crate) fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Import { db, paths, at } => {
            let now = clock(at)?.now();
            for path in paths {
                let report = trust_cmd::import_rules(&db, &path, now)?;
                if report.seeded {
                    errln!(
                        "note: {} was empty; seeded it with the bundled TEST trust snapshot",
                        display(&db.display().to_string())
                    );
                }
                for s in &report.skipped {
                    errln!("warning: skipped {}: {}", display(&s.position), display(&s.reason));
                }
                outln!(
                    "imported {}: {} rules, {} value sets ({} skipped, {} other JSON files ignored)",
                    display(&path.display().to_string()),
                    report.rules,
                    report.value_sets,
                    report.skipped.len(),
                    report.ignored
                )?;
            }
            Ok(exit::VALID)
        }
    }
}
