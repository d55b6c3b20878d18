use serde_json::{Value, json};
use time::macros::datetime;

use super::*;

fn rule(id: &str, version: &str, cert: &str, logic: Value) -> Value {
    json!({
        "Identifier": id, "Type": "Acceptance", "Country": "XT", "Version": version,
        "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "0.7.5",
        "CertificateType": cert,
        "Description": [{"lang": "en", "desc": format!("{id} en")}, {"lang": "de", "desc": format!("{id} de")}],
        "ValidFrom": "2021-07-01T00:00:00Z", "ValidTo": "2030-06-01T00:00:00Z",
        "AffectedFields": ["v.0.dn"], "Logic": logic
    })
}

fn set(rules: &[Value]) -> RuleSet {
    let (set, skipped) = RuleSet::from_json_rules(rules.iter().map(|r| serde_json::to_vec(r).unwrap()));
    assert!(skipped.is_empty(), "{skipped:?}");
    set
}

fn ctx<'a>(payload: &'a Value, vs: &'a ValueSets) -> RuleContext<'a> {
    RuleContext {
        payload,
        country_of_arrival: "XT",
        region: None,
        issuer_country: Some("XA"),
        certificate_type: CertificateType::Vaccination,
        validation_clock: datetime!(2026-09-01 12:00 UTC),
        exp: Some(datetime!(2027-09-01 12:00 UTC)),
        iat: Some(datetime!(2026-05-01 12:00 UTC)),
        kid: Some("dGVzdGtpZDE="),
        value_sets: vs,
    }
}

#[test]
fn selection_takes_the_latest_valid_version_of_the_type() {
    let mut old = rule("VR-XT-0001", "1.0.0", "Vaccination", json!(false));
    old["Version"] = json!("1.0.9");
    let new = rule("VR-XT-0001", "1.0.10", "Vaccination", json!(true));
    let mut future = rule("VR-XT-0001", "2.0.0", "Vaccination", json!(false));
    future["ValidFrom"] = json!("2027-01-01T00:00:00Z");
    let test_rule = rule("TR-XT-0001", "1.0.0", "Test", json!(false));
    let general = rule(
        "GR-XT-0001",
        "1.0.0",
        "General",
        json!({"in": [{"var": "payload.v.0.mp"}, {"var": "external.valueSets.vaccines-covid-19-names"}]}),
    );
    let mut other_country = rule("VR-XB-0001", "1.0.0", "Vaccination", json!(false));
    other_country["Country"] = json!("XB");
    let mut regional = rule("VR-XT-0002", "1.0.0", "Vaccination", json!(false));
    regional["Region"] = json!("BW");
    let mut invalidation =
        rule("IR-XA-0001", "1.0.0", "General", json!({"===": [{"var": "external.kid"}, "dGVzdGtpZDE="]}));
    invalidation["Type"] = json!("Invalidation");
    invalidation["Country"] = json!("XA");
    let set = set(&[old, new, future, test_rule, general, other_country, regional, invalidation]);

    let payload = json!({"ver": "1.3.0", "v": [{"mp": "EU/1/20/1528", "dn": 2, "sd": 2}]});
    let vs = ValueSets::from_map(&json!({"vaccines-covid-19-names": ["EU/1/20/1528"]})).unwrap();
    let results = set.evaluate(&ctx(&payload, &vs), "de");
    let got: Vec<(&str, &str, RuleOutcome, &str)> = results
        .iter()
        .map(|r| (r.identifier.as_str(), r.version.as_str(), r.outcome, r.description.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("GR-XT-0001", "1.0.0", RuleOutcome::Passed, "GR-XT-0001 de"),
            ("VR-XT-0001", "1.0.10", RuleOutcome::Passed, "VR-XT-0001 de"),
            ("IR-XA-0001", "1.0.0", RuleOutcome::Passed, "IR-XA-0001 de"),
        ]
    );
    // With a region, only that region's rules apply; unknown language → English.
    let mut c = ctx(&payload, &vs);
    c.region = Some("bw");
    let ids: Vec<(String, String)> =
        set.evaluate(&c, "xx").into_iter().map(|r| (r.identifier, r.description)).collect();
    assert_eq!(ids[0], ("VR-XT-0002".to_owned(), "VR-XT-0002 en".to_owned()));
}

