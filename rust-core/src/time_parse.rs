//! Date and date-time parsing for untrusted text.
//!
//! Two dialects: [`rfc3339`] and [`full_date`] are strict (what the DCC JSON
//! schema's `date-time` and `date` formats require); [`lenient`] accepts the
//! ISO 8601 variants found in the wild (no offset, `+0200`, 7-digit fractions)
//! for inputs that are not themselves under test: a `--at` argument, a
//! conformance case's validation clock.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let end = self.i.checked_add(n)?;
        let part = self.s.get(self.i..end)?;
        let mut v = 0u32;
        for &b in part {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
        }
        self.i = end;
        Some(v)
    }
    /// `sep` and then `n` digits.
    fn digits_after(&mut self, sep: u8, n: usize) -> Option<u32> {
        if self.eat(sep) { self.digits(n) } else { None }
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn eat_any(&mut self, cs: &[u8]) -> bool {
        match self.s.get(self.i) {
            Some(b) if cs.contains(b) => {
                self.i += 1;
                true
            }
            _ => false,
        }
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

fn date(c: &mut Cursor<'_>) -> Option<Date> {
    let y = c.digits(4)?;
    let m = c.digits_after(b'-', 2)?;
    let d = c.digits_after(b'-', 2)?;
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
}

/// Time of day with an optional fraction; returns the time and the number of
/// fraction digits seen. A leap second (`:60`) is read as `:59.999999999`.
fn time_of_day(c: &mut Cursor<'_>, max_fraction_digits: usize) -> Option<Time> {
    let h = c.digits(2)?;
    let mi = c.digits_after(b':', 2)?;
    let mut s = c.digits_after(b':', 2)?;
    let mut nanos = 0u32;
    if c.eat(b'.') {
        let start = c.i;
        let mut scale = 100_000_000u32;
        while let Some(b) = c.s.get(c.i).copied().filter(u8::is_ascii_digit) {
            nanos += u32::from(b - b'0') * scale;
            scale /= 10;
            c.i += 1;
        }
        let n = c.i - start;
        if n == 0 || n > max_fraction_digits {
            return None;
        }
    }
    if s == 60 {
        s = 59;
        nanos = 999_999_999;
    }
    Time::from_hms_nano(u8::try_from(h).ok()?, u8::try_from(mi).ok()?, u8::try_from(s).ok()?, nanos).ok()
}

fn offset(c: &mut Cursor<'_>, lenient: bool) -> Option<UtcOffset> {
    if c.eat_any(b"Zz") {
        return Some(UtcOffset::UTC);
    }
    let sign: i8 = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return None;
    };
    let h = c.digits(2)?;
    let m = if c.eat(b':') {
        c.digits(2)?
    } else if lenient {
        if c.done() { 0 } else { c.digits(2)? }
    } else {
        return None;
    };
    if h > 23 || m > 59 {
        return None;
    }
    UtcOffset::from_hms(sign * i8::try_from(h).ok()?, sign * i8::try_from(m).ok()?, 0).ok()
}

/// A strict RFC 3339 `date-time` (the JSON-schema `date-time` format):
/// `2021-05-03T10:27:15Z`, `2021-05-03T10:27:15.5+02:00`.
pub fn rfc3339(s: &str) -> Option<OffsetDateTime> {
    let mut c = Cursor { s: s.as_bytes(), i: 0 };
    let d = date(&mut c)?;
    if !c.eat_any(b"Tt") {
        return None;
    }
    let t = time_of_day(&mut c, 9)?;
    let o = offset(&mut c, false)?;
    c.done().then(|| PrimitiveDateTime::new(d, t).assume_offset(o))
}

/// A strict RFC 3339 `full-date` (the JSON-schema `date` format): `2021-05-03`.
pub fn full_date(s: &str) -> Option<Date> {
    let mut c = Cursor { s: s.as_bytes(), i: 0 };
    let d = date(&mut c)?;
    c.done().then_some(d)
}

/// An ISO 8601 date or date-time as written in the wild: the offset may be
/// missing (read as UTC), `+0200` or `+02`; the fraction may have any number
/// of digits (up to nanoseconds); a plain date means midnight UTC.
pub fn lenient(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let mut c = Cursor { s: s.as_bytes(), i: 0 };
    let d = date(&mut c)?;
    if c.done() {
        return Some(PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc());
    }
    if !c.eat_any(b"Tt ") {
        return None;
    }
    let t = time_of_day(&mut c, 9)?;
    let o = if c.done() { UtcOffset::UTC } else { offset(&mut c, true)? };
    c.done().then(|| PrimitiveDateTime::new(d, t).assume_offset(o))
}

/// An HTTP `Date` header in the IMF-fixdate form every current server
/// sends (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`, or with a
/// one-digit day as RFC 1123 allows (`Sun, 6 Nov 1994 …`). The obsolete
/// RFC 850 and asctime forms are not read (`None`).
pub fn http_date(s: &str) -> Option<OffsetDateTime> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let s = s.trim();
    let (day_name, rest) = s.split_once(", ")?;
    if !DAYS.contains(&day_name) {
        return None;
    }
    // RFC 1123 allows a one-digit day ("6 Nov"; Java's RFC_1123_DATE_TIME
    // writes it so); IMF-fixdate pads it.
    let padded;
    let rest = if rest.as_bytes().get(1) == Some(&b' ') {
        padded = format!("0{rest}");
        padded.as_str()
    } else {
        rest
    };
    let b = rest.as_bytes();
    // "06 Nov 1994 08:49:37 GMT": 24 bytes, fixed positions.
    if b.len() != 24 || b[2] != b' ' || b[6] != b' ' || b[11] != b' ' || !rest.ends_with(" GMT") {
        return None;
    }
    let month = MONTHS.iter().position(|m| rest.get(3..6) == Some(*m))?;
    let mut c = Cursor { s: b, i: 0 };
    let day = c.digits(2)?;
    c.i = 7;
    let year = c.digits(4)?;
    c.i = 12;
    let t = time_of_day(&mut c, 0)?;
    let month = Month::try_from(u8::try_from(month + 1).ok()?).ok()?;
    let d = Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    (c.i == 20).then(|| PrimitiveDateTime::new(d, t).assume_utc())
}

