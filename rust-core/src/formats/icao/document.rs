//! A VDS-NC seal as a [`Document`]: its type (`hdr.t`), its schema check,
//! its key-usage rule (the critical VDS-NC extended key usage), its
//! validity policy (a seal has no time claims), and its mapping to the
//! normalized certificate (the WHO DDCC core data set).
//!
//! Field names: ICAO "Guidelines: VDS for Travel-Related Public Health
//! Proofs" (`icao.vacc`: WHO's data set; `icao.test`: CAPSCA's). Readers
//! are lenient where the specification is (`ve.dis`, `vd.adm`, `vd.dvn`,
//! `pid.dob`, `pid.sex` are optional).

use serde_json::Value;
use x509_cert::Certificate as X509;
use x509_cert::der::Decode as _;

use crate::formats::{Document, Failure, RulesInput, SignedEnvelope, ValidityPolicy};
use crate::model::{
    Certificate, CertificateType, Check, CheckKind, Code, Event, Extra, Holder, Reason, TestEvent, Vaccination,
};
use crate::trust::SignerKey;

/// The extended key usage of a VDS-NC barcode signer for health proofs.
pub const OID_VDS_NC_EKU: &str = "2.23.136.1.1.14.2";
const OID_EXT_KEY_USAGE: &str = "2.5.29.37";

/// ICD-11 MMS, the code system of `des` and `dis`.
pub const ICD11: &str = "http://id.who.int/icd11/mms";
/// ISO 3166-1 (alpha-3 here), the code system of `ctr`.
pub const ISO3166: &str = "urn:iso:std:iso:3166";

/// `hdr.t` of a proof of vaccination.
pub const TYPE_VACCINATION: &str = "icao.vacc";
/// `hdr.t` of a proof of testing.
pub const TYPE_TEST: &str = "icao.test";

/// A decoded seal.
pub struct IcaoDocument {
    data: Value,
    certificate: Vec<u8>,
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k)).and_then(Value::as_str)
}

fn owned(v: &Value, path: &[&str]) -> Option<String> {
    text(v, path).map(str::to_owned)
}

impl IcaoDocument {
    /// A seal's `data` and its embedded signer certificate (DER).
    pub fn new(data: Value, certificate: Vec<u8>) -> Self {
        Self { data, certificate }
    }

    /// `data`, as received.
    pub fn json(&self) -> &Value {
        &self.data
    }

    /// `hdr.is`, the issuing state (three letters, Doc 9303-3).
    pub fn issuing_state(&self) -> Option<&str> {
        text(&self.data, &["hdr", "is"])
    }

    fn msg(&self) -> &Value {
        &self.data["msg"]
    }

    fn schema_problem(&self, kind: CertificateType) -> Option<String> {
        let hdr = &self.data["hdr"];
        if !hdr
            .get("is")
            .and_then(Value::as_str)
            .is_some_and(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Some("hdr.is is not a three-letter issuing state".into());
        }
        let msg = self.msg();
        let needs = |path: &[&str]| {
            text(msg, path).is_none_or(str::is_empty).then(|| format!("msg.{} is missing", path.join(".")))
        };
        match kind {
            CertificateType::Vaccination => {
                for path in [&["uvci"][..], &["pid", "n"]] {
                    if let Some(p) = needs(path) {
                        return Some(p);
                    }
                }
                let events = msg.get("ve").and_then(Value::as_array).filter(|a| !a.is_empty());
                let Some(events) = events else { return Some("msg.ve has no vaccination events".into()) };
                for (i, ve) in events.iter().enumerate() {
                    for field in ["des", "nam"] {
                        if text(ve, &[field]).is_none() {
                            return Some(format!("msg.ve[{i}].{field} is missing"));
                        }
                    }
                    let doses = ve.get("vd").and_then(Value::as_array).filter(|a| !a.is_empty());
                    let Some(doses) = doses else { return Some(format!("msg.ve[{i}].vd has no doses")) };
                    for (j, vd) in doses.iter().enumerate() {
                        for field in ["dvc", "ctr", "lot"] {
                            if text(vd, &[field]).is_none() {
                                return Some(format!("msg.ve[{i}].vd[{j}].{field} is missing"));
                            }
                        }
                        if vd.get("seq").and_then(Value::as_u64).is_none() {
                            return Some(format!("msg.ve[{i}].vd[{j}].seq is not a dose number"));
                        }
                    }
                }
                None
            }
            _ => {
                for path in [&["utci"][..], &["pid", "n"], &["dat", "sc"], &["tr", "tc"], &["tr", "r"]] {
                    if let Some(p) = needs(path) {
                        return Some(p);
                    }
                }
                None
            }
        }
    }

