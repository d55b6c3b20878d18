//! The EU business rule model, rule selection and evaluation.
//!
//! The rule format is the DCC Gateway's (`validation-rule.schema.json`):
//! `Identifier`, `Type`, `Country`, `Region`, `Version`, `SchemaVersion`,
//! `Engine`, `EngineVersion`, `CertificateType`, `Description`, `ValidFrom`,
//! `ValidTo`, `AffectedFields`, `Logic`. Selection and the passed / failed /
//! open outcome follow the DCC verifier apps (dgc-certlogic-android
//! `DefaultGetRulesUseCase`, `DefaultCertLogicEngine`), with one deliberate
//! difference: a rule whose evaluation throws counts as failed (the
//! CertLogic specification's advice), not open.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use super::ValueSets;
use super::certlogic::dates;
use super::certlogic::eval::{RuleData, Val};
use super::certlogic::{CertLogicLimits, EvalError, Expression};
use crate::model::{CertificateType, RuleOutcome, RuleResult, RuleType};
use crate::time_parse;

/// The CertLogic version this engine implements; rules asking for a later
/// `EngineVersion` are not evaluated (their result is open).
pub const SUPPORTED_ENGINE_VERSION: &str = "1.3.3";

/// Largest rule document accepted, in bytes (real rules are 2–20 KiB).
const MAX_RULE_BYTES: usize = 1 << 20;

/// Reads a rule's `CertificateType`: `General` (every type, `None`) or one
/// type.
fn parse_certificate_type(s: &str) -> Option<Option<CertificateType>> {
    Some(match s {
        "General" => None,
        "Vaccination" => Some(CertificateType::Vaccination),
        "Test" => Some(CertificateType::Test),
        "Recovery" => Some(CertificateType::Recovery),
        _ => return None,
    })
}

/// One business rule, parsed and compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `Identifier`, e.g. `VR-DE-0001`.
    pub identifier: String,
    /// `Type`.
    pub rule_type: RuleType,
    /// `Country`: ISO 3166-1 alpha-2 code of the country that set the rule.
    pub country: String,
    /// `Region`, when the rule applies to a region of the country only.
    pub region: Option<String>,
    /// `Version` (semantic version).
    pub version: String,
    /// `SchemaVersion`: the DCC schema version the rule was written for.
    pub schema_version: String,
    /// `Engine`, normally `CERTLOGIC`.
    pub engine: String,
    /// `EngineVersion`.
    pub engine_version: String,
    /// `CertificateType`: the one type the rule applies to, or `None` for
    /// `General` (every type).
    pub certificate_type: Option<CertificateType>,
    /// `Description`: (language, text) pairs.
    pub descriptions: Vec<(String, String)>,
    /// `ValidFrom`.
    pub valid_from: OffsetDateTime,
    /// `ValidTo`.
    pub valid_to: OffsetDateTime,
    /// `AffectedFields`: payload fields the rule reads (`v.0.dn`).
    pub affected_fields: Vec<String>,
    logic: Expression,
    /// `version`, `schema_version` as numbers; whether the engine evaluates
    /// the rule: decided once, at parse time.
    version_key: Option<(u64, u64, u64)>,
    schema_key: Option<(u64, u64, u64)>,
    engine_ok: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRule {
    identifier: String,
    #[serde(rename = "Type")]
    rule_type: String,
    country: String,
    #[serde(default)]
    region: Option<String>,
    version: String,
    schema_version: String,
    engine: String,
    engine_version: String,
    certificate_type: String,
    #[serde(default)]
    description: Vec<RawDescription>,
    valid_from: String,
    valid_to: String,
    #[serde(default)]
    affected_fields: Vec<String>,
    logic: Value,
}

#[derive(Deserialize)]
struct RawDescription {
    lang: String,
    desc: String,
}

/// `major.minor.patch`, each a number.
fn semver(s: &str) -> Option<(u64, u64, u64)> {
    let mut it = s.trim().split('.').map(|p| p.parse::<u64>().ok());
    let v = (it.next()??, it.next()??, it.next()??);
    it.next().is_none().then_some(v)
}

impl Rule {
    /// Parses a rule document (the DCC Gateway's JSON).
    pub fn from_json(bytes: &[u8]) -> Result<Rule, String> {
        if bytes.len() > MAX_RULE_BYTES {
            return Err(format!("larger than {MAX_RULE_BYTES} bytes"));
        }
        let raw: RawRule = serde_json::from_slice(bytes).map_err(|e| format!("not a rule document: {e}"))?;
        Self::from_raw(raw)
    }

