//! The clock check of a verdict: whether the instant a verification was made
//! at can be trusted, judged against the trusted times the store has seen
//! (server `Date` headers, signed-list timestamps). See docs/verdict.md,
//! "The clock check".

use serde::Serialize;
use time::OffsetDateTime;

use super::Reason;
use crate::time_parse::serde_utc;

/// What the clock check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// The device clock agrees with the trusted times held (within 2 h).
    Ok,
    /// The device clock is more than 2 h behind the latest trusted time, or
    /// was more than 2 h off the server's time at the last sync: the
    /// verification instant cannot be trusted.
    Suspect,
    /// No trusted time is held (no sync recorded a server time, no signed
    /// list gave its time): nothing to compare with.
    Unknown,
    /// The caller chose the instant (`--at`, travel planning, tests): the
    /// device clock was not used, so it is not checked.
    NotApplicable,
}

impl ClockState {
    /// The name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            ClockState::Ok => "ok",
            ClockState::Suspect => "suspect",
            ClockState::Unknown => "unknown",
            ClockState::NotApplicable => "not_applicable",
        }
    }
}

/// The clock check of a verdict (`clock_check` in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct ClockCheck {
    /// What the check found.
    pub state: ClockState,
    /// [`Reason::ClockSuspect`] when suspect, [`Reason::Ok`] when ok,
    /// [`Reason::NotApplicable`] otherwise.
    pub reason: Reason,
    /// The device clock's reading the verification used (`None` when the
    /// caller chose the instant).
    #[serde(with = "serde_utc::option")]
    pub device_time: Option<OffsetDateTime>,
    /// The latest trusted time held (the high-water mark of server times and
    /// signed-list timestamps); it only ever moves forward.
    #[serde(with = "serde_utc::option")]
    pub trusted_time: Option<OffsetDateTime>,
    /// The server's time at the last sync that reported one (`Date` +
    /// `Age`).
    #[serde(with = "serde_utc::option")]
    pub last_server_time: Option<OffsetDateTime>,
    /// How far the device clock was ahead of that server time at that sync
    /// (negative: behind), in seconds.
    pub server_skew_seconds: Option<i64>,
    /// Explanation for people (no personal data).
    pub detail: String,
}

impl ClockCheck {
    /// A check of the given state.
    pub fn new(state: ClockState, detail: impl Into<String>) -> Self {
        let reason = match state {
            ClockState::Ok => Reason::Ok,
            ClockState::Suspect => Reason::ClockSuspect,
            ClockState::Unknown | ClockState::NotApplicable => Reason::NotApplicable,
        };
        ClockCheck {
            state,
            reason,
            device_time: None,
            trusted_time: None,
            last_server_time: None,
            server_skew_seconds: None,
            detail: detail.into(),
        }
    }
}
