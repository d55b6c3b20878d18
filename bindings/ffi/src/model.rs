//! The verdict and the normalized certificate as records and enums the
//! generated Kotlin and Swift hold, converted from the core's model. Reason
//! codes stay the core's stable strings (docs/verdict.md), so the bindings
//! never lag behind a new code.

use std::time::SystemTime;

use healthcert_core::model::{self as core, ReasonClass as CoreClass};
use time::OffsetDateTime;

pub(crate) fn instant(t: OffsetDateTime) -> SystemTime {
    SystemTime::from(t)
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum VerdictStatus {
    /// Every check passed (or does not apply).
    Valid,
    /// At least one check failed definitively.
    Invalid,
    /// The verifier cannot tell (e.g. the issuer is not in the trust list).
    Unknown,
}

/// Which check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckKind {
    /// The payload decodes.
    Decode,
    /// The signature verifies with a trusted key.
    Signature,
    /// The signer is trusted and valid at the verification time.
    Issuer,
    /// The signer may sign this type of certificate.
    KeyUsage,
    /// The certificate is valid at the verification time.
    Validity,
    /// The payload follows its schema.
    Schema,
    /// The business rules of the country of arrival accept it.
    Rules,
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckOutcome {
    /// Passed.
    Pass,
    /// Failed (see the reason).
    Fail,
    /// Not run (see the reason).
    Skipped,
}

/// How a reason weighs on the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReasonClass {
    /// Not a failure.
    Neutral,
    /// Definitely not acceptable.
    Invalid,
    /// Cannot tell.
    Inconclusive,
}

/// One check of a verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckResult {
    /// Which check.
    pub check: CheckKind,
    /// How it ended.
    pub outcome: CheckOutcome,
    /// The stable reason code (`OK`, `SIGNATURE_INVALID`, …; docs/verdict.md).
    pub reason: String,
    /// How the reason weighs on the status.
    pub reason_class: ReasonClass,
    /// Explanation for people (never personal data).
    pub detail: String,
}

/// The signer that verified the signature.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignerData {
    /// Key identifier, base64.
    pub kid: String,
    /// Its country, when known.
    pub country: Option<String>,
    /// Validity of the signer certificate.
    pub not_before: Option<SystemTime>,
    /// Validity of the signer certificate.
    pub not_after: Option<SystemTime>,
}

/// The trust data the verification used, and how fresh it is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustData {
    /// Where the keys came from.
    pub source: String,
    /// Signer keys in the store.
    pub entries: u64,
    /// The signer that verified the signature.
    pub signer: Option<SignerData>,
    /// When the signer data was last current, when known.
    pub updated_at: Option<SystemTime>,
    /// Its age at the verification instant, in seconds.
    pub age_seconds: Option<i64>,
    /// Whether that age exceeds the configured maximum.
    pub stale: bool,
}

/// What a certificate attests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CertificateType {
    /// A vaccination.
    Vaccination,
    /// A test.
    Test,
    /// A recovery.
    Recovery,
}

/// The person (personal data: show it, never log it).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Holder {
    /// Display name.
    pub name: String,
    /// Family name.
    pub family_name: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name, ICAO 9303 transliteration.
    pub family_name_standardised: Option<String>,
    /// Given name, ICAO 9303 transliteration.
    pub given_name_standardised: Option<String>,
    /// Date of birth as issued (`1964-08-12`, `1964-08`, `1964` or empty).
    pub date_of_birth: Option<String>,
}

/// A vaccination event.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Vaccination {
    /// Disease or agent targeted.
    pub disease: Option<String>,
    /// Vaccine or prophylaxis.
    pub vaccine: Option<String>,
    /// Medicinal product.
    pub product: Option<String>,
    /// Marketing authorisation holder or manufacturer.
    pub manufacturer: Option<String>,
    /// Dose number.
    pub dose_number: Option<u64>,
    /// Total doses in the series.
    pub total_doses: Option<u64>,
    /// Date of vaccination.
    pub date: Option<String>,
    /// Country of vaccination.
    pub country: Option<String>,
    /// Certificate issuer.
    pub issuer: Option<String>,
    /// Unique certificate identifier.
    pub certificate_id: Option<String>,
}

/// A test event.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct TestEvent {
    /// Disease or agent targeted.
    pub disease: Option<String>,
    /// Type of test.
    pub test_type: Option<String>,
    /// Test name (NAAT).
    pub test_name: Option<String>,
    /// Test device (RAT).
    pub test_device: Option<String>,
    /// When the sample was collected.
    pub sample_collected_at: Option<String>,
    /// Result.
    pub result: Option<String>,
    /// Testing centre.
    pub centre: Option<String>,
    /// Country of the test.
    pub country: Option<String>,
    /// Certificate issuer.
    pub issuer: Option<String>,
    /// Unique certificate identifier.
    pub certificate_id: Option<String>,
}

