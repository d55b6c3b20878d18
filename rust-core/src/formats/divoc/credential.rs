//! A DIVOC credential as a [`Document`]: its type, its schema check, and
//! its mapping to the normalized certificate (the WHO DDCC core data set,
//! as WHO's validator maps it).
//!
//! **Only what the proof signs is shown.** JSON-LD drops a member its
//! contexts do not define, so such a member is not signed: it could be
//! added to a genuine credential without breaking the proof. Every value
//! read into the normalized certificate must therefore appear among the
//! signed N-Quads' literals ([`ProofInput::signs_literal`]); one that does
//! not is left out, and the schema check names it (`SCHEMA_DEVIATION`, or
//! `SCHEMA_INVALID` when strict).
//!
//! Field names: DIVOC's vaccination contexts v1 and v2
//! (`https://cowin.gov.in/credentials/vaccination/v1`, `…/v2`).

use serde_json::Value;

use crate::formats::{Document, Failure, RulesInput, SignedEnvelope, ValidityPolicy};
use crate::jsonld::ProofInput;
use crate::model::{Certificate, CertificateType, Check, CheckKind, Code, Event, Extra, Holder, Reason, Vaccination};
use crate::trust::SignerKey;

/// The W3C credentials context every credential names first.
pub const CREDENTIALS_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// The credential type of a proof of vaccination.
pub const TYPE_VACCINATION: &str = "ProofOfVaccinationCredential";

/// ISO 3166-1 alpha-2, the code system of `addressCountry`.
const ISO3166: &str = "urn:iso:std:iso:3166";

/// The subject's members read, by name.
const SUBJECT_FIELDS: [&str; 9] = ["id", "refId", "name", "gender", "sex", "age", "dob", "nationality", "uhid"];

/// Each vaccination's members read, by path.
const EVIDENCE_FIELDS: [&[&str]; 11] = [
    &["vaccine"],
    &["manufacturer"],
    &["batch"],
    &["date"],
    &["dose"],
    &["totalDoses"],
    &["certificateId"],
    &["effectiveStart"],
    &["effectiveUntil"],
    &["facility", "name"],
    &["facility", "address", "addressCountry"],
];

/// A decoded credential with what its proof signs.
pub struct DivocCredential {
    vc: Value,
    input: ProofInput,
    /// The paths of members read here that the proof does not sign.
    unsigned: Vec<String>,
}