    fn holder(&self) -> Holder {
        let pid = &self.msg()["pid"];
        Holder {
            name: owned(pid, &["n"]).unwrap_or_default(),
            date_of_birth: owned(pid, &["dob"]),
            sex: owned(pid, &["sex"]).map(|s| Code::new(s, None)),
            // A travel document number (`i`), or a test's document
            // number (`dn`).
            identifier: owned(pid, &["i"]).or_else(|| owned(pid, &["dn"])),
            ..Holder::default()
        }
    }

    fn vaccinations(&self, issuer: Option<&str>) -> Vec<Event> {
        let msg = self.msg();
        let uvci = owned(msg, &["uvci"]);
        let mut out = Vec::new();
        for ve in msg.get("ve").and_then(Value::as_array).into_iter().flatten() {
            for vd in ve.get("vd").and_then(Value::as_array).into_iter().flatten() {
                out.push(Event::Vaccination(Vaccination {
                    vaccine: owned(ve, &["des"]).map(|c| Code::new(c, Some(ICD11))),
                    brand: owned(ve, &["nam"]).map(|n| Code::new(n, None)),
                    disease: owned(ve, &["dis"]).map(|c| Code::new(c, Some(ICD11))),
                    date: owned(vd, &["dvc"]),
                    dose_number: vd.get("seq").and_then(Value::as_u64),
                    country: owned(vd, &["ctr"]).map(|c| Code::new(c, Some(ISO3166))),
                    centre: owned(vd, &["adm"]),
                    lot: owned(vd, &["lot"]),
                    next_dose: owned(vd, &["dvn"]),
                    issuer: issuer.map(str::to_owned),
                    certificate_id: uvci.clone(),
                    ..Vaccination::default()
                }));
            }
        }
        out
    }

    fn test(&self, issuer: Option<&str>) -> Event {
        let msg = self.msg();
        Event::Test(TestEvent {
            test_type: owned(msg, &["tr", "tc"]).map(|c| Code::new(c, None)),
            test_name: owned(msg, &["tr", "m"]),
            result: owned(msg, &["tr", "r"]).map(|c| Code::new(c, None)),
            sample_collected_at: owned(msg, &["dat", "sc"]),
            centre: owned(msg, &["sp", "spn"]),
            country: owned(msg, &["sp", "ctr"]).map(|c| Code::new(c, Some(ISO3166))),
            issuer: issuer.map(str::to_owned),
            certificate_id: owned(msg, &["utci"]),
            ..TestEvent::default()
        })
    }
}

/// Whether the DER certificate has the VDS-NC extended key usage, and
/// whether that extension is marked critical.
fn vds_nc_eku(der: &[u8]) -> Option<bool> {
    let cert = X509::from_der(der).ok()?;
    let ext = cert.tbs_certificate.extensions.iter().flatten().find(|e| e.extn_id.to_string() == OID_EXT_KEY_USAGE)?;
    let eku = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(ext.extn_value.as_bytes()).ok()?;
    eku.0.iter().any(|o| o.to_string() == OID_VDS_NC_EKU).then_some(ext.critical)
}

impl Document for IcaoDocument {
    fn certificate_type(&self) -> Result<CertificateType, Failure> {
        match text(&self.data, &["hdr", "t"]) {
            Some(TYPE_VACCINATION) => Ok(CertificateType::Vaccination),
            Some(TYPE_TEST) => Ok(CertificateType::Test),
            _ => Err(Failure::new(Reason::CertificateTypeUnsupported, "hdr.t is neither icao.vacc nor icao.test")),
        }
    }

