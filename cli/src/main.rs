//! `healthcert`: verify digital health certificates from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

use healthcert_cli::{bundled, conformance, input, render};
use healthcert_core::formats::PrefixPolicy;
use healthcert_core::model::Status;
use healthcert_core::trust::{MemoryStore, TrustStore as _, file};
use healthcert_core::{Clock, FixedClock, SystemClock, Verifier, VerifyOptions, time_parse};

/// Exit status of `verify`: the verdict, for scripts.
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
    /// Verify a certificate: a QR payload, a file holding one, or stdin.
    ///
    /// With no PAYLOAD, verifies the bundled sample certificate.
    /// Exit status: 0 valid, 3 invalid, 4 cannot tell, 1 error, 2 usage.
    Verify {
        /// `HC1:…` text, a file containing it, or `-` for stdin.
        payload: Option<String>,
        /// Trust list: DGCA trust-list JSON, PEM/DER certificate(s), or a
        /// directory of them. Default: the bundled TEST snapshot.
        #[arg(long, value_name = "PATH")]
        trust: Option<PathBuf>,
        /// Verify as of this instant (RFC 3339, e.g. 2026-09-01T12:00:00Z)
        /// instead of now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run a public conformance suite against the pipeline.
    Conformance {
        #[command(subcommand)]
        suite: Suite,
    },
}

#[derive(Subcommand)]
enum Suite {
    /// The EU DCC test data (eu-digital-green-certificates/dgc-testdata).
    ///
    /// Exit status 0 only when no flag disagrees with the suite.
    Dgc {
        /// The suite's directory.
        dir: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn verify(payload: Option<String>, trust: Option<PathBuf>, at: Option<String>, json: bool) -> anyhow::Result<u8> {
    let clock: Box<dyn Clock> = match at {
        None => Box::new(SystemClock),
        Some(s) => Box::new(FixedClock(
            time_parse::lenient(&s).with_context(|| format!("--at {s:?} is not an RFC 3339 date-time"))?,
        )),
    };
    let store: MemoryStore = match &trust {
        None => bundled::trust_store(),
        Some(path) => {
            let (store, report) = file::load(path)?;
            for s in &report.skipped {
                eprintln!("warning: trust list entry skipped: {}: {}", s.position, s.reason);
            }
            if store.is_empty() {
                bail!("{} holds no usable signer certificates", path.display());
            }
            store
        }
    };
    if trust.is_none() && !json {
        eprintln!("note: using the bundled TEST trust snapshot (issuer XT); pass --trust for real trust lists");
    }
    let payload = input::resolve(payload.as_deref())?;
    if payload.origin == "bundled sample" && !json {
        eprintln!("note: no payload given; verifying the bundled sample certificate");
    }
    // Text from files, stdin or the command line may lack the HC1: prefix.
    let options = VerifyOptions { prefix: PrefixPolicy::Optional, ..VerifyOptions::default() };
    let verifier = Verifier::with_options(store, options);
    let verdict = verifier.verify(&payload.text, clock.as_ref())?;
    if json {
        println!("{}", serde_json::to_string(&verdict)?);
    } else {
        print!("{}", render::verdict(&verdict));
    }
    Ok(match verdict.status {
        Status::Valid => exit::VALID,
        Status::Invalid => exit::INVALID,
        Status::Unknown => exit::UNKNOWN,
    })
}

fn conformance_dgc(dir: PathBuf, json: bool) -> anyhow::Result<u8> {
    if !dir.is_dir() {
        bail!("{} is not a directory (expected the dgc-testdata suite)", dir.display());
    }
    let report = conformance::dgc::run(&dir)?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for n in &report.notes {
            println!("note: {n}");
        }
        for (flag, nc) in &report.flags_not_checked {
            println!("not checked: {flag} ×{}: {}", nc.count, nc.reason);
        }
        for m in &report.mismatches {
            println!(
                "MISMATCH {} {}: expected {}, got {} — {}",
                m.file,
                m.flag,
                if m.expected { "pass" } else { "fail" },
                if m.got { "pass" } else { "fail" },
                m.detail
            );
        }
        println!(
            "{} cases, {} flags checked, {} mismatches",
            report.cases,
            report.flags_checked,
            report.mismatches.len()
        );
    }
    Ok(if report.mismatches.is_empty() { exit::VALID } else { exit::MISMATCHES })
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
        Command::Verify { payload, trust, at, json } => verify(payload, trust, at, json),
        Command::Conformance { suite: Suite::Dgc { dir, json } } => conformance_dgc(dir, json),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}
