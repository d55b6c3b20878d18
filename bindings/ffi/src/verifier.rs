//! The `Verifier` object: a trust database, the bundled snapshot that seeds
//! it, the trust sources it syncs, and verification now or at an instant.

use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use healthcert_core::crypto::public_key_from_pem;
use healthcert_core::model::ClockCheck;
use healthcert_core::trust::SourceId;
use healthcert_core::trust::TrustStore as _;
use healthcert_core::trust::store::{SourceStatus, SqliteStore};
use healthcert_core::trust::sync::{SourceOutcome, SyncConfig, SyncSummary, Syncer, Transport, TrustSource};
use healthcert_core::{Arrival, Clock, ClockSource, FixedClock, SystemClock, Verdict, VerifyOptions};
use time::OffsetDateTime;

use crate::error::HealthcertError;
use crate::scanner::ScanSession;
use crate::transport::{Foreign, HttpTransport};
use crate::trust::{Forward, SyncProgress, TrustSourceConfig};

/// The store label of an app's bundled snapshot.
const SNAPSHOT_LABEL: &str = "app bundled snapshot";

/// How to open a [`Verifier`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifierConfig {
    /// The trust database file (created when missing), in the app's private
    /// storage.
    pub database_path: String,
    /// A German-shaped signed list shipped with the app: it seeds an empty
    /// database so that the first scan works offline.
    pub snapshot: Option<Vec<u8>>,
    /// The PEM public key the snapshot must verify with (required with a
    /// snapshot).
    pub snapshot_key_pem: Option<String>,
    /// The sources `sync_trust` fetches, in order.
    pub sources: Vec<TrustSourceConfig>,
    /// Offline policy: verdicts say `stale` when the trust data is older
    /// than this many seconds.
    pub max_trust_age_seconds: Option<i64>,
    /// Country of arrival (ISO 3166-1 alpha-2, `DE`): its business rules are
    /// checked (the `RULES` check). `None`: the rules check does not apply.
    #[uniffi(default)]
    pub country_of_arrival: Option<String>,
    /// Region of arrival, for countries with regional rules.
    #[uniffi(default)]
    pub region: Option<String>,
    /// Language of rule descriptions (ISO 639-1, `de`); English when absent
    /// or not provided by a rule.
    #[uniffi(default)]
    pub language: Option<String>,
    /// Keep the letter of the DCC schema, for issuers testing their output:
    /// deviations otherwise tolerated with the warning `SCHEMA_DEVIATION`
    /// fail the schema check. Off by default.
    #[uniffi(default)]
    pub strict_schema: bool,
}

type CoreVerifier = healthcert_core::Verifier<Arc<SqliteStore>>;

/// The core's arrival settings from the app's, checked by the core.
fn arrival(
    country: Option<&str>,
    region: Option<&str>,
    language: Option<&str>,
) -> Result<Option<Arrival>, HealthcertError> {
    Ok(Arrival::parse(country, region, language)?)
}

/// Verifies certificates against a trust database and keeps it current.
#[derive(uniffi::Object)]
pub struct Verifier {
    store: Arc<SqliteStore>,
    /// Replaced whole when the country of arrival changes.
    core: RwLock<Arc<CoreVerifier>>,
    sources: Vec<Box<dyn TrustSource>>,
    /// `None` only without sources and without any transport.
    syncer: Option<Syncer>,
    /// [`VerifierConfig::strict_schema`], kept across arrival changes.
    strict_schema: bool,
}

impl Verifier {
    fn open(config: VerifierConfig, transport: Option<Arc<dyn Transport>>) -> Result<Arc<Self>, HealthcertError> {
        let sources: Vec<Box<dyn TrustSource>> =
            config.sources.iter().map(TrustSourceConfig::build).collect::<Result<_, _>>()?;
        let arrival =
            arrival(config.country_of_arrival.as_deref(), config.region.as_deref(), config.language.as_deref())?;
        // Plain http is decided per URL (and per redirect hop) by the sync:
        // loopback literals only, never https down to http.
        let sync_config = SyncConfig::default();
        let syncer = match transport {
            Some(transport) => Some(Syncer::with_transport(sync_config, transport)),
            None => built_in_syncer(sync_config, !sources.is_empty())?,
        };
        let store = Arc::new(SqliteStore::open(std::path::Path::new(&config.database_path))?);
        let mut ids: Vec<SourceId> = sources.iter().map(|s| s.id()).collect();
        if let Some(snapshot) = &config.snapshot {
            let pem = config.snapshot_key_pem.as_deref().ok_or_else(|| HealthcertError::InvalidArgument {
                reason: "a snapshot needs the key it is signed with".into(),
            })?;
            let key = public_key_from_pem(pem)
                .map_err(|e| HealthcertError::Trust { reason: format!("snapshot key: {}", e.0) })?;
            let (id, _) = store.seed_from_signed_snapshot(SNAPSHOT_LABEL, snapshot, &key, OffsetDateTime::now_utc())?;
            ids.push(id);
        }
        if let Some(max) = config.max_trust_age_seconds {
            store.set_max_ages(&ids, Some(max))?;
        }
        let strict_schema = config.strict_schema;
        let options = VerifyOptions { arrival, strict_schema, ..VerifyOptions::default() };
        let core = RwLock::new(Arc::new(CoreVerifier::with_options(Arc::clone(&store), options)));
        Ok(Arc::new(Verifier { store, core, sources, syncer, strict_schema }))
    }

