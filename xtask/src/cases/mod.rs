//! The fixture cases: what each certificate is, how it is made, and the
//! verdict a conforming verifier reaches at the reference time with the
//! trust list of this fixtures tree.
//!
//! Check names and reason codes are those of `healthcert_core::model`
//! (`CheckKind::name()`, `Reason::code()`); `failures` lists exactly the
//! checks whose outcome is `fail`.

mod content;
mod decode;
mod envelope;

use anyhow::Result;
use ciborium::Value;

use crate::hcert::{self, Cert};
use crate::pki::Pki;

/// One fixture case.
pub(crate) struct Case {
    /// File-name stem.
    pub name: &'static str,
    /// What it tests.
    pub description: &'static str,
    /// The DSC that signed it, when one did.
    pub signer: Option<&'static str>,
    /// `valid`, `invalid` or `unknown`.
    pub status: &'static str,
    /// `(check, reason)` of every failing check, in verdict order.
    pub failures: Vec<(&'static str, &'static str)>,
    /// The HC1 text.
    pub text: String,
    /// The DCC as pretty JSON, for cases that decode.
    pub json: Option<String>,
}

type Failures = &'static [(&'static str, &'static str)];

fn status_of(failures: Failures) -> &'static str {
    match failures {
        [] => "valid",
        // Inconclusive reasons alone (the issuer is not known, a version of
        // the format this verifier does not read): unknown.
        f if f.iter().all(|(_, r)| {
            matches!(*r, "ISSUER_UNKNOWN" | "NO_TRUSTED_KEY" | "TOO_MANY_CANDIDATE_KEYS" | "PREFIX_UNSUPPORTED")
        }) =>
        {
            "unknown"
        }
        _ => "invalid",
    }
}

struct Cases<'p> {
    pki: &'p Pki,
    out: Vec<Case>,
}

impl<'p> Cases<'p> {
    /// A case made from a certificate.
    fn cert(
        &mut self,
        name: &'static str,
        description: &'static str,
        signer: &'static str,
        failures: Failures,
        cert: &Cert,
    ) -> Result<()> {
        let decodes = !failures.iter().any(|(c, _)| *c == "decode");
        let json = if decodes { cert.dcc.as_ref().and_then(hcert::dcc_json) } else { None };
        self.raw(name, description, Some(signer), failures, cert.hc1()?, json);
        Ok(())
    }

    /// A case given as text.
    fn raw(
        &mut self,
        name: &'static str,
        description: &'static str,
        signer: Option<&'static str>,
        failures: Failures,
        text: String,
        json: Option<String>,
    ) {
        let status = status_of(failures);
        self.out.push(Case { name, description, signer, status, failures: failures.to_vec(), text, json });
    }

    fn new_cert(&self, signer: &str, dcc: Vec<(&'static str, Value)>) -> Cert<'p> {
        Cert::new(self.pki.dsc(signer), dcc)
    }
}

/// No failing check.
const VALID: Failures = &[];

/// Every case, in manifest order.
pub(crate) fn build(pki: &Pki) -> Result<Vec<Case>> {
    let mut c = Cases { pki, out: Vec::new() };
    envelope::add(&mut c)?;
    content::add(&mut c)?;
    decode::add(&mut c)?;
    Ok(c.out)
}
