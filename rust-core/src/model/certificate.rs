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
}

impl fmt::Debug for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Holder { <redacted> }")
    }
}

/// A vaccination event.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Vaccination {
    /// Disease or agent targeted (`tg`).
    pub disease: Option<String>,
    /// Vaccine or prophylaxis (`vp`).
    pub vaccine: Option<String>,
    /// Medicinal product (`mp`).
    pub product: Option<String>,
    /// Marketing authorisation holder or manufacturer (`ma`).
    pub manufacturer: Option<String>,
    /// Dose number (`dn`).
    pub dose_number: Option<u64>,
    /// Total doses in the series (`sd`).
    pub total_doses: Option<u64>,
    /// Date of vaccination (`dt`), as issued.
    pub date: Option<String>,
    /// Country of vaccination (`co`).
    pub country: Option<String>,
    /// Certificate issuer (`is`).
    pub issuer: Option<String>,
    /// Unique certificate identifier (`ci`).
    pub certificate_id: Option<String>,
}

/// A test event.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct TestEvent {
    /// Disease or agent targeted (`tg`).
    pub disease: Option<String>,
    /// Type of test (`tt`).
    pub test_type: Option<String>,
    /// NAA test name (`nm`).
    pub test_name: Option<String>,
    /// Rapid antigen test device (`ma`).
    pub test_device: Option<String>,
    /// Sample collection date-time (`sc`), as issued.
    pub sample_collected_at: Option<String>,
    /// Test result (`tr`).
    pub result: Option<String>,
    /// Testing centre (`tc`).
    pub centre: Option<String>,
    /// Country of test (`co`).
    pub country: Option<String>,
    /// Certificate issuer (`is`).
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
    pub disease: Option<String>,
    /// Date of first positive test (`fr`).
    pub first_positive: Option<String>,
    /// Certificate valid from (`df`).
    pub valid_from: Option<String>,
    /// Certificate valid until (`du`).
    pub valid_until: Option<String>,
    /// Country of test (`co`).
    pub country: Option<String>,
    /// Certificate issuer (`is`).
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

/// The normalized certificate.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Certificate {
    /// What it attests, when exactly one kind of event is present.
    #[serde(rename = "type")]
    pub kind: Option<CertificateType>,
    /// The payload schema version it declares.
    pub schema_version: Option<String>,
    /// The person.
    pub holder: Holder,
    /// The events, as issued.
    pub events: Vec<Event>,
    /// Issuing country (CWT `iss`), ISO 3166-1 alpha-2.
    pub issuer_country: Option<String>,
    /// Unique certificate identifier of the (first) event.
    pub certificate_id: Option<String>,
    /// When it was issued (CWT `iat`).
    #[serde(with = "serde_utc::option")]
    pub issued_at: Option<OffsetDateTime>,
    /// When its signature expires (CWT `exp`).
    #[serde(with = "serde_utc::option")]
    pub expires_at: Option<OffsetDateTime>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("kind", &self.kind)
            .field("schema_version", &self.schema_version)
            .field("holder", &self.holder)
            .field("events", &self.events.len())
            .field("issuer_country", &self.issuer_country)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_personal_data() {
        let c = Certificate {
            kind: Some(CertificateType::Vaccination),
            schema_version: Some("1.3.0".into()),
            holder: Holder {
                name: "Erika Mustermann".into(),
                family_name: Some("Mustermann".into()),
                given_name: Some("Erika".into()),
                family_name_standardised: Some("MUSTERMANN".into()),
                given_name_standardised: Some("ERIKA".into()),
                date_of_birth: Some("1964-08-12".into()),
            },
            events: vec![Event::Vaccination(Vaccination {
                certificate_id: Some("URN:UVCI:01:XT:SECRET".into()),
                ..Default::default()
            })],
            issuer_country: Some("XT".into()),
            certificate_id: Some("URN:UVCI:01:XT:SECRET".into()),
            issued_at: None,
            expires_at: None,
        };
        let s = format!("{c:?} {:?}", c.events);
        for secret in ["Erika", "Mustermann", "MUSTERMANN", "1964", "SECRET"] {
            assert!(!s.contains(secret), "{secret} leaked into {s}");
        }
    }
}
