//! The WHO Digital Documentation of COVID-19 Certificates (DDCC) in HC1: the
//! same transport, COSE signature and trust as the EU DCC, with WHO's core
//! data set instead of the EU `hcert` payload.
//!
//! Two forms are in use:
//! - the WHO SMART Trust HCERT: the CWT's `hcert` claim (-260) holds a
//!   DDCC:VS vaccination data set under key 3 or a DDCC:TR test-result data
//!   set under key 4 (key 1 is the EU DCC);
//! - the form of WHO's first issuers and its own validator (sample WHOQR1):
//!   the COSE payload is the DDCC:VS map itself, with no CWT claims; the
//!   validity period then comes from the data set's `valid_from` and
//!   `valid_until`.
//!
//! Field names follow the DDCC logical models (`name`, `birthDate`,
//! `identifier`, `sex`, `vaccine`, `brand`, `manufacturer`, `ma_holder`,
//! `lot`, `date`, `dose`, `total_doses`, `country`, `centre`, `disease`,
//! `due_date`, `pha`, `hcid`, `valid_from`, `valid_until`; a test result in
//! `test`: `pathogen`, `type`, `brand`, `manufacturer`, `origin`, `date`,
//! `result`, `centre`, `country`). Codes are `{code, system}` maps.

use serde_json::Value;

use super::key_usage;
use crate::formats::{Document, Failure, RulesInput, SignedEnvelope, ValidityPolicy};
use crate::model::{
    Certificate, CertificateType, Check, CheckKind, Code, Event, Extra, FormatId, Holder, Reason, TestEvent,
    Vaccination,
};
use crate::trust::SignerKey;

/// The format's name in verdicts: a WHO DDCC carried in HC1.
pub const ID: FormatId = FormatId::new("who-ddcc");

/// The `hcert` claim's key of the DDCC:VS vaccination data set.
pub(super) const HCERT_DDCC_VS: i128 = 3;
/// The `hcert` claim's key of the DDCC:TR test-result data set.
pub(super) const HCERT_DDCC_TR: i128 = 4;

/// Keys of the DDCC logical models: the ones a decoding error may name
/// (any other key is the payload's own text).
pub(super) fn is_known_key(key: &str) -> bool {
    matches!(
        key,
        "name"
            | "birthDate"
            | "identifier"
            | "sex"
            | "vaccine"
            | "brand"
            | "manufacturer"
            | "ma_holder"
            | "lot"
            | "date"
            | "vaccine_valid"
            | "dose"
            | "total_doses"
            | "country"
            | "centre"
            | "hw"
            | "disease"
            | "due_date"
            | "pha"
            | "hcid"
            | "valid_from"
            | "valid_until"
            | "test"
            | "pathogen"
            | "type"
            | "origin"
            | "result"
            | "code"
            | "system"
            | "display"
            | "version"
            | "meta"
    )
}

/// Whether a map read from a COSE payload without CWT claims is a DDCC:VS
/// or DDCC:TR data set (the first form above): a name, and a vaccine or a
/// test.
pub(super) fn looks_like_ddcc(v: &Value) -> bool {
    v.get("name").is_some_and(Value::is_string) && (v.get("vaccine").is_some() || v.get("test").is_some())
}

/// A decoded WHO DDCC.
#[derive(Clone)]
pub struct DdccDocument {
    data: Value,
    /// Which data set: from the `hcert` key, or from the content.
    kind: Option<CertificateType>,
}

impl DdccDocument {
    /// A data set read from the `hcert` claim under `key` (3: DDCC:VS, 4:
    /// DDCC:TR), or, with `None`, a bare data set whose content says which.
    pub(super) fn new(data: Value, key: Option<i128>) -> Self {
        let kind = match key {
            Some(HCERT_DDCC_VS) => Some(CertificateType::Vaccination),
            Some(HCERT_DDCC_TR) => Some(CertificateType::Test),
            _ => match (data.get("vaccine").is_some(), data.get("test").is_some()) {
                (true, false) => Some(CertificateType::Vaccination),
                (false, true) => Some(CertificateType::Test),
                _ => None,
            },
        };
        Self { data, kind }
    }

