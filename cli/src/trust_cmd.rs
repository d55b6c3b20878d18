//! `healthcert trust sync | status | import`, and the trust database behind
//! `verify --db`.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, bail};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use time::OffsetDateTime;

use healthcert_core::crypto::{PublicKey, public_key_from_pem};
use healthcert_core::model::{ClockCheck, ClockState};
use healthcert_core::trust::signed_list::{self, SignedList};
use healthcert_core::trust::store::{SourceStatus, SqliteStore};
use healthcert_core::trust::sync::{
    Progress, SYNCABLE_KINDS, SourceOutcome, SourceSpec, SpecError, SyncConfig, SyncEvent, Syncer, TrustSource,
};
use healthcert_core::trust::update::{SignerChange, SignerRecord, SourceMeta};
use healthcert_core::trust::{SourceId, SourceKind, TrustStore as _, Update, file};
use healthcert_core::{Clock, ClockSource, time_parse};

use healthcert_core::text::display;

use crate::bundled;
use crate::render::age;
use crate::usage::usage;
use crate::{errln, outln};

/// Opens (creating when missing) the trust database at `db`; an empty one
/// is seeded with the bundled, signed snapshot so the first verification
/// works offline. Returns the store and whether it was seeded.
pub fn open_store(db: &Path, now: OffsetDateTime) -> anyhow::Result<(SqliteStore, bool)> {
    let store = SqliteStore::open(db)?;
    let (_, seeded) = store.seed_from_signed_snapshot(
        bundled::SEED_LABEL,
        bundled::SIGNED_SNAPSHOT,
        &bundled::signed_snapshot_key()?,
        now,
    )?;
    Ok((store, seeded))
}

/// The trust database behind `verify --db`: opened read-only whenever it
/// holds trust data, so a verification never waits for a sync (it reads the
/// last commit) and works on a file it cannot write. Only a missing or empty
/// database (seeded) or one of an older schema (upgraded) is opened for
/// writing first, which waits for another writer.
pub fn open_for_verify(db: &Path, now: OffsetDateTime) -> anyhow::Result<(SqliteStore, bool)> {
    match SqliteStore::open_read_only(db)? {
        Ok(store) => Ok((store, false)),
        Err(needs) => {
            open_store(db, now).with_context(|| format!("{}: {needs}; it must be written first", db.display()))
        }
    }
}

/// Keys and limits for `trust sync`.
#[derive(Debug, Default)]
pub struct SyncOptions {
    /// The key every `de` list must verify with.
    pub de_key: Option<PublicKey>,
    /// The key every rule-service body must verify with (`X-SIGNATURE`).
    pub rules_key: Option<PublicKey>,
    /// The VCI directory's anchor key every `vci` snapshot must verify with.
    pub vci_anchor: Option<PublicKey>,
    /// The WHO signing key every document of a `gdhcn` tree must verify with.
    pub gdhcn_anchor: Option<PublicKey>,
    /// Allow `http://` URLs to hosts that are not loopback literals.
    pub allow_http: bool,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
    /// Retries of transient faults.
    pub retries: Option<u32>,
    /// Largest list body.
    pub max_list_bytes: Option<usize>,
    /// Bytes one source's sync may download in all.
    pub max_total_bytes: Option<u64>,
    /// Requests one source's sync may send in all.
    pub max_requests: Option<usize>,
    /// Wall-clock time one source's sync may take.
    pub deadline: Option<Duration>,
    /// The offline policy to set on every synced source, in seconds.
    pub max_age_seconds: Option<i64>,
}

/// Reads a PEM public key (or certificate) file.
pub fn read_key(path: &Path) -> anyhow::Result<PublicKey> {
    let pem = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    public_key_from_pem(&pem).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.0))
}

