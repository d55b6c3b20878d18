//! The JWT claims of a SMART Health Card and the card as a [`Document`]:
//! its type, its schema check, its (absent) key-usage rule, its validity
//! policy and its normalized certificate.
//!
//! SMART Health Cards Framework, "Health Cards are encoded as Compact
//! Serialization JSON Web Signatures": the claims are `iss` (the issuer's
//! URL), `nbf` (the issuance date), an optional `exp`, and `vc` with `type`
//! and `credentialSubject.fhirBundle`.

use serde_json::{Number, Value};
use time::OffsetDateTime;

use super::fhir::{self, Bundle, FhirCard};
use super::lenient::{self, Field, Texts, json_object};
use crate::formats::codec::json;
use crate::formats::{Document, Failure, RevocationKey, RulesInput, SignedEnvelope, TimeClaim, ValidityPolicy};
use crate::limits::Limits;
use crate::model::{Certificate, CertificateType, Check, CheckKind, Event, Extra, Reason};
use crate::trust::SignerKey;

/// The credential type every SMART Health Card carries.
pub const HEALTH_CARD_TYPE: &str = "https://smarthealth.cards#health-card";
/// The deprecated additional type of an immunization card.
pub const IMMUNIZATION_TYPE: &str = "https://smarthealth.cards#immunization";
/// The deprecated additional type of a laboratory card.
pub const LABORATORY_TYPE: &str = "https://smarthealth.cards#laboratory";

/// The claims a verifier reads.
pub struct Claims {
    /// `iss`: the issuer's URL.
    pub iss: String,
    /// `nbf`: when the card was issued.
    pub nbf: TimeClaim,
    /// `exp`: when it expires, if ever.
    pub exp: TimeClaim,
    /// `vc`: the credential, read.
    pub vc: ShcDocument,
}

fn malformed(detail: impl Into<String>) -> Failure {
    Failure::new(Reason::JwtMalformed, detail)
}

/// A JWT NumericDate (RFC 7519 §2): seconds since the epoch, possibly
/// fractional (the spec's examples write milliseconds after the point),
/// rounded down to whole seconds: never up, so that a revocation entry
/// `rid.T` (whole seconds) still revokes a card with `nbf < T`.
fn time_claim(v: &Field<Number>) -> TimeClaim {
    let v = match v {
        Field::Absent => return TimeClaim::Absent,
        Field::Other => return TimeClaim::Invalid,
        Field::Is(v) => v,
    };
    let seconds =
        v.as_i64().or_else(|| v.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f.floor() as i64));
    seconds.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()).map_or(TimeClaim::Invalid, TimeClaim::At)
}

json_object! {
    /// The JWT claims, as read.
    struct RawClaims {
        "iss" => iss: Field<String>,
        "nbf" => nbf: Field<Number>,
        "exp" => exp: Field<Number>,
        "vc" => vc: Field<Credential>,
    }
}

json_object! {
    /// The `vc` claim, as read.
    struct Credential {
        "type" => types: Field<Texts>,
        "rid" => rid: Field<String>,
        "credentialSubject" => subject: Field<Subject>,
    }
}

json_object! {
    /// `vc.credentialSubject`, as read.
    struct Subject {
        "fhirVersion" => fhir_version: Field<String>,
        "fhirBundle" => fhir_bundle: Field<Bundle>,
    }
}

/// Reads the inflated JWS payload as JWT claims: straight into what the
/// verifier reads (members it does not read are parsed and dropped), the
/// nesting depth checked first.
pub fn parse_claims(bytes: &[u8], limits: &Limits) -> Result<Claims, Failure> {
    let claims: Field<RawClaims> = json::parse(bytes, limits.max_inflated_len, limits.max_json_depth)
        .map_err(|e| malformed(format!("the JWT claims: {e}")))?;
    let Field::Is(claims) = claims else { return Err(malformed("the JWT claims are not a JSON object")) };
    let iss = match claims.iss {
        Field::Is(s) if !s.is_empty() => s,
        Field::Is(_) | Field::Other => return Err(malformed("the JWT claim iss is not a URL")),
        Field::Absent => return Err(malformed("the JWT has no iss claim: the issuer is unknown")),
    };
    let (nbf, exp) = (time_claim(&claims.nbf), time_claim(&claims.exp));
    let vc = match claims.vc {
        Field::Is(vc) => ShcDocument::read(vc),
        Field::Other => return Err(malformed("the JWT claim vc is not an object")),
        Field::Absent => return Err(malformed("the JWT has no vc claim: it is not a health card")),
    };
    Ok(Claims { iss, nbf, exp, vc })
}

