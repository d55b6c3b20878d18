//! `healthcert`: verify digital health certificates from the command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

use healthcert_cli::usage::{is_usage, usage};
use healthcert_cli::{bundled, conformance, errln, input, outln, render, trust_cmd};
use healthcert_core::formats::PrefixPolicy;
use healthcert_core::model::Status;
use healthcert_core::text::{display, display_bounded};
use healthcert_core::trust::{TrustStore, file};
use healthcert_core::{Arrival, Clock, FixedClock, SystemClock, Verifier, VerifyOptions, time_parse};

/// Exit status: the verdict of `verify`, for scripts; 1 for operational
/// faults, 2 for usage errors (clap's, and [`healthcert_cli::usage`]), 5
/// when a conformance suite disagrees with the pipeline.
mod exit {
    #![allow(dead_code)]
    pub const VALID: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INVALID: u8 = 3;
    pub const UNKNOWN: u8 = 4;
    pub const MISMATCHES: u8 = 5;
}

#[derive(Parser)]
#[command(name = "healthcert", version, about = "Verify digital health certificates (EU DCC) offline.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a certificate: a QR payload, a file holding one (text, or a PNG
    /// or JPEG picture of the QR code), or stdin.
    ///
    /// With no PAYLOAD, verifies the bundled sample certificate. With several
    /// QR codes in one picture, verifies each (one JSON object per line).
    ///
    /// PAYLOAD is read as: `-`, stdin; text starting with `HC1:`, the
    /// payload; an existing file, its content (a directory is a usage
    /// error); text starting with another context identifier (`shc:`), the
    /// payload (not supported: invalid); at least 32 characters of the
    /// base45 alphabet (A-Z 0-9 space $%*+-./:), a bare base45 payload.
    /// Anything else (a mistyped file name) is a usage error, never a
    /// verdict. Files and stdin may hold bare base45 too.
    ///
    /// Text output escapes every control, bidi and invisible character
    /// from the certificate, the trust data or a file name (as `\u{1b}`)
    /// and bounds long fields; its first line is the status.
    ///
    /// Exit status: 0 valid, 3 invalid, 4 cannot tell, 1 operational error,
    /// 2 usage error. A closed stdout (`| head`) is not an error: the exit
    /// status is still the verdict's.
    Verify {
        /// `HC1:…` text (or bare base45), a file containing it or a picture
        /// of its QR code, or `-` for stdin.
        payload: Option<String>,
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
    },
    /// Business rules: import them from files into a trust database.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Find and decode the QR codes in pictures (PNG, JPEG).
    ///
    /// Prints each file's payloads; with --json, one object per file:
    /// {"file", "payloads": [text, …], "decode_us", "codes": [{"text",
    /// "bytes_base64", "corners"}]}, where decode_us is the time from luma
    /// plane to payloads (image file decoding excluded).
    Scan {
        /// Picture files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print one JSON object per file instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run a public conformance suite against the pipeline.
    Conformance {
        #[command(subcommand)]
        suite: Suite,
    },
    /// Trust lists: where signer keys and rules come from.
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Download, verify and store trust lists, one source after another.
    ///
    /// Each source is fetched and verified completely, then committed in
    /// one transaction; a source that fails keeps its previous data and
    /// records why (see `trust status`). Exit status 0 only when every
    /// source succeeded, 1 otherwise.
    Sync {
        /// The trust database (created when missing).
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// A source as KIND=URL: `dgca=https://host/` (DGCA verifier
        /// service), `de=https://host/trustList/DSC` (German-shaped signed
        /// list, needs --de-key), `rules=https://host/` (DGCA business-rule
        /// service). Repeatable.
        #[arg(long = "source", value_name = "KIND=URL", required = true)]
        sources: Vec<String>,
        /// PEM public key (or certificate) that every `de` list must verify with.
        #[arg(long, value_name = "PEM")]
        de_key: Option<PathBuf>,
        /// PEM public key for the X-SIGNATURE of rule-service responses;
        /// without it, rules are not signature-checked.
        #[arg(long, value_name = "PEM")]
        rules_key: Option<PathBuf>,
        /// Maximum age of the synced sources' data before verdicts say
        /// `stale` (e.g. 72h, 3d, 3600).
        #[arg(long, value_name = "DURATION")]
        max_age: Option<String>,
        /// Timeout of one request, in seconds (default 60).
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<f64>,
        /// Retries of a transient fault (default 3).
        #[arg(long, value_name = "N")]
        retries: Option<u32>,
        /// Largest list body accepted, in bytes (default 64 MiB).
        #[arg(long, value_name = "BYTES")]
        max_bytes: Option<usize>,
        /// Bytes one source's sync may download in all (default 128 MiB).
        #[arg(long, value_name = "BYTES")]
        max_total_bytes: Option<u64>,
        /// Requests one source's sync may send in all, retries and
        /// redirects included (default 60000).
        #[arg(long, value_name = "N")]
        max_requests: Option<usize>,
        /// Time one source's sync may take in all, in seconds (default 900).
        #[arg(long, value_name = "SECONDS")]
        deadline: Option<f64>,
        /// Allow plain http:// to any host (without it, plain http only to
        /// 127.0.0.1, ::1 (IPv6) or localhost, written as such; a redirect from
        /// https to http is never followed).
        #[arg(long)]
        allow_http: bool,
        /// Record the sync as of this instant instead of now (tests).
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// Print one JSON object: {"sources": [{kind, url, ok, entries,
        /// added, removed, skipped | error: {code, reason}}]}.
        #[arg(long)]
        json: bool,
    },
    /// Show every source of a trust database: entries, last success, last
    /// failure and why, age of the data and whether it is stale.
    Status {
        /// The trust database.
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Ages as of this instant instead of now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// Print one JSON object: {"sources": [{kind, url, entries,
        /// last_success, last_failure, failure_reason, age_seconds, stale, …}]}.
        #[arg(long)]
        json: bool,
    },
    /// Import a trust file (DGCA trust-list JSON, PEM/DER certificates, a
    /// directory of them, or with --de-key a German-shaped signed list) as
    /// the signer set of a source named by the file's path.
    Import {
        /// The trust database (created when missing).
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// The file or directory.
        file: PathBuf,
        /// Verify FILE as a German-shaped signed list with this PEM key.
        #[arg(long, value_name = "PEM")]
        de_key: Option<PathBuf>,
        /// Record the import as of this instant instead of now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
    },
    /// Serve a directory of trust lists over HTTP, as they are, for tests and
    /// demos: the DGCA verifier-service protocol (trustlist.json), the
    /// German-shaped signed list (de/trustlist) and the DGCA business-rule
    /// service (rules/). See docs/trust-protocols.md.
    ///
    /// `healthcert trust serve fixtures/trust` serves the project's TEST lists.
    Serve {
        /// The directory to serve.
        dir: PathBuf,
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Import rules and value sets from files: rule documents (the DCC
    /// Gateway's JSON), value set documents, or directory trees of them
    /// (e.g. `<CC>/<rule>/rule.json`). Each PATH becomes one source in the
    /// database, replacing what that path held before. A new database is
    /// seeded with the bundled TEST snapshot first, as `verify --db` does. Other JSON files are
    /// ignored; rules that do not compile are skipped and reported.
    Import {
        /// The trust database (created when missing).
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Record the import as of this instant instead of now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
    },
}

#[derive(Subcommand)]
enum Suite {
    /// The EU DCC test data (eu-digital-green-certificates/dgc-testdata).
    ///
    /// Text output lists every new mismatch, and counts the known ones per
    /// row of the "Known mismatches" table of docs/conformance.md (upstream
    /// defects of the suite). Exit status 0 when no flag disagrees with the
    /// suite, 5 when some do (known or new; the last line says which), 1
    /// on an operational error, 2 on a usage error.
    Dgc {
        /// The suite's directory.
        dir: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The CertLogic specification's test suite and validation test suite
    /// (ehn-dcc-development/eu-dcc-business-rules, certlogic/specification).
    ///
    /// JSON: {"assertions", "passed", "failed": [{file, case, assertion,
    /// detail}], "skipped"}. Exit status 0 only when nothing failed.
    Certlogic {
        /// The specification directory (holding testSuite/ and
        /// validation-testSuite/), or a parent of it.
        dir: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The EU business rules and their tests
    /// (eu-digital-green-certificates/dgc-business-rules-testdata): every
    /// `<CC>/<rule>/tests/*.json` against its `rule.json`.
    ///
    /// JSON: {"tests", "passed", "failed": [{file, expected, got, detail}],
    /// "rules", "notes"}. Exit status 0 only when nothing failed.
    Rules {
        /// The test data directory.
        dir: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn clock(at: Option<String>) -> anyhow::Result<Box<dyn Clock + Sync>> {
    Ok(match at {
        None => Box::new(SystemClock),
        Some(s) => Box::new(FixedClock(time_parse::lenient(&s).ok_or_else(|| {
            usage(format!("--at \"{}\" is not an RFC 3339 date-time (e.g. 2026-09-01T12:00:00Z)", display(&s)))
        })?)),
    })
}

/// Where the certificate is presented (`--country`, `--region`, `--lang`).
struct ArrivalArgs {
    country: Option<String>,
    region: Option<String>,
    lang: String,
}

impl ArrivalArgs {
    fn arrival(self) -> anyhow::Result<Option<Arrival>> {
        let lang = self.lang.trim();
        if !(lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_alphabetic())) {
            return Err(usage(format!("--lang \"{}\" is not an ISO 639-1 code (e.g. en, de)", display(lang))));
        }
        Arrival::parse(self.country.as_deref(), self.region.as_deref(), Some(&self.lang))
            .map_err(|e| usage(format!("--country: {}", display(&e.to_string()))))
    }
}

fn verify(
    payload: Option<String>,
    trust: Option<PathBuf>,
    db: Option<PathBuf>,
    at: Option<String>,
    arrival: ArrivalArgs,
    json: bool,
) -> anyhow::Result<u8> {
    let clock = clock(at)?;
    let arrival = arrival.arrival()?;
    // Usage errors first, before any note about the trust data.
    let payloads = input::resolve(payload.as_deref())?;
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
        (None, None) => Arc::new(bundled::trust_store()),
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
        let options = VerifyOptions { prefix, arrival: arrival.clone(), ..VerifyOptions::default() };
        Verifier::with_options(Arc::clone(&store), options)
    };
    let (lenient, scanned) = (verifier(PrefixPolicy::Optional), verifier(PrefixPolicy::Required));
    let mut worst = exit::VALID;
    for p in &payloads {
        let verdict = if p.scanned { &scanned } else { &lenient }.verify_bytes(&p.bytes, clock.as_ref())?;
        if json {
            healthcert_cli::out::json_line(&verdict)?;
        } else {
            // Several payloads: each block starts with its status line, then
            // where it came from.
            let origin = (payloads.len() > 1).then_some(p.origin.as_str());
            healthcert_cli::out::stdout(&render::verdict_from(&verdict, origin))?;
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

fn scan(files: Vec<PathBuf>, json: bool) -> anyhow::Result<u8> {
    use base64::Engine as _;
    let mut found_any = false;
    // One scanner for every file, as a camera stream keeps one.
    // Still pictures get the still-picture budget, not a camera frame's.
    let mut scanner = healthcert_core::scan::Scanner::new();
    scanner.set_time_budget(Some(healthcert_cli::picture::PICTURE_BUDGET));
    for file in files {
        let bytes = healthcert_cli::input::read_file(&file)?;
        let luma = healthcert_cli::picture::luma(&bytes).with_context(|| format!("decoding {}", file.display()))?;
        let started = std::time::Instant::now();
        let codes = scanner.scan(&luma.frame())?;
        let decode_us = started.elapsed().as_micros();
        found_any |= !codes.is_empty();
        if json {
            let line = serde_json::json!({
                "file": file.display().to_string(),
                "payloads": codes.iter().filter_map(|c| c.text.clone()).collect::<Vec<_>>(),
                "decode_us": decode_us,
                "codes": codes.iter().map(|c| serde_json::json!({
                    "text": c.text,
                    "bytes_base64": base64::engine::general_purpose::STANDARD.encode(&c.bytes),
                    "corners": c.corners.iter().map(|(x, y)| [x, y]).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            healthcert_cli::out::json_line(&line)?;
        } else {
            // The payloads are escaped like any text from outside: a QR code
            // can hold escape sequences.
            outln!("{}: {} code(s) in {decode_us} µs", display(&file.display().to_string()), codes.len())?;
            for c in &codes {
                match &c.text {
                    Some(t) => outln!("{}", display_bounded(t, 8192))?,
                    None => outln!("(binary, {} bytes)", c.bytes.len())?,
                }
            }
        }
    }
    Ok(if found_any { exit::VALID } else { exit::ERROR })
}

fn conformance_dgc(dir: PathBuf, json: bool) -> anyhow::Result<u8> {
    if !dir.is_dir() {
        bail!("{} is not a directory (expected the dgc-testdata suite)", dir.display());
    }
    let report = conformance::dgc::run(&dir)?;
    if json {
        healthcert_cli::out::json_line(&report)?;
    } else {
        for n in &report.notes {
            outln!("note: {}", display(n))?;
        }
        for (flag, nc) in &report.flags_not_checked {
            outln!("not checked: {} ×{}: {}", display(flag), nc.count, display(&nc.reason))?;
        }
        let sorted = conformance::known::sort(&report.mismatches);
        for (row, seen) in sorted.known.iter().filter(|(_, seen)| *seen > 0) {
            let stated = if *seen == row.count { String::new() } else { format!(" (the table states {})", row.count) };
            outln!("known upstream defect: {} ×{seen}{stated}", display(&row.describe()))?;
        }
        for m in &sorted.new {
            outln!(
                "NEW MISMATCH {} {}: expected {}, got {} — {}",
                display(&m.file),
                display(&m.flag),
                if m.expected { "pass" } else { "fail" },
                if m.got { "pass" } else { "fail" },
                display_bounded(&m.detail, 600)
            )?;
        }
        let known = report.mismatches.len() - sorted.new.len();
        outln!(
            "{} cases, {} flags checked, {} mismatches: {known} known upstream defects (listed in \
             docs/conformance.md, \"Known mismatches\"), {} new",
            report.cases,
            report.flags_checked,
            report.mismatches.len(),
            sorted.new.len()
        )?;
    }
    Ok(if report.mismatches.is_empty() { exit::VALID } else { exit::MISMATCHES })
}

fn conformance_certlogic(dir: PathBuf, json: bool) -> anyhow::Result<u8> {
    let report = conformance::certlogic::run(&dir)?;
    if json {
        healthcert_cli::out::json_line(&report)?;
    } else {
        for f in &report.failed {
            let at = f.assertion.map(|a| format!(" assertion {a}")).unwrap_or_default();
            outln!("FAILED {} \"{}\"{at}: {}", display(&f.file), display(&f.case), display_bounded(&f.detail, 600))?;
        }
        let (e, v) = (&report.evaluation, &report.validation);
        outln!(
            "evaluation: {} files, {} assertions, {} passed, {} skipped; validation: {} files, {} cases, {} passed",
            e.files,
            e.assertions,
            e.passed,
            e.skipped,
            v.files,
            v.assertions,
            v.passed
        )?;
        outln!(
            "{} assertions, {} passed, {} failed, {} skipped",
            report.assertions,
            report.passed,
            report.failed.len(),
            report.skipped
        )?;
    }
    Ok(if report.failed.is_empty() { exit::VALID } else { exit::MISMATCHES })
}

fn conformance_rules(dir: PathBuf, json: bool) -> anyhow::Result<u8> {
    if !dir.is_dir() {
        bail!("{} is not a directory (expected dgc-business-rules-testdata)", dir.display());
    }
    let report = conformance::rules::run(&dir)?;
    if json {
        healthcert_cli::out::json_line(&report)?;
    } else {
        for n in &report.notes {
            outln!("note: {}", display(n))?;
        }
        for f in &report.failed {
            outln!(
                "FAILED {}: expected {}, got {} {}",
                display(&f.file),
                display(&f.expected.to_string()),
                display(&f.got.to_string()),
                display_bounded(&f.detail, 600)
            )?;
        }
        outln!(
            "{} rules, {} tests, {} passed, {} failed",
            report.rules,
            report.tests,
            report.passed,
            report.failed.len()
        )?;
    }
    Ok(if report.failed.is_empty() { exit::VALID } else { exit::MISMATCHES })
}

fn trust_serve(dir: PathBuf, addr: SocketAddr) -> anyhow::Result<u8> {
    use std::io::Write as _;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let server = healthcert_cli::serve::TrustServer::start(&dir, addr).await?;
        outln!("serving {} at {} (Ctrl-C stops)", display(&dir.display().to_string()), server.url())?;
        std::io::stdout().flush()?;
        server.wait().await
    })?;
    Ok(exit::VALID)
}

fn trust(command: TrustCommand) -> anyhow::Result<u8> {
    match command {
        TrustCommand::Sync {
            db,
            sources,
            de_key,
            rules_key,
            max_age,
            timeout,
            retries,
            max_bytes,
            max_total_bytes,
            max_requests,
            deadline,
            allow_http,
            at,
            json,
        } => {
            let timeout = match timeout {
                Some(t) if !(t.is_finite() && t > 0.0 && t < 86_400.0) => {
                    return Err(usage(format!("--timeout {t}: give seconds, > 0 and < 86400")));
                }
                t => t.map(std::time::Duration::from_secs_f64),
            };
            let deadline = match deadline {
                Some(t) if !(t.is_finite() && t > 0.0 && t < 86_400.0) => {
                    return Err(usage(format!("--deadline {t}: give seconds, > 0 and < 86400")));
                }
                t => t.map(std::time::Duration::from_secs_f64),
            };
            let options = trust_cmd::SyncOptions {
                de_key: de_key.as_deref().map(trust_cmd::read_key).transpose()?,
                rules_key: rules_key.as_deref().map(trust_cmd::read_key).transpose()?,
                allow_http,
                timeout,
                retries,
                max_list_bytes: max_bytes,
                max_total_bytes,
                max_requests,
                deadline,
                max_age_seconds: max_age.as_deref().map(trust_cmd::parse_age).transpose()?,
            };
            let ok = trust_cmd::sync(&db, &sources, &options, clock(at)?.as_ref(), json)?;
            Ok(if ok { exit::VALID } else { exit::ERROR })
        }
        TrustCommand::Status { db, at, json } => {
            trust_cmd::status(&db, clock(at)?.now(), json)?;
            Ok(exit::VALID)
        }
        TrustCommand::Import { db, file, de_key, at } => {
            let key = de_key.as_deref().map(trust_cmd::read_key).transpose()?;
            let report = trust_cmd::import(&db, &file, key.as_ref(), clock(at)?.now())?;
            for s in &report.skipped {
                errln!("warning: entry skipped: {}: {}", display(&s.position), display(&s.reason));
            }
            outln!(
                "imported {}: {} signers ({} new, {} removed, {} skipped)",
                display(&file.display().to_string()),
                report.total,
                report.added,
                report.removed,
                report.skipped.len()
            )?;
            Ok(exit::VALID)
        }
        TrustCommand::Serve { dir, addr } => trust_serve(dir, addr),
    }
}

fn rules(command: RulesCommand) -> anyhow::Result<u8> {
    match command {
        RulesCommand::Import { db, paths, at } => {
            let now = clock(at)?.now();
            for path in paths {
                let report = trust_cmd::import_rules(&db, &path, now)?;
                if report.seeded {
                    errln!(
                        "note: {} was empty; seeded it with the bundled TEST trust snapshot",
                        display(&db.display().to_string())
                    );
                }
                for s in &report.skipped {
                    errln!("warning: skipped {}: {}", display(&s.position), display(&s.reason));
                }
                outln!(
                    "imported {}: {} rules, {} value sets ({} skipped, {} other JSON files ignored)",
                    display(&path.display().to_string()),
                    report.rules,
                    report.value_sets,
                    report.skipped.len(),
                    report.ignored
                )?;
            }
            Ok(exit::VALID)
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::VALID });
        }
    };
    let result = match cli.command {
        Command::Verify { payload, trust, db, at, country, region, lang, json } => {
            verify(payload, trust, db, at, ArrivalArgs { country, region, lang }, json)
        }
        Command::Rules { command } => rules(command),
        Command::Scan { files, json } => scan(files, json),
        Command::Conformance { suite: Suite::Dgc { dir, json } } => conformance_dgc(dir, json),
        Command::Conformance { suite: Suite::Certlogic { dir, json } } => conformance_certlogic(dir, json),
        Command::Conformance { suite: Suite::Rules { dir, json } } => conformance_rules(dir, json),
        Command::Trust { command } => trust(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // File names, server messages and argument values end up in
            // errors: shown escaped, like every text from outside.
            errln!("error: {}", display_bounded(&format!("{e:#}"), 2000));
            ExitCode::from(if is_usage(&e) { exit::USAGE } else { exit::ERROR })
        }
    }
}
