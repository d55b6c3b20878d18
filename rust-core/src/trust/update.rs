//! What a trust source delivers: verified records, ready to be committed to
//! a store in one transaction. Sources (`trust::sync`) produce an
//! [`Update`]; stores (`trust::store`) apply it atomically or not at all.

use std::fmt;

use time::OffsetDateTime;

use super::file::SkippedEntry;
use super::key::{KeyMaterial, KeyScheme};
use super::signer::KeyStatus;

/// The protocol of a trust source. Serialized as its [`name`](SourceKind::name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[non_exhaustive]
pub enum SourceKind {
    /// The DGCA verifier-service protocol (`/signercertificateUpdate`,
    /// `/signercertificateStatus`).
    Dgca,
    /// A signed signer list in the German shape (first line: base64 ECDSA
    /// signature; then `{"certificates": [...]}`).
    De,
    /// The DGCA business-rule service (`/rules`, `/valuesets`, `/countrylist`).
    Rules,
    /// A file imported by hand (`trust import`).
    Import,
    /// The snapshot bundled with the application, seeding an empty store.
    Bundled,
    /// The VCI directory snapshot of SMART Health Card issuers (their keys
    /// and revocation lists), its detached signature verified with the
    /// directory's anchor key (`trust::vci`); imported from a file or synced
    /// from a URL.
    Vci,
    /// The key sets (`{iss}/.well-known/jwks.json`) and revocation lists
    /// (`{iss}/.well-known/crl/{kid}.json`) of the SMART Health Card
    /// issuers the store already knows, fetched from each issuer.
    ShcIssuers,
    /// A WHO GDHCN DID trust list (`did.json`), its `JsonWebSignature2020`
    /// proof verified with the pinned WHO signing key (`trust::gdhcn`).
    Gdhcn,
    /// The EU DCC revocation distribution service of the DGCA
    /// (`/lists`, partitions, slices; `trust::revocation`): hashes of
    /// revoked certificates per signer key, no signer keys.
    Revocation,
}

impl SourceKind {
    /// The name used on the command line and in status output.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Dgca => "dgca",
            SourceKind::De => "de",
            SourceKind::Rules => "rules",
            SourceKind::Import => "import",
            SourceKind::Bundled => "bundled",
            SourceKind::Vci => "vci",
            SourceKind::ShcIssuers => "shc-issuers",
            SourceKind::Gdhcn => "gdhcn",
            SourceKind::Revocation => "revocation",
        }
    }

    /// Whether sources of this kind deliver signer keys (and so count for
    /// the freshness of the store's signer data); the rule service does not.
    pub fn provides_signers(self) -> bool {
        match self {
            SourceKind::Dgca
            | SourceKind::De
            | SourceKind::Import
            | SourceKind::Bundled
            | SourceKind::Vci
            | SourceKind::ShcIssuers
            | SourceKind::Gdhcn => true,
            SourceKind::Rules | SourceKind::Revocation => false,
        }
    }

    /// Every kind.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Dgca,
        SourceKind::De,
        SourceKind::Rules,
        SourceKind::Import,
        SourceKind::Bundled,
        SourceKind::Vci,
        SourceKind::ShcIssuers,
        SourceKind::Gdhcn,
        SourceKind::Revocation,
    ];

    /// Reads a name back.
    pub fn from_name(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl serde::Serialize for SourceKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A trust source: a protocol at a location (a URL, a file path, a label).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId {
    /// The protocol.
    pub kind: SourceKind,
    /// Where: a base URL, a file path, or a label for bundled data.
    pub location: String,
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.kind, self.location)
    }
}

/// One signer as a source delivers it (already checked to parse as a
/// usable signer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerRecord {
    /// The scheme it serves.
    pub scheme: KeyScheme,
    /// The issuer whose key set it belongs to, for schemes that look keys
    /// up by issuer and kid (SMART Health Cards); `None` for kid alone.
    pub issuer: Option<String>,
    /// Its key identifier (as the source declares it, else computed).
    pub kid: Vec<u8>,
    /// Its country, as the source declares it.
    pub country: Option<String>,
    /// The key material: a DER certificate or a JWK.
    pub material: KeyMaterial,
    /// What the source (a trust registry) says of the key.
    pub status: KeyStatus,
    /// The validity the source declares, used for material that has none
    /// of its own (a bare public key, a JWK); a certificate's counts.
    pub not_before: Option<OffsetDateTime>,
    /// See [`not_before`](Self::not_before).
    pub not_after: Option<OffsetDateTime>,
}

impl SignerRecord {
    /// A signer certificate looked up by kid alone.
    pub fn x509(scheme: KeyScheme, kid: Vec<u8>, country: Option<String>, der: Vec<u8>) -> Self {
        Self::new(scheme, None, kid, country, KeyMaterial::X509(der))
    }