/// A decoded SMART Health Card.
#[derive(Clone)]
pub struct ShcDocument {
    /// `vc.type`'s text members.
    types: Vec<String>,
    /// `vc.rid`.
    rid: Option<String>,
    /// `vc.credentialSubject.fhirVersion`.
    fhir_version: Option<String>,
    /// The bundle read; leniently when its structure is wrong.
    records: FhirCard,
    /// What is wrong with the bundle's structure.
    problem: Option<String>,
}

impl ShcDocument {
    /// Wraps a card's `vc` claim (any JSON: what is not an object reads
    /// as an empty credential).
    pub fn new(vc: Value) -> Self {
        match lenient::from_value::<Credential>(&vc) {
            Field::Is(vc) => Self::read(vc),
            Field::Absent | Field::Other => Self::read(Credential::default()),
        }
    }

    fn read(vc: Credential) -> Self {
        let subject = vc.subject.get();
        let (records, problem) = match subject.map(|s| &s.fhir_bundle) {
            None | Some(Field::Absent) => {
                (FhirCard::default(), Some("the credential has no credentialSubject.fhirBundle".to_owned()))
            }
            Some(bundle) => {
                // A bundle that is not an object reads as an empty one.
                let empty = Bundle::default();
                let bundle = bundle.get().unwrap_or(&empty);
                match fhir::read_bundle(bundle) {
                    Ok(card) => (card, None),
                    Err(problem) => (fhir::read_bundle_leniently(bundle), Some(problem)),
                }
            }
        };
        Self {
            types: vc.types.get().map(|t| t.0.clone()).unwrap_or_default(),
            rid: vc.rid.text(),
            fhir_version: subject.and_then(|s| s.fhir_version.text()),
            records,
            problem,
        }
    }

    /// The bundle, read leniently when its structure check failed.
    fn records(&self) -> &FhirCard {
        &self.records
    }

    fn has_type(&self, t: &str) -> bool {
        self.types.iter().any(|x| x == t)
    }
}

impl Document for ShcDocument {
    /// Framework 1.4.0 classifies cards by their contents; the deprecated
    /// additional types (`#immunization`, `#laboratory`) are read when
    /// present. Immunizations make a vaccination card, Observations a
    /// laboratory (test) card.
    fn certificate_type(&self) -> Result<CertificateType, Failure> {
        let declared = match (self.has_type(IMMUNIZATION_TYPE), self.has_type(LABORATORY_TYPE)) {
            (true, true) => {
                return Err(Failure::new(
                    Reason::CertificateTypeAmbiguous,
                    "the card declares both the immunization and the laboratory type",
                ));
            }
            (true, false) => Some(CertificateType::Vaccination),
            (false, true) => Some(CertificateType::Test),
            (false, false) => None,
        };
        if let Some(t) = declared {
            return Ok(t);
        }
        let card = self.records();
        match (card.immunizations.is_empty(), card.observations.is_empty()) {
            (false, true) => Ok(CertificateType::Vaccination),
            (true, false) => Ok(CertificateType::Test),
            (false, false) => {
                Err(Failure::new(Reason::CertificateTypeAmbiguous, "the card holds both immunizations and lab results"))
            }
            (true, true) => Err(Failure::new(
                Reason::CertificateTypeUnsupported,
                "the card holds neither immunizations nor lab results",
            )),
        }
    }

    /// Framework "Health Cards are encoded as …": `vc.type` includes
    /// `https://smarthealth.cards#health-card`; `credentialSubject.fhirBundle`
    /// is a FHIR bundle whose structure [`fhir::read`] checks; its type is
    /// one this verifier reads, and agrees with a declared type.
    fn schema_check(&self, _strict: bool) -> Check {
        let fail = |reason, detail: String| Check::fail(CheckKind::Schema, reason, detail);
        if !self.has_type(HEALTH_CARD_TYPE) {
            return fail(Reason::SchemaInvalid, format!("vc.type does not include {HEALTH_CARD_TYPE}"));
        }
        if let Some(problem) = &self.problem {
            return fail(Reason::SchemaInvalid, problem.clone());
        }
        let card = &self.records;
        let kind = match self.certificate_type() {
            Ok(k) => k,
            Err(f) => return fail(f.reason, f.detail),
        };
        let (found, missing) = match kind {
            CertificateType::Test => (card.observations.len(), "lab results (Observations)"),
            _ => (card.immunizations.len(), "immunizations"),
        };
        if found == 0 {
            return fail(Reason::SchemaInvalid, format!("a {} card without {missing}", kind.name()));
        }
        let fhir_version = self.fhir_version.as_deref();
        let holder = if card.patient.is_some() { "its patient" } else { "no patient" };
        Check::pass(
            CheckKind::Schema,
            format!(
                "a {} card with {found} {missing} and {holder} (FHIR {})",
                kind.name(),
                fhir_version.map_or_else(
                    || "version not declared".to_owned(),
                    |v| crate::text::display_bounded(v, 12).into_owned()
                )
            ),
        )
    }