/// A `KIND=URL` argument as a source; every problem with it is a usage
/// error.
pub fn parse_source(spec: &str, options: &SyncOptions) -> anyhow::Result<Box<dyn TrustSource>> {
    let shown = display(spec);
    let kinds = SYNCABLE_KINDS.map(SourceKind::name).join(", ");
    let (kind_name, url) = match spec.split_once('=') {
        Some(split) => split,
        // The issuers' own URLs: no URL to give.
        None if spec == SourceKind::ShcIssuers.name() => (spec, ""),
        None => return Err(usage(format!("--source \"{shown}\": expected KIND=URL (kinds: {kinds})"))),
    };
    let kind = SourceKind::from_name(kind_name).filter(|k| SYNCABLE_KINDS.contains(k)).ok_or_else(|| {
        usage(format!("--source \"{shown}\": unknown kind \"{}\" (kinds: {kinds})", display(kind_name)))
    })?;
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || (url.is_empty() && kind == SourceKind::ShcIssuers))
    {
        return Err(usage(format!("--source \"{shown}\": the URL must start with https:// (or http:// for loopback)")));
    }
    let key = match kind {
        SourceKind::De => options.de_key.clone(),
        SourceKind::Rules => options.rules_key.clone(),
        SourceKind::Vci => options.vci_anchor.clone(),
        SourceKind::Gdhcn => options.gdhcn_anchor.clone(),
        _ => None,
    };
    SourceSpec { kind, url: url.to_owned(), key, allow_http: options.allow_http }.build().map_err(|e| match e {
        SpecError::KeyRequired if kind == SourceKind::Vci => usage(format!(
            "--source \"{shown}\": a VCI snapshot is verified before use; give the directory's anchor certificate with --vci-anchor PEM"
        )),
        SpecError::KeyRequired if kind == SourceKind::Gdhcn => usage(format!(
            "--source \"{shown}\": GDHCN DID trust lists are verified before use; give the WHO signing DID document or key with --gdhcn-anchor DID_JSON|PEM"
        )),
        SpecError::KeyRequired => {
            usage(format!("--source \"{shown}\": a de list is verified before use; give its signing key with --de-key PEM"))
        }
        SpecError::InsecureUrl => usage(format!(
            "--source \"{shown}\": plain http:// is only allowed to a loopback host written as such (127.0.0.1, [::1], localhost), or with --allow-http"
        )),
        other => usage(format!("--source \"{shown}\": {other}")),
    })
}

/// `72h`, `3d`, `90m`, `45s` or plain seconds (`--max-age`); anything else
/// is a usage error.
pub fn parse_age(text: &str) -> anyhow::Result<i64> {
    let shown = display(text);
    let t = text.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: i64 =
        digits.parse().map_err(|_| usage(format!("--max-age \"{shown}\" is not a duration (e.g. 72h, 3d, 3600)")))?;
    let factor = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(usage(format!("--max-age \"{shown}\": unknown unit \"{}\" (s, m, h, d)", display(unit)))),
    };
    n.checked_mul(factor).ok_or_else(|| usage(format!("--max-age \"{shown}\" is too long")))
}

/// Progress bars on stderr, one per source (hidden when stderr is not a
/// terminal, or with `--json`).
struct Bars {
    multi: MultiProgress,
    bars: std::sync::Mutex<Vec<(SourceId, ProgressBar)>>,
    lines: bool,
}

impl Bars {
    fn new(quiet: bool) -> Self {
        let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
        Bars { multi: MultiProgress::with_draw_target(target), bars: Default::default(), lines: !quiet }
    }

    fn bar(&self, source: &SourceId) -> ProgressBar {
        let mut bars = self.bars.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, b)) = bars.iter().find(|(s, _)| s == source) {
            return b.clone();
        }
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix}: {pos} items {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(display(&source.to_string()).into_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bars.push((source.clone(), bar.clone()));
        bar
    }

    fn println(&self, line: String) {
        if self.lines {
            // Through the multi-bar so a visible bar is not torn; when
            // stderr is not a terminal this prints nothing, so write it.
            if self.multi.is_hidden() {
                errln!("{line}");
            } else {
                let _ = self.multi.println(line);
            }
        }
    }
}

impl Progress for Bars {
    fn event(&self, event: SyncEvent) {
        match event {
            SyncEvent::Started { source } => {
                self.bar(&source);
            }
            SyncEvent::Progress { source, done, total } => {
                let bar = self.bar(&source);
                if let Some(t) = total {
                    bar.set_length(t as u64);
                }
                bar.set_position(done as u64);
            }
            SyncEvent::Committing { source, signers } => {
                let bar = self.bar(&source);
                bar.set_message(format!("verified; committing {signers} signer records"));
                if self.multi.is_hidden() && self.lines {
                    errln!("…    {}: verified, committing {signers} signer records", display(&source.to_string()));
                }
            }
            SyncEvent::Applied { source, entries, skipped, changed } => {
                let bar = self.bar(&source);
                bar.finish_and_clear();
                let what = if changed { "updated" } else { "unchanged" };
                let skipped = if skipped > 0 { format!(", {skipped} skipped") } else { String::new() };
                let source = display(&source.to_string()).into_owned();
                self.println(format!("ok   {source}: {what}, {entries} entries{skipped}"));
            }
            SyncEvent::Failed { source, code, reason } => {
                let bar = self.bar(&source);
                bar.finish_and_clear();
                // The reason can quote a server: escaped like all outside text.
                let (source, reason) = (display(&source.to_string()).into_owned(), display(&reason).into_owned());
                self.println(format!("FAIL {source}: [{code}] {reason} (previous data kept)"));
            }
            _ => {}
        }
    }
}

