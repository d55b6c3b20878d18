//! The business-rule service tree `trust/rules/`: CertLogic rules in the EU
//! rule shape for the test country `XT` and for arrival in `DE`, minimal EU
//! value sets holding the codes of the fixture certificates, the country
//! list, and an `X-SIGNATURE` for every body.
//!
//! Signatures follow the DGCA business-rule service: the hash of a body is
//! the lowercase hex SHA-256 of its bytes, and the signature is ECDSA P-256
//! SHA-256 over the UTF-8 bytes of that hex string, DER-encoded, in base64.

use std::collections::BTreeMap;

use anyhow::Result;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::manifest::pretty;
use crate::pki::Key;

/// Lowercase hex SHA-256.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The `X-SIGNATURE` of a body (see the module doc), base64 with a newline.
pub(crate) fn signature(body: &[u8], key: &Key) -> Result<Vec<u8>> {
    let der = key.sign_der(hex_sha256(body).as_bytes()).ok_or_else(|| anyhow::anyhow!("rules key is not P-256"))?;
    let mut out = base64::engine::general_purpose::STANDARD.encode(der).into_bytes();
    out.push(b'\n');
    Ok(out)
}

#[derive(Serialize)]
struct Desc {
    lang: &'static str,
    desc: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Rule {
    identifier: &'static str,
    #[serde(rename = "Type")]
    kind: &'static str,
    country: &'static str,
    version: &'static str,
    schema_version: &'static str,
    engine: &'static str,
    engine_version: &'static str,
    certificate_type: &'static str,
    description: Vec<Desc>,
    valid_from: &'static str,
    valid_to: &'static str,
    affected_fields: Vec<&'static str>,
    logic: Value,
}

fn rule(
    identifier: &'static str,
    country: &'static str,
    certificate_type: &'static str,
    description: Vec<Desc>,
    affected_fields: Vec<&'static str>,
    logic: Value,
) -> Rule {
    Rule {
        identifier,
        kind: "Acceptance",
        country,
        version: "1.0.0",
        schema_version: "1.0.0",
        engine: "CERTLOGIC",
        engine_version: "1.0.0",
        certificate_type,
        description,
        valid_from: "2026-01-01T00:00:00Z",
        valid_to: "2030-01-01T00:00:00Z",
        affected_fields,
        logic,
    }
}

fn en(desc: &str) -> Vec<Desc> {
    vec![Desc { lang: "en", desc: desc.into() }]
}

/// The descriptions of a rule for arrival in DE, in English and German.
fn in_de(en: &str, de: &str) -> Vec<Desc> {
    vec![
        Desc { lang: "en", desc: format!("Test rule for arrival in DE: {en}") },
        Desc { lang: "de", desc: format!("Testregel für die Einreise nach DE: {de}") },
    ]
}

/// `{"if": [group present, check, true]}`: a rule that holds for
/// certificates without the group.
fn when(group: &str, check: Value) -> Value {
    json!({"if": [{"var": format!("payload.{group}.0")}, check, true]})
}

/// Every rule. Each valid fixture certificate passes every rule at the
/// reference time.
fn rules() -> Vec<Rule> {
    let series_complete = || when("v", json!({">=": [{"var": "payload.v.0.dn"}, {"var": "payload.v.0.sd"}]}));
    let negative = || when("t", json!({"===": [{"var": "payload.t.0.tr"}, "260415000"]}));
    let today = json!({"plusTime": [{"var": "external.validationClock"}, 0, "day"]});
    let tg = json!({"if": [
        {"var": "payload.v.0"}, {"var": "payload.v.0.tg"},
        {"if": [{"var": "payload.t.0"}, {"var": "payload.t.0.tg"}, {"var": "payload.r.0.tg"}]}
    ]});
    vec![
        rule(
            "GR-XT-0001",
            "XT",
            "General",
            en("The disease or agent targeted is in the value set disease-agent-targeted."),
            vec!["v.0.tg", "t.0.tg", "r.0.tg"],
            json!({"in": [tg, {"var": "external.valueSets.disease-agent-targeted"}]}),
        ),
        rule(
            "RR-XT-0001",
            "XT",
            "Recovery",
            en("The recovery certificate is inside its validity window (df to du)."),
            vec!["r.0", "r.0.df", "r.0.du"],
            when(
                "r",
                json!({"and": [
                    {"not-before": [today.clone(), {"plusTime": [{"var": "payload.r.0.df"}, 0, "day"]}]},
                    {"not-after": [today, {"plusTime": [{"var": "payload.r.0.du"}, 0, "day"]}]}
                ]}),
            ),
        ),
        rule(
            "TR-XT-0001",
            "XT",
            "Test",
            en("The test result is negative (not detected)."),
            vec!["t.0", "t.0.tr"],
            negative(),
        ),
        rule(
            "VR-XT-0001",
            "XT",
            "Vaccination",
            en("The vaccination series is complete: dose number at least the total number of doses."),
            vec!["v.0", "v.0.dn", "v.0.sd"],
            series_complete(),
        ),
        rule(
            "VR-XT-0002",
            "XT",
            "Vaccination",
            en("The vaccine is in the value set vaccines-covid-19-names."),
            vec!["v.0", "v.0.mp"],
            when(
                "v",
                json!({"in": [{"var": "payload.v.0.mp"}, {"var": "external.valueSets.vaccines-covid-19-names"}]}),
            ),
        ),
        rule(
            "TR-DE-0101",
            "DE",
            "Test",
            in_de("the test result is negative.", "das Testergebnis ist negativ."),
            vec!["t.0", "t.0.tr"],
            negative(),
        ),
        rule(
            "VR-DE-0101",
            "DE",
            "Vaccination",
            in_de("the vaccination series is complete.", "die Impfserie ist abgeschlossen."),
            vec!["v.0", "v.0.dn", "v.0.sd"],
            series_complete(),
        ),
    ]
}

/// The travel-planning rules (`trust/travel-rules/`, imported with `rules
/// import`, not served): arrival in the test country `XW`, where a
/// vaccination is accepted for 270 days after its date. The vaccination
/// fixtures (dose 2026-05-20) pass at the reference time and fail from
/// 2027-02-14T00:00:01Z, one second after `dt` + 270 days: `wallet check`
/// finds that instant.
fn travel_rules() -> Vec<Rule> {
    vec![rule(
        "VR-XW-0001",
        "XW",
        "Vaccination",
        en("Test rule for arrival in XW: the vaccination is at most 270 days old."),
        vec!["v.0", "v.0.dt"],
        when(
            "v",
            json!({"not-after": [
                {"plusTime": [{"var": "external.validationClock"}, 0, "day"]},
                {"plusTime": [{"var": "payload.v.0.dt"}, 270, "day"]}
            ]}),
        ),
    )]
}

/// Every file of `trust/travel-rules/`, in the dgc-business-rules layout
/// (`<CC>/<rule>/rule.json`).
pub(crate) fn travel_files() -> Result<Vec<(String, Vec<u8>)>> {
    travel_rules()
        .iter()
        .map(|r| Ok((format!("trust/travel-rules/{}/{}/rule.json", r.country, r.identifier), pretty(r)?)))
        .collect()
}

#[derive(Serialize)]
struct Code {
    display: &'static str,
    lang: &'static str,
    active: bool,
    version: &'static str,
    system: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValueSet {
    value_set_id: &'static str,
    value_set_date: &'static str,
    value_set_values: BTreeMap<&'static str, Code>,
}

const SNOMED: &str = "http://snomed.info/sct";
const SNOMED_VERSION: &str = "http://snomed.info/sct/900000000000207008/version/20210131";

fn value_set(id: &'static str, codes: &[(&'static str, &'static str, &'static str, &'static str)]) -> ValueSet {
    let values = codes
        .iter()
        .map(|&(code, display, system, version)| (code, Code { display, lang: "en", active: true, version, system }))
        .collect();
    ValueSet { value_set_id: id, value_set_date: "2026-01-01", value_set_values: values }
}

/// A subset of the EU value sets: the codes the fixture certificates use.
fn value_sets() -> Vec<ValueSet> {
    let loinc = "http://loinc.org";
    vec![
        value_set(
            "covid-19-lab-result",
            &[("260373001", "Detected", SNOMED, SNOMED_VERSION), ("260415000", "Not detected", SNOMED, SNOMED_VERSION)],
        ),
        value_set(
            "covid-19-lab-test-type",
            &[
                ("LP217198-3", "Rapid immunoassay", loinc, "2.69"),
                ("LP6464-4", "Nucleic acid amplification with probe detection", loinc, "2.69"),
            ],
        ),
        value_set("disease-agent-targeted", &[("840539006", "COVID-19", SNOMED, SNOMED_VERSION)]),
        value_set(
            "sct-vaccines-covid-19",
            &[
                ("1119349007", "SARS-CoV-2 mRNA vaccine", SNOMED, SNOMED_VERSION),
                ("J07BX03", "covid-19 vaccines", "http://www.whocc.no/atc", "2021-01"),
            ],
        ),
        value_set(
            "vaccines-covid-19-auth-holders",
            &[("ORG-100030215", "Biontech Manufacturing GmbH", "https://spor.ema.europa.eu/v1/organisations", "")],
        ),
        value_set(
            "vaccines-covid-19-names",
            &[("EU/1/20/1528", "Comirnaty", "https://ec.europa.eu/health/documents/community-register/html/", "")],
        ),
    ]
}

#[derive(Serialize)]
struct RuleItem<'a> {
    identifier: &'a str,
    version: &'a str,
    country: &'a str,
    hash: String,
}

#[derive(Serialize)]
struct ValueSetItem<'a> {
    id: &'a str,
    hash: String,
}

