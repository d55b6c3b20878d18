//! `healthcert`: verify digital health certificates from the command line.
//!
//! This file parses the command line and dispatches; each command's clap
//! arguments and body live in a module of [`cmd`]. The work behind them
//! (pipelines, trust database, conformance suites, trust server) is in the
//! `healthcert_cli` library, which the tests also drive in-process.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use healthcert_cli::errln;
use healthcert_cli::usage::{self, is_usage};
use healthcert_core::text::display_bounded;

mod cmd;

/// Exit status: the verdict of `verify`, for scripts; 1 for operational
/// faults, 2 for usage errors (clap's, and [`healthcert_cli::usage`]), 5
/// when a conformance suite disagrees with the pipeline.
mod exit {
    #![allow(dead_code)]
    pub(crate) const VALID: u8 = 0;
    pub(crate) const ERROR: u8 = 1;
    pub(crate) const USAGE: u8 = 2;
    pub(crate) const INVALID: u8 = 3;
    pub(crate) const UNKNOWN: u8 = 4;
    pub(crate) const MISMATCHES: u8 = 5;
}

#[derive(Parser)]
#[command(
    name = "healthcert",
    version,
    about = "Verify digital health certificates offline: EU DCC, WHO DDCC in HC1, SMART Health Cards."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands, in the order `--help` lists them; each one's help text is
/// the doc comment of its `Args`, or here for a group of subcommands.
#[derive(Subcommand)]
enum Command {
    Verify(cmd::verify::Args),
    /// Business rules: import them from files into a trust database.
    Rules {
        #[command(subcommand)]
        command: cmd::rules::Command,
    },
    Scan(cmd::scan::Args),
    Conformance(cmd::conformance::Args),
    /// Trust lists: where signer keys and rules come from.
    Trust {
        #[command(subcommand)]
        command: cmd::trust::Command,
    },
    /// The holder's wallet: certificates kept in a database, listed,
    /// removed, and checked for travel (valid for entry to a country on a
    /// date, and until when).
    Wallet {
        #[command(subcommand)]
        command: cmd::wallet::Command,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::VALID });
        }
    };
    let result = match cli.command {
        Command::Verify(args) => cmd::verify::run(args),
        Command::Rules { command } => cmd::rules::run(command),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Conformance(args) => cmd::conformance::run(args),
        Command::Trust { command } => cmd::trust::run(command),
        Command::Wallet { command } => cmd::wallet::run(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // File names, server messages and argument values end up in
            // errors: shown escaped, like every text from outside.
            errln!("error: {}", display_bounded(&usage::message(&e), 2000));
            ExitCode::from(if is_usage(&e) { exit::USAGE } else { exit::ERROR })
        }
    }
}
