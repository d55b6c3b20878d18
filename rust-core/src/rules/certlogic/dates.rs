//! Date-times as CertLogic knows them.
//!
//! The reference implementation (certlogic-js) represents date-times as
//! JavaScript `Date` objects, and the specification (CertLogic 1.3.3,
//! "`plusTime`") defines offsetting through the `Date.prototype.setUTC*`
//! methods. This module reproduces that arithmetic exactly: a date-time is a
//! time value in milliseconds since the epoch held in an `f64`, `NaN` being
//! the "Invalid Date" (every comparison with it is false), and the
//! ECMAScript algorithms `MakeDay`, `MakeTime`, `MakeDate` and `TimeClip`
//! (ECMA-262 §21.4.1) are followed step by step, so that month and year
//! overflow (`2021-01-31` + 1 month = `2021-03-03`) and leap days come out as
//! in JavaScript.
//!
//! Parsing follows certlogic-js `dateFromString` (the formats of the
//! specification's `plusTime` section) and the range checks of V8's ISO
//! date parser behind `new Date(…)`: month 1–12, day 1–31 in every month
//! (day 30 of February overflows into March), hour 0–24 (24 only at
//! `24:00:00.000`), minute and second 0–59, offset hours 0–23. A string that
//! matches a format but fails those checks is an Invalid Date, not an error,
//! as in JavaScript.

/// Milliseconds in a day.
const MS_PER_DAY: f64 = 86_400_000.0;
/// Largest time value magnitude (ECMA-262 §21.4.1.31, `TimeClip`).
const MAX_TIME: f64 = 8.64e15;

/// A time unit of `plusTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    /// `"year"`
    Year,
    /// `"month"`
    Month,
    /// `"day"`
    Day,
    /// `"hour"`
    Hour,
}

impl TimeUnit {
    /// The unit named by `s`, one of the specification's four.
    pub(crate) fn parse(s: &str) -> Option<TimeUnit> {
        Some(match s {
            "year" => TimeUnit::Year,
            "month" => TimeUnit::Month,
            "day" => TimeUnit::Day,
            "hour" => TimeUnit::Hour,
            _ => return None,
        })
    }
}

/// Days from 1970-01-01 to `y`-`m`-`d` in the proleptic Gregorian calendar
/// (H. Hinnant's `days_from_civil`); `m` is 1–12.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of day `z` since 1970-01-01: (year, month 1–12, day 1–31).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// ECMA-262 `MakeDay(year, month, date)`: month is 0-based and may overflow.
fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let ym = year.trunc() + (month.trunc() / 12.0).floor();
    // Beyond ±400 000 years every result is clipped to NaN anyway.
    if !ym.is_finite() || ym.abs() > 400_000.0 {
        return f64::NAN;
    }
    let mn = month.trunc().rem_euclid(12.0);
    days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + date.trunc() - 1.0
}

