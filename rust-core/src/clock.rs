//! The verification clock. Every verification takes one: tests and the CLI
//! verify "as of" any instant, and the verdict records which clock it used.

use time::OffsetDateTime;

/// Where the instant of a verification came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ClockSource {
    /// The device's wall clock.
    System,
    /// An instant chosen by the caller (`--at`, a test, a conformance case).
    Fixed,
}

/// A source of "now" for a verification.
pub trait Clock {
    /// The instant to verify at.
    fn now(&self) -> OffsetDateTime;
    /// Where that instant comes from.
    fn source(&self) -> ClockSource;
}

/// The wall clock of the machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
    fn source(&self) -> ClockSource {
        ClockSource::System
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl FixedClock {
    /// A clock stopped at `unix_seconds` (UTC).
    ///
    /// Returns `None` when the value is outside the range `time` can represent.
    pub fn from_unix(unix_seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(unix_seconds).ok().map(Self)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
    fn source(&self) -> ClockSource {
        ClockSource::Fixed
    }
}
