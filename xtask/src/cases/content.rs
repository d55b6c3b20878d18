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
    let mut case = c.draft("invalid-expired", vsigner, vacc);
    case.cert.exp = Some(at(2026, 7, 1));
    c.add(case, "exp 2026-07-01, before the reference time.", &[("validity", "EXPIRED")])?;
    let mut case = c.draft("invalid-not-yet-valid", vsigner, vacc);
    (case.cert.iat, case.cert.exp) = (Some(at(2035, 1, 1)), Some(at(2035, 12, 1)));
    c.add(case, "iat 2035-01-01, after the reference time (exp 2035-12-01).", &[("validity", "NOT_YET_VALID")])?;
    let mut case = c.draft("invalid-expires-after-signer", vsigner, vacc);
    case.cert.exp = Some(at(2036, 6, 1));
    c.add(
        case,
        "exp 2036-06-01, after its DSC's notAfter 2036-01-01 (hcert spec 3.3.5).",
        &[("validity", "EXPIRES_AFTER_SIGNER")],
    )?;
    let mut case = c.draft("invalid-issued-before-signer", vsigner, vacc);
    case.cert.iat = Some(at(2025, 12, 1));
    c.add(
        case,
        "iat 2025-12-01, before its DSC's notBefore 2026-01-01 (hcert spec 3.3.6).",
        &[("validity", "ISSUED_BEFORE_SIGNER")],
    )?;
    let mut case = c.draft("invalid-expiry-missing", vsigner, vacc);
    case.cert.exp = None;
    c.add(case, "The CWT has no exp claim.", &[("validity", "EXPIRY_MISSING")])?;
    let mut case = c.draft("invalid-issued-at-missing", vsigner, vacc);
    case.cert.iat = None;
    c.add(case, "The CWT has no iat claim.", &[("validity", "ISSUED_AT_MISSING")])?;

    // ---- schema -------------------------------------------------------------
    let mut case = c.draft("invalid-schema", vsigner, vacc);
    case.dcc()[2].1 = text("12.08.1964");
    c.add(
        case,
        "Date of birth in the wrong format (\"12.08.1964\"); everything else is valid.",
        &[("schema", "SCHEMA_INVALID")],
    )?;
    let mut case = c.draft("invalid-schema-version-missing", vsigner, vacc);
    case.dcc().remove(0);
    c.add(case, "The DCC has no ver (schema version).", &[("schema", "SCHEMA_VERSION_INVALID")])?;
    let mut case = c.draft("invalid-multiple-groups", "dsc-ec-all", vacc);
    case.dcc().push((text("t"), Value::Array(vec![hcert::test_entry("invalid-multiple-groups/t")])));
    let ambiguous: Failures = &[("key_usage", "CERTIFICATE_TYPE_AMBIGUOUS"), ("schema", "GROUP_COUNT")];
    c.add(case, "The DCC has both a vaccination (v) and a test (t) group; signed by the DSC without EKU.", ambiguous)?;
    let mut case = c.draft("invalid-no-group", "dsc-ec-all", vacc);
    case.dcc().truncate(3);
    c.add(case, "The DCC has none of v, t, r; signed by the DSC without EKU.", ambiguous)?;
    let mut case = c.draft("invalid-two-vaccinations", vsigner, vacc);
    let mut first = hcert::vaccination_entry("invalid-two-vaccinations/1");
    if let Value::Map(entries) = &mut first {
        entries[4].1 = Value::Integer(1.into());
        entries[6].1 = text("2026-04-22");
    }
    case.dcc()[3].1 = Value::Array(vec![first, hcert::vaccination_entry("invalid-two-vaccinations")]);
    c.add(case, "The v group holds two entries; schema 1.3.0 allows one (maxItems).", &[("schema", "SCHEMA_INVALID")])?;

    Ok(())
}
