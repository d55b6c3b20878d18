//! The normalized certificate: what every format maps to, modelled on the WHO
//! DDCC core data set. Codes are kept as issued (SNOMED CT, EU value-set
//! codes); display names come from value sets at presentation time.
//!
//! These types hold personal data. Their `Debug` output is redacted so that a
//! stray `{:?}` in a log line or panic message cannot leak it.

use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;

use crate::time_parse::serde_utc;

/// What the certificate attests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CertificateType {
    /// A vaccination.
    Vaccination,
    /// A test result.
    Test,
    /// Recovery from the disease.
    Recovery,
}

impl CertificateType {
    /// The name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            CertificateType::Vaccination => "vaccination",
            CertificateType::Test => "test",
            CertificateType::Recovery => "recovery",
        }
    }
}

/// A coded value, kept as issued with its code system, so that the same
/// concept coded by two formats compares equal (`840539006` in
/// `http://snomed.info/sct` is COVID-19 in an EU DCC, a WHO DDCC and a
/// SMART Health Card alike). Display names come from the issuer (FHIR
/// `display`) or from value sets at presentation time.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Code {
    /// The code, as issued.
    pub code: String,
    /// Its code system (a URI such as `http://snomed.info/sct`,
    /// `http://loinc.org` or `urn:iso:std:iso:3166`), when the format names
    /// or implies one.
    pub system: Option<String>,
    /// The display text issued with the code, when there is one.
    pub display: Option<String>,
}

impl Code {
    /// A code in `system`.
    pub fn new(code: impl Into<String>, system: Option<&str>) -> Self {
        Self { code: code.into(), system: system.map(str::to_owned), display: None }
    }

    /// The same code with the issuer's display text.
    pub fn with_display(mut self, display: Option<String>) -> Self {
        self.display = display;
        self
    }
}

impl fmt::Debug for Code {
    /// Codes name vaccines, results and countries: health data, redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code { <redacted> }")
    }
}

/// The person the certificate is about.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Holder {
    /// Display name: forename(s) then surname(s), as issued.
    pub name: String,
    /// Surname(s) as issued.
    pub family_name: Option<String>,
    /// Forename(s) as issued.
    pub given_name: Option<String>,
    /// Surname(s), ICAO 9303 transliteration.
    pub family_name_standardised: Option<String>,
    /// Forename(s), ICAO 9303 transliteration.
    pub given_name_standardised: Option<String>,
    /// Date of birth as issued: `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty.
    pub date_of_birth: Option<String>,
    /// Sex, when the certificate states it (FHIR administrative gender).
    pub sex: Option<Code>,
    /// An identifier of the person (a passport or national id number), when
    /// the certificate carries one.
    pub identifier: Option<String>,
}

impl fmt::Debug for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Holder { <redacted> }")
    }
}

/// A vaccination event (WHO DDCC:VS).
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Vaccination {
    /// Disease or agent targeted (EU `tg`, DDCC `disease`).
    pub disease: Option<Code>,
    /// Vaccine or prophylaxis (EU `vp`, DDCC `vaccine`, FHIR `vaccineCode`).
    pub vaccine: Option<Code>,
    /// Vaccine brand, the medicinal product (EU `mp`, DDCC `brand`).
    pub brand: Option<Code>,
    /// Manufacturer (DDCC `manufacturer`, FHIR `manufacturer`).
    pub manufacturer: Option<Code>,
    /// Marketing authorisation holder (EU `ma`, which names the
    /// manufacturer when there is no holder; DDCC `ma_holder`).
    pub market_authorization_holder: Option<Code>,
    /// Batch or lot number.
    pub lot: Option<String>,
    /// Dose number (`dn`).
    pub dose_number: Option<u64>,
    /// Total doses in the series (`sd`).
    pub total_doses: Option<u64>,
    /// Date of vaccination, as issued.
    pub date: Option<String>,
    /// When the next dose is due, as issued.
    pub next_dose: Option<String>,
    /// Country of vaccination (ISO 3166: alpha-2 in an EU DCC, alpha-3 in
    /// a WHO DDCC).
    pub country: Option<Code>,
    /// Administering centre or performer.
    pub centre: Option<String>,
    /// Certificate issuer named in the event (EU `is`).
    pub issuer: Option<String>,
    /// Unique certificate identifier (`ci`).
    pub certificate_id: Option<String>,
}

/// A test result (WHO DDCC:TR).
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct TestEvent {
    /// Disease or agent targeted (EU `tg`, DDCC `pathogen`).
    pub disease: Option<Code>,
    /// Type of test (EU `tt`, a LOINC code; FHIR `Observation.code`).
    pub test_type: Option<Code>,
    /// Test name (EU `nm`).
    pub test_name: Option<String>,
    /// Test device or brand (EU `ma`, DDCC `brand`).
    pub test_device: Option<Code>,
    /// Sample collection date-time, as issued.
    pub sample_collected_at: Option<String>,
    /// The result (EU `tr`, FHIR `valueCodeableConcept`).
    pub result: Option<Code>,
    /// Testing centre or performer.
    pub centre: Option<String>,
    /// Country of test.
    pub country: Option<Code>,
    /// Certificate issuer named in the event (EU `is`).
    pub issuer: Option<String>,
    /// Unique certificate identifier (`ci`).
    pub certificate_id: Option<String>,
}