    /// `hdr.v` must be 1 (the only version defined); the members each type
    /// requires must be present with the right types.
    fn schema_check(&self, _strict: bool) -> Check {
        let kind = match self.certificate_type() {
            Ok(k) => k,
            Err(f) => return Check::fail(CheckKind::Schema, f.reason, f.detail),
        };
        if self.data["hdr"].get("v").and_then(Value::as_u64) != Some(1) {
            return Check::fail(CheckKind::Schema, Reason::SchemaVersionInvalid, "hdr.v is not 1");
        }
        match self.schema_problem(kind) {
            Some(problem) => Check::fail(CheckKind::Schema, Reason::SchemaInvalid, problem),
            None => Check::pass(CheckKind::Schema, format!("an ICAO VDS-NC {} seal, version 1", kind.name())),
        }
    }

    /// The barcode signer must carry the VDS-NC extended key usage
    /// `2.23.136.1.1.14.2`, in a critical extension (ICAO VDS-NC
    /// guidelines, certificate profile).
    fn key_usage_check(&self, signer: &SignerKey) -> Check {
        let der = signer.certificate().unwrap_or(&self.certificate);
        match vds_nc_eku(der) {
            Some(true) => {
                Check::pass(CheckKind::KeyUsage, format!("the signer may sign VDS-NC seals ({OID_VDS_NC_EKU})"))
            }
            Some(false) => Check::fail(
                CheckKind::KeyUsage,
                Reason::SignerEkuMissing,
                format!("the signer's extended key usage {OID_VDS_NC_EKU} is not marked critical"),
            ),
            None => Check::fail(
                CheckKind::KeyUsage,
                Reason::SignerEkuMissing,
                format!("the signer certificate lacks the VDS-NC extended key usage {OID_VDS_NC_EKU}"),
            ),
        }
    }

    /// A seal carries no issue or expiry time; its signer's validity is the
    /// issuer check.
    fn validity_policy(&self) -> ValidityPolicy {
        ValidityPolicy { expiry_required: false, issued_at_required: false, within_signer_validity: false }
    }

