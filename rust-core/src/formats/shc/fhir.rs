//! The FHIR R4 bundle of a SMART Health Card (`vc.credentialSubject.fhirBundle`),
//! read into the records a verifier shows, its structure checked, and
//! mapped to the normalized [`Certificate`](crate::model::Certificate)'s parts.
//!
//! Reading is two steps so that the mapping can change without the
//! reading: [`read`] checks the bundle's structure and returns
//! [`FhirCard`] (the Patient, each Immunization and lab Observation, codes
//! kept with their code systems); [`holder`], [`vaccination`] and
//! [`test_event`] map those records to the normalized model (the WHO DDCC
//! core data set: codes with their code systems, lot numbers, performers).
//!
//! What the structure check holds to (FHIR R4 and the SMART Health Cards
//! Vaccination & Testing IG, as far as a verifier needs): the bundle is a
//! `Bundle` with 1 to [`MAX_ENTRIES`] entries, each a resource with a
//! `resourceType`; at most one Patient; an Immunization has
//! `status: completed`, a coded `vaccineCode` and an occurrence, and needs
//! a Patient in the bundle (FHIR R4 `Immunization.patient` is 1..1); an
//! Observation has a coded `code`. Other members are read leniently: a
//! member of the wrong type is treated as absent.

use serde::de::SeqAccess;
use serde_json::{Number, Value};

use super::lenient::{self, Field, First, Shape, Skip, Texts, json_object};
use crate::model::{Code, Holder, TestEvent, Vaccination};

/// Most entries accepted in a bundle (the spec's largest example, a lab
/// report, has 55).
pub const MAX_ENTRIES: usize = 256;

/// A FHIR `Coding`: a code and the code system it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    /// The code system's URI (`http://hl7.org/fhir/sid/cvx`), when given.
    pub system: Option<String>,
    /// The code.
    pub code: String,
}

impl Coding {
    /// The code with its code system, as the normalized model keeps it.
    pub fn to_code(&self) -> Code {
        Code::new(self.code.clone(), self.system.as_deref())
    }
}

/// The Patient resource: the holder.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Patient {
    /// `name.family` of the official (else the first) name.
    pub family: Option<String>,
    /// `name.given`, in order.
    pub given: Vec<String>,
    /// `name.text`, when the name is given only as text.
    pub text: Option<String>,
    /// `birthDate`, as issued.
    pub birth_date: Option<String>,
}

/// An Immunization resource.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Immunization {
    /// `status` (`completed`, `entered-in-error`, `not-done`).
    pub status: Option<String>,
    /// The first coding of `vaccineCode` (CVX, SNOMED CT, ICD-11, …).
    pub vaccine: Option<Coding>,
    /// `occurrenceDateTime` (or `occurrenceString`), as issued.
    pub occurrence: Option<String>,
    /// `lotNumber`.
    pub lot_number: Option<String>,
    /// `performer[0].actor.display`: who administered it.
    pub performer: Option<String>,
    /// `manufacturer`: its identifier (value and system, with the display),
    /// else its display alone.
    pub manufacturer: Option<Code>,
    /// `protocolApplied[0].doseNumberPositiveInt`.
    pub dose_number: Option<u64>,
    /// `protocolApplied[0].seriesDosesPositiveInt`.
    pub series_doses: Option<u64>,
    /// `protocolApplied[0].targetDisease[0]`'s first coding.
    pub target_disease: Option<Coding>,
}

/// A laboratory Observation resource.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Observation {
    /// `status` (`final`, `amended`, …).
    pub status: Option<String>,
    /// The first coding of `code`: what was tested (LOINC).
    pub code: Option<Coding>,
    /// `effectiveDateTime`: when the sample was taken.
    pub effective: Option<String>,
    /// The result: `valueCodeableConcept`'s coding, or (without a code
    /// system) `valueQuantity` as `value unit`, or `valueString`.
    pub value: Option<Code>,
    /// `performer[0].display`: the laboratory.
    pub performer: Option<String>,
}