/// ECMA-262 `MakeTime(hour, min, sec, ms)`.
fn make_time(h: f64, m: f64, s: f64, ms: f64) -> f64 {
    if !(h.is_finite() && m.is_finite() && s.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    h.trunc() * 3_600_000.0 + m.trunc() * 60_000.0 + s.trunc() * 1000.0 + ms.trunc()
}

/// ECMA-262 `MakeDate(day, time)`.
fn make_date(day: f64, time: f64) -> f64 {
    if !(day.is_finite() && time.is_finite()) {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY + time;
    if tv.is_finite() { tv } else { f64::NAN }
}

/// ECMA-262 `TimeClip(time)`.
fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > MAX_TIME { f64::NAN } else { t.trunc() + 0.0 }
}

/// The UTC fields of a (finite) time value.
struct Fields {
    year: f64,
    month0: f64,
    date: f64,
    day: f64,
    within_day: f64,
}

fn fields(t: f64) -> Fields {
    let day = (t / MS_PER_DAY).floor();
    let within_day = t - day * MS_PER_DAY;
    let (y, m, d) = civil_from_days(day as i64);
    Fields { year: y as f64, month0: (m - 1) as f64, date: d as f64, day, within_day }
}

/// certlogic-js `plusTime` on a parsed date-time: `setUTC<unit>(getUTC<unit>() + amount)`.
pub(crate) fn plus(t: f64, amount: f64, unit: TimeUnit) -> f64 {
    if amount == 0.0 {
        return t;
    }
    if t.is_nan() {
        // setUTCFullYear starts from +0 on an Invalid Date; the others stay NaN.
        return if unit == TimeUnit::Year { plus(0.0, amount, unit) } else { f64::NAN };
    }
    let f = fields(t);
    let v = match unit {
        TimeUnit::Day => make_date(make_day(f.year, f.month0, f.date + amount), f.within_day),
        TimeUnit::Month => make_date(make_day(f.year, f.month0 + amount, f.date), f.within_day),
        TimeUnit::Year => make_date(make_day(f.year + amount, f.month0, f.date), f.within_day),
        TimeUnit::Hour => {
            let w = f.within_day;
            let (h, rest) = ((w / 3_600_000.0).floor(), w % 3_600_000.0);
            let (m, rest) = ((rest / 60_000.0).floor(), rest % 60_000.0);
            let (s, ms) = ((rest / 1000.0).floor(), rest % 1000.0);
            make_date(f.day, make_time(h + amount, m, s, ms))
        }
    };
    time_clip(v)
}

/// Why a string is not a CertLogic date(-time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotADateTime;

/// Parses ASCII digits `s[i..i + n]`.
fn digits(s: &[u8], i: usize, n: usize) -> Option<u32> {
    let part = s.get(i..i.checked_add(n)?)?;
    part.iter().try_fold(0u32, |v, &b| b.is_ascii_digit().then(|| v * 10 + u32::from(b - b'0')))
}

/// V8's `new Date("YYYY-MM-DDTHH:mm:ss.sss±HH:MM")` from its parts, with the
/// parser's range checks; NaN when they fail.
#[allow(clippy::too_many_arguments)]
fn iso_time_value(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32, offset_min: i32) -> f64 {
    let time_ok = h < 24 || (h == 24 && mi == 0 && s == 0 && ms == 0);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || !time_ok || mi > 59 || s > 59 {
        return f64::NAN;
    }
    let day = make_day(f64::from(y), f64::from(mo) - 1.0, f64::from(d));
    let t = make_date(day, make_time(f64::from(h), f64::from(mi), f64::from(s), f64::from(ms)));
    time_clip(t - f64::from(offset_min) * 60_000.0)
}

/// A date `YYYY-MM-DD` at midnight UTC (`new Date("YYYY-MM-DDT00:00:00.000Z")`).
fn full_date(s: &[u8]) -> Option<f64> {
    if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    Some(iso_time_value(digits(s, 0, 4)?, digits(s, 5, 2)?, digits(s, 8, 2)?, 0, 0, 0, 0, 0))
}

/// certlogic-js `roundUpPartialDate`: `YYYY` is the 31st of December,
/// `YYYY-MM` the last day of that month, at midnight UTC.
fn partial_date(s: &[u8]) -> Option<f64> {
    match s.len() {
        4 => Some(iso_time_value(digits(s, 0, 4)?, 12, 31, 0, 0, 0, 0, 0)),
        7 if s[4] == b'-' => {
            let first = iso_time_value(digits(s, 0, 4)?, digits(s, 5, 2)?, 1, 0, 0, 0, 0, 0);
            if first.is_nan() {
                return Some(f64::NAN);
            }
            // setUTCMonth(month + 1), then setUTCDate(0): the last day of the month.
            let f = fields(first);
            let next = make_date(make_day(f.year, f.month0 + 1.0, f.date), f.within_day);
            let g = fields(next);
            Some(time_clip(make_date(make_day(g.year, g.month0, 0.0), g.within_day)))
        }
        _ => None,
    }
}

/// The offset part of a date-time, as certlogic-js's expression
/// `(Z|(([+-])(\d{1,2}):?(\d{2})?))?$` reads it (backtracking included):
/// minutes east of UTC, or None when it does not match.
fn offset(s: &[u8]) -> Option<i32> {
    match s {
        [] | [b'Z'] => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            for h_len in [2usize, 1] {
                let Some(h) = digits(rest, 0, h_len) else { continue };
                let mut r = &rest[h_len..];
                if r.first() == Some(&b':') {
                    r = &r[1..];
                }
                let m = match r.len() {
                    0 => 0,
                    2 => match digits(r, 0, 2) {
                        Some(m) => m,
                        None => continue,
                    },
                    _ => continue,
                };
                // V8 refuses offset hours above 23 and minutes above 59.
                if h > 23 || m > 59 {
                    return Some(i32::MAX);
                }
                return Some(sign * (h as i32 * 60 + m as i32));
            }
            None
        }
        _ => None,
    }
}

