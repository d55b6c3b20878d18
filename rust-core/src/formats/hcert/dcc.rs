//! The EU DCC payload as a [`Document`]: its type, its schema check, and its
//! mapping to the normalized certificate.

use serde_json::Value;

use super::{key_usage, schema};
use crate::crypto::SignatureAlgorithm;
use crate::formats::{
    DeclaredAlgorithm, Document, Failure, RevocationHashKind, RevocationKey, RulesInput, SignedEnvelope, ValidityPolicy,
};
use crate::model::{
    Certificate, CertificateType, Check, CheckKind, Code, Event, Extra, Holder, Reason, Recovery, TestEvent,
    Vaccination,
};
use crate::trust::SignerKey;

/// How many violations a schema check's detail lists before summarising.
const MAX_LISTED_VIOLATIONS: usize = 3;
/// How many tolerated deviations a passing schema check's detail lists.
const MAX_LISTED_DEVIATIONS: usize = 10;

/// A decoded EU DCC.
#[derive(Clone)]
pub struct HcertDocument {
    dcc: Value,
    /// Which of the groups `v`, `t`, `r` are present, in that order:
    /// computed once.
    groups: Vec<(CertificateType, &'static str)>,
}

impl HcertDocument {
    /// Wraps a DCC payload.
    pub fn new(dcc: Value) -> Self {
        let groups =
            [("v", CertificateType::Vaccination), ("t", CertificateType::Test), ("r", CertificateType::Recovery)]
                .into_iter()
                // A group present as null (some early issuers wrote "t": null
                // beside "v") is treated as absent; the schema check still
                // reports the null.
                .filter(|(k, _)| dcc.get(k).is_some_and(|v| !v.is_null()))
                .map(|(k, t)| (t, k))
                .collect();
        Self { dcc, groups }
    }

    /// The payload as JSON.
    pub fn json(&self) -> &Value {
        &self.dcc
    }

    /// The groups present among `v`, `t`, `r`.
    fn groups(&self) -> impl Iterator<Item = (CertificateType, &Value)> + '_ {
        self.groups.iter().filter_map(|(t, k)| self.dcc.get(*k).map(|v| (*t, v)))
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A date field: a date-time written where the schema says date is read as
/// its date part (a tolerated schema deviation).
fn date(v: &Value, key: &str) -> Option<String> {
    let s = v.get(key).and_then(Value::as_str)?;
    Some(schema::date_part(s).unwrap_or(s).to_owned())
}

/// The country code, read in uppercase (`de` is a tolerated deviation).
fn country(v: &Value) -> Option<Code> {
    let c = v.get("co").and_then(Value::as_str)?.to_ascii_uppercase();
    let system = codes::country(&c);
    Some(Code::new(&c, system))
}

/// The code at `key`, in the code system `system` gives it.
fn code(v: &Value, key: &str, system: fn(&str) -> Option<&'static str>) -> Option<Code> {
    let c = v.get(key).and_then(Value::as_str)?;
    Some(Code::new(c, system(c)))
}

/// The code systems of the EU DCC value sets (eu-dcc-valuesets), by field.
/// A value set mixes systems only where non-EU products and makers have
/// the Commission's temporary codes.
mod codes {
    const SNOMED: &str = "http://snomed.info/sct";
    const ISO_3166: &str = "urn:iso:std:iso:3166";

    pub(super) fn disease(_: &str) -> Option<&'static str> {
        Some(SNOMED)
    }

    /// SNOMED CT concept ids are digits; the one ATC code is `J07BX03`.
    pub(super) fn vaccine(code: &str) -> Option<&'static str> {
        if code.bytes().all(|b| b.is_ascii_digit()) {
            Some(SNOMED)
        } else if code.len() == 7 && code.starts_with(|c: char| c.is_ascii_uppercase()) {
            Some("http://www.whocc.no/atc")
        } else {
            None
        }
    }