/// `trust sync`: every source in turn; exit status 0 only when all
/// succeeded.
pub fn sync(
    db: &Path,
    specs: &[String],
    options: &SyncOptions,
    clock: &(dyn Clock + Sync),
    json: bool,
) -> anyhow::Result<bool> {
    if specs.is_empty() {
        return Err(usage("nothing to sync: give at least one --source KIND=URL"));
    }
    let sources: Vec<Box<dyn TrustSource>> =
        specs.iter().map(|s| parse_source(s, options)).collect::<anyhow::Result<_>>()?;
    // Plain http is decided per URL by the sync itself (loopback literals
    // only), never for the whole run because one source is on loopback.
    let mut config = SyncConfig { allow_http: options.allow_http, ..SyncConfig::default() };
    if let Some(t) = options.timeout {
        config.request_timeout = t;
        config.connect_timeout = config.connect_timeout.min(t);
    }
    if let Some(r) = options.retries {
        config.retries = r;
    }
    if let Some(m) = options.max_list_bytes {
        config.max_list_bytes = m;
    }
    if let Some(m) = options.max_total_bytes {
        config.max_sync_bytes = m;
    }
    if let Some(m) = options.max_requests {
        config.max_requests = m;
    }
    if let Some(d) = options.deadline {
        config.sync_deadline = d;
    }
    let store = SqliteStore::open(db)?;
    if let Some(max) = options.max_age_seconds {
        store.set_max_ages(&sources.iter().map(|s| s.id()).collect::<Vec<_>>(), Some(max))?;
    }
    let syncer = Syncer::new(config)?;
    let bars = Bars::new(json);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let outcomes = runtime.block_on(syncer.sync_all(&store, &sources, clock, &bars));
    if json {
        crate::out::json_line(&outcomes_json(&outcomes))?;
    } else {
        for o in &outcomes {
            if let Ok(report) = &o.result {
                for s in &report.skipped {
                    errln!(
                        "warning: {}: entry skipped: {}: {}",
                        display(&o.source.to_string()),
                        display(&s.position),
                        display(&s.reason)
                    );
                }
            }
        }
    }
    Ok(outcomes.iter().all(|o| o.result.is_ok()))
}

fn outcomes_json(outcomes: &[SourceOutcome]) -> serde_json::Value {
    json!({ "sources": outcomes.iter().map(SourceOutcome::summary).collect::<Vec<_>>() })
}

/// `trust status`.
pub fn status(db: &Path, now: OffsetDateTime, json: bool) -> anyhow::Result<Vec<SourceStatus>> {
    if !db.exists() {
        bail!(
            "{} does not exist (create it with `trust sync`, `trust import` or `verify --db`)",
            display(&db.display().to_string())
        );
    }
    // Read-only unless the file must be written before it can be read.
    let store = match SqliteStore::open_read_only(db)? {
        Ok(store) => store,
        Err(_) => SqliteStore::open(db)?,
    };
    let sources = store.status(now)?;
    let revocation = store.revocation_summary()?;
    // `now` is taken as the device clock's reading (`--at` shows what a
    // device whose clock reads that instant would be told).
    let clock = healthcert_core::clock::assess(now, ClockSource::System, store.trusted_time()?.as_ref());
    if json {
        crate::out::json_line(&json!({ "sources": sources, "revocation": revocation, "clock": clock }))?;
    } else if sources.is_empty() {
        outln!("{}: no trust source has synced yet", display(&db.display().to_string()))?;
    } else {
        for s in &sources {
            outln!("{}", render_status(s))?;
        }
    }
    if !json {
        outln!("{}", render_clock(&clock))?;
    }
    if !json && revocation.lists > 0 {
        let stored = revocation.last_stored.map(time_parse::format_utc).unwrap_or_default();
        outln!(
            "revocation lists (SMART Health Cards)\n  lists         {}\n  revoked ids   {}\n  last stored   {stored}",
            revocation.lists,
            revocation.revoked
        )?;
    }
    Ok(sources)
}

