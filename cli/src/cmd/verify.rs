//! `healthcert verify`: its arguments, and the verdicts of the payloads they
//! name, printed as text or JSON, the worst one as exit status.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::bail;

use healthcert_cli::usage::usage;
use healthcert_cli::{bundled, errln, input, out, render, trust_cmd};
use healthcert_core::formats::PrefixPolicy;
use healthcert_core::model::Status;
use healthcert_core::text::display;
use healthcert_core::trust::{TrustStore, file};
use healthcert_core::{Arrival, Verifier, VerifyOptions};

use crate::exit;

/// Verify a certificate: a QR payload, a file holding one (text, or a PNG
/// or JPEG picture of the QR code), or stdin.
///
/// With no PAYLOAD, verifies the bundled sample certificate. With several
/// payloads, or several QR codes in one picture, verifies each (one JSON
/// object per line). The chunks of a SMART Health Card split over several
/// QR codes (`shc:/1/3/…`, `shc:/2/3/…`, `shc:/3/3/…`), given as
/// arguments, files or pictures in any order, are put back together and
/// verified as one card.
///
/// Formats: the EU DCC (`HC1:`) and SMART Health Cards (`shc:/`; the
/// issuer's keys come from `trust import --issuer URL jwks.json`).
///
/// PAYLOAD is read as: `-`, stdin; text starting with `HC1:`, the
/// payload; an existing file, its content (a directory is a usage
/// error); text starting with another context identifier (`shc:/`,
/// `HC2:`), the payload (a format not supported is invalid); a compact
/// JWS (`eyJ…`), a SMART Health Card; a `.smart-health-card` file (or a
/// FHIR `$health-cards-issue` response), each card it holds; at least 32 characters of the
/// base45 alphabet (A-Z 0-9 space $%*+-./:), a bare base45 payload.
/// Anything else (a mistyped file name) is a usage error, never a
/// verdict. Files and stdin may hold bare base45 or a compact JWS too.
/// A chunk whose siblings are not all given is reported as incomplete.
///
/// Text output escapes every control, bidi and invisible character
/// from the certificate, the trust data or a file name (as `\u{1b}`)
/// and bounds long fields; its first line is the status.
///
/// Exit status: 0 valid, 3 invalid, 4 cannot tell, 1 operational error,
/// 2 usage error. A closed stdout (`| head`) is not an error: the exit
/// status is still the verdict's.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// `HC1:…` or `shc:/…` text (or bare base45, or a compact JWS), a
    /// file containing it or a picture of its QR code, or `-` for stdin.
    #[arg(value_name = "PAYLOAD")]
    payloads: Vec<String>,
    /// Trust list: DGCA trust-list JSON, PEM/DER certificate(s), or a
    /// directory of them. Default: the bundled TEST snapshot.
    #[arg(long, value_name = "PATH")]
    trust: Option<PathBuf>,
    /// Trust database (SQLite) kept by `trust sync`; created and seeded
    /// with the bundled snapshot when missing or empty.
    #[arg(long, value_name = "PATH", conflicts_with = "trust")]
    db: Option<PathBuf>,
    /// Verify as of this instant (RFC 3339, e.g. 2026-09-01T12:00:00Z)
    /// instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Take this instant as the device clock's reading: unlike --at (a
    /// deliberate choice, not checked), the clock check applies, as it does
    /// to the system clock (for tests and demonstrations of a device whose
    /// clock was set back).
    #[arg(long, value_name = "RFC3339", conflicts_with = "at")]
    device_time: Option<String>,
    /// Country of arrival (ISO 3166-1 alpha-2): check its business rules
    /// (from the trust database: `trust sync` a rule service, or
    /// `rules import`). Without it the rules check does not apply.
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Region of arrival, for countries with regional rules.
    #[arg(long, value_name = "REGION", requires = "country")]
    region: Option<String>,
    /// Language of rule descriptions (ISO 639-1); English by default.
    #[arg(long, value_name = "LANG", default_value = "en")]
    lang: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Keep the letter of the schema, for issuers testing their output:
    /// deviations that are otherwise tolerated with the warning
    /// SCHEMA_DEVIATION (a date-time where a date belongs, a null group
    /// beside the real one, a lowercase country code) fail the schema check.
    #[arg(long)]
    strict_schema: bool,
}

