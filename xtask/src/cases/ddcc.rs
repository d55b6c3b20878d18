//! WHO DDCC core data sets in HC1, as WHO SMART Trust carries them: the
//! `hcert` claim (-260) holding key 3 (DDCC:VS, a vaccination) or key 4
//! (DDCC:TR, a test result) instead of the EU DCC's key 1, signed like an EU
//! DCC by a DSC of the trust list.

use anyhow::Result;
use ciborium::Value;

use super::{Cases, VALID};
use crate::hcert::{self, map, text};

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

/// A coded value with its code system (FHIR Coding as DDCC writes it).
fn coding(code: &str, system: &str, display: Option<&str>) -> Value {
    let mut entries = vec![("code", text(code)), ("system", text(system))];
    entries.extend(display.map(|d| ("display", text(d))));
    map(entries)
}

/// The holder part of the core data set (DDCCCoreDataSet).
fn holder(label: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("name", text("Test Traveller")),
        ("birthDate", text("1980-04-02")),
        ("sex", coding("female", "http://hl7.org/fhir/administrative-gender", None)),
        ("identifier", text(&format!("ID-{label}"))),
    ]
}

/// DDCCCoreDataSetVS: dose 1 of 2, coded in ICD-11 as WHO does.
fn vaccination() -> Value {
    let mut entries = holder("who-ddcc-vaccination");
    entries.extend([
        ("vaccine", coding("XM0GQ8", "http://id.who.int/icd11/mms", Some("COVID-19 vaccine, mRNA"))),
        ("brand", coding("EU/1/20/1528", "http://ec.europa.eu/temp/vaccineproductname", Some("Comirnaty"))),
        ("manufacturer", text("Test Manufacturer")),
        ("lot", text("LOT-0001")),
        ("date", text("2026-05-01")),
        ("dose", int(1)),
        ("total_doses", int(2)),
        ("country", coding("XTA", "urn:iso:std:iso:3166", None)),
        ("centre", text("Test Vaccination Centre")),
        ("disease", coding("RA01.0", "http://id.who.int/icd11/mms", Some("COVID-19, virus identified"))),
        ("due_date", text("2026-06-01")),
        ("hcid", text(&hcert::uvci("who-ddcc-vaccination"))),
        ("valid_from", text("2026-05-15")),
    ]);
    map(entries)
}

/// DDCCCoreDataSetTR: a negative NAA test.
fn test_result() -> Value {
    let mut entries = holder("who-ddcc-test");
    entries.push((
        "test",
        map(vec![
            ("pathogen", coding("840539006", "http://snomed.info/sct", Some("COVID-19"))),
            ("type", coding("LP6464-4", "http://loinc.org", Some("Nucleic acid amplification"))),
            ("origin", coding("258500001", "http://snomed.info/sct", Some("Nasopharyngeal swab"))),
            ("date", text("2026-08-31T08:00:00Z")),
            ("result", coding("260415000", "http://snomed.info/sct", Some("Not detected"))),
            ("centre", text("Test Centre")),
            ("country", coding("XTA", "urn:iso:std:iso:3166", None)),
        ]),
    ));
    entries.push(("hcid", text(&hcert::uvci("who-ddcc-test"))));
    map(entries)
}

pub(super) fn add(c: &mut Cases<'_>) -> Result<()> {
    for (name, signer, key, data, description) in [
        (
            "valid-who-ddcc-vaccination",
            "dsc-ec-vaccination",
            3,
            vaccination(),
            "WHO DDCC:VS (hcert key 3): dose 1 of 2, with brand, lot, centre and next dose, signed by a DSC whose \
             EKU allows vaccinations.",
        ),
        (
            "valid-who-ddcc-test",
            "dsc-ec-test",
            4,
            test_result(),
            "WHO DDCC:TR (hcert key 4): a negative NAA test, signed by a DSC whose EKU allows tests.",
        ),
    ] {
        let mut case = c.draft(name, signer, hcert::vaccination);
        case.cert.dcc = None;
        case.cert.extra_claims.push((int(-260), Value::Map(vec![(int(key), data)])));
        c.add(case, description, VALID)?;
    }
    Ok(())
}