/// One body and its signature file under `trust/rules/`.
fn signed(out: &mut Vec<(String, Vec<u8>)>, path: String, body: Vec<u8>, key: &Key) -> Result<()> {
    out.push((format!("{path}.sig"), signature(&body, key)?));
    out.push((path, body));
    Ok(())
}

/// Every file of `trust/rules/` (paths relative to the fixtures root).
pub(crate) fn files(key: &Key) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut rules = rules();
    rules.sort_by_key(|r| r.identifier);
    let mut items = Vec::new();
    for r in &rules {
        let body = pretty(r)?;
        let hash = hex_sha256(&body);
        signed(&mut out, format!("trust/rules/rule/{}/{hash}.json", r.country), body, key)?;
        items.push(RuleItem { identifier: r.identifier, version: r.version, country: r.country, hash });
    }
    signed(&mut out, "trust/rules/rules.json".into(), serde_json::to_vec(&items)?, key)?;

    let mut sets = Vec::new();
    for v in &value_sets() {
        let body = pretty(v)?;
        let hash = hex_sha256(&body);
        signed(&mut out, format!("trust/rules/valueset/{hash}.json"), body, key)?;
        sets.push(ValueSetItem { id: v.value_set_id, hash });
    }
    signed(&mut out, "trust/rules/valuesets.json".into(), serde_json::to_vec(&sets)?, key)?;

    let mut countries: Vec<&str> = rules.iter().map(|r| r.country).collect();
    countries.sort_unstable();
    countries.dedup();
    signed(&mut out, "trust/rules/countrylist.json".into(), serde_json::to_vec(&countries)?, key)?;
    out.push(("trust/rules/signing-key.pem".into(), key.public_pem()?.into_bytes()));
    Ok(out)
}

/// The README section listing the rules and value sets with their hashes.
pub(crate) fn readme() -> Result<String> {
    let mut s = String::from(
        "\n### Rules and value sets\n\n| rule | country | type | hash | what |\n| --- | --- | --- | --- | --- |\n",
    );
    let mut rules = rules();
    rules.sort_by_key(|r| r.identifier);
    for r in &rules {
        let hash = hex_sha256(&pretty(r)?);
        let what = r.description.first().map_or("", |d| d.desc.as_str());
        s.push_str(&format!(
            "| `{}` | {} | {} | `{}…` | {what} |\n",
            r.identifier,
            r.country,
            r.certificate_type,
            &hash[..12]
        ));
    }
    s.push_str("\n| value set | hash | codes |\n| --- | --- | --- |\n");
    for v in &value_sets() {
        let hash = hex_sha256(&pretty(v)?);
        let codes: Vec<String> = v.value_set_values.keys().map(|c| format!("`{c}`")).collect();
        s.push_str(&format!("| `{}` | `{}…` | {} |\n", v.value_set_id, &hash[..12], codes.join(", ")));
    }
    Ok(s)
}