impl Args {
    /// Where the certificate is presented (`--country`, `--region`,
    /// `--lang`); a malformed value is a usage error.
    fn arrival(&self) -> anyhow::Result<Option<Arrival>> {
        let lang = self.lang.trim();
        if !(lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_alphabetic())) {
            return Err(usage(format!("--lang \"{}\" is not an ISO 639-1 code (e.g. en, de)", display(lang))));
        }
        Arrival::parse(self.country.as_deref(), self.region.as_deref(), Some(&self.lang))
            .map_err(|e| usage(format!("--country: {}", display(&e.to_string()))))
    }
}

/// Runs `verify`: the exit status is the worst verdict (invalid, then
/// unknown, then valid).
pub(crate) fn run(args: Args) -> anyhow::Result<u8> {
    let clock = super::verify_clock(args.at.clone(), args.device_time.clone())?;
    let arrival = args.arrival()?;
    let Args { payloads, trust, db, json, strict_schema, .. } = args;
    // Usage errors first, before any note about the trust data.
    if payloads.iter().filter(|p| *p == "-").count() > 1 {
        return Err(usage("stdin (-) can be read once"));
    }
    let payloads = if payloads.is_empty() {
        input::resolve(None)?
    } else {
        let mut all = Vec::new();
        for p in &payloads {
            all.extend(input::resolve(Some(p))?);
        }
        input::assemble_chunks(all)
    };
    if arrival.is_some() && db.is_none() && !json {
        errln!("note: business rules come from a trust database (--db); without one no rules are held");
    }
    let store: Arc<dyn TrustStore + Send + Sync> = match (&trust, &db) {
        (_, Some(db)) => {
            let (store, seeded) = trust_cmd::open_for_verify(db, clock.now())?;
            if seeded && !json {
                errln!(
                    "note: {} was empty; seeded it with the bundled TEST trust snapshot",
                    display(&db.display().to_string())
                );
            }
            Arc::new(store)
        }
        (None, None) => Arc::new(bundled::trust_store()?),
        (Some(path), None) => {
            let (store, report) = file::load(path)?;
            for s in &report.skipped {
                errln!("warning: trust list entry skipped: {}: {}", display(&s.position), display(&s.reason));
            }
            if store.is_empty() {
                bail!("{} holds no usable signer certificates", display(&path.display().to_string()));
            }
            Arc::new(store)
        }
    };
    if trust.is_none() && db.is_none() && !json {
        errln!("note: using the bundled TEST trust snapshot (issuer XT); pass --trust for real trust lists");
    }
    if payloads.first().is_some_and(|p| p.origin == "bundled sample") && !json {
        errln!("note: no payload given; verifying the bundled sample certificate");
    }
    // Text from files, stdin or the command line may lack the HC1: prefix;
    // a QR code always carries it.
    let verifier = |prefix| {
        let options = VerifyOptions { prefix, arrival: arrival.clone(), strict_schema, ..VerifyOptions::default() };
        Verifier::with_options(Arc::clone(&store), options)
    };
    let (lenient, scanned) = (verifier(PrefixPolicy::Optional), verifier(PrefixPolicy::Required));
    let mut worst = exit::VALID;
    for p in &payloads {
        let verdict = if p.scanned { &scanned } else { &lenient }.verify_bytes(&p.bytes, clock.as_ref())?;
        if json {
            out::json_line(&verdict)?;
        } else {
            // Several payloads: each block starts with its status line, then
            // where it came from.
            let origin = (payloads.len() > 1).then_some(p.origin.as_str());
            out::stdout(&render::verdict_from(&verdict, origin))?;
        }
        let code = match verdict.status {
            Status::Valid => exit::VALID,
            Status::Invalid => exit::INVALID,
            Status::Unknown => exit::UNKNOWN,
        };
        // Invalid outranks unknown outranks valid.
        worst = match (worst, code) {
            (exit::INVALID, _) | (_, exit::INVALID) => exit::INVALID,
            (exit::UNKNOWN, _) | (_, exit::UNKNOWN) => exit::UNKNOWN,
            _ => exit::VALID,
        };
    }
    Ok(worst)
}