/// certlogic-js `dateFromString`: `YYYY-MM-DD`, or
/// `YYYY-MM-DDThh:mm:ss[.S…][Z|±h[h][[:]mm]]` (no offset means `Z`; a
/// fraction is cut to milliseconds).
fn date_time(s: &[u8]) -> Result<f64, NotADateTime> {
    if let Some(t) = full_date(s) {
        return Ok(t);
    }
    let head = (|| {
        if s.len() < 19 || s[4] != b'-' || s[7] != b'-' || s[10] != b'T' || s[13] != b':' || s[16] != b':' {
            return None;
        }
        Some([
            digits(s, 0, 4)?,
            digits(s, 5, 2)?,
            digits(s, 8, 2)?,
            digits(s, 11, 2)?,
            digits(s, 14, 2)?,
            digits(s, 17, 2)?,
        ])
    })();
    let [y, mo, d, h, mi, sec] = head.ok_or(NotADateTime)?;
    let mut i = 19;
    let mut ms = 0;
    if s.get(i) == Some(&b'.') {
        let start = i + 1;
        let n = s[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return Err(NotADateTime);
        }
        for k in 0..3 {
            ms = ms * 10 + s.get(start + k).filter(|_| k < n).map_or(0, |b| u32::from(b - b'0'));
        }
        i = start + n;
    }
    match offset(&s[i..]) {
        None => Err(NotADateTime),
        Some(i32::MAX) => Ok(f64::NAN),
        Some(off) => Ok(iso_time_value(y, mo, d, h, mi, sec, ms, off)),
    }
}

/// The date-time `plusTime` makes of its first operand: a partial date
/// (`YYYY`, `YYYY-MM`) rounded up as `dccDateOfBirth` does, else a date or
/// date-time in one of the specified formats.
pub(crate) fn parse_plus_time(s: &str) -> Result<f64, NotADateTime> {
    let b = s.as_bytes();
    match partial_date(b) {
        Some(t) => Ok(t),
        None => date_time(b),
    }
}

/// `dccDateOfBirth`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as the last instant
/// consistent with it (midnight UTC of the last possible day).
pub(crate) fn parse_date_of_birth(s: &str) -> Result<f64, NotADateTime> {
    let b = s.as_bytes();
    partial_date(b).or_else(|| full_date(b)).ok_or(NotADateTime)
}

