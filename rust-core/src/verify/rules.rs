//! The business-rules check: the acceptance rules of the country of arrival
//! and the invalidation rules of the issuing country, evaluated on the
//! certificate at the verification time (CertLogic, [`crate::rules`]).
//!
//! Rules and value sets come from the trust store; which country (and
//! region) to check for, and in which language to describe the rules, from
//! the [`Arrival`] in the verifier's options. Without one, or for a format
//! without business rules, the check does not apply (decided by the
//! pipeline).

use time::OffsetDateTime;

use crate::Error;
use crate::formats::codec::base64;
use crate::formats::{RulesInput, SignedEnvelope};
use crate::model::{CertificateType, Check, CheckKind, Reason};
use crate::rules::{self, RuleContext, RuleOutcome, RuleResult};
use crate::trust::HeldRules;

/// Where the certificate is presented: whose rules apply, and the language
/// of their descriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// Country of arrival, ISO 3166-1 alpha-2 (`DE`).
    pub country: String,
    /// Region of arrival, when the country sets rules per region.
    pub region: Option<String>,
    /// Language of rule descriptions, ISO 639-1 (`de`); English otherwise.
    pub language: String,
}

impl Arrival {
    /// Arrival in `country` (upper-cased), no region, English descriptions.
    pub fn country(country: &str) -> Self {
        Arrival { country: country.trim().to_ascii_uppercase(), region: None, language: "en".into() }
    }

    /// Arrival settings as callers hold them (a settings screen, command
    /// line flags): no country (or a blank one) means no rules check; a
    /// country must be an ISO 3166-1 alpha-2 code; blank region and language
    /// mean none and English.
    pub fn parse(country: Option<&str>, region: Option<&str>, language: Option<&str>) -> Result<Option<Self>, Error> {
        let Some(country) = country.map(str::trim).filter(|c| !c.is_empty()) else { return Ok(None) };
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::InvalidArgument(crate::error::ArgumentError::CountryOfArrival {
                given: country.to_owned(),
            }));
        }
        let language = language.map(str::trim).filter(|l| !l.is_empty()).unwrap_or("en").to_ascii_lowercase();
        let region = region.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        Ok(Some(Arrival { region, language, ..Arrival::country(country) }))
    }
}

/// The rules check and each rule's result.
pub(super) fn check(
    arrival: &Arrival,
    held: Option<&HeldRules>,
    env: &SignedEnvelope,
    input: RulesInput<'_>,
    cert_type: Option<CertificateType>,
    now: OffsetDateTime,
) -> (Check, Vec<RuleResult>) {
    let Some(cert_type) = cert_type else {
        let detail = "the certificate type is unknown, so no rules can be chosen";
        return (Check::skipped(CheckKind::Rules, Reason::DependencyFailed, detail), Vec::new());
    };
    let empty = HeldRules::default();
    let held = held.unwrap_or(&empty);
    let kid = env.key.kid().map(base64::encode);
    let ctx = RuleContext {
        payload: input.payload,
        country_of_arrival: &arrival.country,
        region: arrival.region.as_deref(),
        issuer_country: env.issuer.as_deref(),
        certificate_type: cert_type,
        validation_clock: now,
        exp: env.times.expires_at.instant(),
        iat: env.times.issued_at.instant(),
        kid: kid.as_deref(),
        value_sets: &held.value_sets,
    };
    let results = held.rules.evaluate(&ctx, &arrival.language);
    let acceptance = results.iter().filter(|r| r.rule_type == rules::RuleType::Acceptance).count();
    let named = |outcome: RuleOutcome| -> Vec<&str> {
        results.iter().filter(|r| r.outcome == outcome).map(|r| r.identifier.as_str()).collect()
    };
    let (failed, open) = (named(RuleOutcome::Failed), named(RuleOutcome::Open));
    let place = match &arrival.region {
        Some(region) => format!("{}-{}", arrival.country, region),
        None => arrival.country.clone(),
    };
    let check = if acceptance == 0 {
        let detail = format!(
            "no acceptance rules of {place} for this certificate type are held at this time \
             (sync the rule service or import rules)"
        );
        Check::fail(CheckKind::Rules, Reason::NoRules, detail)
    } else if !failed.is_empty() {
        let detail = format!("{} of {} rules for {place} failed: {}", failed.len(), results.len(), failed.join(", "));
        Check::fail(CheckKind::Rules, Reason::RuleFailed, detail)
    } else if !open.is_empty() {
        let detail =
            format!("{} of {} rules for {place} could not be decided: {}", open.len(), results.len(), open.join(", "));
        Check::fail(CheckKind::Rules, Reason::RuleOpen, detail)
    } else {
        Check::pass(
            CheckKind::Rules,
            match results.len() {
                1 => format!("the one rule for {place} passed"),
                n => format!("all {n} rules for {place} passed"),
            },
        )
    };
    (check, results)
}