/// A JSON scalar as the literal JSON-LD makes of it.
fn literal(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

impl DivocCredential {
    /// A credential and what its proof covers.
    pub fn new(vc: Value, input: ProofInput) -> Self {
        let mut unsigned = Vec::new();
        let mut check = |v: Option<&Value>, path: String| {
            if let Some(text) = v.and_then(literal)
                && !signs(&input, &text)
            {
                unsigned.push(path);
            }
        };
        let subject = &vc["credentialSubject"];
        for name in SUBJECT_FIELDS {
            check(subject.get(name), format!("credentialSubject.{name}"));
        }
        for (i, evidence) in Self::evidence_of(&vc).iter().enumerate() {
            for path in EVIDENCE_FIELDS {
                check(at(evidence, path), format!("evidence[{i}].{}", path.join(".")));
            }
        }
        Self { vc, input, unsigned }
    }

    fn evidence_of(vc: &Value) -> &[Value] {
        vc.get("evidence").and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// The credential, as received.
    pub fn json(&self) -> &Value {
        &self.vc
    }

    /// The canonical N-Quads of the credential without its proof: what is
    /// signed.
    pub fn signed_nquads(&self) -> &str {
        &self.input.document_nquads
    }

    /// The members read here that the proof does not sign, by path.
    pub fn unsigned_fields(&self) -> &[String] {
        &self.unsigned
    }

    /// The value at `path` under `v` as text, when the proof signs it.
    fn signed(&self, v: &Value, path: &[&str]) -> Option<String> {
        at(v, path).and_then(literal).filter(|t| signs(&self.input, t))
    }

    fn signed_u64(&self, v: &Value, path: &[&str]) -> Option<u64> {
        self.signed(v, path).and_then(|t| t.parse().ok())
    }

    fn types(&self) -> Vec<&str> {
        match self.vc.get("type") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(s)) => vec![s.as_str()],
            _ => Vec::new(),
        }
    }

    fn schema_problem(&self) -> Option<String> {
        let first_context = match self.vc.get("@context") {
            Some(Value::Array(a)) => a.first().and_then(Value::as_str),
            Some(Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        if first_context != Some(CREDENTIALS_CONTEXT) {
            return Some(format!("@context does not start with {CREDENTIALS_CONTEXT}"));
        }
        if !self.types().contains(&"VerifiableCredential") {
            return Some("type does not include VerifiableCredential".into());
        }
        let subject = &self.vc["credentialSubject"];
        if subject.get("name").and_then(Value::as_str).is_none_or(str::is_empty) {
            return Some("credentialSubject.name is missing".into());
        }
        if self.vc.get("issuanceDate").and_then(Value::as_str).is_none() {
            return Some("issuanceDate is missing".into());
        }
        let evidence = Self::evidence_of(&self.vc);
        if evidence.is_empty() {
            return Some("evidence holds no vaccination".into());
        }
        for (i, e) in evidence.iter().enumerate() {
            for field in ["vaccine", "date"] {
                if e.get(field).and_then(Value::as_str).is_none() {
                    return Some(format!("evidence[{i}].{field} is missing"));
                }
            }
            if e.get("dose").and_then(Value::as_u64).is_none_or(|d| d == 0) {
                return Some(format!("evidence[{i}].dose is not a dose number"));
            }
            if e.get("totalDoses").is_some_and(|t| t.as_u64().is_none()) {
                return Some(format!("evidence[{i}].totalDoses is not a number"));
            }
        }
        None
    }

    fn holder(&self, issued: Option<time::OffsetDateTime>) -> (Holder, Vec<Extra>) {
        let s = &self.vc["credentialSubject"];
        let mut extras = Vec::new();
        // DIVOC v1 states an age at issuance, not a birth date: the birth
        // year is then estimated from it (as WHO's validator does), and
        // said so.
        let dob = self.signed(s, &["dob"]).or_else(|| {
            let age: i32 = self.signed(s, &["age"])?.trim().parse().ok()?;
            let year = issued?.year().checked_sub(age)?;
            extras.push(Extra::new("dob.estimated", "birth year from the age at issuance"));
            Some(format!("{year:04}"))
        });
        let holder = Holder {
            name: self.signed(s, &["name"]).unwrap_or_default(),
            date_of_birth: dob,
            sex: self
                .signed(s, &["gender"])
                .or_else(|| self.signed(s, &["sex"]))
                .map(|g| Code::new(g.to_ascii_lowercase(), None)),
            identifier: self.signed(s, &["id"]),
            ..Holder::default()
        };
        for (name, path) in [("age", "age"), ("nationality", "nationality"), ("refId", "refId")] {
            if let Some(v) = self.signed(s, &[path]) {
                extras.push(Extra::new(format!("credentialSubject.{name}"), v));
            }
        }
        (holder, extras)
    }

    fn vaccinations(&self, issuer: Option<&str>) -> Vec<Event> {
        Self::evidence_of(&self.vc)
            .iter()
            .map(|e| {
                Event::Vaccination(Vaccination {
                    // DIVOC names the product (`COVISHIELD`), not a code.
                    brand: self.signed(e, &["vaccine"]).map(|v| Code::new(v, None)),
                    vaccine: self
                        .signed(e, &["icd11Code"])
                        .map(|c| Code::new(c, Some(super::super::icao::document::ICD11))),
                    manufacturer: self.signed(e, &["manufacturer"]).map(|m| Code::new(m, None)),
                    lot: self.signed(e, &["batch"]),
                    date: self.signed(e, &["date"]),
                    dose_number: self.signed_u64(e, &["dose"]),
                    total_doses: self.signed_u64(e, &["totalDoses"]),
                    country: self
                        .signed(e, &["facility", "address", "addressCountry"])
                        .map(|c| Code::new(c, Some(ISO3166))),
                    centre: self.signed(e, &["facility", "name"]),
                    issuer: issuer.map(str::to_owned),
                    certificate_id: self.signed(e, &["certificateId"]),
                    ..Vaccination::default()
                })
            })
            .collect()
    }
}

impl Document for DivocCredential {
    fn certificate_type(&self) -> Result<CertificateType, Failure> {
        if self.types().contains(&TYPE_VACCINATION) {
            Ok(CertificateType::Vaccination)
        } else {
            Err(Failure::new(
                Reason::CertificateTypeUnsupported,
                format!("the credential's type does not include {TYPE_VACCINATION}"),
            ))
        }
    }

    /// The members a DIVOC proof of vaccination needs, and the members read
    /// that the proof does not sign (left out of the certificate).
    fn schema_check(&self, strict: bool) -> Check {
        if let Err(f) = self.certificate_type() {
            return Check::fail(CheckKind::Schema, f.reason, f.detail);
        }
        if let Some(problem) = self.schema_problem() {
            return Check::fail(CheckKind::Schema, Reason::SchemaInvalid, problem);
        }
        if self.unsigned.iter().any(|p| p == "credentialSubject.name") {
            return Check::fail(
                CheckKind::Schema,
                Reason::HolderNotSigned,
                "the proof does not sign the holder's name (the subject is dropped from what is signed, or its \
                 name is not defined by the contexts): anyone's name could stand there",
            );
        }
        if self.unsigned.is_empty() {
            return Check::pass(CheckKind::Schema, "a DIVOC proof of vaccination; every member shown is signed");
        }
        let detail = format!(
            "not signed (no context defines them), so not shown: {}",
            crate::text::display_bounded(&self.unsigned.join(", "), 300)
        );
        if strict {
            Check::fail(CheckKind::Schema, Reason::SchemaInvalid, detail)
        } else {
            Check::pass_with(CheckKind::Schema, Reason::SchemaDeviation, detail)
        }
    }

    fn key_usage_check(&self, _signer: &SignerKey) -> Check {
        Check::skipped(CheckKind::KeyUsage, Reason::NotApplicable, "DIVOC issuer keys have no key usage")
    }

    /// A credential must say when it was issued (`issuanceDate`); an
    /// `expirationDate` is checked when present. Registry keys carry the
    /// validity the registry gives them, which the issuer check applies.
    fn validity_policy(&self) -> ValidityPolicy {
        ValidityPolicy { expiry_required: false, issued_at_required: true, within_signer_validity: false }
    }

    fn rules_input(&self) -> Option<RulesInput<'_>> {
        None
    }

    fn normalize(&self, envelope: &SignedEnvelope) -> Certificate {
        let issued = envelope.times.issued_at.instant();
        let issuer = envelope.issuer.as_deref().filter(|i| signs(&self.input, i));
        let (holder, extras) = self.holder(issued);
        let kind = self.certificate_type().ok();
        let mut c = Certificate::new(kind, holder, self.vaccinations(issuer));
        c.issuer = issuer.map(str::to_owned);
        c.issued_at = issued;
        c.expires_at = envelope.times.expires_at.instant();
        let first = Self::evidence_of(&self.vc).first();
        c.certificate_id = first.and_then(|e| self.signed(e, &["certificateId"]));
        c.valid_from = first.and_then(|e| self.signed(e, &["effectiveStart"]));
        c.valid_until = first.and_then(|e| self.signed(e, &["effectiveUntil"]));
        c.extras = extras;
        c
    }
}

/// Whether the proof signs `value`: as a literal, or as an IRI (an
/// `@id`-typed member: the subject's `id`, the `issuer`).
fn signs(input: &ProofInput, value: &str) -> bool {
    input.signs_literal(value)
        || (!value.is_empty()
            && !value.contains(['<', '>', ' ', '"', '\n'])
            && input.document_nquads.contains(&format!("<{value}>")))
}