    /// A current signer with no declared validity.
    pub fn new(
        scheme: KeyScheme,
        issuer: Option<String>,
        kid: Vec<u8>,
        country: Option<String>,
        material: KeyMaterial,
    ) -> Self {
        SignerRecord {
            scheme,
            issuer,
            kid,
            country,
            material,
            status: KeyStatus::Current,
            not_before: None,
            not_after: None,
        }
    }
}

/// A SMART Health Card revocation list as a source delivers it, with the
/// issuer it belongs to (the list does not name it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerCrl {
    /// The scheme of the issuer's keys.
    pub scheme: KeyScheme,
    /// The issuer (`iss`).
    pub issuer: String,
    /// The list, for its key `crl.kid`.
    pub crl: super::Crl,
}

/// A business rule as the rule service delivers it (CertLogic JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRecord {
    /// Country of arrival the rule belongs to (ISO 3166-1 alpha-2).
    pub country: String,
    /// Rule identifier (`VR-DE-0001`).
    pub identifier: String,
    /// Rule version (`1.0.0`).
    pub version: String,
    /// The service's hash of the rule.
    pub hash: String,
    /// The rule document, verbatim.
    pub json: Vec<u8>,
}

/// A value set as the rule service delivers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSetRecord {
    /// Value set identifier (`disease-agent-targeted`).
    pub id: String,
    /// The service's hash of the value set.
    pub hash: String,
    /// The value set document, verbatim.
    pub json: Vec<u8>,
}

/// How the signers of a source change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerChange {
    /// The source's signers are exactly these (a full list).
    Replace(Vec<SignerRecord>),
    /// Add these; then, when `keep_only` is given, drop every signer of the
    /// source whose kid is not in it (an incremental update plus a status
    /// list of the kids currently valid).
    Incremental {
        /// New signers.
        add: Vec<SignerRecord>,
        /// Kids that remain valid, when the source says.
        keep_only: Option<Vec<Vec<u8>>>,
    },
    /// Nothing changed (e.g. HTTP 304).
    Unchanged,
}

/// Bookkeeping a source keeps between syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMeta {
    /// The entity tag of the last list fetched (for `If-None-Match`); for
    /// a source that fetches many documents without entity tags, its own
    /// record of what it kept (the GDHCN tree: each document's
    /// `proof.created`, for rollback protection per document).
    pub etag: Option<String>,
    /// The resume token of the DGCA protocol.
    pub resume_token: Option<String>,
    /// When the list was issued, as its signed content says (rollback
    /// protection: a list older than the one held is refused).
    pub list_issued_at: Option<OffsetDateTime>,
}

/// Everything one sync of one source delivered, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The source.
    pub source: SourceId,
    /// Signer changes.
    pub signers: SignerChange,
    /// The complete rule set of the source, when it delivers rules.
    pub rules: Option<Vec<RuleRecord>>,
    /// The complete value sets, when delivered.
    pub value_sets: Option<Vec<ValueSetRecord>>,
    /// The country list, when delivered.
    pub countries: Option<Vec<String>>,
    /// Bookkeeping to keep for the next sync.
    pub meta: SourceMeta,
    /// Entries of the list that were unusable and not applied.
    pub skipped: Vec<SkippedEntry>,
    /// Revocation lists to store beside the signers, in the same
    /// transaction; each replaces the list held for its key unless that one
    /// has a higher `ctr` (then the held one is kept).
    pub crls: Vec<IssuerCrl>,
    /// What a sync of the EU DCC revocation service changes, applied in
    /// the same transaction (`trust::revocation`).
    pub revocation: Option<Box<super::revocation::data::RevocationDelta>>,
}

impl Update {
    /// An update that changes nothing but records a successful contact.
    pub fn unchanged(source: SourceId, meta: SourceMeta) -> Self {
        Update {
            source,
            signers: SignerChange::Unchanged,
            rules: None,
            value_sets: None,
            countries: None,
            meta,
            skipped: Vec::new(),
            crls: Vec::new(),
            revocation: None,
        }
    }
}

/// How fresh a store's trust data is at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Freshness {
    /// When the oldest of the store's signer sources last synced successfully.
    pub updated_at: OffsetDateTime,
    /// Seconds from then to the verification instant.
    pub age_seconds: i64,
    /// The maximum age configured for that source, if any.
    pub max_age_seconds: Option<i64>,
    /// Whether the age exceeds the maximum.
    pub stale: bool,
}

impl Freshness {
    /// The freshness of data updated at `updated_at`, seen at `now`.
    pub fn at(updated_at: OffsetDateTime, now: OffsetDateTime, max_age_seconds: Option<i64>) -> Self {
        let age_seconds = (now - updated_at).whole_seconds();
        Freshness {
            updated_at,
            age_seconds,
            max_age_seconds,
            stale: max_age_seconds.is_some_and(|max| age_seconds > max),
        }
    }
}