/// A recovery event.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Recovery {
    /// Disease or agent targeted.
    pub disease: Option<String>,
    /// Date of the first positive test.
    pub first_positive: Option<String>,
    /// Valid from.
    pub valid_from: Option<String>,
    /// Valid until.
    pub valid_until: Option<String>,
    /// Country of the test.
    pub country: Option<String>,
    /// Certificate issuer.
    pub issuer: Option<String>,
    /// Unique certificate identifier.
    pub certificate_id: Option<String>,
}

/// One health event.
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Event {
    /// A vaccination.
    Vaccination {
        /// The event.
        event: Vaccination,
    },
    /// A test.
    Test {
        /// The event.
        event: TestEvent,
    },
    /// A recovery.
    Recovery {
        /// The event.
        event: Recovery,
    },
}

/// The normalized certificate (personal data: show it, never log it).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct NormalizedCertificate {
    /// What it attests, when exactly one kind of event is present.
    pub kind: Option<CertificateType>,
    /// The payload schema version it declares.
    pub schema_version: Option<String>,
    /// The person.
    pub holder: Holder,
    /// The events.
    pub events: Vec<Event>,
    /// Issuing country.
    pub issuer_country: Option<String>,
    /// Unique certificate identifier of the first event.
    pub certificate_id: Option<String>,
    /// When it was issued.
    pub issued_at: Option<SystemTime>,
    /// When its signature expires.
    pub expires_at: Option<SystemTime>,
}

// Debug of personal data is redacted, as in the core.
impl std::fmt::Debug for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Holder { <redacted> }")
    }
}
impl std::fmt::Debug for Vaccination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vaccination { <redacted> }")
    }
}
impl std::fmt::Debug for TestEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestEvent { <redacted> }")
    }
}
impl std::fmt::Debug for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recovery { <redacted> }")
    }
}
impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Event { <redacted> }")
    }
}
impl std::fmt::Debug for NormalizedCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NormalizedCertificate").field("kind", &self.kind).finish_non_exhaustive()
    }
}

/// One verification's answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verdict {
    /// The overall answer.
    pub status: VerdictStatus,
    /// The format the payload was read as (`hcert`, `unknown`).
    pub format: String,
    /// Every check, in a fixed order.
    pub checks: Vec<CheckResult>,
    /// The normalized certificate, when the payload decoded.
    pub certificate: Option<NormalizedCertificate>,
    /// The instant verified at.
    pub clock: SystemTime,
    /// `system` or `fixed`.
    pub clock_source: String,
    /// The trust data used.
    pub trust: TrustData,
    /// Each business rule evaluated for the country of arrival.
    pub rules: Vec<RuleResult>,
}

/// How a business rule ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RuleOutcome {
    /// The certificate meets the rule.
    Passed,
    /// It does not (or the rule's evaluation failed).
    Failed,
    /// The rule could not be decided.
    Open,
}

/// One business rule's result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RuleResult {
    /// The rule's identifier (`VR-DE-0001`).
    pub identifier: String,
    /// Its version.
    pub version: String,
    /// The country that set it.
    pub country: String,
    /// `true` for an invalidation rule of the issuing country, `false` for
    /// an acceptance rule of the country of arrival.
    pub invalidation: bool,
    /// Passed, failed or open.
    pub outcome: RuleOutcome,
    /// The rule's description in the requested language, else English.
    pub description: String,
    /// The certificate fields the rule reads (`v.0.mp`).
    pub affected_fields: Vec<String>,
    /// Why it failed or is open beyond the description (no personal data).
    pub detail: Option<String>,
}

impl From<healthcert_core::rules::RuleResult> for RuleResult {
    fn from(r: healthcert_core::rules::RuleResult) -> Self {
        use healthcert_core::rules::{RuleOutcome as O, RuleType};
        RuleResult {
            identifier: r.identifier,
            version: r.version,
            country: r.country,
            invalidation: r.rule_type == RuleType::Invalidation,
            outcome: match r.outcome {
                O::Passed => RuleOutcome::Passed,
                O::Failed => RuleOutcome::Failed,
                O::Open => RuleOutcome::Open,
            },
            description: r.description,
            affected_fields: r.affected_fields,
            detail: r.detail,
        }
    }
}

