//! Human-readable rendering of a verdict for the terminal.

use std::fmt::Write as _;

use healthcert_core::ClockSource;
use healthcert_core::model::{Certificate, Event, Outcome, Status, Verdict};
use healthcert_core::rules::RuleOutcome;
use healthcert_core::time_parse::format_utc;

fn status_line(v: &Verdict) -> &'static str {
    match v.status {
        Status::Valid => "VALID",
        Status::Invalid => "INVALID",
        Status::Unknown => "CANNOT TELL",
    }
}

fn event_line(e: &Event) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "?".into());
    match e {
        Event::Vaccination(v) => format!(
            "vaccination: dose {}/{} on {} in {} (product {})",
            v.dose_number.map_or("?".into(), |n| n.to_string()),
            v.total_doses.map_or("?".into(), |n| n.to_string()),
            opt(&v.date),
            opt(&v.country),
            opt(&v.product)
        ),
        Event::Test(t) => format!(
            "test: type {} sampled {} result {} in {}",
            opt(&t.test_type),
            opt(&t.sample_collected_at),
            opt(&t.result),
            opt(&t.country)
        ),
        Event::Recovery(r) => format!(
            "recovery: first positive {}, valid {} to {} in {}",
            opt(&r.first_positive),
            opt(&r.valid_from),
            opt(&r.valid_until),
            opt(&r.country)
        ),
    }
}

fn certificate_lines(c: &Certificate, out: &mut String) {
    let kind = c.kind.map_or("certificate of unclear type", |k| k.name());
    let _ = writeln!(out, "  {kind} issued by {}", c.issuer_country.as_deref().unwrap_or("an unnamed issuer"));
    let _ = writeln!(
        out,
        "  holder: {} (born {})",
        if c.holder.name.is_empty() { "?" } else { &c.holder.name },
        c.holder.date_of_birth.as_deref().filter(|d| !d.is_empty()).unwrap_or("?")
    );
    for e in &c.events {
        let _ = writeln!(out, "  {}", event_line(e));
    }
    if let Some(id) = &c.certificate_id {
        let _ = writeln!(out, "  certificate id: {id}");
    }
    let _ = writeln!(
        out,
        "  issued {}, expires {}",
        c.issued_at.map_or("?".into(), format_utc),
        c.expires_at.map_or("?".into(), format_utc)
    );
}

/// The verdict as text for people: status first, then the certificate, then
/// every check with its reason code.
pub fn verdict(v: &Verdict) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", status_line(v), v.format.name());
    for c in v.failures() {
        let _ = writeln!(out, "  because {}: {} ({})", c.check.name(), c.detail, c.reason.code());
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
        let _ = writeln!(out, "  {mark}  {:<10} {:<26} {}", c.check.name(), c.reason.code(), c.detail);
    }
    if !v.rules.is_empty() {
        let _ = writeln!(out, "rules:");
        for r in &v.rules {
            let mark = match r.outcome {
                RuleOutcome::Passed => "pass",
                RuleOutcome::Failed => "FAIL",
                RuleOutcome::Open => "open",
            };
            let _ = write!(out, "  {mark}  {} {}  {}", r.identifier, r.version, r.description);
            if let Some(d) = &r.detail {
                let _ = write!(out, " ({d})");
            }
            out.push('\n');
        }
    }
    let source = match v.clock_source {
        ClockSource::System => "system clock",
        ClockSource::Fixed => "fixed by --at",
    };
    let _ = writeln!(out, "clock: {} ({source})", format_utc(v.clock));
    let _ = writeln!(out, "trust: {} ({} keys)", v.trust.source, v.trust.entries);
    out
}