    /// Reads a rule from an already parsed document.
    pub fn from_value(value: &Value) -> Result<Rule, String> {
        let raw = RawRule::deserialize(value).map_err(|e| format!("not a rule document: {e}"))?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawRule) -> Result<Rule, String> {
        let rule_type = match raw.rule_type.to_ascii_lowercase().as_str() {
            "acceptance" => RuleType::Acceptance,
            "invalidation" => RuleType::Invalidation,
            _ => return Err("Type is neither Acceptance nor Invalidation".into()),
        };
        let certificate_type = parse_certificate_type(&raw.certificate_type)
            .ok_or("CertificateType is none of General, Vaccination, Test, Recovery")?;
        let valid_from = time_parse::lenient(&raw.valid_from).ok_or("ValidFrom is not a date-time")?;
        let valid_to = time_parse::lenient(&raw.valid_to).ok_or("ValidTo is not a date-time")?;
        let logic =
            Expression::compile_with(&raw.logic, &CertLogicLimits::DEFAULT).map_err(|e| format!("Logic: {e}"))?;
        let engine_ok = raw.engine.eq_ignore_ascii_case("CERTLOGIC")
            && semver(&raw.engine_version).is_some_and(|v| Some(v) <= semver(SUPPORTED_ENGINE_VERSION));
        Ok(Rule {
            version_key: semver(&raw.version),
            schema_key: semver(&raw.schema_version),
            engine_ok,
            identifier: raw.identifier,
            rule_type,
            country: raw.country.to_ascii_uppercase(),
            region: raw.region.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
            version: raw.version,
            schema_version: raw.schema_version,
            engine: raw.engine,
            engine_version: raw.engine_version,
            certificate_type,
            descriptions: raw.description.into_iter().map(|d| (d.lang, d.desc)).collect(),
            valid_from,
            valid_to,
            affected_fields: raw.affected_fields,
            logic,
        })
    }

    /// The description in `lang`, else in English, else the first one.
    pub fn description(&self, lang: &str) -> Option<&str> {
        let find = |l: &str| self.descriptions.iter().find(|(dl, _)| dl.eq_ignore_ascii_case(l));
        find(lang).or_else(|| find("en")).or(self.descriptions.first()).map(|(_, d)| d.as_str())
    }

    /// The compiled `Logic`.
    pub fn logic(&self) -> &Expression {
        &self.logic
    }

    /// Whether this engine evaluates the rule (`Engine` CERTLOGIC, an
    /// `EngineVersion` not later than [`SUPPORTED_ENGINE_VERSION`]).
    pub fn engine_supported(&self) -> bool {
        self.engine_ok
    }

    fn valid_at(&self, t: OffsetDateTime) -> bool {
        self.valid_from <= t && t <= self.valid_to
    }

    fn version_order(&self, other: &Rule) -> Ordering {
        self.version_key.cmp(&other.version_key)
    }
}

/// A rule document that could not be used, by its position in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRule {
    /// Position of the document in the input (0-based).
    pub position: usize,
    /// Its `Identifier`, when it could be read.
    pub identifier: Option<String>,
    /// Why it was skipped.
    pub reason: String,
}

/// What rules are evaluated on: the certificate, where and when.
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    /// The DCC (the `-260/1` claim) as JSON: `payload` to the rules.
    pub payload: &'a Value,
    /// Country of arrival (ISO 3166-1 alpha-2): its acceptance rules apply.
    pub country_of_arrival: &'a str,
    /// Region of arrival: then only the rules of that region apply, as in
    /// the DCC verifier apps; without, only the rules without a region.
    pub region: Option<&'a str>,
    /// Country that issued the certificate: its invalidation rules apply.
    pub issuer_country: Option<&'a str>,
    /// The certificate's type.
    pub certificate_type: CertificateType,
    /// The verification time (`external.validationClock`).
    pub validation_clock: OffsetDateTime,
    /// The CWT's expiry (`external.exp`).
    pub exp: Option<OffsetDateTime>,
    /// The CWT's issue time (`external.iat`).
    pub iat: Option<OffsetDateTime>,
    /// The signer's key identifier, base64 (`external.kid`).
    pub kid: Option<&'a str>,
    /// The value sets (`external.valueSets`).
    pub value_sets: &'a ValueSets,
}

/// A set of rules, compiled once, evaluated against many certificates.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

/// A time as JavaScript's `Date.prototype.toISOString` writes it.
fn iso(t: OffsetDateTime) -> String {
    let ms = (t.unix_timestamp_nanos() / 1_000_000) as f64;
    dates::to_iso_string(ms).unwrap_or_default()
}