impl From<core::Verdict> for Verdict {
    fn from(v: core::Verdict) -> Self {
        Verdict {
            status: match v.status {
                core::Status::Valid => VerdictStatus::Valid,
                core::Status::Invalid => VerdictStatus::Invalid,
                core::Status::Unknown => VerdictStatus::Unknown,
            },
            format: v.format.name().to_owned(),
            checks: v.checks.into_iter().map(CheckResult::from).collect(),
            certificate: v.certificate.map(NormalizedCertificate::from),
            clock: instant(v.clock),
            clock_source: match v.clock_source {
                healthcert_core::ClockSource::System => "system".to_owned(),
                healthcert_core::ClockSource::Fixed => "fixed".to_owned(),
            },
            trust: TrustData {
                source: v.trust.source,
                entries: v.trust.entries as u64,
                signer: v.trust.signer.map(|s| SignerData {
                    kid: s.kid,
                    country: s.country,
                    not_before: s.not_before.map(instant),
                    not_after: s.not_after.map(instant),
                }),
                updated_at: v.trust.updated_at.map(instant),
                age_seconds: v.trust.age_seconds,
                stale: v.trust.stale,
            },
            rules: v.rules.into_iter().map(RuleResult::from).collect(),
        }
    }
}

impl From<core::Check> for CheckResult {
    fn from(c: core::Check) -> Self {
        CheckResult {
            check: match c.check {
                core::CheckKind::Decode => CheckKind::Decode,
                core::CheckKind::Signature => CheckKind::Signature,
                core::CheckKind::Issuer => CheckKind::Issuer,
                core::CheckKind::KeyUsage => CheckKind::KeyUsage,
                core::CheckKind::Validity => CheckKind::Validity,
                core::CheckKind::Schema => CheckKind::Schema,
                core::CheckKind::Rules => CheckKind::Rules,
            },
            outcome: match c.outcome {
                core::Outcome::Pass => CheckOutcome::Pass,
                core::Outcome::Fail => CheckOutcome::Fail,
                core::Outcome::Skipped => CheckOutcome::Skipped,
            },
            reason: c.reason.code().to_owned(),
            reason_class: match c.reason.class() {
                CoreClass::Neutral => ReasonClass::Neutral,
                CoreClass::Invalid => ReasonClass::Invalid,
                CoreClass::Inconclusive => ReasonClass::Inconclusive,
            },
            detail: c.detail,
        }
    }
}

impl From<core::Certificate> for NormalizedCertificate {
    fn from(c: core::Certificate) -> Self {
        use core as m;
        NormalizedCertificate {
            kind: c.kind.map(|k| match k {
                m::CertificateType::Vaccination => CertificateType::Vaccination,
                m::CertificateType::Test => CertificateType::Test,
                m::CertificateType::Recovery => CertificateType::Recovery,
            }),
            schema_version: c.schema_version,
            holder: Holder {
                name: c.holder.name,
                family_name: c.holder.family_name,
                given_name: c.holder.given_name,
                family_name_standardised: c.holder.family_name_standardised,
                given_name_standardised: c.holder.given_name_standardised,
                date_of_birth: c.holder.date_of_birth,
            },
            events: c
                .events
                .into_iter()
                .map(|e| match e {
                    m::Event::Vaccination(v) => Event::Vaccination {
                        event: Vaccination {
                            disease: v.disease,
                            vaccine: v.vaccine,
                            product: v.product,
                            manufacturer: v.manufacturer,
                            dose_number: v.dose_number,
                            total_doses: v.total_doses,
                            date: v.date,
                            country: v.country,
                            issuer: v.issuer,
                            certificate_id: v.certificate_id,
                        },
                    },
                    m::Event::Test(t) => Event::Test {
                        event: TestEvent {
                            disease: t.disease,
                            test_type: t.test_type,
                            test_name: t.test_name,
                            test_device: t.test_device,
                            sample_collected_at: t.sample_collected_at,
                            result: t.result,
                            centre: t.centre,
                            country: t.country,
                            issuer: t.issuer,
                            certificate_id: t.certificate_id,
                        },
                    },
                    m::Event::Recovery(r) => Event::Recovery {
                        event: Recovery {
                            disease: r.disease,
                            first_positive: r.first_positive,
                            valid_from: r.valid_from,
                            valid_until: r.valid_until,
                            country: r.country,
                            issuer: r.issuer,
                            certificate_id: r.certificate_id,
                        },
                    },
                })
                .collect(),
            issuer_country: c.issuer_country,
            certificate_id: c.certificate_id,
            issued_at: c.issued_at.map(instant),
            expires_at: c.expires_at.map(instant),
        }
    }
}
