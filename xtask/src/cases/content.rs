//! Certificates that are signed correctly but whose time claims or DCC are wrong.

use anyhow::Result;
use ciborium::Value;

use super::{Cases, Failures};
use crate::dates::at;
use crate::hcert::{self, text};

pub(super) fn add(c: &mut Cases<'_>) -> Result<()> {
    let vacc = hcert::vaccination;
    let vsigner = "dsc-ec-vaccination";

    // ---- validity -----------------------------------------------------------
    let mut cert = c.new_cert(vsigner, vacc("invalid-expired"));
    cert.exp = Some(at(2026, 7, 1));
    c.cert(
        "invalid-expired",
        "exp 2026-07-01, before the reference time.",
        vsigner,
        &[("validity", "EXPIRED")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-not-yet-valid"));
    (cert.iat, cert.exp) = (Some(at(2035, 1, 1)), Some(at(2035, 12, 1)));
    c.cert(
        "invalid-not-yet-valid",
        "iat 2035-01-01, after the reference time (exp 2035-12-01).",
        vsigner,
        &[("validity", "NOT_YET_VALID")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-expires-after-signer"));
    cert.exp = Some(at(2036, 6, 1));
    c.cert(
        "invalid-expires-after-signer",
        "exp 2036-06-01, after its DSC's notAfter 2036-01-01 (hcert spec 3.3.5).",
        vsigner,
        &[("validity", "EXPIRES_AFTER_SIGNER")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-issued-before-signer"));
    cert.iat = Some(at(2025, 12, 1));
    c.cert(
        "invalid-issued-before-signer",
        "iat 2025-12-01, before its DSC's notBefore 2026-01-01 (hcert spec 3.3.6).",
        vsigner,
        &[("validity", "ISSUED_BEFORE_SIGNER")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-expiry-missing"));
    cert.exp = None;
    c.cert("invalid-expiry-missing", "The CWT has no exp claim.", vsigner, &[("validity", "EXPIRY_MISSING")], &cert)?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-issued-at-missing"));
    cert.iat = None;
    c.cert(
        "invalid-issued-at-missing",
        "The CWT has no iat claim.",
        vsigner,
        &[("validity", "ISSUED_AT_MISSING")],
        &cert,
    )?;

    // ---- schema -------------------------------------------------------------
    let mut dcc = vacc("invalid-schema");
    dcc[2].1 = text("12.08.1964");
    let cert = c.new_cert(vsigner, dcc);
    c.cert(
        "invalid-schema",
        "Date of birth in the wrong format (\"12.08.1964\"); everything else is valid.",
        vsigner,
        &[("schema", "SCHEMA_INVALID")],
        &cert,
    )?;
    let mut dcc = vacc("invalid-schema-version-missing");
    dcc.remove(0);
    let cert = c.new_cert(vsigner, dcc);
    c.cert(
        "invalid-schema-version-missing",
        "The DCC has no ver (schema version).",
        vsigner,
        &[("schema", "SCHEMA_VERSION_INVALID")],
        &cert,
    )?;
    let mut dcc = vacc("invalid-multiple-groups");
    dcc.push(("t", Value::Array(vec![hcert::test_entry("invalid-multiple-groups/t")])));
    let cert = c.new_cert("dsc-ec-all", dcc);
    let ambiguous: Failures = &[("key_usage", "CERTIFICATE_TYPE_AMBIGUOUS"), ("schema", "GROUP_COUNT")];
    c.cert(
        "invalid-multiple-groups",
        "The DCC has both a vaccination (v) and a test (t) group; signed by the DSC without EKU.",
        "dsc-ec-all",
        ambiguous,
        &cert,
    )?;
    let mut dcc = vacc("invalid-no-group");
    dcc.truncate(3);
    let cert = c.new_cert("dsc-ec-all", dcc);
    c.cert(
        "invalid-no-group",
        "The DCC has none of v, t, r; signed by the DSC without EKU.",
        "dsc-ec-all",
        ambiguous,
        &cert,
    )?;
    let mut dcc = vacc("invalid-two-vaccinations");
    let mut first = hcert::vaccination_entry("invalid-two-vaccinations/1");
    if let Value::Map(entries) = &mut first {
        entries[4].1 = Value::Integer(1.into());
        entries[6].1 = text("2026-04-22");
    }
    dcc[3].1 = Value::Array(vec![first, hcert::vaccination_entry("invalid-two-vaccinations")]);
    let cert = c.new_cert(vsigner, dcc);
    c.cert(
        "invalid-two-vaccinations",
        "The v group holds two entries; schema 1.3.0 allows one (maxItems).",
        vsigner,
        &[("schema", "SCHEMA_INVALID")],
        &cert,
    )?;

    Ok(())
}
