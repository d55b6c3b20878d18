//! `healthcert wallet add | list | show | remove | check`: the holder's
//! certificates, kept in a trust database (docs/wallet.md). What they say is
//! printed to stdout for the holder, escaped like every text from outside;
//! it never goes into an error or a log line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::bail;
use clap::Subcommand;
use serde_json::json;

use healthcert_cli::usage::usage;
use healthcert_cli::{input, out, outln, render, trust_cmd};
use healthcert_core::Limits;
use healthcert_core::model::Status;
use healthcert_core::text::{display, display_bounded};
use healthcert_core::time_parse::format_utc;
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::wallet::{self, WalletEntry, WalletItem};
use healthcert_core::{Arrival, Verifier, VerifyOptions};

use super::clock;
use crate::exit;

/// The `wallet` subcommands.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// Keep a certificate in the wallet, exactly as given (a QR payload, a
    /// file holding one or a picture of its QR code, or - for stdin). It
    /// must decode as a health certificate; it need not verify.
    Add {
        /// The database (created when missing).
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// The certificate.
        payload: String,
        /// A label of your own (e.g. "Erika, 2nd dose").
        #[arg(long)]
        label: Option<String>,
        /// Record it as added at this instant instead of now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// Print {"id": N}.
        #[arg(long)]
        json: bool,
    },
    /// List the wallet's certificates: id, format, type, holder, label.
    List {
        /// The database.
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Print {"certificates": [...]}.
        #[arg(long)]
        json: bool,
    },
    /// Show one certificate: what it says and its payload.
    Show {
        /// The database.
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Its id (`wallet list`).
        id: i64,
        /// Print one JSON object (the payload as text, or base64 when binary).
        #[arg(long)]
        json: bool,
    },
    /// Remove one certificate; its bytes are overwritten in the file.
    Remove {
        /// The database.
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Its id (`wallet list`).
        id: i64,
        /// Print {"removed": true|false}.
        #[arg(long)]
        json: bool,
    },
    /// Valid for entry to COUNTRY at an instant? Verifies the certificate
    /// with the business rules of that country held in the database, at
    /// that instant (travel planning), and says when it stops being
    /// accepted: the first later instant, to the second, within 366 days,
    /// at which the verdict is no longer valid, and why. Exit status 0
    /// accepted, 3 not accepted, 4 cannot tell.
    Check {
        /// The database (its trust lists and rules; `rules import` or
        /// `trust sync`).
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// Its id (`wallet list`).
        id: i64,
        /// Country of arrival (ISO 3166-1 alpha-2).
        #[arg(long, value_name = "CC")]
        country: String,
        /// Region of arrival, for countries with regional rules.
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
        /// The instant of arrival (RFC 3339 or a date); default now.
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// Print one JSON object: {at, accepted, status, failing_rules,
        /// stops_at, stops_because, searched_until, verdict}.
        #[arg(long)]
        json: bool,
    },
}

/// Opens the database at `db`, which must exist for everything but `add`.
fn open(db: &Path, create: bool) -> anyhow::Result<SqliteStore> {
    if !create && !db.exists() {
        bail!("{} does not exist (add a certificate with `wallet add`)", display(&db.display().to_string()));
    }
    Ok(SqliteStore::open(db)?)
}

fn item(store: &SqliteStore, id: i64) -> anyhow::Result<WalletItem> {
    match store.wallet_get(id)? {
        Some(item) => Ok(item),
        None => Err(usage(format!("the wallet holds no certificate {id} (see `wallet list`)"))),
    }
}

/// One line of `wallet list`.
fn line(e: &WalletEntry) -> String {
    let kind = e.certificate.as_ref().and_then(|c| c.kind).map_or("certificate", |k| k.name());
    let holder = e.certificate.as_ref().map_or_else(|| "?".into(), |c| display(&c.holder.name).into_owned());
    let label = e.item.label.as_deref().map_or_else(String::new, |l| format!("  \"{}\"", display(l)));
    format!("{:>4}  {}  {}  {kind}  {holder}{label}", e.item.id, format_utc(e.item.added_at), e.format.name())
}

fn payload_json(item: &WalletItem) -> serde_json::Value {
    match item.text() {
        Some(t) => json!({"payload": t}),
        None => {
            use base64::Engine as _;
            json!({"payload_base64": base64::engine::general_purpose::STANDARD.encode(&item.payload)})
        }
    }
}