    pub(super) fn product(code: &str) -> Option<&'static str> {
        Some(if code.starts_with("EU/") {
            "https://ec.europa.eu/health/documents/community-register/html/"
        } else {
            "http://ec.europa.eu/temp/vaccineproductname"
        })
    }

    pub(super) fn authorization_holder(code: &str) -> Option<&'static str> {
        Some(if code.starts_with("ORG-") {
            "https://spor.ema.europa.eu/v1/organisations"
        } else {
            "http://ec.europa.eu/temp/vaccinemanufacturer"
        })
    }

    pub(super) fn test_type(_: &str) -> Option<&'static str> {
        Some("http://loinc.org")
    }

    pub(super) fn test_device(_: &str) -> Option<&'static str> {
        Some("https://covid-19-diagnostics.jrc.ec.europa.eu/devices")
    }

    pub(super) fn test_result(_: &str) -> Option<&'static str> {
        Some(SNOMED)
    }

    /// ISO 3166-1 alpha-2, but for the Commission's temporary code for Kosovo.
    pub(super) fn country(code: &str) -> Option<&'static str> {
        Some(if code == "XK" { "http://ec.europa.eu/temp/countrycodes" } else { ISO_3166 })
    }
}

fn count(v: &Value, key: &str) -> Option<u64> {
    let n = v.get(key)?;
    n.as_u64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1e15).map(|f| f as u64))
}

fn entries(group: &Value) -> impl Iterator<Item = &Value> {
    group.as_array().into_iter().flatten().filter(|e| e.is_object())
}

impl Document for HcertDocument {
    fn certificate_type(&self) -> Result<CertificateType, Failure> {
        match self.groups.as_slice() {
            [(t, _)] => Ok(*t),
            [] => Err(Failure::new(Reason::CertificateTypeAmbiguous, "the DCC has none of v, t, r")),
            more => Err(Failure::new(
                Reason::CertificateTypeAmbiguous,
                format!("the DCC has {} of v, t, r; exactly one is allowed", more.len()),
            )),
        }
    }

    /// Regulation (EU) 2021/953 and the DCC schema: one certificate carries
    /// exactly one of a vaccination, test or recovery group; the payload
    /// follows the schema release it declares in `ver`. Unless `strict`,
    /// the deviations `schema::validate_tolerant` tolerates pass with
    /// [`Reason::SchemaDeviation`], each named by its path.
    fn schema_check(&self, strict: bool) -> Check {
        if self.groups.len() != 1 {
            return Check::fail(
                CheckKind::Schema,
                Reason::GroupCount,
                format!("the DCC has {} of the groups v, t, r; exactly one is required", self.groups.len()),
            );
        }
        let result = if strict { schema::validate(&self.dcc) } else { schema::validate_tolerant(&self.dcc) };
        match result {
            Ok(v) if v.deviations.is_empty() => {
                Check::pass(CheckKind::Schema, format!("follows the DCC schema {} rules", v.rules))
            }
            Ok(v) => {
                let listed: Vec<String> =
                    v.deviations.iter().take(MAX_LISTED_DEVIATIONS).map(ToString::to_string).collect();
                let mut detail = format!(
                    "follows the DCC schema {} rules but for tolerated deviations: {}",
                    v.rules,
                    listed.join("; ")
                );
                if v.deviations.len() > MAX_LISTED_DEVIATIONS {
                    detail.push_str(&format!(" (and {} more)", v.deviations.len() - MAX_LISTED_DEVIATIONS));
                }
                Check::pass_with(CheckKind::Schema, Reason::SchemaDeviation, detail)
            }
            Err(e) => {
                let mut detail = match &e.rules {
                    Some(r) => format!("against the DCC schema {r} rules: "),
                    None => String::new(),
                };
                let listed: Vec<String> =
                    e.violations.iter().take(MAX_LISTED_VIOLATIONS).map(ToString::to_string).collect();
                detail.push_str(&listed.join("; "));
                if e.violations.len() > MAX_LISTED_VIOLATIONS {
                    detail.push_str(&format!(" (and {} more)", e.violations.len() - MAX_LISTED_VIOLATIONS));
                }
                Check::fail(CheckKind::Schema, e.reason, detail)
            }
        }
    }

    /// hcert spec Annex A.4 (see [`dcc_types`](super::dcc_types)).
    fn key_usage_check(&self, signer: &SignerKey) -> Check {
        key_usage::check(signer, self.certificate_type().as_ref().map(|t| *t))
    }

    /// hcert spec §3.3.5 and §3.3.6: `exp` and `iat` are required, and
    /// must lie within the signer certificate's validity.
    fn validity_policy(&self) -> ValidityPolicy {
        ValidityPolicy { expiry_required: true, issued_at_required: true, within_signer_validity: true }
    }