    /// The validity period the data set states (`valid_from`, `valid_until`,
    /// a date or a date-time): from the start of the first day to the end of
    /// the last.
    pub(super) fn validity_period(&self) -> (Option<time::OffsetDateTime>, Option<time::OffsetDateTime>) {
        let at = |key: &str| self.data.get(key).and_then(Value::as_str).and_then(crate::time_parse::lenient);
        let until = self.data.get("valid_until").and_then(Value::as_str).and_then(|s| {
            match crate::time_parse::full_date(s.trim()) {
                // A date is valid to its end.
                Some(d) => d.next_day().map(|d| d.midnight().assume_utc() - time::Duration::SECOND),
                None => crate::time_parse::lenient(s),
            }
        });
        (at("valid_from"), until)
    }

    /// The test result of a DDCC:TR data set (its `test` element).
    fn test(&self) -> &Value {
        self.data.get("test").unwrap_or(&Value::Null)
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key)?.as_u64()
}

/// A coding: `{code, system, display}` (or a bare code).
fn code(v: &Value, key: &str) -> Option<Code> {
    match v.get(key)? {
        Value::String(s) => Some(Code::new(s.clone(), None)),
        c @ Value::Object(_) => {
            let value = text(c, "code")?;
            let system = c.get("system").and_then(Value::as_str);
            Some(Code::new(value, system).with_display(text(c, "display")))
        }
        _ => None,
    }
}

/// An identifier: text, or a FHIR Identifier's `value`.
fn identifier(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::Object(_) => text(v.get(key)?, "value"),
        _ => text(v, key),
    }
}

/// The type a key must have, for the schema check.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Count,
    Coding,
    TextOrIdentifier,
    TextOrCoding,
}

impl Kind {
    fn accepts(self, v: &Value) -> bool {
        match self {
            Kind::Text => v.is_string(),
            Kind::Count => v.as_u64().is_some_and(|n| n >= 1),
            Kind::Coding => v.get("code").is_some_and(|c| c.is_string() || c.is_number()),
            Kind::TextOrIdentifier => v.is_string() || v.get("value").is_some_and(Value::is_string),
            Kind::TextOrCoding => v.is_string() || Kind::Coding.accepts(v),
        }
    }
}

/// DDCCCoreDataSet: `name` 1..1; the rest 0..1 with these types.
const HOLDER_FIELDS: &[(&str, Kind)] =
    &[("birthDate", Kind::Text), ("identifier", Kind::TextOrIdentifier), ("sex", Kind::Coding)];
/// DDCCCoreDataSetVS: `vaccine`, `date`, `dose` 1..1.
const VACCINATION_FIELDS: &[(&str, Kind)] = &[
    ("vaccine", Kind::Coding),
    ("brand", Kind::Coding),
    ("manufacturer", Kind::TextOrCoding),
    ("ma_holder", Kind::Coding),
    ("lot", Kind::Text),
    ("date", Kind::Text),
    ("due_date", Kind::Text),
    ("dose", Kind::Count),
    ("total_doses", Kind::Count),
    ("country", Kind::Coding),
    ("centre", Kind::Text),
    ("disease", Kind::Coding),
    ("hcid", Kind::TextOrIdentifier),
    ("pha", Kind::Text),
    ("valid_from", Kind::Text),
    ("valid_until", Kind::Text),
];
const VACCINATION_REQUIRED: &[&str] = &["vaccine", "date", "dose"];
/// DDCCCoreDataSetTR: `pathogen`, `type`, `date`, `result` 1..1.
const TEST_FIELDS: &[(&str, Kind)] = &[
    ("pathogen", Kind::Coding),
    ("type", Kind::Coding),
    ("brand", Kind::Coding),
    ("manufacturer", Kind::Coding),
    ("origin", Kind::Coding),
    ("date", Kind::Text),
    ("result", Kind::Coding),
    ("centre", Kind::TextOrCoding),
    ("country", Kind::Coding),
];
const TEST_REQUIRED: &[&str] = &["pathogen", "type", "date", "result"];

