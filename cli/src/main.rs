//! `healthcert`: verify digital health certificates from the command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Verify a certificate: a QR payload, a file holding one (text, or a PNG
    /// or JPEG picture of the QR code), or stdin.
    ///
    /// With no PAYLOAD, verifies the bundled sample certificate. With several
    /// QR codes in one picture, verifies each (one JSON object per line).
    /// Exit status: 0 valid, 3 invalid, 4 cannot tell, 1 error, 2 usage.
    Verify {
        /// `HC1:…` text, a file containing it or a picture of its QR code, or
        /// `-` for stdin.
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
    /// Find and decode the QR codes in pictures (PNG, JPEG).
    ///
    /// Prints each file's payloads; with --json, one object per file:
    /// {"file", "payloads": [text], "decode_us", "codes": [{"text",
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
    let payloads = input::resolve(payload.as_deref())?;
    if payloads.first().is_some_and(|p| p.origin == "bundled sample") && !json {
        eprintln!("note: no payload given; verifying the bundled sample certificate");
    }
    // Text from files, stdin or the command line may lack the HC1: prefix;
    // a QR code always carries it.
    let store = Arc::new(store);
    let verifier =
        |prefix| Verifier::with_options(Arc::clone(&store), VerifyOptions { prefix, ..VerifyOptions::default() });
    let (lenient, scanned) = (verifier(PrefixPolicy::Optional), verifier(PrefixPolicy::Required));
    let mut worst = exit::VALID;
    for p in &payloads {
        let verdict = if p.scanned { &scanned } else { &lenient }.verify_bytes(&p.bytes, clock.as_ref())?;
        if json {
            println!("{}", serde_json::to_string(&verdict)?);
        } else {
            if payloads.len() > 1 {
                println!("== {}", p.origin);
            }
            print!("{}", render::verdict(&verdict));
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
    for file in files {
        let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let luma = healthcert_cli::picture::luma(&bytes).with_context(|| format!("decoding {}", file.display()))?;
        let started = std::time::Instant::now();
        let codes = healthcert_core::scan::scan(&luma.frame())?;
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
            println!("{line}");
        } else {
            println!("{}: {} code(s) in {decode_us} µs", file.display(), codes.len());
            for c in &codes {
                match &c.text {
                    Some(t) => println!("{t}"),
                    None => println!("(binary, {} bytes)", c.bytes.len()),
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

fn trust_serve(dir: PathBuf, addr: SocketAddr) -> anyhow::Result<u8> {
    use std::io::Write as _;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let server = healthcert_cli::serve::TrustServer::start(&dir, addr).await?;
        println!("serving {} at {} (Ctrl-C stops)", dir.display(), server.url());
        std::io::stdout().flush()?;
        server.wait().await
    })?;
    Ok(exit::VALID)
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
        Command::Scan { files, json } => scan(files, json),
        Command::Conformance { suite: Suite::Dgc { dir, json } } => conformance_dgc(dir, json),
        Command::Trust { command: TrustCommand::Serve { dir, addr } } => trust_serve(dir, addr),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}
