//! The EU DCC payload as a [`Document`]: its type, its schema check, and its
//! mapping to the normalized certificate.

use serde_json::Value;

use super::{key_usage, schema};
use crate::formats::{Document, Failure, RulesInput, SignedEnvelope, ValidityPolicy};
use crate::model::{
    Certificate, CertificateType, Check, CheckKind, Event, Holder, Reason, Recovery, TestEvent, Vaccination,
};
use crate::trust::SignerKey;

/// How many violations a schema check's detail lists before summarising.
const MAX_LISTED_VIOLATIONS: usize = 3;

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
    /// follows the schema release it declares in `ver`.
    fn schema_check(&self) -> Check {
        if self.groups.len() != 1 {
            return Check::fail(
                CheckKind::Schema,
                Reason::GroupCount,
                format!("the DCC has {} of the groups v, t, r; exactly one is required", self.groups.len()),
            );
        }
        match schema::validate(&self.dcc) {
            Ok(v) => Check::pass(CheckKind::Schema, format!("follows the DCC schema {} rules", v.rules)),
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
                        disease: text(e, "tg"),
                        vaccine: text(e, "vp"),
                        product: text(e, "mp"),
                        manufacturer: text(e, "ma"),
                        dose_number: count(e, "dn"),
                        total_doses: count(e, "sd"),
                        date: text(e, "dt"),
                        country: text(e, "co"),
                        issuer: text(e, "is"),
                        certificate_id: text(e, "ci"),
                    }),
                    CertificateType::Test => Event::Test(TestEvent {
                        disease: text(e, "tg"),
                        test_type: text(e, "tt"),
                        test_name: text(e, "nm"),
                        test_device: text(e, "ma"),
                        sample_collected_at: text(e, "sc"),
                        result: text(e, "tr"),
                        centre: text(e, "tc"),
                        country: text(e, "co"),
                        issuer: text(e, "is"),
                        certificate_id: text(e, "ci"),
                    }),
                    CertificateType::Recovery => Event::Recovery(Recovery {
                        disease: text(e, "tg"),
                        first_positive: text(e, "fr"),
                        valid_from: text(e, "df"),
                        valid_until: text(e, "du"),
                        country: text(e, "co"),
                        issuer: text(e, "is"),
                        certificate_id: text(e, "ci"),
                    }),
                });
            }
        }
        let certificate_id = self.groups().next().and_then(|(_, g)| entries(g).next()).and_then(|e| text(e, "ci"));

        Certificate {
            kind: self.certificate_type().ok(),
            schema_version: text(d, "ver"),
            holder: Holder {
                name,
                family_name,
                given_name,
                family_name_standardised: family_std,
                given_name_standardised: given_std,
                date_of_birth: text(d, "dob"),
            },
            events,
            issuer_country: envelope.issuer.clone(),
            certificate_id,
            issued_at: envelope.times.issued_at.instant(),
            expires_at: envelope.times.expires_at.instant(),
        }
    }
}