impl RuleSet {
    /// Parses and compiles rule documents (the DCC Gateway's JSON, as the
    /// trust store keeps them); documents that cannot be used are skipped
    /// and reported.
    pub fn from_json_rules<I, B>(documents: I) -> (RuleSet, Vec<SkippedRule>)
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        let (rules, skipped) = super::read_documents(documents, |position, doc| {
            Rule::from_json(doc).map_err(|reason| {
                let identifier = serde_json::from_slice::<Value>(doc)
                    .ok()
                    .and_then(|v| v.get("Identifier").and_then(Value::as_str).map(str::to_owned));
                SkippedRule { position, identifier, reason }
            })
        });
        (RuleSet { rules }, skipped)
    }

    /// A set of already parsed rules.
    pub fn from_rules(rules: Vec<Rule>) -> RuleSet {
        RuleSet { rules }
    }

    /// Every rule of the set.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules that apply to `ctx`: the acceptance rules of the country
    /// (and region) of arrival and the invalidation rules of the issuing
    /// country, for the certificate's type or `General`, valid at the
    /// validation clock, of each identifier the latest version. Sorted by
    /// type, country and identifier.
    pub fn select(&self, ctx: &RuleContext<'_>) -> Vec<&Rule> {
        let region = ctx.region.map(str::trim).unwrap_or("");
        let mut latest: BTreeMap<(RuleType, &str, &str), &Rule> = BTreeMap::new();
        for r in &self.rules {
            let applies = match r.rule_type {
                RuleType::Acceptance => {
                    r.country.eq_ignore_ascii_case(ctx.country_of_arrival)
                        && r.region.as_deref().unwrap_or("").eq_ignore_ascii_case(region)
                }
                RuleType::Invalidation => ctx.issuer_country.is_some_and(|c| r.country.eq_ignore_ascii_case(c)),
            };
            let typed = r.certificate_type.is_none_or(|t| t == ctx.certificate_type);
            if !(applies && typed && r.valid_at(ctx.validation_clock)) {
                continue;
            }
            latest
                .entry((r.rule_type, r.country.as_str(), r.identifier.as_str()))
                .and_modify(|held| {
                    if r.version_order(held) == Ordering::Greater {
                        *held = r;
                    }
                })
                .or_insert(r);
        }
        latest.into_values().collect()
    }

    /// Evaluates the rules that apply (see [`RuleSet::select`]) on the
    /// certificate; descriptions in `lang` (an ISO 639-1 code), else English.
    pub fn evaluate(&self, ctx: &RuleContext<'_>, lang: &str) -> Vec<RuleResult> {
        let (clock, exp, iat) = (iso(ctx.validation_clock), ctx.exp.map(iso), ctx.iat.map(iso));
        let data = RuleData {
            payload: Some(ctx.payload),
            value_sets: ctx.value_sets.as_json(),
            validation_clock: &clock,
            country_code: ctx.country_of_arrival,
            region: ctx.region,
            issuer_country_code: ctx.issuer_country,
            exp: exp.as_deref(),
            iat: iat.as_deref(),
            kid: ctx.kid,
        };
        let hcert_version = ctx.payload.get("ver").and_then(Value::as_str).and_then(semver);
        self.select(ctx)
            .into_iter()
            .map(|rule| {
                let (outcome, detail) = outcome(rule, hcert_version, &data);
                RuleResult {
                    identifier: rule.identifier.clone(),
                    version: rule.version.clone(),
                    rule_type: rule.rule_type,
                    country: rule.country.clone(),
                    outcome,
                    description: rule.description(lang).unwrap_or_default().to_owned(),
                    affected_fields: rule.affected_fields.clone(),
                    detail,
                }
            })
            .collect()
    }
}

/// One rule's outcome, as dgc-certlogic-android `DefaultCertLogicEngine`
/// decides it (engine, then schema version, then the logic), except that a
/// throwing evaluation fails.
fn outcome(rule: &Rule, hcert_version: Option<(u64, u64, u64)>, data: &RuleData<'_>) -> (RuleOutcome, Option<String>) {
    if !rule.engine_supported() {
        let d = format!(
            "needs engine {} {}; this one is CERTLOGIC {SUPPORTED_ENGINE_VERSION}",
            rule.engine, rule.engine_version
        );
        return (RuleOutcome::Open, Some(d));
    }
    match (hcert_version, rule.schema_key) {
        (Some(h), Some(s)) if h.0 == s.0 => {
            if h < s {
                let d = format!("the certificate's schema version is older than the rule's ({})", rule.schema_version);
                return (RuleOutcome::Failed, Some(d));
            }
        }
        _ => {
            let d = format!("the certificate's schema major version differs from the rule's ({})", rule.schema_version);
            return (RuleOutcome::Open, Some(d));
        }
    }
    match rule.logic.eval(Val::Rule(data)) {
        Ok(Val::Bool(true)) => (RuleOutcome::Passed, None),
        Ok(Val::Bool(false)) => (RuleOutcome::Failed, None),
        Ok(_) => (RuleOutcome::Open, Some("the rule's logic evaluated to a value that is not a boolean".into())),
        Err(e) => (RuleOutcome::Failed, Some(evaluation_error(&e))),
    }
}

fn evaluation_error(e: &EvalError) -> String {
    format!("evaluation error: {e}")
}

#[cfg(test)]
mod tests;