/// Runs the `wallet` subcommand named on the command line.
pub(crate) fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Add { db, payload, label, at, json } => {
            let now = clock(at)?.now();
            let mut payloads = input::resolve(Some(&payload))?;
            if payloads.len() != 1 {
                return Err(usage(format!(
                    "{} holds {} certificates: add one at a time",
                    display(&payload),
                    payloads.len()
                )));
            }
            let bytes = payloads.remove(0).bytes;
            let binary =
                healthcert_core::formats::binary_as_text(&bytes).is_some() || std::str::from_utf8(&bytes).is_err();
            // A file's line end is the file's, not the certificate's.
            let bytes = if binary { bytes } else { bytes.trim_ascii().to_vec() };
            let store = open(&db, true)?;
            let id = match wallet::add(&store, &bytes, binary, label.as_deref(), now) {
                Ok(id) => id,
                Err(wallet::AddError::NotACertificate(r)) => {
                    return Err(usage(format!("not a health certificate this verifier reads ({r}); nothing added")));
                }
                Err(e) => return Err(anyhow::anyhow!("{e}")),
            };
            if json {
                out::json_line(&json!({ "id": id }))?;
            } else {
                outln!("added certificate {id}")?;
            }
            Ok(exit::VALID)
        }
        Command::List { db, json } => {
            let store = open(&db, false)?;
            let entries: Vec<WalletEntry> = store.wallet_list()?.into_iter().map(wallet::entry).collect();
            if json {
                out::json_line(&json!({ "certificates": entries }))?;
            } else if entries.is_empty() {
                outln!("the wallet is empty")?;
            } else {
                for e in &entries {
                    outln!("{}", line(e))?;
                }
            }
            Ok(exit::VALID)
        }
        Command::Show { db, id, json } => {
            let store = open(&db, false)?;
            let e = wallet::entry(item(&store, id)?);
            if json {
                let mut v = serde_json::to_value(&e)?;
                if let (Some(obj), Some(p)) = (v.as_object_mut(), payload_json(&e.item).as_object()) {
                    obj.extend(p.clone());
                }
                out::json_line(&v)?;
            } else {
                outln!("{}", line(&e))?;
                if let Some(c) = &e.certificate {
                    for ev in &c.events {
                        outln!("  {}", render::event_line(ev))?;
                    }
                    if let Some(exp) = c.expires_at {
                        outln!("  expires {}", format_utc(exp))?;
                    }
                }
                match e.item.text() {
                    // Escaped, and bounded only by the verifier's own payload limit.
                    Some(t) => outln!("payload:\n{}", display_bounded(t, Limits::DEFAULT.max_payload_len))?,
                    None => outln!("payload: {} bytes (binary)", e.item.payload.len())?,
                }
            }
            Ok(exit::VALID)
        }
        Command::Remove { db, id, json } => {
            let store = open(&db, false)?;
            let removed = store.wallet_remove(id)?;
            if json {
                out::json_line(&json!({ "removed": removed }))?;
            } else if removed {
                outln!("removed certificate {id}")?;
            } else {
                outln!("the wallet holds no certificate {id}")?;
            }
            Ok(exit::VALID)
        }
        Command::Check { db, id, country, region, at, json } => {
            let at = clock(at)?.now();
            let arrival = Arrival::parse(Some(&country), region.as_deref(), None)
                .map_err(|e| usage(format!("--country: {}", display(&e.to_string()))))?;
            let (store, _) = trust_cmd::open_for_verify(&db, at)?;
            let store = Arc::new(store);
            let entry = item(&store, id)?;
            let verifier =
                Verifier::with_options(Arc::clone(&store), VerifyOptions { arrival, ..VerifyOptions::default() });
            let check = wallet::travel_check(&verifier, &entry, at)?;
            if json {
                out::json_line(&check)?;
            } else {
                let answer = if check.accepted { "ACCEPTED" } else { "NOT ACCEPTED" };
                outln!("{answer} for entry to {} on {}", display(&country), format_utc(at))?;
                if let Some(t) = check.stops_at {
                    outln!(
                        "  accepted until {}; not from {}: {}",
                        format_utc(t - time::Duration::SECOND),
                        format_utc(t),
                        check.stops_because.join(", ")
                    )?;
                } else if check.accepted {
                    outln!("  still accepted on {} (searched up to there)", format_utc(check.searched_until))?;
                }
                if !check.failing_rules.is_empty() {
                    outln!(
                        "  rules not met: {}",
                        check.failing_rules.iter().map(|r| display(r).into_owned()).collect::<Vec<_>>().join(", ")
                    )?;
                }
                out::stdout(&render::verdict(&check.verdict))?;
            }
            Ok(match check.verdict.status {
                Status::Valid => exit::VALID,
                Status::Invalid => exit::INVALID,
                Status::Unknown => exit::UNKNOWN,
            })
        }
    }
}
