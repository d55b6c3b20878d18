//! Valid certificates, and those whose signature, signer or key usage fail.

use anyhow::Result;
use coset::iana;

use super::{Cases, VALID};
use crate::dates::at;
use crate::hcert::{self, Sig, Wrap, text};

pub(super) fn add(c: &mut Cases<'_>) -> Result<()> {
    let pki = c.pki;
    let (vacc, test, reco) = (hcert::vaccination, hcert::test, hcert::recovery);
    let vsigner = "dsc-ec-vaccination";

    // ---- valid ------------------------------------------------------------
    let case = c.draft("valid-vaccination", vsigner, vacc);
    c.add(case, "Vaccination (dose 2/2), ES256, signed by a DSC whose EKU allows vaccinations.", VALID)?;
    let case = c.draft("valid-test", "dsc-ec-test", test);
    c.add(case, "NAA test, not detected, ES256, signed by a DSC whose EKU allows tests.", VALID)?;
    let case = c.draft("valid-recovery", "dsc-ec-recovery", reco);
    c.add(case, "Recovery, ES256, signed by a DSC whose EKU allows recoveries.", VALID)?;
    let case = c.draft("valid-any-usage", "dsc-ec-all", test);
    c.add(case, "Test certificate signed by a DSC without extended key usage (may sign every type).", VALID)?;
    let case = c.draft("valid-legacy-oid-test", "dsc-ec-legacy-test", test);
    c.add(case, "Test certificate signed by a DSC with the legacy test EKU OID 1.3.6.1.4.1.0.1847.2021.1.1.", VALID)?;
    let case = c.draft("valid-rsa-pss", "dsc-rsa", vacc);
    c.add(case, "Vaccination signed with PS256 (RSASSA-PSS, SHA-256, 32-byte salt) by an RSA-2048 DSC.", VALID)?;
    let case = c.draft("valid-es384", "dsc-p384", vacc);
    c.add(case, "Vaccination signed with ES384 by a P-384 DSC.", VALID)?;
    let mut case = c.draft("valid-kid-unprotected", vsigner, vacc);
    case.cert.kid_unprotected = case.cert.kid_protected.take();
    c.add(case, "The kid is only in the unprotected header (hcert spec 3.3.3: verifiers MUST accept both).", VALID)?;
    let mut case = c.draft("valid-kid-both-headers", vsigner, vacc);
    case.cert.kid_unprotected = Some(pki.dsc("dsc-ec-unknown").kid());
    c.add(
        case,
        "Protected kid is the signer's; the unprotected header carries another (untrusted) kid, which MUST be ignored.",
        VALID,
    )?;
    let mut case = c.draft("valid-cwt-tag", vsigner, vacc);
    case.cert.wrap = Wrap::CwtTag;
    c.add(case, "The COSE_Sign1 (tag 18) is wrapped in the CWT tag 61.", VALID)?;
    let mut case = c.draft("valid-cose-untagged", vsigner, vacc);
    case.cert.wrap = Wrap::Untagged;
    c.add(case, "The COSE_Sign1 carries no CBOR tag at all (found in the field; accepted).", VALID)?;
    let mut case = c.draft("valid-dob-year-only", vsigner, vacc);
    case.dcc()[2].1 = text("1964");
    c.add(case, "Date of birth with the year only (\"1964\"), which the schema allows.", VALID)?;

    // ---- signature ----------------------------------------------------------
    let mut case = c.draft("invalid-bad-signature", vsigner, vacc);
    case.cert.sig = Sig::Flipped;
    c.add(case, "One bit of the ES256 signature is flipped.", &[("signature", "SIGNATURE_INVALID")])?;
    let mut case = c.draft("invalid-signature-der", vsigner, vacc);
    case.cert.sig = Sig::Der;
    c.add(
        case,
        "The ECDSA signature is ASN.1 DER-encoded instead of the fixed-length COSE form (r and s concatenated).",
        &[("signature", "SIGNATURE_MALFORMED")],
    )?;
    let mut case = c.draft("invalid-alg-mismatch", "dsc-rsa", vacc);
    case.cert.alg = Some(iana::Algorithm::ES256);
    c.add(
        case,
        "Declares ES256 but carries the kid of the RSA DSC and a PS256 signature.",
        &[("signature", "KEY_ALGORITHM_MISMATCH")],
    )?;
    let mut case = c.draft("invalid-alg-missing", vsigner, vacc);
    case.cert.alg = None;
    c.add(case, "Neither COSE header names an algorithm.", &[("signature", "ALGORITHM_MISSING")])?;
    let mut case = c.draft("invalid-alg-unsupported", vsigner, vacc);
    case.cert.alg = Some(iana::Algorithm::EdDSA);
    c.add(case, "Declares EdDSA (-8), which HC1 does not allow.", &[("signature", "ALGORITHM_UNSUPPORTED")])?;
    let mut case = c.draft("invalid-kid-missing", vsigner, vacc);
    case.cert.kid_protected = None;
    c.add(case, "Neither COSE header carries a kid.", &[("signature", "KID_MISSING")])?;

    // ---- issuer and key usage ----------------------------------------------
    let case = c.draft("invalid-unknown-kid", "dsc-ec-unknown", vacc);
    c.add(
        case,
        "Signed by a DSC that is not in the trust list: the verifier cannot tell (status unknown).",
        &[("issuer", "ISSUER_UNKNOWN")],
    )?;
    let mut case = c.draft("invalid-signer-expired", "dsc-ec-expired", vacc);
    (case.cert.iat, case.cert.exp) = (Some(at(2025, 3, 1)), Some(at(2026, 6, 1)));
    c.add(
        case,
        "Signed by a trusted DSC that expired 2026-06-30 (so the certificate, exp 2026-06-01, has expired too).",
        &[("issuer", "SIGNER_EXPIRED"), ("validity", "EXPIRED")],
    )?;
    let mut case = c.draft("invalid-signer-not-yet-valid", "dsc-ec-future", vacc);
    case.cert.iat = Some(at(2027, 2, 1));
    c.add(case, "Signed by a trusted DSC valid only from 2027-01-01 (so the certificate, iat 2027-02-01, is not yet valid either).", &[("issuer", "SIGNER_NOT_YET_VALID"), ("validity", "NOT_YET_VALID")])?;
    let case = c.draft("invalid-wrong-key-usage", vsigner, test);
    c.add(
        case,
        "Test certificate signed by a DSC whose EKU allows vaccinations only.",
        &[("key_usage", "KEY_USAGE_MISMATCH")],
    )?;
    let case = c.draft("invalid-legacy-oid-wrong-usage", "dsc-ec-legacy-test", vacc);
    c.add(
        case,
        "Vaccination signed by a DSC whose legacy EKU OID allows tests only.",
        &[("key_usage", "KEY_USAGE_MISMATCH")],
    )?;

    Ok(())
}