/// What a SMART Health Card's bundle says, read.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FhirCard {
    /// The Patient (the first, when the structure check failed on several).
    pub patient: Option<Patient>,
    /// Every Immunization, in bundle order.
    pub immunizations: Vec<Immunization>,
    /// Every Observation, in bundle order.
    pub observations: Vec<Observation>,
    /// Patients in the bundle.
    pub patients: usize,
    /// Resources of other types (DiagnosticReport, Specimen, …).
    pub other_resources: usize,
}

impl std::fmt::Debug for FhirCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The records are personal data: counts only.
        f.debug_struct("FhirCard")
            .field("patients", &self.patients)
            .field("immunizations", &self.immunizations.len())
            .field("observations", &self.observations.len())
            .field("other_resources", &self.other_resources)
            .finish()
    }
}

json_object! {
    /// A FHIR `Coding`, as read.
    struct RawCoding {
        "system" => system: Field<String>,
        "code" => code: Field<String>,
    }
}

/// A `CodeableConcept.coding` array: its first coding with a code (the
/// others read and dropped).
#[derive(Clone, Default, PartialEq)]
struct FirstCoded(Option<Coding>);

impl Shape for FirstCoded {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut found = None;
        while found.is_none() {
            match seq.next_element::<Field<RawCoding>>()? {
                Some(Field::Is(RawCoding { system, code: Field::Is(code) })) => {
                    found = Some(Coding { system: system.text(), code });
                }
                Some(_) => {}
                None => return Ok(Some(FirstCoded(None))),
            }
        }
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Some(FirstCoded(found)))
    }
}

json_object! {
    /// A FHIR `CodeableConcept`, as read.
    struct Concept {
        "coding" => coding: Field<FirstCoded>,
    }
}

json_object! {
    /// A FHIR `HumanName`, as read.
    struct HumanName {
        "use" => name_use: Field<String>,
        "family" => family: Field<String>,
        "given" => given: Field<Texts>,
        "text" => text: Field<String>,
    }
}

json_object! {
    /// `display` alone (a `Reference`).
    struct Display {
        "display" => display: Field<String>,
    }
}

json_object! {
    /// An Immunization's or an Observation's performer.
    struct Performer {
        "actor" => actor: Field<Display>,
        "display" => display: Field<String>,
    }
}

json_object! {
    /// A FHIR `Identifier`, as read.
    struct Identifier {
        "system" => system: Field<String>,
        "value" => value: Field<String>,
    }
}

json_object! {
    /// An Immunization's `manufacturer` (a `Reference`).
    struct Manufacturer {
        "identifier" => identifier: Field<Identifier>,
        "display" => display: Field<String>,
    }
}

json_object! {
    /// An Immunization's `protocolApplied` member.
    struct Protocol {
        "doseNumberPositiveInt" => dose_number: Field<u64>,
        "seriesDosesPositiveInt" => series_doses: Field<u64>,
        "targetDisease" => target_disease: Field<First<Concept>>,
    }
}

json_object! {
    /// A FHIR `Quantity`, as read.
    struct Quantity {
        "value" => value: Field<Number>,
        "unit" => unit: Field<String>,
        "code" => code: Field<String>,
    }
}

json_object! {
    /// A resource: the members of a Patient, an Immunization and an
    /// Observation that are read (one pass, whatever comes first).
    struct Resource {
        "resourceType" => resource_type: Field<String>,
        "name" => name: Field<Vec<Field<HumanName>>>,
        "birthDate" => birth_date: Field<String>,
        "status" => status: Field<String>,
        "vaccineCode" => vaccine_code: Field<Concept>,
        "occurrenceDateTime" => occurrence_date_time: Field<String>,
        "occurrenceString" => occurrence_string: Field<String>,
        "lotNumber" => lot_number: Field<String>,
        "performer" => performer: Field<First<Performer>>,
        "manufacturer" => manufacturer: Field<Manufacturer>,
        "protocolApplied" => protocol_applied: Field<First<Protocol>>,
        "code" => code: Field<Concept>,
        "effectiveDateTime" => effective_date_time: Field<String>,
        "valueCodeableConcept" => value_concept: Field<Concept>,
        "valueQuantity" => value_quantity: Field<Quantity>,
        "valueString" => value_string: Field<String>,
    }
}

json_object! {
    /// A bundle entry.
    struct Entry {
        "resource" => resource: Field<Resource>,
    }
}