/// The clock part of `trust status` as text.
fn render_clock(c: &ClockCheck) -> String {
    let when = |t: Option<OffsetDateTime>| t.map_or_else(|| "none".to_owned(), time_parse::format_utc);
    let mut out = format!("clock\n  state         {}", c.state.name());
    if c.state == ClockState::Suspect {
        out.push_str(" (CLOCK_SUSPECT)");
    }
    out.push_str(&format!("\n  trusted time  {}\n  last server   {}", when(c.trusted_time), when(c.last_server_time)));
    if let Some(skew) = c.server_skew_seconds {
        let dir = if skew >= 0 { "ahead" } else { "behind" };
        out.push_str(&format!(" (device clock {} {dir} then)", age(skew.abs())));
    }
    out.push_str(&format!("\n  {}", display(&c.detail)));
    out
}

/// One source of `trust status` as text; the location and the failure
/// reason (which can quote a server) are escaped.
fn render_status(s: &SourceStatus) -> String {
    let mut out = format!("{} {}\n", display(&s.kind.to_string()), display(&s.location));
    out.push_str(&format!("  entries       {}", s.entries));
    if s.skipped > 0 {
        out.push_str(&format!(" ({} skipped)", s.skipped));
    }
    out.push('\n');
    let when = |t: Option<OffsetDateTime>| t.map_or_else(|| "never".to_owned(), time_parse::format_utc);
    out.push_str(&format!("  last success  {}\n", when(s.last_success)));
    if let Some(issued) = s.list_issued_at {
        out.push_str(&format!("  list issued   {}\n", time_parse::format_utc(issued)));
    }
    match (s.last_failure, &s.failure_reason) {
        (Some(t), Some(r)) => {
            out.push_str(&format!("  last failure  {} — {}\n", time_parse::format_utc(t), display(r)));
        }
        (Some(t), None) => out.push_str(&format!("  last failure  {}\n", time_parse::format_utc(t))),
        _ => out.push_str("  last failure  none\n"),
    }
    let age_text = s.age_seconds.map_or_else(|| "no data".to_owned(), age);
    let policy = s.max_age_seconds.map_or_else(|| "no maximum".to_owned(), |m| format!("maximum {}", age(m)));
    out.push_str(&format!("  age           {age_text} ({policy}){}", if s.stale { " — STALE" } else { "" }));
    out
}

/// What `trust import` stored.
#[derive(Debug)]
pub enum Imported {
    /// A VCI directory snapshot, its signature verified: the issuers' keys
    /// and revocation lists.
    Vci {
        /// What storing it did.
        report: healthcert_core::trust::store::ApplyReport,
        /// The snapshot's `time`.
        time: OffsetDateTime,
        /// Issuers it lists.
        issuers: usize,
    },
    /// A WHO GDHCN DID trust list, its proof verified: its signer keys.
    Gdhcn {
        /// What storing it did.
        report: healthcert_core::trust::store::ApplyReport,
        /// The proof's `created`.
        created: OffsetDateTime,
        /// The document's DID.
        id: String,
        /// Verification methods it lists.
        methods: usize,
    },
    /// A signer set (the complete set of the source named by the path).
    Signers(healthcert_core::trust::store::ApplyReport),
    /// A SMART Health Card issuer's revocation list for one key.
    Crl {
        /// The key it is for.
        kid: String,
        /// Its version.
        ctr: u64,
        /// What storing it did.
        stored: healthcert_core::trust::store::CrlImport,
        /// Whether the store holds the issuer's key of that kid (a list
        /// imported before its key waits for it).
        key_held: bool,
    },
}