    /// The DCC is the rules' `payload` (DCC business rules).
    fn rules_input(&self) -> Option<RulesInput<'_>> {
        Some(RulesInput { payload: &self.dcc })
    }

    fn normalize(&self, envelope: &SignedEnvelope) -> Certificate {
        let d = &self.dcc;
        let nam = d.get("nam").unwrap_or(&Value::Null);
        let family_name = text(nam, "fn");
        let given_name = text(nam, "gn");
        let family_std = text(nam, "fnt");
        let given_std = text(nam, "gnt");
        let shown_given = given_name.clone().or_else(|| given_std.clone());
        let shown_family = family_name.clone().or_else(|| family_std.clone());
        let name = [shown_given, shown_family].into_iter().flatten().collect::<Vec<_>>().join(" ");

        let mut events = Vec::new();
        for (kind, group) in self.groups() {
            for e in entries(group) {
                events.push(match kind {
                    CertificateType::Vaccination => Event::Vaccination(Vaccination {
                        disease: code(e, "tg", codes::disease),
                        vaccine: code(e, "vp", codes::vaccine),
                        brand: code(e, "mp", codes::product),
                        market_authorization_holder: code(e, "ma", codes::authorization_holder),
                        dose_number: count(e, "dn"),
                        total_doses: count(e, "sd"),
                        date: date(e, "dt"),
                        country: country(e),
                        issuer: text(e, "is"),
                        certificate_id: text(e, "ci"),
                        ..Default::default()
                    }),
                    CertificateType::Test => Event::Test(TestEvent {
                        disease: code(e, "tg", codes::disease),
                        test_type: code(e, "tt", codes::test_type),
                        test_name: text(e, "nm"),
                        test_device: code(e, "ma", codes::test_device),
                        sample_collected_at: text(e, "sc"),
                        result: code(e, "tr", codes::test_result),
                        centre: text(e, "tc"),
                        country: country(e),
                        issuer: text(e, "is"),
                        certificate_id: text(e, "ci"),
                    }),
                    CertificateType::Recovery => Event::Recovery(Recovery {
                        disease: code(e, "tg", codes::disease),
                        first_positive: date(e, "fr"),
                        valid_from: date(e, "df"),
                        valid_until: date(e, "du"),
                        country: country(e),
                        issuer: text(e, "is"),
                        certificate_id: text(e, "ci"),
                    }),
                });
            }
        }
        let holder = Holder {
            name,
            family_name,
            given_name,
            family_name_standardised: family_std,
            given_name_standardised: given_std,
            date_of_birth: date(d, "dob"),
            ..Default::default()
        };
        let mut certificate = Certificate::new(self.certificate_type().ok(), holder, events);
        certificate.certificate_id =
            self.groups().next().and_then(|(_, g)| entries(g).next()).and_then(|e| text(e, "ci"));
        certificate.issuer_country = envelope.issuer.clone();
        certificate.issued_at = envelope.times.issued_at.instant();
        certificate.expires_at = envelope.times.expires_at.instant();
        certificate.extras = text(d, "ver").map(|v| Extra::new("ver", v)).into_iter().collect();
        certificate
    }

    /// The EU DCC revocation hashes (DGCA revocation distribution service):
    /// SHA-256 truncated to 16 bytes of the UCI as issued; of a country
    /// code and the UCI, with both the event's `co` (the DGCA app) and the
    /// CWT issuer (the Corona-Warn-App) when they differ; and of the
    /// signature, only its `r` half for ES256, whole for PS256.
    fn revocation_keys(&self, envelope: &SignedEnvelope) -> Vec<RevocationKey> {
        let hash = |kind, bytes: &[u8]| {
            let digest = crate::crypto::sha256(bytes);
            let mut hash = [0u8; 16];
            hash.copy_from_slice(&digest[..16]);
            RevocationKey::Hash { kind, hash }
        };
        let mut keys = Vec::new();
        let event = self.groups().next().and_then(|(_, g)| entries(g).next());
        if let Some(uci) = event.and_then(|e| e.get("ci")).and_then(Value::as_str) {
            keys.push(hash(RevocationHashKind::Uci, uci.as_bytes()));
            let co = event.and_then(|e| e.get("co")).and_then(Value::as_str);
            let mut countries: Vec<&str> = co.into_iter().chain(envelope.issuer.as_deref()).collect();
            countries.dedup();
            for country in countries {
                keys.push(hash(RevocationHashKind::CountryCodeUci, format!("{country}{uci}").as_bytes()));
            }
        }
        let signed = match envelope.algorithm {
            DeclaredAlgorithm::Supported(SignatureAlgorithm::Es256) if envelope.signature.len() == 64 => {
                Some(&envelope.signature[..32])
            }
            DeclaredAlgorithm::Supported(SignatureAlgorithm::Ps256) => Some(&envelope.signature[..]),
            _ => None,
        };
        keys.extend(signed.map(|s| hash(RevocationHashKind::Signature, s)));
        keys
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::formats::TimeClaims;
    use crate::trust::KeyRef;

    fn envelope() -> SignedEnvelope {
        SignedEnvelope {
            algorithm: DeclaredAlgorithm::Missing,
            key: KeyRef::Missing { scheme: super::super::SCHEME },
            key_origin: "test",
            signed_bytes: Vec::new(),
            signature: Vec::new(),
            issuer: Some("XT".into()),
            times: TimeClaims::default(),
        }
    }

    /// A schema-valid vaccination DCC (dose 2 of 2 on 2022-01-15 in DE).
    fn vaccination() -> Value {
        json!({
            "ver": "1.3.0", "dob": "1964-08-12",
            "nam": {"fn": "Mustermann", "gn": "Erika", "fnt": "MUSTERMANN", "gnt": "ERIKA"},
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                   "dn": 2, "sd": 2, "dt": "2022-01-15", "co": "DE", "is": "Ministry", "ci": "URN:UVCI:01:XT:1"}]
        })
    }

    #[test]
    fn schema_deviations_pass_with_a_warning_unless_strict() {
        // What issuers outside the EU write: date-times for dates, a
        // lowercase country, an explicit null.
        let mut dcc = vaccination();
        dcc["dob"] = json!("1964-08-12T00:00:00");
        dcc["v"][0]["dt"] = json!("2022-01-15T00:00:00");
        dcc["v"][0]["co"] = json!("de");
        dcc["t"] = Value::Null;
        let doc = HcertDocument::new(dcc);
        let check = doc.schema_check(false);
        assert_eq!((check.outcome, check.reason), (crate::model::Outcome::Pass, Reason::SchemaDeviation), "{check:?}");
        for path in ["/dob:", "/v/0/dt:", "/v/0/co:", "/t:"] {
            assert!(check.detail.contains(path), "{}", check.detail);
        }
        for value in ["1964", "2022-01-15", "\"de\"", "Mustermann"] {
            assert!(!check.detail.contains(value), "{}", check.detail);
        }
        let strict = doc.schema_check(true);
        assert_eq!((strict.outcome, strict.reason), (crate::model::Outcome::Fail, Reason::SchemaInvalid));

        // The normalized certificate reads the date part and the uppercase code.
        let c = doc.normalize(&envelope());
        assert_eq!(c.holder.date_of_birth.as_deref(), Some("1964-08-12"));
        let Event::Vaccination(v) = &c.events[0] else { panic!("a vaccination") };
        assert_eq!(v.date.as_deref(), Some("2022-01-15"));
        assert_eq!(v.country.as_ref().map(|c| c.code.as_str()), Some("DE"));
        assert_eq!(c.events.len(), 1);

        // Without deviations: OK in both modes.
        let clean = HcertDocument::new(vaccination());
        assert_eq!((clean.schema_check(false).reason, clean.schema_check(true).reason), (Reason::Ok, Reason::Ok));
    }

    #[test]
    fn codes_keep_their_code_systems() {
        // A vaccine outside the EU list: its code is ATC, not SNOMED CT.
        let mut dcc = vaccination();
        dcc["v"][0]["vp"] = json!("J07BX03");
        dcc["v"][0]["mp"] = json!("Sputnik-V");
        dcc["v"][0]["co"] = json!("XK");
        let c = HcertDocument::new(dcc).normalize(&envelope());
        assert_eq!(c.kind, Some(CertificateType::Vaccination));
        assert_eq!(c.holder.name, "Erika Mustermann");
        assert_eq!((c.issuer_country.as_deref(), c.certificate_id.as_deref()), (Some("XT"), Some("URN:UVCI:01:XT:1")));
        assert_eq!(c.extra("ver"), Some("1.3.0"));
        let [Event::Vaccination(v)] = c.events.as_slice() else { panic!("one vaccination") };
        let system = |c: &Option<Code>| c.as_ref().and_then(|c| c.system.clone());
        assert_eq!(system(&v.disease).as_deref(), Some("http://snomed.info/sct"));
        assert_eq!(system(&v.vaccine).as_deref(), Some("http://www.whocc.no/atc"));
        assert_eq!(system(&v.brand).as_deref(), Some("http://ec.europa.eu/temp/vaccineproductname"));
        assert_eq!(
            system(&v.market_authorization_holder).as_deref(),
            Some("https://spor.ema.europa.eu/v1/organisations")
        );
        assert_eq!(system(&v.country).as_deref(), Some("http://ec.europa.eu/temp/countrycodes"));
        assert_eq!((v.dose_number, v.total_doses), (Some(2), Some(2)));
        assert!(v.manufacturer.is_none(), "the EU DCC names one maker, as `ma`");

        let test = json!({"t": [{"tg": "840539006", "tt": "LP6464-4", "tr": "260415000", "ma": "1232", "co": "DE"}]});
        let c = HcertDocument::new(test).normalize(&envelope());
        let [Event::Test(t)] = c.events.as_slice() else { panic!("one test") };
        assert_eq!(system(&t.test_type).as_deref(), Some("http://loinc.org"));
        assert_eq!(system(&t.result).as_deref(), Some("http://snomed.info/sct"));
        assert_eq!(system(&t.country).as_deref(), Some("urn:iso:std:iso:3166"));
        assert_eq!(t.test_device.as_ref().map(|c| c.code.as_str()), Some("1232"));
    }

    /// Expected hashes computed apart (Python `hashlib.sha256(b).hexdigest()[:32]`).
    #[test]
    fn revocation_keys_follow_the_gateway_hash_types() {
        let dcc = json!({"v": [{"ci": "URN:UVCI:01:XT:1", "co": "XK"}, {"ci": "URN:UVCI:01:XT:2", "co": "XT"}]});
        let mut env = envelope();
        env.algorithm = DeclaredAlgorithm::Supported(SignatureAlgorithm::Es256);
        env.signature = (0..64).collect();
        let hex = |k: &RevocationKey| match k {
            RevocationKey::Hash { kind, hash } => (*kind, hash.iter().map(|b| format!("{b:02x}")).collect::<String>()),
            RevocationKey::Rid { .. } => panic!("no rid in an EU DCC"),
        };
        let keys: Vec<_> = HcertDocument::new(dcc.clone()).revocation_keys(&env).iter().map(hex).collect();
        use RevocationHashKind::*;
        let expected = [
            (Uci, "368060d6aa3df7b2687ccf6341bcda68"),
            (CountryCodeUci, "75526fb45a2104fcd6704244d5185095"), // co XK, the first event's
            (CountryCodeUci, "bfd7a4ec6076c684dd256c1516c02f85"), // iss XT
            (Signature, "630dcd2966c4336691125448bbb25b4f"),      // r: bytes 0..32
        ];
        assert_eq!(keys, expected.map(|(k, h)| (k, h.to_owned())));

        env.algorithm = DeclaredAlgorithm::Supported(SignatureAlgorithm::Ps256);
        let keys: Vec<_> = HcertDocument::new(dcc.clone()).revocation_keys(&env).iter().map(hex).collect();
        assert_eq!(keys.last(), Some(&(Signature, "fdeab9acf3710362bd2658cdc9a29e8f".to_owned())), "PS256: all of it");

        env.issuer = Some("XK".into());
        env.algorithm = DeclaredAlgorithm::Supported(SignatureAlgorithm::Es384);
        let keys: Vec<_> = HcertDocument::new(dcc).revocation_keys(&env).iter().map(hex).collect();
        assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), [Uci, CountryCodeUci], "one country; no ES384 hash");
        assert!(HcertDocument::new(json!({"v": [{}]})).revocation_keys(&envelope()).is_empty());
        assert!(!format!("{:?}", RevocationKey::Rid { rid: "SECRET".into(), issued_at: None }).contains("SECRET"));
    }
}
