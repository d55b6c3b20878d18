//! The commands of `healthcert`, one module each: its clap arguments
//! (`Args`, whose doc comment is the command's help text) and its `run`,
//! which prints the results and returns the exit status (see `crate::exit`).
//! What a command shares with another (`--at`) is here.

pub(crate) mod conformance;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod trust;
pub(crate) mod verify;

use healthcert_cli::usage::usage;
use healthcert_core::text::display;
use healthcert_core::{Clock, FixedClock, SystemClock, time_parse};

/// The clock of `--at`: the given instant, or now without one.
pub(crate) fn clock(at: Option<String>) -> anyhow::Result<Box<dyn Clock + Sync>> {
    Ok(match at {
        None => Box::new(SystemClock),
        Some(s) => Box::new(FixedClock(time_parse::lenient(&s).ok_or_else(|| {
            usage(format!("--at \"{}\" is not an RFC 3339 date-time (e.g. 2026-09-01T12:00:00Z)", display(&s)))
        })?)),
    })
}