#[test]
fn outcomes_passed_failed_open() {
    let mut later_engine = rule("VR-XT-0003", "1.0.0", "Vaccination", json!(true));
    later_engine["EngineVersion"] = json!("2.0.0");
    let mut newer_schema = rule("VR-XT-0004", "1.0.0", "Vaccination", json!(true));
    newer_schema["SchemaVersion"] = json!("1.4.0");
    let set = set(&[
        rule(
            "VR-XT-0001",
            "1.0.0",
            "Vaccination",
            json!({">=": [{"var": "payload.v.0.dn"}, {"var": "payload.v.0.sd"}]}),
        ),
        rule("VR-XT-0002", "1.0.0", "Vaccination", json!({"var": "payload.v.0.mp"})),
        later_engine,
        newer_schema,
        rule(
            "VR-XT-0005",
            "1.0.0",
            "Vaccination",
            json!({"before": [{"plusTime": [{"var": "payload.v.0.dt"}, 0, "day"]}, {"plusTime": [{"var": "external.validationClock"}, -270, "day"]}]}),
        ),
        rule(
            "VR-XT-0006",
            "1.0.0",
            "Vaccination",
            json!({"after": [{"plusTime": [{"var": "external.exp"}, 0, "day"]}, {"plusTime": [{"var": "external.iat"}, 0, "day"]}]}),
        ),
    ]);
    let payload = json!({"ver": "1.3.0", "v": [{"mp": "EU/1/20/1528", "dn": 1, "sd": 2, "dt": "ERIKA-not-a-date"}]});
    let vs = ValueSets::new();
    let results = set.evaluate(&ctx(&payload, &vs), "en");
    let outcomes: Vec<RuleOutcome> = results.iter().map(|r| r.outcome).collect();
    use RuleOutcome::*;
    assert_eq!(outcomes, [Failed, Open, Open, Failed, Failed, Passed]);
    let err = results[4].detail.as_deref().unwrap();
    assert!(err.contains("plusTime") && !err.contains("ERIKA"), "{err}");
    assert_eq!(results[0].affected_fields, ["v.0.dn"]);
}

#[test]
fn unusable_documents_are_skipped_with_a_reason() {
    let mut bad_time = rule("VR-XT-0001", "1.0.0", "Vaccination", json!(true));
    bad_time["ValidFrom"] = json!("22022-01-15T00:00:00Z");
    let docs = [serde_json::to_vec(&bad_time).unwrap(), b"{\"Identifier\": ".to_vec(), b"[]".to_vec()];
    let (set, skipped) = RuleSet::from_json_rules(docs);
    assert!(set.rules().is_empty());
    assert_eq!(skipped.len(), 3);
    assert_eq!(skipped[0].identifier.as_deref(), Some("VR-XT-0001"));
    assert!(skipped[0].reason.contains("ValidFrom"));
}

#[test]
fn external_is_what_the_apps_pass() {
    let expr = Expression::compile(&json!({"var": "external"})).unwrap();
    let payload = json!({"ver": "1.3.0"});
    let vs = ValueSets::new();
    let c = ctx(&payload, &vs);
    let clock = iso(c.validation_clock);
    let data = RuleData {
        payload: Some(&payload),
        value_sets: vs.as_json(),
        validation_clock: &clock,
        country_code: "XT",
        region: None,
        issuer_country_code: Some("XA"),
        exp: None,
        iat: None,
        kid: Some("a2lk"),
    };
    let v = expr.eval(Val::Rule(&data)).unwrap().to_json();
    assert_eq!(
        v,
        json!({"validationClock": "2026-09-01T12:00:00.000Z", "valueSets": {}, "countryCode": "XT", "issuerCountryCode": "XA", "kid": "a2lk"})
    );
}