    /// SMART Health Cards sign with issuer keys that serve every card type.
    fn key_usage_check(&self, _signer: &SignerKey) -> Check {
        Check::skipped(CheckKind::KeyUsage, Reason::NotApplicable, "SMART Health Card issuer keys have no key usage")
    }

    /// Framework "Expiration of Health Cards": cards generally do not
    /// expire, an `exp` is checked when present; `nbf` is the issuance
    /// date. Issuer keys (JWKs) carry no validity period of their own.
    fn validity_policy(&self) -> ValidityPolicy {
        ValidityPolicy { expiry_required: false, issued_at_required: true, within_signer_validity: false }
    }

    /// No business rules are defined for SMART Health Cards.
    fn rules_input(&self) -> Option<RulesInput<'_>> {
        None
    }

    fn normalize(&self, envelope: &SignedEnvelope) -> Certificate {
        let card = self.records();
        let issuer = envelope.issuer.as_deref();
        let mut events: Vec<Event> =
            card.immunizations.iter().map(|i| Event::Vaccination(fhir::vaccination(i, issuer))).collect();
        events.extend(card.observations.iter().map(|o| Event::Test(fhir::test_event(o, issuer))));
        let mut c = Certificate::new(self.certificate_type().ok(), fhir::holder(card.patient.as_ref()), events);
        // `iss` is a URL, not a country.
        c.issuer = envelope.issuer.clone();
        c.issued_at = envelope.times.issued_at.instant();
        c.expires_at = envelope.times.expires_at.instant();
        if let Some(v) = self.fhir_version.as_deref() {
            c.extras.push(Extra::new("fhirVersion", v));
        }
        c
    }

    /// The card's revocation id (`vc.rid`, at most 24 base64url
    /// characters), with its issue time (`nbf`): a CRL entry `rid.T`
    /// revokes it when it was issued before `T`.
    fn revocation_keys(&self, envelope: &SignedEnvelope) -> Vec<RevocationKey> {
        let rid = self.rid.as_deref().filter(|r| {
            (1..=24).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        rid.map(|rid| RevocationKey::Rid { rid: rid.to_owned(), issued_at: envelope.times.issued_at.instant() })
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vc(types: &[&str], entries: Value) -> Value {
        json!({"type": types, "credentialSubject": {"fhirVersion": "4.0.1",
               "fhirBundle": {"resourceType": "Bundle", "type": "collection", "entry": entries}}})
    }

    fn immunization_entries() -> Value {
        json!([{"resource": {"resourceType": "Patient", "name": [{"family": "X"}]}},
               {"resource": {"resourceType": "Immunization", "status": "completed",
                             "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
                             "occurrenceDateTime": "2021-01-01"}}])
    }

    fn lab_entries() -> Value {
        json!([{"resource": {"resourceType": "Observation", "status": "final",
                             "code": {"coding": [{"system": "http://loinc.org", "code": "94558-4"}]}}}])
    }

    #[test]
    fn claims_are_read_and_refused_precisely() {
        let limits = Limits::DEFAULT;
        let c = parse_claims(br#"{"iss":"https://i","nbf":1687450764.656,"exp":1718986764,"vc":{}}"#, &limits).unwrap();
        assert_eq!(c.iss, "https://i");
        assert_eq!(c.nbf.instant().map(OffsetDateTime::unix_timestamp), Some(1_687_450_764));
        assert_eq!(c.exp.instant().map(OffsetDateTime::unix_timestamp), Some(1_718_986_764));
        let reason = |b: &[u8]| parse_claims(b, &limits).err().map(|f| f.reason);
        assert_eq!(reason(br#"{"nbf":1,"vc":{}}"#), Some(Reason::JwtMalformed));
        assert_eq!(reason(br#"{"iss":7,"vc":{}}"#), Some(Reason::JwtMalformed));
        assert_eq!(reason(br#"{"iss":"https://i"}"#), Some(Reason::JwtMalformed));
        assert_eq!(reason(br#"{"iss":"https://i","vc":[]}"#), Some(Reason::JwtMalformed));
        assert_eq!(reason(b"[1]"), Some(Reason::JwtMalformed));
        assert_eq!(reason(b"{"), Some(Reason::JwtMalformed));
        let deep = format!(r#"{{"iss":"https://i","vc":{}1{}}}"#, "[".repeat(40), "]".repeat(40));
        let failure = parse_claims(deep.as_bytes(), &limits).err().unwrap();
        assert!(failure.detail.contains("deeper than 32"), "{}", failure.detail);
        let times = parse_claims(br#"{"iss":"i","nbf":"yesterday","exp":1e300,"vc":{}}"#, &limits).unwrap();
        assert_eq!((times.nbf, times.exp), (TimeClaim::Invalid, TimeClaim::Invalid));
        assert_eq!(parse_claims(br#"{"iss":"i","vc":{}}"#, &limits).unwrap().nbf, TimeClaim::Absent);
    }

    #[test]
    fn the_type_comes_from_the_contents_or_a_declared_type() {
        let doc = ShcDocument::new(vc(&[HEALTH_CARD_TYPE], immunization_entries()));
        assert_eq!(doc.certificate_type().unwrap(), CertificateType::Vaccination);
        assert_eq!(doc.schema_check(false).outcome, crate::model::Outcome::Pass, "{:?}", doc.schema_check(false));
        let lab = ShcDocument::new(vc(&[HEALTH_CARD_TYPE, LABORATORY_TYPE], lab_entries()));
        assert_eq!(lab.certificate_type().unwrap(), CertificateType::Test);
        assert_eq!(lab.schema_check(false).outcome, crate::model::Outcome::Pass);
        assert!(lab.schema_check(false).detail.contains("no patient"));

        let both = ShcDocument::new(vc(&[HEALTH_CARD_TYPE, IMMUNIZATION_TYPE, LABORATORY_TYPE], lab_entries()));
        assert_eq!(both.certificate_type().unwrap_err().reason, Reason::CertificateTypeAmbiguous);
        let mut mixed = immunization_entries().as_array().unwrap().clone();
        mixed.extend(lab_entries().as_array().unwrap().iter().cloned());
        let mixed = ShcDocument::new(vc(&[HEALTH_CARD_TYPE], Value::Array(mixed)));
        assert_eq!(mixed.schema_check(false).reason, Reason::CertificateTypeAmbiguous);
        let summary = json!([{"resource": {"resourceType": "Patient"}}, {"resource": {"resourceType": "Condition"}}]);
        let other = ShcDocument::new(vc(&[HEALTH_CARD_TYPE], summary));
        assert_eq!(other.certificate_type().unwrap_err().reason, Reason::CertificateTypeUnsupported);
        assert_eq!(other.schema_check(false).reason, Reason::CertificateTypeUnsupported);
        let contradiction = ShcDocument::new(vc(&[HEALTH_CARD_TYPE, IMMUNIZATION_TYPE], lab_entries()));
        assert_eq!(contradiction.schema_check(false).reason, Reason::SchemaInvalid);
        assert!(contradiction.schema_check(false).detail.contains("without immunizations"));
    }

    #[test]
    fn schema_needs_the_health_card_type_and_a_bundle() {
        let no_type = ShcDocument::new(vc(&[IMMUNIZATION_TYPE], immunization_entries()));
        assert_eq!(no_type.schema_check(false).reason, Reason::SchemaInvalid);
        let no_bundle = ShcDocument::new(json!({"type": [HEALTH_CARD_TYPE], "credentialSubject": {}}));
        assert!(no_bundle.schema_check(false).detail.contains("fhirBundle"));
        // A broken structure still shows what can be read.
        let broken = ShcDocument::new(vc(&[HEALTH_CARD_TYPE], json!([{"resource": {"resourceType": "Immunization"}}])));
        assert_eq!(broken.schema_check(false).reason, Reason::SchemaInvalid);
        assert_eq!(broken.certificate_type().unwrap(), CertificateType::Vaccination);
    }

    #[test]
    fn policy_and_key_usage() {
        let doc = ShcDocument::new(vc(&[HEALTH_CARD_TYPE], immunization_entries()));
        let p = doc.validity_policy();
        assert!(!p.expiry_required && p.issued_at_required && !p.within_signer_validity);
        assert!(doc.rules_input().is_none());
    }
}