/// What is wrong with `v` against `fields` and `required` (field names only:
/// never values).
fn violations(v: &Value, fields: &[(&str, Kind)], required: &[&str], out: &mut Vec<String>) {
    for key in required {
        if v.get(*key).is_none_or(Value::is_null) {
            out.push(format!("{key} is missing"));
        }
    }
    for (key, kind) in fields {
        if let Some(value) = v.get(*key).filter(|v| !v.is_null())
            && !kind.accepts(value)
        {
            out.push(format!("{key} has the wrong type"));
        }
    }
}

impl Document for DdccDocument {
    fn certificate_type(&self) -> Result<CertificateType, Failure> {
        self.kind.ok_or_else(|| {
            Failure::new(Reason::CertificateTypeAmbiguous, "the DDCC data set has neither or both of vaccine and test")
        })
    }

    /// The DDCC logical models' cardinalities and types (WHO DDCC
    /// implementation guide: DDCCCoreDataSet, DDCCCoreDataSetVS,
    /// DDCCCoreDataSetTR).
    /// No deviations are tolerated, so `strict` changes nothing.
    fn schema_check(&self, _strict: bool) -> Check {
        let Some(kind) = self.kind else {
            return Check::fail(
                CheckKind::Schema,
                Reason::GroupCount,
                "the DDCC data set has neither or both of vaccine and test; exactly one is required",
            );
        };
        if !self.data.is_object() {
            return Check::fail(CheckKind::Schema, Reason::SchemaInvalid, "the DDCC data set is not a map");
        }
        let mut found = Vec::new();
        violations(&self.data, HOLDER_FIELDS, &["name"], &mut found);
        if !self.data.get("name").is_some_and(Value::is_string) && !found.iter().any(|f| f.starts_with("name")) {
            found.push("name has the wrong type".into());
        }
        let (model, fields, required) = match kind {
            CertificateType::Test => ("DDCC:TR", TEST_FIELDS, TEST_REQUIRED),
            _ => ("DDCC:VS", VACCINATION_FIELDS, VACCINATION_REQUIRED),
        };
        let event = if kind == CertificateType::Test { self.test() } else { &self.data };
        if !event.is_object() {
            found.push("test is not a map".into());
        } else {
            violations(event, fields, required, &mut found);
        }
        if found.is_empty() {
            Check::pass(CheckKind::Schema, format!("follows the WHO {model} core data set"))
        } else {
            Check::fail(
                CheckKind::Schema,
                Reason::SchemaInvalid,
                format!("against the WHO {model} core data set: {}", found.join("; ")),
            )
        }
    }

    /// The same trust domain as the EU DCC: a signer whose extended key
    /// usage names certificate types may sign only those.
    fn key_usage_check(&self, signer: &SignerKey) -> Check {
        key_usage::check(signer, self.certificate_type().as_ref().map(|t| *t))
    }

    /// The CWT form carries `iat` and `exp` as HC1 does; the bare form has
    /// only the data set's validity period. Neither is required, and the
    /// signer's validity does not bound the certificate's (the DDCC
    /// guidance sets no such rule).
    fn validity_policy(&self) -> ValidityPolicy {
        ValidityPolicy { expiry_required: false, issued_at_required: false, within_signer_validity: false }
    }

