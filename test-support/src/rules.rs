//! Business-rule inputs the benchmarks and the fuzz harness share: the rule
//! documents of one country in dgc-business-rules-testdata, and a rule
//! context for a vaccination certificate.

use std::path::Path;

use healthcert_core::model::CertificateType;
use healthcert_core::rules::{RuleContext, ValueSets};
use serde_json::Value;
use time::OffsetDateTime;

/// The rule documents of `country` in dgc-business-rules-testdata
/// (`dir/<CC>/<rule>/rule.json`), in the order of their folder names.
pub fn country_rules(dir: &Path, country: &str) -> Vec<Vec<u8>> {
    let mut rules: Vec<_> = std::fs::read_dir(dir.join(country)).unwrap().map(|e| e.unwrap().path()).collect();
    rules.sort();
    rules.iter().map(|d| std::fs::read(d.join("rule.json")).unwrap()).collect()
}

/// The context of rules evaluated on a vaccination certificate for arrival
/// in `country` at `clock`: no region, no issuing country, no CWT times, no
/// kid.
pub fn vaccination_context<'a>(
    payload: &'a Value,
    country: &'a str,
    clock: OffsetDateTime,
    value_sets: &'a ValueSets,
) -> RuleContext<'a> {
    RuleContext {
        payload,
        country_of_arrival: country,
        region: None,
        issuer_country: None,
        certificate_type: CertificateType::Vaccination,
        validation_clock: clock,
        exp: None,
        iat: None,
        kid: None,
        value_sets,
    }
}