/// Formats an instant as RFC 3339 in UTC, with seconds precision
/// (`2021-05-03T18:00:00Z`).
///
/// An instant whose UTC date falls outside the years 0000–9999 keeps its own
/// offset (`9999-12-31T23:59:59-23:59`): the parsers above accept such
/// offsets at either end of the range, and converting to UTC would panic
/// (year 10000) or give a year RFC 3339 cannot write (-0001).
pub fn format_utc(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(UtcOffset::UTC).filter(|u| (0..=9999).contains(&u.year())).unwrap_or(t);
    // Written digit by digit: this runs several times per verification.
    fn digits(out: &mut String, value: u32, width: usize) {
        let mut buf = [b'0'; 4];
        let mut v = value;
        for slot in buf[..width].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.extend(buf[..width].iter().map(|b| char::from(*b)));
    }
    let mut out = String::with_capacity(25);
    // The year is within 0..=9999 here (see above; `time` allows ±9999).
    if t.year() < 0 {
        out.push('-');
    }
    digits(&mut out, t.year().unsigned_abs(), 4);
    for (sep, value) in
        [('-', u8::from(t.month())), ('-', t.day()), ('T', t.hour()), (':', t.minute()), (':', t.second())]
    {
        out.push(sep);
        digits(&mut out, u32::from(value), 2);
    }
    if t.offset().is_utc() {
        out.push('Z');
    } else {
        let (h, m, _) = t.offset().as_hms();
        out.push(if t.offset().is_negative() { '-' } else { '+' });
        digits(&mut out, u32::from(h.unsigned_abs()), 2);
        out.push(':');
        digits(&mut out, u32::from(m.unsigned_abs()), 2);
    }
    out
}

/// `time`'s serde adapter for the project's RFC 3339 UTC output.
pub mod serde_utc {
    use time::OffsetDateTime;

    /// Serialize as [`format_utc`](super::format_utc).
    pub fn serialize<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_utc(*t))
    }

    /// `Option` flavour.
    pub mod option {
        use time::OffsetDateTime;
        /// Serialize `Some` as [`format_utc`](crate::time_parse::format_utc), `None` as null.
        pub fn serialize<S: serde::Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&crate::time_parse::format_utc(*t)),
                None => s.serialize_none(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_in_the_imf_fixdate_form() {
        assert_eq!(http_date("Sun, 06 Nov 1994 08:49:37 GMT"), rfc3339("1994-11-06T08:49:37Z"));
        assert_eq!(http_date(" Tue, 01 Sep 2026 12:00:00 GMT "), rfc3339("2026-09-01T12:00:00Z"));
        assert_eq!(http_date("Tue, 1 Sep 2026 12:00:00 GMT"), rfc3339("2026-09-01T12:00:00Z"));
        for bad in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nox 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37.5 GMT",
            "Sun,  6 Nov 1994 08:49:37 GMT",
            "Sun, 6  Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn strict_accepts_rfc3339_only() {
        for ok in ["2021-05-03T10:27:15Z", "2021-05-03T10:27:15.123+02:00"] {
            assert!(rfc3339(ok).is_some(), "{ok}");
        }
        for bad in [
            "2021-05-03T10:27:15+0200",
            "2021-05-03T10:27:15",
            "2021-05-03",
            "2021-02-30T10:27:15Z",
            "2021-05-03T24:00:00Z",
            "2021-05-03T10:27:15.Z",
        ] {
            assert!(rfc3339(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn full_date_is_strict() {
        assert!(full_date("2021-05-03").is_some());
        for bad in ["2021-5-3", "2021-05-03T00:00:00Z", "2021-13-01"] {
            assert!(full_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn lenient_reads_what_test_suites_write() {
        let utc = |s| lenient(s).map(|t: OffsetDateTime| t.unix_timestamp());
        let base = utc("2021-06-08T20:17:27Z").unwrap();
        for same in [
            "2021-06-08T20:17:27.9906293Z",
            "2021-06-08T20:17:27",
            "2021-06-08T22:17:27+0200",
            "2021-06-08T22:17:27+02:00",
            "2021-06-08T22:17:27+02",
            "2021-06-08T20:17:27.123456789Z",
        ] {
            assert_eq!(utc(same), Some(base), "{same}");
        }
        assert_eq!(utc("2021-06-08"), utc("2021-06-08T00:00:00Z"));
        for bad in ["not a date", "2021-06-08T20:17:27.1234567890Z"] {
            assert_eq!(utc(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_utc() {
        let t = lenient("2021-06-08T22:17:27+02:00").unwrap();
        assert_eq!(format_utc(t), "2021-06-08T20:17:27Z");
    }
}