    /// EU business rules are written for the EU DCC payload: not applicable.
    fn rules_input(&self) -> Option<RulesInput<'_>> {
        None
    }

    fn normalize(&self, envelope: &SignedEnvelope) -> Certificate {
        let d = &self.data;
        let holder = Holder {
            name: text(d, "name").unwrap_or_default(),
            date_of_birth: text(d, "birthDate"),
            sex: code(d, "sex"),
            identifier: identifier(d, "identifier"),
            ..Default::default()
        };
        let certificate_id = identifier(d, "hcid");
        let issuer = text(d, "pha");
        let events = match self.kind {
            Some(CertificateType::Vaccination) => vec![Event::Vaccination(Vaccination {
                disease: code(d, "disease"),
                vaccine: code(d, "vaccine"),
                brand: code(d, "brand"),
                manufacturer: code(d, "manufacturer"),
                market_authorization_holder: code(d, "ma_holder"),
                lot: text(d, "lot"),
                dose_number: count(d, "dose"),
                total_doses: count(d, "total_doses"),
                date: text(d, "date"),
                next_dose: text(d, "due_date"),
                country: code(d, "country"),
                centre: text(d, "centre"),
                issuer: issuer.clone(),
                certificate_id: certificate_id.clone(),
            })],
            Some(CertificateType::Test) => {
                let t = self.test();
                vec![Event::Test(TestEvent {
                    disease: code(t, "pathogen"),
                    test_type: code(t, "type"),
                    test_name: None,
                    test_device: code(t, "brand").or_else(|| code(t, "manufacturer")),
                    sample_collected_at: text(t, "date"),
                    result: code(t, "result"),
                    centre: text(t, "centre").or_else(|| code(t, "centre").map(|c| c.code)),
                    country: code(t, "country"),
                    issuer: issuer.clone(),
                    certificate_id: certificate_id.clone(),
                })]
            }
            _ => Vec::new(),
        };
        let mut c = Certificate::new(self.kind, holder, events);
        c.issuer_country = envelope.issuer.clone();
        c.issuer = issuer;
        c.certificate_id = certificate_id;
        c.issued_at = envelope.times.issued_at.instant();
        c.expires_at = envelope.times.expires_at.instant();
        c.valid_from = text(d, "valid_from");
        c.valid_until = text(d, "valid_until");
        for key in ["vaccine_valid", "hw"] {
            if let Some(v) = text(d, key) {
                c.extras.push(Extra::new(key, v));
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn schema_names_fields_never_values() {
        let ok = json!({"name": "A B", "vaccine": {"code": "1119349007", "system": "http://snomed.info/sct"},
                        "date": "2021-07-08", "dose": 1});
        assert_eq!(DdccDocument::new(ok, None).schema_check(false).reason, Reason::Ok);
        let bad = json!({"name": "SECRET", "vaccine": "SECRETCODE", "dose": 0, "birthDate": 19860919});
        let check = DdccDocument::new(bad, None).schema_check(false);
        assert_eq!(check.reason, Reason::SchemaInvalid);
        assert!(!check.detail.contains("SECRET"), "{}", check.detail);
        for named in ["date is missing", "vaccine has the wrong type", "dose has the wrong type", "birthDate"] {
            assert!(check.detail.contains(named), "{named}: {}", check.detail);
        }
        let test = json!({"name": "A", "test": {"pathogen": {"code": "840539006"}, "type": {"code": "LP6464-4"},
                          "date": "2021-07-08T10:00:00Z", "result": {"code": "260415000"}}});
        let doc = DdccDocument::new(test, None);
        assert_eq!((doc.certificate_type(), doc.schema_check(false).reason), (Ok(CertificateType::Test), Reason::Ok));
        let neither = DdccDocument::new(json!({"name": "A"}), None);
        assert_eq!(neither.schema_check(false).reason, Reason::GroupCount);
        assert_eq!(neither.certificate_type().map_err(|f| f.reason), Err(Reason::CertificateTypeAmbiguous));
    }

    #[test]
    fn the_validity_period_covers_whole_days() {
        let doc = DdccDocument::new(json!({"valid_from": "2021-07-08", "valid_until": "2022-07-08"}), None);
        let (from, until) = doc.validity_period();
        assert_eq!(from.map(crate::time_parse::format_utc).as_deref(), Some("2021-07-08T00:00:00Z"));
        assert_eq!(until.map(crate::time_parse::format_utc).as_deref(), Some("2022-07-08T23:59:59Z"));
        let doc = DdccDocument::new(json!({"valid_until": "2022-07-08T12:00:00Z"}), None);
        assert_eq!(doc.validity_period().1.map(crate::time_parse::format_utc).as_deref(), Some("2022-07-08T12:00:00Z"));
    }
}