    fn rules_input(&self) -> Option<RulesInput<'_>> {
        None
    }

    fn normalize(&self, envelope: &SignedEnvelope) -> Certificate {
        let kind = self.certificate_type().ok();
        let issuer = self.issuing_state();
        let events = match kind {
            Some(CertificateType::Test) => vec![self.test(issuer)],
            _ => self.vaccinations(issuer),
        };
        let mut c = Certificate::new(kind, self.holder(), events);
        // Three letters (Doc 9303-3), not the alpha-2 of other formats.
        c.issuer_country = envelope.issuer.clone();
        let msg = self.msg();
        c.certificate_id = owned(msg, &["uvci"]).or_else(|| owned(msg, &["utci"]));
        let mut extra = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                c.extras.push(Extra::new(name, v));
            }
        };
        extra("hdr.t", owned(&self.data, &["hdr", "t"]));
        extra("hdr.v", self.data["hdr"].get("v").map(Value::to_string));
        extra("pid.ai", owned(msg, &["pid", "ai"]));
        extra("pid.dt", owned(msg, &["pid", "dt"]));
        extra("pid.dn", owned(msg, &["pid", "dn"]));
        extra("sp.cd", msg.get("sp").and_then(|s| s.get("cd")).map(Value::to_string));
        extra("dat.ri", owned(msg, &["dat", "ri"]));
        extra("opt", msg.get("opt").map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned)));
        c
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::formats::{DeclaredAlgorithm, TimeClaims};
    use crate::model::Outcome;
    use crate::trust::KeyRef;

    fn envelope(issuer: &str) -> SignedEnvelope {
        SignedEnvelope {
            algorithm: DeclaredAlgorithm::Missing,
            key: KeyRef::Missing { scheme: super::super::SCHEME },
            key_origin: "",
            signed_bytes: Vec::new(),
            signature: Vec::new(),
            issuer: Some(issuer.to_owned()),
            times: TimeClaims::default(),
        }
    }

    fn test_seal() -> Value {
        json!({"hdr": {"t": "icao.test", "v": 1, "is": "UTO"}, "msg": {
            "utci": "U01932", "pid": {"n": "Smith Bill", "dob": "1990-01-02", "dt": "P", "dn": "A1234567Z"},
            "sp": {"spn": "General Hospital", "ctr": "UTO", "cd": {"p": "+1 555 0100"}},
            "dat": {"sc": "2021-03-03T10:00:00Z", "ri": "2021-03-04T10:00:00Z"},
            "tr": {"tc": "molecular(PCR)", "r": "negative", "m": "nasopharyngeal"}}})
    }

    #[test]
    fn a_test_seal_maps_to_a_test_event() {
        let doc = IcaoDocument::new(test_seal(), Vec::new());
        assert_eq!(doc.certificate_type().unwrap(), CertificateType::Test);
        assert_eq!(doc.schema_check(false).outcome, Outcome::Pass, "{:?}", doc.schema_check(false));
        let c = doc.normalize(&envelope("UTO"));
        assert_eq!((c.holder.name.as_str(), c.holder.identifier.as_deref()), ("Smith Bill", Some("A1234567Z")));
        assert_eq!(c.certificate_id.as_deref(), Some("U01932"));
        let [Event::Test(t)] = c.events.as_slice() else { panic!("one test event") };
        assert_eq!(t.result.as_ref().map(|r| r.code.as_str()), Some("negative"));
        assert_eq!(t.test_type.as_ref().map(|r| r.code.as_str()), Some("molecular(PCR)"));
        assert_eq!(t.sample_collected_at.as_deref(), Some("2021-03-03T10:00:00Z"));
        assert_eq!(
            (t.centre.as_deref(), t.country.as_ref().map(|c| c.code.as_str())),
            (Some("General Hospital"), Some("UTO"))
        );
        assert_eq!((c.extra("pid.dt"), c.extra("dat.ri")), (Some("P"), Some("2021-03-04T10:00:00Z")));
        assert_eq!(c.extra("sp.cd"), Some(r#"{"p":"+1 555 0100"}"#));
    }

    #[test]
    fn schema_and_type_are_refused_precisely() {
        let mut seal = test_seal();
        seal["hdr"]["v"] = json!(2);
        assert_eq!(IcaoDocument::new(seal, Vec::new()).schema_check(false).reason, Reason::SchemaVersionInvalid);
        let mut seal = test_seal();
        seal["msg"]["tr"] = json!({"tc": "antigen"});
        assert!(IcaoDocument::new(seal, Vec::new()).schema_check(false).detail.contains("msg.tr.r"));
        let mut seal = test_seal();
        seal["hdr"]["t"] = json!("icao.other");
        let doc = IcaoDocument::new(seal, Vec::new());
        assert_eq!(doc.certificate_type().unwrap_err().reason, Reason::CertificateTypeUnsupported);
        assert_eq!(doc.schema_check(false).reason, Reason::CertificateTypeUnsupported);
        let vacc = json!({"hdr": {"t": "icao.vacc", "v": 1, "is": "UTO"}, "msg": {"uvci": "U1", "pid": {"n": "X"},
            "ve": [{"des": "XM68M6", "nam": "B", "vd": [{"dvc": "2021-01-01", "seq": "1", "ctr": "UTO", "lot": "L"}]}]}});
        let check = IcaoDocument::new(vacc, Vec::new()).schema_check(false);
        assert_eq!(
            (check.reason, check.detail.as_str()),
            (Reason::SchemaInvalid, "msg.ve[0].vd[0].seq is not a dose number")
        );
    }

    #[test]
    fn a_signer_without_the_vds_nc_eku_may_not_sign() {
        // An EU DCC document signer (its EKUs are the DCC's).
        let pem = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/trust/dsc/dsc-ec-all.pem"))
            .unwrap();
        let der = crate::crypto::pem_certificates(&pem).remove(0).unwrap();
        let signer = SignerKey::from_der(super::super::SCHEME, &der, None, None).unwrap();
        let check = IcaoDocument::new(test_seal(), der).key_usage_check(&signer);
        assert_eq!((check.outcome, check.reason), (Outcome::Fail, Reason::SignerEkuMissing));
    }
}