    pub(crate) fn core(&self) -> Arc<CoreVerifier> {
        Arc::clone(&self.core.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub(crate) fn store(&self) -> &SqliteStore {
        &self.store
    }

    pub(crate) fn store_arc(&self) -> &Arc<SqliteStore> {
        &self.store
    }

    pub(crate) fn verify_with(&self, payload: &str, clock: &dyn Clock) -> Result<Verdict, HealthcertError> {
        Ok(self.core().verify(payload, clock)?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Verifier {
    /// Opens (or creates) the trust database, seeds it with the snapshot
    /// when empty, and prepares the sources. Fails with
    /// [`HealthcertError::Database`] for a file that is not a usable trust
    /// database, [`HealthcertError::Trust`] for a snapshot or key that does
    /// not verify, [`HealthcertError::InvalidArgument`] for a bad source.
    #[uniffi::constructor]
    pub fn new(config: VerifierConfig) -> Result<Arc<Self>, HealthcertError> {
        Self::open(config, None)
    }

    /// Like [`Verifier::new`], fetching trust sources through the app's
    /// HTTP stack (`transport`) instead of the built-in client. Mobile
    /// builds have no built-in client and sync only this way.
    #[uniffi::constructor]
    pub fn with_transport(
        config: VerifierConfig,
        transport: Arc<dyn HttpTransport>,
    ) -> Result<Arc<Self>, HealthcertError> {
        Self::open(config, Some(Arc::new(Foreign(transport))))
    }

    /// Verifies a QR payload (`HC1:…`) now, by the device clock.
    pub fn verify_payload(&self, payload: String) -> Result<Verdict, HealthcertError> {
        self.verify_with(&payload, &SystemClock)
    }

    /// Verifies a payload given as bytes (a QR code's byte segment).
    pub fn verify_bytes(&self, payload: Vec<u8>) -> Result<Verdict, HealthcertError> {
        Ok(self.core().verify_bytes(&payload, &SystemClock)?)
    }

    /// Changes the country (and region) of arrival whose business rules are
    /// checked, and the language of rule descriptions; `None` turns the
    /// rules check off. Verifications already running finish with the old
    /// setting.
    pub fn set_arrival(
        &self,
        country_of_arrival: Option<String>,
        region: Option<String>,
        language: Option<String>,
    ) -> Result<(), HealthcertError> {
        let arrival = arrival(country_of_arrival.as_deref(), region.as_deref(), language.as_deref())?;
        let options = VerifyOptions { arrival, strict_schema: self.strict_schema, ..VerifyOptions::default() };
        let next = Arc::new(CoreVerifier::with_options(Arc::clone(&self.store), options));
        *self.core.write().unwrap_or_else(|e| e.into_inner()) = next;
        Ok(())
    }

    /// Verifies a payload as of `at` (the verdict says the clock was fixed).
    pub fn verify_at(&self, payload: String, at: SystemTime) -> Result<Verdict, HealthcertError> {
        let at = OffsetDateTime::from(at);
        self.verify_with(&payload, &FixedClock(at))
    }

    /// A scan session over camera frames, verifying what it finds.
    pub fn scan_session(self: Arc<Self>) -> Arc<ScanSession> {
        Arc::new(ScanSession::new(self))
    }

    /// Syncs every configured source in turn on the core's tokio runtime
    /// (Kotlin `suspend`, Swift `async`), reporting to `progress`. A source
    /// that fails keeps its previous data and is reported in its
    /// [`SyncSummary`] (`ok` false, `error` set); only a fault that stops
    /// syncing altogether is an error.
    pub async fn sync_trust(
        &self,
        progress: Option<Arc<dyn SyncProgress>>,
    ) -> Result<Vec<SyncSummary>, HealthcertError> {
        let Some(syncer) = &self.syncer else { return Ok(Vec::new()) };
        let forward = Forward(progress);
        let outcomes = syncer.sync_all(&self.store, &self.sources, &SystemClock, &forward).await;
        Ok(outcomes.iter().map(SourceOutcome::summary).collect())
    }

    /// Every source of the trust database: entries, last success, last
    /// failure and why, age and staleness, by the device clock.
    pub fn trust_status(&self) -> Result<Vec<SourceStatus>, HealthcertError> {
        Ok(self.store.status(OffsetDateTime::now_utc())?)
    }

    /// The device clock against the trusted times the trust database has
    /// seen (the high-water mark, the server's time at the last sync and
    /// the skew then): `SUSPECT` when it is more than 2 h behind the mark or
    /// was more than 2 h off the server's time at the last sync. Every
    /// verdict carries the same check (`clockCheck`); this is for a status
    /// screen.
    pub fn clock_status(&self) -> Result<ClockCheck, HealthcertError> {
        let held = self.store.trusted_time()?;
        Ok(healthcert_core::clock::assess(OffsetDateTime::now_utc(), ClockSource::System, held.as_ref()))
    }
}

/// The built-in HTTPS client, when this build has one.
#[cfg(feature = "native-http")]
fn built_in_syncer(config: SyncConfig, _needed: bool) -> Result<Option<Syncer>, HealthcertError> {
    Ok(Some(Syncer::new(config)?))
}

/// This build has no HTTP client of its own: sources need the app's.
#[cfg(not(feature = "native-http"))]
fn built_in_syncer(_: SyncConfig, needed: bool) -> Result<Option<Syncer>, HealthcertError> {
    if needed {
        return Err(HealthcertError::InvalidArgument {
            reason: "this library has no built-in HTTP client: open the Verifier with a transport".into(),
        });
    }
    Ok(None)
}