/// A bundle's `entry` array: its first [`MAX_ENTRIES`] entries (an entry
/// that is not an object reads as one without a resource), and how many
/// there are.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct Entries {
    kept: Vec<Entry>,
    count: usize,
}

impl Shape for Entries {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut entries = Entries::default();
        loop {
            if entries.kept.len() < MAX_ENTRIES {
                match seq.next_element::<Field<Entry>>()? {
                    Some(Field::Is(entry)) => entries.kept.push(entry),
                    Some(_) => entries.kept.push(Entry::default()),
                    None => break,
                }
            } else if seq.next_element::<Skip>()?.is_none() {
                break;
            }
            entries.count += 1;
        }
        Ok(Some(entries))
    }
}

json_object! {
    /// A FHIR bundle, as read: what [`read`] and [`read_leniently`] look at.
    pub(crate) struct Bundle {
        "resourceType" => resource_type: Field<String>,
        "entry" => entry: Field<Entries>,
    }
}

/// The first coding with a code of a `CodeableConcept`.
fn coding(concept: Option<&Concept>) -> Option<Coding> {
    concept?.coding.get()?.0.clone()
}

fn read_patient(r: &Resource) -> Patient {
    let names = r.name.get();
    let name = names.and_then(|n| {
        n.iter().find(|x| x.get().and_then(|x| x.name_use.as_str()) == Some("official")).or_else(|| n.first())
    });
    let name = name.and_then(Field::get);
    Patient {
        family: name.and_then(|n| n.family.text()),
        given: name.and_then(|n| n.given.get()).map(|g| g.0.clone()).unwrap_or_default(),
        text: name.and_then(|n| n.text.text()),
        birth_date: r.birth_date.text(),
    }
}

fn positive(n: &Field<u64>) -> Option<u64> {
    n.get().copied().filter(|n| *n > 0)
}

fn read_immunization(r: &Resource) -> Immunization {
    let protocol = r.protocol_applied.first();
    let manufacturer = r.manufacturer.get().and_then(|m| {
        let id = m.identifier.get();
        let display = m.display.text();
        match id.and_then(|i| i.value.text()) {
            Some(value) => Some(Code::new(value, id.and_then(|i| i.system.as_str())).with_display(display)),
            None => display.map(|d| Code::new(d, None)),
        }
    });
    Immunization {
        status: r.status.text(),
        vaccine: coding(r.vaccine_code.get()),
        occurrence: r.occurrence_date_time.text().or_else(|| r.occurrence_string.text()),
        lot_number: r.lot_number.text(),
        performer: r.performer.first().and_then(|p| p.actor.get()).and_then(|a| a.display.text()),
        manufacturer,
        dose_number: protocol.and_then(|p| positive(&p.dose_number)),
        series_doses: protocol.and_then(|p| positive(&p.series_doses)),
        target_disease: coding(protocol.and_then(|p| p.target_disease.first())),
    }
}

fn read_observation(r: &Resource) -> Observation {
    let quantity = r.value_quantity.get().and_then(|q| {
        let value = q.value.get()?.to_string();
        Some(match q.unit.text().or_else(|| q.code.text()) {
            Some(unit) => format!("{value} {unit}"),
            None => value,
        })
    });
    Observation {
        status: r.status.text(),
        code: coding(r.code.get()),
        effective: r.effective_date_time.text(),
        value: coding(r.value_concept.get())
            .map(|c| c.to_code())
            .or_else(|| quantity.or_else(|| r.value_string.text()).map(|v| Code::new(v, None))),
        performer: r.performer.first().and_then(|p| p.display.text()),
    }
}

/// A bundle already parsed as a `Value`, as read.
fn from_value(bundle: &Value) -> Bundle {
    match lenient::from_value::<Bundle>(bundle) {
        Field::Is(b) => b,
        Field::Absent | Field::Other => Bundle::default(),
    }
}

/// Reads a FHIR bundle; `Err` says what breaks its structure (positions
/// and resource types only, never content).
pub fn read(bundle: &Value) -> Result<FhirCard, String> {
    read_bundle(&from_value(bundle))
}

