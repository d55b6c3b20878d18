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

/// How far the device clock may be behind the latest trusted time, or off
/// the server's time at a sync, before the clock is suspect: 2 h, as the
/// Swiss CovidCertificate SDK (`DEFAULT_ALLOWED_SERVER_TIME_DIFF`) and the
/// Corona-Warn-App (`DEVICE_TIME_GRACE_RANGE`) allow.
pub const CLOCK_TOLERANCE: time::Duration = time::Duration::hours(2);

/// The trusted times a store has seen (docs/verdict.md, "The clock check").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TrustedTime {
    /// The high-water mark: the latest of every server time and every
    /// signed-list timestamp seen. It only ever moves forward.
    pub high_water: Option<OffsetDateTime>,
    /// The server's time (`Date` + `Age`) at the last sync that reported one.
    pub server_time: Option<OffsetDateTime>,
    /// The device clock at that moment.
    pub device_time: Option<OffsetDateTime>,
}

impl TrustedTime {
    /// A record of the given times.
    pub fn new(
        high_water: Option<OffsetDateTime>,
        server_time: Option<OffsetDateTime>,
        device_time: Option<OffsetDateTime>,
    ) -> Self {
        TrustedTime { high_water, server_time, device_time }
    }

    /// How far the device clock was ahead of the server at the last sync
    /// (negative: behind).
    pub fn server_skew(&self) -> Option<time::Duration> {
        Some(self.device_time? - self.server_time?)
    }
}

/// "3 h 05 min" for people.
fn span(d: time::Duration) -> String {
    let minutes = d.whole_minutes().unsigned_abs();
    if minutes >= 48 * 60 {
        format!("{} days {} h", minutes / (24 * 60), minutes / 60 % 24)
    } else {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    }
}

/// The clock check of a verification at `now` from `source`, against the
/// trusted times `held` (none: the store keeps none). Suspect when the
/// device clock is more than [`CLOCK_TOLERANCE`] behind the high-water
/// mark, or was more than that off the server's time at the last sync; a
/// caller-chosen instant ([`ClockSource::Fixed`]) is not checked.
pub fn assess(now: OffsetDateTime, source: ClockSource, held: Option<&TrustedTime>) -> crate::model::ClockCheck {
    use crate::model::{ClockCheck, ClockState};
    use crate::time_parse::format_utc;
    let held = held.copied().unwrap_or_default();
    let skew = held.server_skew();
    let with_times = |mut c: ClockCheck, device: Option<OffsetDateTime>| {
        c.device_time = device;
        c.trusted_time = held.high_water;
        c.last_server_time = held.server_time;
        c.server_skew_seconds = skew.map(|s| s.whole_seconds());
        c
    };
    if source == ClockSource::Fixed {
        let c = ClockCheck::new(
            ClockState::NotApplicable,
            "the verification instant was chosen by the caller; the device clock was not used or checked",
        );
        return with_times(c, None);
    }
    if held.high_water.is_none() && skew.is_none() {
        let c = ClockCheck::new(
            ClockState::Unknown,
            "no trusted time is held yet (no sync has recorded a server time, no signed list its time)",
        );
        return with_times(c, Some(now));
    }
    if let Some(mark) = held.high_water.filter(|m| *m - now > CLOCK_TOLERANCE) {
        let c = ClockCheck::new(
            ClockState::Suspect,
            format!(
                "the device clock ({}) is {} behind the latest trusted time ({}): the verification time cannot be trusted",
                format_utc(now),
                span(mark - now),
                format_utc(mark)
            ),
        );
        return with_times(c, Some(now));
    }
    if let (Some(s), Some(server)) = (skew.filter(|s| s.abs() > CLOCK_TOLERANCE), held.server_time) {
        let c = ClockCheck::new(
            ClockState::Suspect,
            format!(
                "at the last sync (server time {}) the device clock was {} {} the server's: the verification time cannot be trusted; correct the clock and sync again",
                format_utc(server),
                span(s),
                if s.is_positive() { "ahead of" } else { "behind" }
            ),
        );
        return with_times(c, Some(now));
    }
    let c = ClockCheck::new(ClockState::Ok, "the device clock agrees with the trusted times held (within 2 h)");
    with_times(c, Some(now))
}

#[cfg(test)]
mod tests {
    use time::Duration;
    use time::macros::datetime;

    use super::*;
    use crate::model::{ClockState, Reason};

    const SERVER: OffsetDateTime = datetime!(2026-09-01 12:00 UTC);

    fn synced(device: OffsetDateTime) -> TrustedTime {
        TrustedTime::new(Some(SERVER), Some(SERVER), Some(device))
    }

    #[test]
    fn a_clock_3h_behind_the_last_server_date_is_suspect_and_2h_is_not() {
        let held = synced(SERVER);
        let behind = assess(SERVER - Duration::hours(3), ClockSource::System, Some(&held));
        assert_eq!((behind.state, behind.reason), (ClockState::Suspect, Reason::ClockSuspect));
        assert_eq!(behind.device_time, Some(SERVER - Duration::hours(3)));
        assert_eq!(behind.trusted_time, Some(SERVER));
        assert!(behind.detail.contains("3 h 00 min behind"), "{}", behind.detail);
        let within = assess(SERVER - Duration::minutes(119), ClockSource::System, Some(&held));
        assert_eq!((within.state, within.reason), (ClockState::Ok, Reason::Ok));
        // Exactly the tolerance is still within it.
        assert_eq!(assess(SERVER - CLOCK_TOLERANCE, ClockSource::System, Some(&held)).state, ClockState::Ok);
        // Ahead of the mark is time passing.
        assert_eq!(assess(SERVER + Duration::days(30), ClockSource::System, Some(&held)).state, ClockState::Ok);
    }

    #[test]
    fn a_big_skew_at_the_last_sync_is_suspect_either_way() {
        for off in [Duration::hours(5), Duration::hours(-5)] {
            let held = synced(SERVER + off);
            let c = assess(SERVER + Duration::minutes(10), ClockSource::System, Some(&held));
            assert_eq!(c.state, ClockState::Suspect, "{off}");
            assert_eq!(c.server_skew_seconds, Some(off.whole_seconds()));
        }
        let held = synced(SERVER + Duration::minutes(90));
        assert_eq!(assess(SERVER, ClockSource::System, Some(&held)).state, ClockState::Ok);
    }

    #[test]
    fn fixed_instants_are_not_checked_and_nothing_held_is_unknown() {
        let held = synced(SERVER);
        let fixed = assess(SERVER - Duration::days(400), ClockSource::Fixed, Some(&held));
        assert_eq!((fixed.state, fixed.reason), (ClockState::NotApplicable, Reason::NotApplicable));
        assert_eq!((fixed.device_time, fixed.trusted_time), (None, Some(SERVER)));
        assert_eq!(assess(SERVER, ClockSource::System, None).state, ClockState::Unknown);
        // A signed-list time alone is a mark too.
        let listed = TrustedTime::new(Some(SERVER), None, None);
        assert_eq!(assess(SERVER - Duration::hours(3), ClockSource::System, Some(&listed)).state, ClockState::Suspect);
    }
}
