//! The commands of `healthcert`, one module each: its clap arguments
//! (`Args`, whose doc comment is the command's help text) and its `run`,
//! which prints the results and returns the exit status (see `crate::exit`).
//! What a command shares with another (`--at`) is here.

pub(crate) mod conformance;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod trust;
pub(crate) mod verify;
pub(crate) mod wallet;

use healthcert_cli::usage::usage;
use healthcert_core::text::display;
use healthcert_core::{Clock, ClockSource, FixedClock, SystemClock, time_parse};
use time::OffsetDateTime;

/// The clock of `--at`: the given instant, or now without one.
pub(crate) fn clock(at: Option<String>) -> anyhow::Result<Box<dyn Clock + Sync>> {
    Ok(match at {
        None => Box::new(SystemClock),
        Some(s) => Box::new(FixedClock(time_parse::lenient(&s).ok_or_else(|| {
            usage(format!("--at \"{}\" is not an RFC 3339 date-time (e.g. 2026-09-01T12:00:00Z)", display(&s)))
        })?)),
    })
}

/// The device clock reading a given instant (`verify --device-time`): the
/// verification runs at that instant as if the system clock said it, so
/// the clock check applies (unlike `--at`, a deliberate choice).
struct DeviceClock(OffsetDateTime);

impl Clock for DeviceClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
    fn source(&self) -> ClockSource {
        ClockSource::System
    }
}

/// The clock of `verify`: `--at`, else `--device-time`, else now.
pub(crate) fn verify_clock(at: Option<String>, device_time: Option<String>) -> anyhow::Result<Box<dyn Clock + Sync>> {
    match (at, device_time) {
        (Some(_), Some(_)) => Err(usage("--at and --device-time exclude each other")),
        (None, Some(s)) => Ok(Box::new(DeviceClock(
            time_parse::lenient(&s)
                .ok_or_else(|| usage(format!("--device-time \"{}\" is not an RFC 3339 date-time", display(&s))))?,
        ))),
        (at, None) => clock(at),
    }
}