/// [`read`], of a bundle read from the claims.
pub(crate) fn read_bundle(bundle: &Bundle) -> Result<FhirCard, String> {
    if bundle.resource_type.as_str() != Some("Bundle") {
        return Err("the FHIR bundle's resourceType is not Bundle".to_owned());
    }
    let Some(entries) = bundle.entry.get() else {
        return Err("the FHIR bundle has no entry array".to_owned());
    };
    if entries.count == 0 {
        return Err("the FHIR bundle has no entries".to_owned());
    }
    if entries.count > MAX_ENTRIES {
        return Err(format!("the FHIR bundle has {} entries, more than {MAX_ENTRIES}", entries.count));
    }
    let mut card = FhirCard::default();
    let mut problems = Vec::new();
    for (i, entry) in entries.kept.iter().enumerate() {
        let Some(resource) = entry.resource.get() else {
            problems.push(format!("entry {i} has no resource"));
            continue;
        };
        match resource.resource_type.as_str() {
            Some("Patient") => {
                card.patients += 1;
                if card.patient.is_none() {
                    card.patient = Some(read_patient(resource));
                }
            }
            Some("Immunization") => {
                let imm = read_immunization(resource);
                if imm.status.as_deref() != Some("completed") {
                    problems.push(format!("the Immunization of entry {i} is not completed"));
                }
                if imm.vaccine.is_none() {
                    problems.push(format!("the Immunization of entry {i} has no coded vaccineCode"));
                }
                let occurrences = [&resource.occurrence_date_time, &resource.occurrence_string]
                    .iter()
                    .filter(|k| k.is_present())
                    .count();
                if occurrences != 1 || imm.occurrence.is_none() {
                    problems.push(format!("the Immunization of entry {i} needs one occurrence, not {occurrences}"));
                }
                card.immunizations.push(imm);
            }
            Some("Observation") => {
                let obs = read_observation(resource);
                if obs.code.is_none() {
                    problems.push(format!("the Observation of entry {i} has no coded code"));
                }
                card.observations.push(obs);
            }
            Some(_) => card.other_resources += 1,
            None => problems.push(format!("the resource of entry {i} has no resourceType")),
        }
    }
    if card.patients > 1 {
        problems.push(format!("the bundle has {} Patients; the holder must be one", card.patients));
    }
    if card.patients == 0 && !card.immunizations.is_empty() {
        problems.push("the bundle has Immunizations but no Patient".to_owned());
    }
    if problems.is_empty() { Ok(card) } else { Err(summarise(&problems)) }
}

/// Up to three problems, then their count.
fn summarise(problems: &[String]) -> String {
    let mut text = problems.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    if problems.len() > 3 {
        text.push_str(&format!(" (and {} more)", problems.len() - 3));
    }
    text
}

/// Reads what can be read of a bundle whatever its structure (for the
/// normalized certificate of a card whose structure check failed).
pub fn read_leniently(bundle: &Value) -> FhirCard {
    read_bundle_leniently(&from_value(bundle))
}

/// [`read_leniently`], of a bundle read from the claims.
pub(crate) fn read_bundle_leniently(bundle: &Bundle) -> FhirCard {
    let mut card = FhirCard::default();
    let entries = bundle.entry.get().map(|e| e.kept.as_slice()).unwrap_or_default();
    for resource in entries.iter().filter(|e| e.resource.is_present()) {
        match resource.resource.get().and_then(|r| r.resource_type.as_str().map(|t| (r, t))) {
            Some((r, "Patient")) => {
                card.patients += 1;
                if card.patient.is_none() {
                    card.patient = Some(read_patient(r));
                }
            }
            Some((r, "Immunization")) => card.immunizations.push(read_immunization(r)),
            Some((r, "Observation")) => card.observations.push(read_observation(r)),
            _ => card.other_resources += 1,
        }
    }
    card
}

/// The holder, from the Patient: forenames then surname, as issued.
pub fn holder(patient: Option<&Patient>) -> Holder {
    let Some(p) = patient else { return Holder::default() };
    let given = (!p.given.is_empty()).then(|| p.given.join(" "));
    let name = match (&given, &p.family) {
        (None, None) => p.text.clone().unwrap_or_default(),
        _ => [given.clone(), p.family.clone()].into_iter().flatten().collect::<Vec<_>>().join(" "),
    };
    Holder {
        name,
        family_name: p.family.clone(),
        given_name: given,
        date_of_birth: p.birth_date.clone(),
        ..Holder::default()
    }
}

