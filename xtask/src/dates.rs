//! The fixed instants of the fixtures.

use time::{Date, Month, OffsetDateTime, Time};

/// An instant (UTC).
pub type Instant = OffsetDateTime;

/// Midnight UTC of a calendar date. Panics on an invalid date (the dates are
/// constants of this generator).
pub fn at(year: i32, month: u8, day: u8) -> Instant {
    let month = Month::try_from(month).expect("valid month");
    Date::from_calendar_date(year, month, day).expect("valid date").with_time(Time::MIDNIGHT).assume_utc()
}

/// The instant the manifest's expectations hold at: 2026-09-01T12:00:00Z.
pub fn reference_time() -> Instant {
    at(2026, 9, 1) + time::Duration::hours(12)
}

/// RFC 3339 with a `Z`, seconds precision.
pub fn rfc3339(t: Instant) -> String {
    let d = t.date();
    let (h, m, s) = t.time().as_hms();
    format!("{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}Z", d.year(), u8::from(d.month()), d.day())
}