/// `Date.prototype.toISOString` (`None` for an Invalid Date, which JSON
/// serialises as `null`).
pub(crate) fn to_iso_string(t: f64) -> Option<String> {
    if t.is_nan() {
        return None;
    }
    let f = fields(t);
    let w = f.within_day as i64;
    let (h, m, s, ms) = (w / 3_600_000, w / 60_000 % 60, w / 1000 % 60, w % 1000);
    let y = f.year as i64;
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{}{:06}", if y < 0 { '-' } else { '+' }, y.abs())
    };
    Some(format!("{year}-{:02}-{:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z", f.month0 as i64 + 1, f.date as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        parse_plus_time(s).ok().and_then(to_iso_string).unwrap_or_else(|| "Invalid".into())
    }

    #[test]
    fn formats_of_the_specification() {
        assert_eq!(iso("2021"), "2021-12-31T00:00:00.000Z");
        assert_eq!(iso("2020-02"), "2020-02-29T00:00:00.000Z");
        assert_eq!(iso("2021-06-01"), "2021-06-01T00:00:00.000Z");
        assert_eq!(iso("2021-06-01T10:20:30"), "2021-06-01T10:20:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30Z"), "2021-06-01T10:20:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30+2"), "2021-06-01T08:20:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30-02"), "2021-06-01T12:20:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30+130"), "2021-06-01T08:50:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30+123"), "2021-06-01T08:57:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30+01:"), "2021-06-01T09:20:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30+0130"), "2021-06-01T08:50:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30+1:30"), "2021-06-01T08:50:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30+01:30"), "2021-06-01T08:50:30.000Z");
        assert_eq!(iso("2021-06-01T10:20:30.5Z"), "2021-06-01T10:20:30.500Z");
        assert_eq!(iso("2021-06-01T10:20:30.123456789-1"), "2021-06-01T11:20:30.123Z");
        // Matches the format, refused by V8's ranges: an Invalid Date.
        assert_eq!(iso("2021-02-32"), "Invalid");
        assert_eq!(iso("2021-13-01"), "Invalid");
        assert_eq!(iso("2021-01-01T10:00:00+24:00"), "Invalid");
        // V8 overflows day 30 of February.
        assert_eq!(iso("2021-02-30"), "2021-03-02T00:00:00.000Z");
        assert_eq!(iso("2021-01-01T24:00:00Z"), "2021-01-02T00:00:00.000Z");
        for bad in ["", "2021-1-01", "2021-06-01T10:20", "2021-06-01 10:20:30", "2021-06-01T10:20:30.Z", "x2021"] {
            assert_eq!(parse_plus_time(bad), Err(NotADateTime), "{bad}");
        }
    }

    #[test]
    fn leap_days_as_the_specification_tabulates() {
        let t = parse_plus_time("2020-02-29").unwrap();
        assert_eq!(to_iso_string(plus(t, 1.0, TimeUnit::Day)).unwrap(), "2020-03-01T00:00:00.000Z");
        assert_eq!(to_iso_string(plus(t, 1.0, TimeUnit::Month)).unwrap(), "2020-03-29T00:00:00.000Z");
        assert_eq!(to_iso_string(plus(t, 1.0, TimeUnit::Year)).unwrap(), "2021-03-01T00:00:00.000Z");
        let jan31 = parse_plus_time("2021-01-31T23:00:00Z").unwrap();
        assert_eq!(to_iso_string(plus(jan31, 1.0, TimeUnit::Month)).unwrap(), "2021-03-03T23:00:00.000Z");
        assert_eq!(to_iso_string(plus(jan31, -25.0, TimeUnit::Hour)).unwrap(), "2021-01-30T22:00:00.000Z");
        assert!(plus(jan31, 1e300, TimeUnit::Day).is_nan());
        assert_eq!(to_iso_string(plus(f64::NAN, 1.0, TimeUnit::Year)).unwrap(), "1971-01-01T00:00:00.000Z");
    }

    #[test]
    fn dates_of_birth() {
        let dob = |s| parse_date_of_birth(s).ok().and_then(to_iso_string);
        assert_eq!(dob("2004").unwrap(), "2004-12-31T00:00:00.000Z");
        assert_eq!(dob("2004-02").unwrap(), "2004-02-29T00:00:00.000Z");
        assert_eq!(dob("2004-02-03").unwrap(), "2004-02-03T00:00:00.000Z");
        assert_eq!(parse_date_of_birth("2004-02-03T00:00:00Z"), Err(NotADateTime));
        assert_eq!(parse_date_of_birth(""), Err(NotADateTime));
    }

    #[test]
    fn calendar_round_trip() {
        for z in [-800_000i64, -719_468, -1, 0, 1, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