/// A vaccination event from an Immunization; `issuer` is the card's `iss`.
pub fn vaccination(imm: &Immunization, issuer: Option<&str>) -> Vaccination {
    Vaccination {
        disease: imm.target_disease.as_ref().map(Coding::to_code),
        vaccine: imm.vaccine.as_ref().map(Coding::to_code),
        manufacturer: imm.manufacturer.clone(),
        lot: imm.lot_number.clone(),
        dose_number: imm.dose_number,
        total_doses: imm.series_doses,
        date: imm.occurrence.clone(),
        centre: imm.performer.clone(),
        issuer: issuer.map(str::to_owned),
        ..Vaccination::default()
    }
}

/// A test event from a lab Observation; `issuer` is the card's `iss`.
pub fn test_event(obs: &Observation, issuer: Option<&str>) -> TestEvent {
    TestEvent {
        test_type: obs.code.as_ref().map(Coding::to_code),
        sample_collected_at: obs.effective.clone(),
        result: obs.value.clone(),
        centre: obs.performer.clone(),
        issuer: issuer.map(str::to_owned),
        ..TestEvent::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle(entries: Vec<Value>) -> Value {
        json!({"resourceType": "Bundle", "type": "collection",
               "entry": entries.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()})
    }

    fn patient() -> Value {
        json!({"resourceType": "Patient", "name": [{"family": "Anyperson", "given": ["John", "B."]}], "birthDate": "1951-01-20"})
    }

    fn immunization() -> Value {
        json!({"resourceType": "Immunization", "status": "completed",
               "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
               "patient": {"reference": "resource:0"}, "occurrenceDateTime": "2021-01-01",
               "performer": [{"actor": {"display": "ABC General Hospital"}}], "lotNumber": "0000001",
               "manufacturer": {"identifier": {"system": "http://hl7.org/fhir/sid/mvx", "value": "MOD"}},
               "protocolApplied": [{"doseNumberPositiveInt": 2, "seriesDosesPositiveInt": 2,
                                    "targetDisease": [{"coding": [{"system": "http://snomed.info/sct", "code": "840539006"}]}]}]})
    }

    fn observation() -> Value {
        json!({"resourceType": "Observation", "status": "final",
               "code": {"coding": [{"system": "http://loinc.org", "code": "94558-4"}]},
               "effectiveDateTime": "2021-02-17T22:00:00Z",
               "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "260385009"}]},
               "performer": [{"display": "ABC Lab"}]})
    }

    #[test]
    fn maps_patient_immunization_and_observation() {
        let card = read(&bundle(vec![patient(), immunization(), observation()])).unwrap();
        let h = holder(card.patient.as_ref());
        assert_eq!(h.name, "John B. Anyperson");
        assert_eq!((h.given_name.as_deref(), h.family_name.as_deref()), (Some("John B."), Some("Anyperson")));
        assert_eq!(h.date_of_birth.as_deref(), Some("1951-01-20"));
        let imm = &card.immunizations[0];
        assert_eq!(imm.lot_number.as_deref(), Some("0000001"));
        assert_eq!(imm.performer.as_deref(), Some("ABC General Hospital"));
        let v = vaccination(imm, Some("https://issuer.example"));
        let token = |c: &Option<Code>| c.as_ref().map(|c| format!("{}|{}", c.system.as_deref().unwrap_or(""), c.code));
        assert_eq!(token(&v.vaccine).as_deref(), Some("http://hl7.org/fhir/sid/cvx|207"));
        assert_eq!(token(&v.manufacturer).as_deref(), Some("http://hl7.org/fhir/sid/mvx|MOD"));
        assert_eq!(token(&v.disease).as_deref(), Some("http://snomed.info/sct|840539006"));
        assert_eq!((v.lot.as_deref(), v.centre.as_deref()), (Some("0000001"), Some("ABC General Hospital")));
        assert_eq!((v.dose_number, v.total_doses), (Some(2), Some(2)));
        assert_eq!(v.date.as_deref(), Some("2021-01-01"));
        assert_eq!(v.issuer.as_deref(), Some("https://issuer.example"));
        let t = test_event(&card.observations[0], None);
        assert_eq!(token(&t.test_type).as_deref(), Some("http://loinc.org|94558-4"));
        assert_eq!(token(&t.result).as_deref(), Some("http://snomed.info/sct|260385009"));
        assert_eq!(t.centre.as_deref(), Some("ABC Lab"));
        assert_eq!(t.sample_collected_at.as_deref(), Some("2021-02-17T22:00:00Z"));
        assert!(!format!("{card:?}").contains("Anyperson"), "Debug shows counts only");
    }

    #[test]
    fn quantities_strings_and_text_names() {
        let mut obs = observation();
        obs.as_object_mut().unwrap().remove("valueCodeableConcept");
        obs["valueQuantity"] = json!({"value": 4.5, "unit": "mmol/L"});
        let p =
            json!({"resourceType": "Patient", "name": [{"text": "Jane Roe"}, {"use": "official", "family": "Roe"}]});
        let card = read(&bundle(vec![p, obs])).unwrap();
        assert_eq!(card.observations[0].value.as_ref().map(|c| c.code.as_str()), Some("4.5 mmol/L"));
        assert_eq!(holder(card.patient.as_ref()).name, "Roe", "the official name is preferred");
        let card = read(&bundle(vec![json!({"resourceType": "Patient", "name": [{"text": "Jane Roe"}]})])).unwrap();
        assert_eq!(holder(card.patient.as_ref()).name, "Jane Roe");
        assert_eq!(holder(None), Holder::default());
    }

    #[test]
    fn structure_rules() {
        let problem = |b: &Value| read(b).unwrap_err();
        assert!(problem(&json!({"resourceType": "Patient"})).contains("not Bundle"));
        assert!(problem(&json!({"resourceType": "Bundle"})).contains("no entry"));
        assert!(problem(&bundle(vec![])).contains("no entries"));
        assert!(problem(&bundle(vec![immunization()])).contains("no Patient"));
        assert!(problem(&bundle(vec![patient(), patient()])).contains("2 Patients"));
        let mut not_done = immunization();
        not_done["status"] = "not-done".into();
        assert!(problem(&bundle(vec![patient(), not_done])).contains("not completed"));
        let mut uncoded = immunization();
        uncoded["vaccineCode"] = json!({"text": "a vaccine"});
        assert!(problem(&bundle(vec![patient(), uncoded])).contains("vaccineCode"));
        let mut twice = immunization();
        twice["occurrenceString"] = "spring".into();
        assert!(problem(&bundle(vec![patient(), twice])).contains("one occurrence, not 2"));
        let mut uncoded = observation();
        uncoded["code"] = json!({});
        assert!(problem(&bundle(vec![uncoded])).contains("no coded code"));
        assert!(
            problem(&json!({"resourceType": "Bundle", "entry": [{"fullUrl": "resource:0"}]})).contains("no resource")
        );
        let many = bundle((0..=MAX_ENTRIES).map(|_| observation()).collect());
        assert!(problem(&many).contains("more than"));
        // A lab card may name no patient (the spec's example 02 does not).
        assert_eq!(read(&bundle(vec![observation()])).unwrap().patients, 0);
        // Problems are summarised, without content.
        let bad: Vec<Value> = (0..5).map(|_| json!({"resourceType": "Observation"})).collect();
        let text = problem(&bundle(bad));
        assert!(text.ends_with("(and 2 more)"), "{text}");
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let odd = json!({"resourceType": "Immunization", "status": 1, "vaccineCode": {"coding": "207"},
                         "occurrenceDateTime": 2021, "lotNumber": ["x"], "performer": {"actor": 1},
                         "protocolApplied": [{"doseNumberPositiveInt": -1}]});
        let card = read_leniently(&bundle(vec![odd, json!("not an object"), json!({"name": 1})]));
        let imm = &card.immunizations[0];
        assert!(*imm == Immunization::default(), "every member of the wrong type reads as absent");
        assert_eq!(card.other_resources, 2);
        assert!(read_leniently(&json!([1, 2])) == FhirCard::default());
    }
}
