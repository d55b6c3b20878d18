//! Human-readable rendering of a verdict for the terminal.
//!
//! An inspector acts on what this prints, and most of it was written by
//! someone else: the holder's name, the issuer, the certificate id (the
//! certificate's maker), rule descriptions (the rule publisher), the trust
//! source and file names. Every such field goes through
//! [`healthcert_core::text::display`], which escapes control, bidi and
//! invisible characters and bounds the length, so no field can move the
//! cursor, recolour or clear the screen, or start a line of its own. The
//! status line is the first line, made from the verdict's status alone.

use std::fmt::Write as _;

use healthcert_core::ClockSource;
use healthcert_core::model::{Certificate, ClockState, Code, Event, Outcome, Status, Verdict};
use healthcert_core::rules::RuleOutcome;
use healthcert_core::text::display;
use healthcert_core::time_parse::format_utc;

fn status_line(v: &Verdict) -> &'static str {
    match v.status {
        Status::Valid => "VALID",
        Status::Invalid => "INVALID",
        Status::Unknown => "CANNOT TELL",
    }
}

/// Longest check detail or rule description shown (the core's own details
/// are shorter; rule descriptions are the rule publisher's text).
const MAX_DETAIL_CHARS: usize = 600;

/// A check detail or rule text, shown safely.
fn long(text: &str) -> std::borrow::Cow<'_, str> {
    healthcert_core::text::display_bounded(text, MAX_DETAIL_CHARS)
}

/// An optional field, shown safely, `?` when absent.
fn opt(o: &Option<String>) -> String {
    o.as_deref().map_or_else(|| "?".into(), |s| display(s).into_owned())
}

/// A code, shown safely with the issuer's display text when there is one,
/// `?` when absent.
fn code(c: &Option<Code>) -> String {
    match c {
        None => "?".into(),
        Some(c) => match &c.display {
            Some(d) if !d.is_empty() => format!("{} ({})", display(&c.code), display(d)),
            _ => display(&c.code).into_owned(),
        },
    }
}

/// One event of a certificate in a line, every field shown safely.
pub fn event_line(e: &Event) -> String {
    match e {
        Event::Vaccination(v) => format!(
            "vaccination: dose {}/{} on {} in {} (product {})",
            v.dose_number.map_or("?".into(), |n| n.to_string()),
            v.total_doses.map_or("?".into(), |n| n.to_string()),
            opt(&v.date),
            code(&v.country),
            code(if v.brand.is_some() { &v.brand } else { &v.vaccine })
        ),
        Event::Test(t) => format!(
            "test: type {} sampled {} result {} in {}",
            code(&t.test_type),
            opt(&t.sample_collected_at),
            code(&t.result),
            code(&t.country)
        ),
        Event::Recovery(r) => format!(
            "recovery: first positive {}, valid {} to {} in {}",
            opt(&r.first_positive),
            opt(&r.valid_from),
            opt(&r.valid_until),
            code(&r.country)
        ),
    }
}

fn certificate_lines(c: &Certificate, out: &mut String) {
    let kind = c.kind.map_or("certificate of unclear type", |k| k.name());
    let issuer =
        c.issuer.as_deref().or(c.issuer_country.as_deref()).map_or_else(|| "an unnamed issuer".into(), display);
    let _ = writeln!(out, "  {kind} issued by {issuer}");
    let name = if c.holder.name.is_empty() { "?".into() } else { display(&c.holder.name) };
    let born = c.holder.date_of_birth.as_deref().filter(|d| !d.is_empty()).map_or_else(|| "?".into(), display);
    let _ = writeln!(out, "  holder: {name} (born {born})");
    for e in &c.events {
        let _ = writeln!(out, "  {}", event_line(e));
    }
    if let Some(id) = &c.certificate_id {
        let _ = writeln!(out, "  certificate id: {}", display(id));
    }
    let _ = writeln!(
        out,
        "  issued {}, expires {}",
        c.issued_at.map_or("?".into(), format_utc),
        c.expires_at.map_or("never (no expiry given)".into(), format_utc)
    );
}

/// An age in words: `45 s`, `12 min`, `5 h`, `3 days`.
pub fn age(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let text = match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    };
    if seconds < 0 { format!("{text} in the future") } else { text }
}

/// How old the trust data is, when the store can tell.
fn trust_age(v: &Verdict) -> String {
    match (v.trust.updated_at, v.trust.age_seconds) {
        (Some(at), Some(secs)) if secs < 0 => {
            format!(", updated {}, {} after the verification time", format_utc(at), age(secs.saturating_neg()))
        }
        (Some(at), Some(secs)) => format!(", updated {}, {} ago", format_utc(at), age(secs)),
        _ => String::new(),
    }
}

/// The verdict as text for people: status first (from the status alone),
/// a stale-trust warning, why it failed, then the certificate, every check
/// with its reason code, the rules, the clock and the trust data.
pub fn verdict(v: &Verdict) -> String {
    verdict_from(v, None)
}

/// [`verdict`], with the payload's origin on the second line (several
/// payloads from one picture).
pub fn verdict_from(v: &Verdict, origin: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", status_line(v), v.format.name());
    if let Some(o) = origin {
        let _ = writeln!(out, "  from {}", display(o));
    }
    if v.trust.stale {
        let _ = writeln!(
            out,
            "  WARNING: the trust data is STALE{}: signer keys may have been withdrawn since (sync it)",
            trust_age(v)
        );
    }
    if v.clock_check.state == ClockState::Suspect {
        let _ = writeln!(
            out,
            "  WARNING: the device clock is SUSPECT: {} ({})",
            long(&v.clock_check.detail),
            v.clock_check.reason.code()
        );
    }
    for c in v.failures() {
        let _ = writeln!(out, "  because {}: {} ({})", c.check.name(), long(&c.detail), c.reason.code());
    }
    if let Some(c) = &v.certificate {
        certificate_lines(c, &mut out);
    }
    let _ = writeln!(out, "checks:");
    for c in &v.checks {
        let mark = match c.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::Skipped => "skip",
        };
        let _ = writeln!(out, "  {mark}  {:<10} {:<26} {}", c.check.name(), c.reason.code(), long(&c.detail));
    }
    if !v.rules.is_empty() {
        let _ = writeln!(out, "rules:");
        for r in &v.rules {
            let mark = match r.outcome {
                RuleOutcome::Passed => "pass",
                RuleOutcome::Failed => "FAIL",
                RuleOutcome::Open => "open",
            };
            let _ =
                write!(out, "  {mark}  {} {}  {}", display(&r.identifier), display(&r.version), long(&r.description));
            if let Some(d) = &r.detail {
                let _ = write!(out, " ({})", long(d));
            }
            out.push('\n');
        }
    }
    let source = match v.clock_source {
        ClockSource::System => "system clock",
        ClockSource::Fixed => "fixed by --at",
    };
    let _ = writeln!(out, "clock: {} ({source}; clock check {})", format_utc(v.clock), v.clock_check.state.name());
    let stale = if v.trust.stale { ", STALE" } else { "" };
    let _ = writeln!(out, "trust: {} ({} keys{}{stale})", display(&v.trust.source), v.trust.entries, trust_age(v));
    out
}
