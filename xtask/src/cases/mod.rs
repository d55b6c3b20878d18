//! The fixture cases: what each certificate is, how it is made, and the
//! verdict a conforming verifier reaches at the reference time with the
//! trust list of this fixtures tree.
//!
//! Check names and reason codes are those of `healthcert_core::model`
//! (`CheckKind::name()`, `Reason::code()`); `failures` lists exactly the
//! checks whose outcome is `fail`.

mod content;
mod ddcc;
mod decode;
mod envelope;
mod revoked;

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

    /// The case `name`: the DCC `dcc(name)` signed by `signer`, which the
    /// case then changes as it needs before [`Cases::add`].
    fn draft(&self, name: &'static str, signer: &'static str, dcc: fn(&str) -> Dcc) -> Draft<'p> {
        Draft { name, signer, cert: Cert::new(self.pki.dsc(signer), dcc(name)) }
    }

    /// Adds the case `draft`: what it tests, and the checks that fail.
    fn add(&mut self, draft: Draft<'_>, description: &'static str, failures: Failures) -> Result<()> {
        self.cert(draft.name, description, draft.signer, failures, &draft.cert)
    }

    /// Adds the case `draft` as `text`, which the case made of its
    /// certificate (a payload that does not decode).
    fn add_text(&mut self, draft: Draft<'_>, description: &'static str, failures: Failures, text: String) {
        self.raw(draft.name, description, Some(draft.signer), failures, text, None);
    }
}

/// A DCC as a list of entries (what `hcert::vaccination` and its siblings
/// make).
type Dcc = Vec<(&'static str, Value)>;

/// A certificate case in the making (see [`Cases::draft`]).
struct Draft<'p> {
    name: &'static str,
    signer: &'static str,
    cert: Cert<'p>,
}

impl Draft<'_> {
    /// The entries of the DCC (`ver`, `nam`, `dob`, the group, in this
    /// order), for a case that changes them.
    fn dcc(&mut self) -> &mut Vec<(Value, Value)> {
        match &mut self.cert.dcc {
            Some(Value::Map(entries)) => entries,
            _ => panic!("{}: the DCC is no longer a map", self.name),
        }
    }
}

/// No failing check.
const VALID: Failures = &[];

/// Every case, in manifest order.
pub(crate) fn build(pki: &Pki) -> Result<Vec<Case>> {
    let mut c = Cases { pki, out: Vec::new() };
    envelope::add(&mut c)?;
    content::add(&mut c)?;
    ddcc::add(&mut c)?;
    decode::add(&mut c)?;
    revoked::add(&mut c)?;
    Ok(c.out)
}
