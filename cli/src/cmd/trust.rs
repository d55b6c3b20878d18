//! `healthcert trust sync | status | import | serve`: their arguments, the
//! checks of the values clap cannot make, and the results printed; the work
//! is done by [`healthcert_cli::trust_cmd`] and [`healthcert_cli::serve`].

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Subcommand;

use healthcert_cli::usage::usage;
use healthcert_cli::{errln, outln, trust_cmd};
use healthcert_core::text::display;

use super::clock;
use crate::exit;

/// The `trust` subcommands.
#[derive(Subcommand)]
pub(crate) enum Command {
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
        /// service), `vci=https://host/vci_snapshot.json` (the VCI directory
        /// snapshot and its signature at the URL with .sig for .json, as the
        /// directory publishes it; needs --vci-anchor), `shc-issuers` (the
        /// key sets and revocation lists of the SMART Health Card issuers the
        /// database knows, each from its own URL; `shc-issuers=URL` fetches
        /// them under a mirror: `https://host/path` as `URL/host/path`),
        /// `gdhcn=https://host/v2/trustlist-ref/` (a tree of WHO GDHCN DID
        /// trust lists from its first `did.json` or its folder, references
        /// followed within the tree, every document's proof verified; needs
        /// --gdhcn-anchor). Repeatable.
        #[arg(long = "source", value_name = "KIND=URL", required = true)]
        sources: Vec<String>,
        /// PEM public key (or certificate) that every `de` list must verify with.
        #[arg(long, value_name = "PEM")]
        de_key: Option<PathBuf>,
        /// PEM public key for the X-SIGNATURE of rule-service responses;
        /// without it, rules are not signature-checked.
        #[arg(long, value_name = "PEM")]
        rules_key: Option<PathBuf>,
        /// The VCI directory's anchor certificate (PEM, P-521:
        /// `vci_snapshot.crt` of the directory's repository) that every `vci`
        /// snapshot must verify with.
        #[arg(long, value_name = "PEM")]
        vci_anchor: Option<PathBuf>,
        /// The WHO signing DID document (one P-256 key) or its key as PEM,
        /// that every document of a `gdhcn` tree must verify with. Pinned:
        /// never resolved live.
        #[arg(long, value_name = "DID_JSON|PEM")]
        gdhcn_anchor: Option<PathBuf>,
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
    /// Import a trust file (DGCA trust-list JSON, a multi-format registry in
    /// the PathCheck layout, PEM/DER certificates, a directory of them,
    /// with --de-key a German-shaped signed list, or with --issuer a SMART
    /// Health Card issuer's JSON Web Key Set) as the signer set of a source
    /// named by the file's path.
    ///
    /// A JWKS (`{"keys": [...]}`) does not name its issuer: --issuer gives
    /// it, exactly as the issuer's cards write `iss`. Its keys are kept
    /// under (issuer, kid); a key that is not an ES256 signing key
    /// (`use` sig, `alg` ES256, `kty` EC, `crv` P-256) or whose kid is not
    /// its RFC 7638 thumbprint is skipped with a warning.
    ///
    /// With --issuer, FILE may instead be a revocation list of one of the
    /// issuer's keys (`{iss}/.well-known/crl/{kid}.json`: `{kid, method:
    /// "rid", ctr, rids}`): it is stored for (issuer, kid), replacing a list
    /// with a lower or equal ctr; a lower ctr than the one held is refused.
    /// A list with any defect (a duplicate rid, a method other than rid, a
    /// rid that is not 1-24 base64url characters) is refused whole.
    Import {
        /// The trust database (created when missing).
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        /// The file or directory.
        file: PathBuf,
        /// Verify FILE as a German-shaped signed list with this PEM key.
        #[arg(long, value_name = "PEM")]
        de_key: Option<PathBuf>,
        /// FILE is a VCI directory snapshot (`vci_snapshot.json`): its
        /// detached signature (beside it with the extension .sig, as the
        /// directory names it: `vci_snapshot.sig`; or --vci-sig) is verified with the
        /// P-521 key of this anchor certificate (`vci_snapshot.crt`) before
        /// anything is read; a bad or missing signature refuses the whole
        /// file. Its issuers' keys and revocation lists are stored, and its
        /// `time` is kept (trust status: list issued).
        #[arg(long, value_name = "PEM", conflicts_with_all = ["de_key", "issuer"])]
        vci_anchor: Option<PathBuf>,
        /// The snapshot's detached signature, when it is not beside FILE.
        #[arg(long, value_name = "PATH", requires = "vci_anchor")]
        vci_sig: Option<PathBuf>,
        /// FILE is a WHO GDHCN DID trust list (`did.json`): its
        /// JsonWebSignature2020 proof (URDNA2015 canonical N-Quads, detached
        /// ES256 JWS) is verified with the key of this signer, pinned by you
        /// and never resolved: the WHO signing DID document (for DEV,
        /// tng-participants-dev `WHO/signing/DID/did.json`) or a PEM key.
        /// A bad proof refuses the whole file and nothing is stored; then
        /// each key with an x5c certificate becomes an EU DCC signer (kid
        /// from the certificate) and `proof.created` is kept (trust status:
        /// list issued).
        #[arg(long, value_name = "DID_JSON|PEM", conflicts_with_all = ["de_key", "issuer", "vci_anchor"])]
        gdhcn_anchor: Option<PathBuf>,
        /// FILE is the JWKS, or a revocation list, of the SMART Health Card
        /// issuer with this URL (the `iss` of its cards, e.g.
        /// `https://spec.smarthealth.cards/examples/issuer`).
        #[arg(long, value_name = "URL", conflicts_with = "de_key")]
        issuer: Option<String>,
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

/// Runs the `trust` subcommand named on the command line.
pub(crate) fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Sync {
            db,
            sources,
            de_key,
            rules_key,
            vci_anchor,
            gdhcn_anchor,
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
                vci_anchor: vci_anchor.as_deref().map(trust_cmd::read_key).transpose()?,
                gdhcn_anchor: gdhcn_anchor.as_deref().map(trust_cmd::read_gdhcn_sync_anchor).transpose()?,
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
        Command::Status { db, at, json } => {
            trust_cmd::status(&db, clock(at)?.now(), json)?;
            Ok(exit::VALID)
        }
        Command::Import { db, file, de_key, vci_anchor, vci_sig, gdhcn_anchor, issuer, at } => {
            let key = de_key.as_deref().map(trust_cmd::read_key).transpose()?;
            let shown = display(&file.display().to_string()).into_owned();
            let now = clock(at)?.now();
            let imported = match (vci_anchor, gdhcn_anchor) {
                (Some(anchor), _) => {
                    trust_cmd::import_vci(&db, &file, vci_sig.as_deref(), &trust_cmd::read_key(&anchor)?, now)?
                }
                (None, Some(anchor)) => {
                    trust_cmd::import_gdhcn(&db, &file, &trust_cmd::read_gdhcn_anchor(&anchor)?, now)?
                }
                (None, None) => trust_cmd::import(&db, &file, key.as_ref(), issuer.as_deref(), now)?,
            };
            match imported {
                trust_cmd::Imported::Vci { report, time, issuers } => {
                    for s in &report.skipped {
                        errln!("warning: entry skipped: {}: {}", display(&s.position), display(&s.reason));
                    }
                    let kept = if report.crls_kept > 0 {
                        format!(", {} kept: a newer one is held", report.crls_kept)
                    } else {
                        String::new()
                    };
                    outln!(
                        "imported {shown}: VCI snapshot of {}, signature verified; {issuers} issuers, {} keys ({} new, {} removed, {} skipped), {} revocation lists{kept}",
                        healthcert_core::time_parse::format_utc(time),
                        report.total,
                        report.added,
                        report.removed,
                        report.skipped.len(),
                        report.crls_stored,
                    )?;
                }
                trust_cmd::Imported::Gdhcn { report, created, id, methods } => {
                    for s in &report.skipped {
                        errln!("warning: entry skipped: {}: {}", display(&s.position), display(&s.reason));
                    }
                    outln!(
                        "imported {shown}: GDHCN DID trust list {} of {}, proof verified; {methods} verification methods, {} keys ({} new, {} removed, {} skipped)",
                        display(&id),
                        healthcert_core::time_parse::format_utc(created),
                        report.total,
                        report.added,
                        report.removed,
                        report.skipped.len(),
                    )?;
                }
                trust_cmd::Imported::Signers(report) => {
                    for s in &report.skipped {
                        errln!("warning: entry skipped: {}: {}", display(&s.position), display(&s.reason));
                    }
                    outln!(
                        "imported {shown}: {} signers ({} new, {} removed, {} skipped)",
                        report.total,
                        report.added,
                        report.removed,
                        report.skipped.len()
                    )?;
                }
                trust_cmd::Imported::Crl { kid, ctr, stored, key_held } => {
                    if !key_held {
                        errln!("warning: no key {} of this issuer is held yet: import its JWKS too", display(&kid));
                    }
                    let replaced = stored.replaced.map_or_else(String::new, |c| format!("; replaced ctr {c}"));
                    outln!(
                        "imported {shown}: revocation list for key {} (ctr {ctr}, {} rids{replaced})",
                        display(&kid),
                        stored.entries
                    )?;
                }
            }
            Ok(exit::VALID)
        }
        Command::Serve { dir, addr } => serve(dir, addr),
    }
}

/// `trust serve`: runs the server until it stops (Ctrl-C).
fn serve(dir: PathBuf, addr: SocketAddr) -> anyhow::Result<u8> {
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