/// `trust import`: a trust file (DGCA JSON, PEM/DER, a directory of them,
/// a German-shaped signed list verified with `de_key`, or with `issuer` a
/// SMART Health Card issuer's JWKS) becomes the complete signer set of the
/// source named by its path; with `issuer`, a SMART Health Card revocation
/// list (`{kid, method, ctr, rids}`) is stored for that issuer's key
/// instead, replacing an older one (a lower `ctr` is refused).
pub fn import(
    db: &Path,
    path: &Path,
    de_key: Option<&PublicKey>,
    issuer: Option<&str>,
    now: OffsetDateTime,
) -> anyhow::Result<Imported> {
    if let (None, Some(issuer)) = (de_key, issuer)
        && path.is_file()
    {
        let bytes = file::read_capped(path)?;
        if healthcert_core::trust::crl::is_crl(&bytes) {
            let crl = file::parse_crl(&path.display().to_string(), &bytes, issuer)?;
            let store = SqliteStore::open(db)?;
            let stored = store.import_crl(healthcert_core::formats::shc::SCHEME, issuer, &crl, now)?;
            let key = healthcert_core::trust::KeyRef::IssuerKid {
                scheme: healthcert_core::formats::shc::SCHEME,
                issuer: issuer.to_owned(),
                kid: crl.kid.as_bytes().to_vec(),
            };
            let key_held = !healthcert_core::trust::TrustStore::signers(&store, &key)?.is_empty();
            return Ok(Imported::Crl { kid: crl.kid.clone(), ctr: crl.ctr, stored, key_held });
        }
    }
    import_signers(db, path, de_key, issuer, now).map(Imported::Signers)
}

/// `trust import --vci-anchor`: the VCI directory snapshot at `path`, its
/// detached signature (`signature`, or beside it as the directory names it:
/// `vci_snapshot.json` → `vci_snapshot.sig`) verified with the
/// anchor key before anything of it is read, becomes the complete signer
/// set of the `vci` source named by its path, with its revocation lists, in
/// one transaction. A bad or missing signature refuses the whole file.
pub fn import_vci(
    db: &Path,
    path: &Path,
    signature: Option<&Path>,
    anchor: &PublicKey,
    now: OffsetDateTime,
) -> anyhow::Result<Imported> {
    let sig_path = signature.map_or_else(|| path.with_extension("sig"), Path::to_path_buf);
    let bytes = file::read_capped(path)?;
    let sig = file::read_capped(&sig_path)?;
    let origin = path.display().to_string();
    let snapshot = healthcert_core::trust::vci::parse(&origin, &bytes, &sig, anchor).map_err(|reason| {
        healthcert_core::Error::TrustFormat {
            origin: origin.clone(),
            reason: healthcert_core::error::TrustFormatReason::Vci(reason),
        }
    })?;
    let location =
        std::fs::canonicalize(path).with_context(|| format!("reading {}", path.display()))?.display().to_string();
    let (time, issuers) = (snapshot.time, snapshot.issuers);
    let update = snapshot.into_update(SourceId { kind: SourceKind::Vci, location });
    if matches!(&update.signers, SignerChange::Replace(r) if r.is_empty()) {
        bail!("{} holds no usable issuer keys; the database is unchanged", path.display());
    }
    let store = SqliteStore::open(db)?;
    Ok(Imported::Vci { report: store.apply(&update, now)?, time, issuers })
}