/// A recovery statement.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Recovery {
    /// Disease or agent targeted (`tg`).
    pub disease: Option<Code>,
    /// Date of first positive test (`fr`).
    pub first_positive: Option<String>,
    /// Certificate valid from (`df`).
    pub valid_from: Option<String>,
    /// Certificate valid until (`du`).
    pub valid_until: Option<String>,
    /// Country of test.
    pub country: Option<Code>,
    /// Certificate issuer named in the event (EU `is`).
    pub issuer: Option<String>,
    /// Unique certificate identifier (`ci`).
    pub certificate_id: Option<String>,
}

/// One health event of a certificate.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A vaccination.
    Vaccination(Vaccination),
    /// A test.
    Test(TestEvent),
    /// A recovery.
    Recovery(Recovery),
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Event::Vaccination(_) => "Vaccination",
            Event::Test(_) => "Test",
            Event::Recovery(_) => "Recovery",
        };
        write!(f, "{kind} {{ <redacted> }}")
    }
}

/// A field only one format has, kept apart from the common model: apps
/// may show it under the format's name, never mix it with the common
/// fields.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Extra {
    /// The format's own name for it (`ver` in an EU DCC).
    pub name: String,
    /// Its value, as text.
    pub value: String,
}

impl Extra {
    /// A named value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into() }
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extra {{ name: {:?}, <redacted> }}", self.name)
    }
}

/// The normalized certificate: the WHO DDCC core data set, whatever the
/// format.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Certificate {
    /// What it attests, when exactly one kind of event is present.
    #[serde(rename = "type")]
    pub kind: Option<CertificateType>,
    /// The person.
    pub holder: Holder,
    /// The events, as issued.
    pub events: Vec<Event>,
    /// Issuing country, ISO 3166-1 alpha-2 (CWT `iss`), when the format
    /// names one.
    pub issuer_country: Option<String>,
    /// The issuer as the format names it apart from a country: a SMART
    /// Health Card's `iss` URL, a WHO DDCC's public health authority.
    pub issuer: Option<String>,
    /// Unique certificate identifier (of the first event, when events carry
    /// their own).
    pub certificate_id: Option<String>,
    /// When it was issued (CWT `iat`, JWT `nbf`).
    #[serde(with = "serde_utc::option")]
    pub issued_at: Option<OffsetDateTime>,
    /// When its signature expires (CWT/JWT `exp`).
    #[serde(with = "serde_utc::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Start of the validity period the content states, as issued (DDCC
    /// `valid_from`).
    pub valid_from: Option<String>,
    /// End of the validity period the content states, as issued (DDCC
    /// `valid_until`).
    pub valid_until: Option<String>,
    /// What only this format carries (the EU DCC's schema version `ver`).
    pub extras: Vec<Extra>,
}

impl Certificate {
    /// A certificate of `kind` about `holder` with `events`; every other
    /// field empty.
    pub fn new(kind: Option<CertificateType>, holder: Holder, events: Vec<Event>) -> Self {
        Self {
            kind,
            holder,
            events,
            issuer_country: None,
            issuer: None,
            certificate_id: None,
            issued_at: None,
            expires_at: None,
            valid_from: None,
            valid_until: None,
            extras: Vec::new(),
        }
    }

    /// The value of the extra field `name`, if present.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extras.iter().find(|e| e.name == name).map(|e| e.value.as_str())
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("kind", &self.kind)
            .field("holder", &self.holder)
            .field("events", &self.events.len())
            .field("issuer_country", &self.issuer_country)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("extras", &self.extras)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_personal_data() {
        let mut c = Certificate::new(
            Some(CertificateType::Vaccination),
            Holder {
                name: "Erika Mustermann".into(),
                family_name: Some("Mustermann".into()),
                given_name: Some("Erika".into()),
                family_name_standardised: Some("MUSTERMANN".into()),
                given_name_standardised: Some("ERIKA".into()),
                date_of_birth: Some("1964-08-12".into()),
                sex: Some(Code::new("female", Some("http://hl7.org/fhir/administrative-gender"))),
                identifier: Some("PASSPORT123".into()),
            },
            vec![Event::Vaccination(Vaccination {
                certificate_id: Some("URN:UVCI:01:XT:SECRET".into()),
                vaccine: Some(Code::new("SECRETVACCINE", None)),
                lot: Some("SECRETLOT".into()),
                ..Default::default()
            })],
        );
        c.issuer_country = Some("XT".into());
        c.certificate_id = Some("URN:UVCI:01:XT:SECRET".into());
        c.extras.push(Extra::new("ver", "SECRETVALUE"));
        let s = format!("{c:?} {:?} {:?}", c.events, c.holder.sex);
        for secret in ["Erika", "Mustermann", "MUSTERMANN", "1964", "SECRET", "female", "PASSPORT"] {
            assert!(!s.contains(secret), "{secret} leaked into {s}");
        }
    }
}