/// The pinned signer of GDHCN DID trust lists: its DID document (a file
/// whose first non-blank character is `{`) or a PEM key.
pub fn read_gdhcn_anchor(path: &Path) -> anyhow::Result<healthcert_core::trust::gdhcn::Anchor> {
    use healthcert_core::trust::gdhcn::Anchor;
    let bytes = file::read_capped(path)?;
    if bytes.trim_ascii_start().starts_with(b"{") {
        Anchor::from_did_document(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    } else {
        read_key(path).map(Anchor::key)
    }
}

/// The pinned signing key of `trust sync --source gdhcn=URL`: the one key
/// of a signer's DID document, or a PEM key. A DID document with several
/// keys is refused: the key to pin is then given as PEM.
pub fn read_gdhcn_sync_anchor(path: &Path) -> anyhow::Result<PublicKey> {
    let anchor = read_gdhcn_anchor(path)?;
    let mut keys = anchor.keys();
    match (keys.next(), keys.next()) {
        (Some(key), None) => Ok(key.clone()),
        _ => Err(usage(format!(
            "--gdhcn-anchor {}: the DID document holds {} keys; give the one to pin as PEM",
            path.display(),
            anchor.keys().count()
        ))),
    }
}

/// `trust import --gdhcn-anchor`: the WHO GDHCN DID trust list at `path`,
/// its `JsonWebSignature2020` proof verified with `anchor` before anything
/// of it is used, becomes the complete signer set of the `gdhcn` source
/// named by its path, in one transaction. A bad proof refuses the whole
/// file.
pub fn import_gdhcn(
    db: &Path,
    path: &Path,
    anchor: &healthcert_core::trust::gdhcn::Anchor,
    now: OffsetDateTime,
) -> anyhow::Result<Imported> {
    let bytes = file::read_capped(path)?;
    let origin = path.display().to_string();
    let list = healthcert_core::trust::gdhcn::parse(&origin, &bytes, anchor).map_err(|reason| {
        healthcert_core::Error::TrustFormat {
            origin: origin.clone(),
            reason: healthcert_core::error::TrustFormatReason::Gdhcn(reason),
        }
    })?;
    let location =
        std::fs::canonicalize(path).with_context(|| format!("reading {}", path.display()))?.display().to_string();
    let (created, id, methods) = (list.created, list.id.clone(), list.methods);
    let update = list.into_update(SourceId { kind: SourceKind::Gdhcn, location });
    if matches!(&update.signers, SignerChange::Replace(r) if r.is_empty()) {
        bail!("{} holds no usable signer keys; the database is unchanged", path.display());
    }
    let store = SqliteStore::open(db)?;
    Ok(Imported::Gdhcn { report: store.apply(&update, now)?, created, id, methods })
}

/// [`import`] of a signer set.
fn import_signers(
    db: &Path,
    path: &Path,
    de_key: Option<&PublicKey>,
    issuer: Option<&str>,
    now: OffsetDateTime,
) -> anyhow::Result<healthcert_core::trust::store::ApplyReport> {
    let location =
        std::fs::canonicalize(path).with_context(|| format!("reading {}", path.display()))?.display().to_string();
    let source = SourceId { kind: SourceKind::Import, location };
    let replace = |signers: Vec<healthcert_core::trust::SignerKey>, skipped, source| Update {
        signers: SignerChange::Replace(signers.iter().filter_map(SignerRecord::of).collect()),
        skipped,
        ..Update::unchanged(source, SourceMeta::default())
    };
    let update = match (de_key, issuer) {
        (Some(key), _) => {
            let bytes = file::read_capped(path)?;
            let list: SignedList = signed_list::parse(&path.display().to_string(), &bytes, key)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            list.into_update(source, None)
        }
        (None, Some(issuer)) => {
            let (signers, report) = file::load_jwks(path, issuer)?;
            replace(signers, report.skipped, source)
        }
        (None, None) => {
            let (signers, report) = file::load_signers(path)?;
            replace(signers, report.skipped, source)
        }
    };
    if matches!(&update.signers, SignerChange::Replace(r) if r.is_empty()) {
        let what = if issuer.is_some() { "issuer keys" } else { "signer certificates" };
        bail!("{} holds no usable {what}; the database is unchanged", path.display());
    }
    let store = SqliteStore::open(db)?;
    Ok(store.apply(&update, now)?)
}

/// What `rules import` stored from one path.
#[derive(Debug)]
pub struct RulesImport {
    /// Rules stored.
    pub rules: usize,
    /// Value sets stored.
    pub value_sets: usize,
    /// Documents that could not be used.
    pub skipped: Vec<healthcert_core::trust::file::SkippedEntry>,
    /// JSON files that are neither rules nor value sets.
    pub ignored: usize,
    /// Whether the database was new and got the bundled TEST snapshot.
    pub seeded: bool,
}

/// `rules import`: the rules and value sets of a file or directory tree
/// become the complete content of the source named by its path (kind
/// `rules`, location `file://…`), in one transaction.
pub fn import_rules(db: &Path, path: &Path, now: OffsetDateTime) -> anyhow::Result<RulesImport> {
    let absolute = std::fs::canonicalize(path).with_context(|| format!("reading {}", path.display()))?;
    let found = healthcert_core::trust::rule_files::load(&absolute)?;
    if found.rules.is_empty() && found.value_sets.is_empty() {
        bail!(
            "{} holds no usable rules or value sets ({} skipped, {} other JSON files); the database is unchanged",
            path.display(),
            found.skipped.len(),
            found.ignored
        );
    }
    let summary = RulesImport {
        rules: found.rules.len(),
        value_sets: found.value_sets.len(),
        skipped: found.skipped.clone(),
        ignored: found.ignored,
        seeded: false,
    };
    let source = SourceId { kind: SourceKind::Rules, location: format!("file://{}", absolute.display()) };
    // Seeded like `verify --db` would (a database holding only rules would
    // never be seeded afterwards).
    let (store, seeded) = open_store(db, now)?;
    store.apply(&found.into_update(source), now)?;
    Ok(RulesImport { seeded, ..summary })
}
