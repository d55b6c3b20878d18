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
    let cert = c.new_cert(vsigner, vacc("valid-vaccination"));
    c.cert(
        "valid-vaccination",
        "Vaccination (dose 2/2), ES256, signed by a DSC whose EKU allows vaccinations.",
        vsigner,
        VALID,
        &cert,
    )?;
    let cert = c.new_cert("dsc-ec-test", test("valid-test"));
    c.cert(
        "valid-test",
        "NAA test, not detected, ES256, signed by a DSC whose EKU allows tests.",
        "dsc-ec-test",
        VALID,
        &cert,
    )?;
    let cert = c.new_cert("dsc-ec-recovery", reco("valid-recovery"));
    c.cert(
        "valid-recovery",
        "Recovery, ES256, signed by a DSC whose EKU allows recoveries.",
        "dsc-ec-recovery",
        VALID,
        &cert,
    )?;
    let cert = c.new_cert("dsc-ec-all", test("valid-any-usage"));
    c.cert(
        "valid-any-usage",
        "Test certificate signed by a DSC without extended key usage (may sign every type).",
        "dsc-ec-all",
        VALID,
        &cert,
    )?;
    let cert = c.new_cert("dsc-ec-legacy-test", test("valid-legacy-oid-test"));
    c.cert(
        "valid-legacy-oid-test",
        "Test certificate signed by a DSC with the legacy test EKU OID 1.3.6.1.4.1.0.1847.2021.1.1.",
        "dsc-ec-legacy-test",
        VALID,
        &cert,
    )?;
    let cert = c.new_cert("dsc-rsa", vacc("valid-rsa-pss"));
    c.cert(
        "valid-rsa-pss",
        "Vaccination signed with PS256 (RSASSA-PSS, SHA-256, 32-byte salt) by an RSA-2048 DSC.",
        "dsc-rsa",
        VALID,
        &cert,
    )?;
    let cert = c.new_cert("dsc-p384", vacc("valid-es384"));
    c.cert("valid-es384", "Vaccination signed with ES384 by a P-384 DSC.", "dsc-p384", VALID, &cert)?;
    let mut cert = c.new_cert(vsigner, vacc("valid-kid-unprotected"));
    cert.kid_unprotected = cert.kid_protected.take();
    c.cert(
        "valid-kid-unprotected",
        "The kid is only in the unprotected header (hcert spec 3.3.3: verifiers MUST accept both).",
        vsigner,
        VALID,
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("valid-kid-both-headers"));
    cert.kid_unprotected = Some(pki.dsc("dsc-ec-unknown").kid());
    c.cert(
        "valid-kid-both-headers",
        "Protected kid is the signer's; the unprotected header carries another (untrusted) kid, which MUST be ignored.",
        vsigner,
        VALID,
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("valid-cwt-tag"));
    cert.wrap = Wrap::CwtTag;
    c.cert("valid-cwt-tag", "The COSE_Sign1 (tag 18) is wrapped in the CWT tag 61.", vsigner, VALID, &cert)?;
    let mut cert = c.new_cert(vsigner, vacc("valid-cose-untagged"));
    cert.wrap = Wrap::Untagged;
    c.cert(
        "valid-cose-untagged",
        "The COSE_Sign1 carries no CBOR tag at all (found in the field; accepted).",
        vsigner,
        VALID,
        &cert,
    )?;
    let mut dcc = vacc("valid-dob-year-only");
    dcc[2].1 = text("1964");
    let cert = c.new_cert(vsigner, dcc);
    c.cert(
        "valid-dob-year-only",
        "Date of birth with the year only (\"1964\"), which the schema allows.",
        vsigner,
        VALID,
        &cert,
    )?;

    // ---- signature ----------------------------------------------------------
    let mut cert = c.new_cert(vsigner, vacc("invalid-bad-signature"));
    cert.sig = Sig::Flipped;
    c.cert(
        "invalid-bad-signature",
        "One bit of the ES256 signature is flipped.",
        vsigner,
        &[("signature", "SIGNATURE_INVALID")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-signature-der"));
    cert.sig = Sig::Der;
    c.cert(
        "invalid-signature-der",
        "The ECDSA signature is ASN.1 DER-encoded instead of the fixed-length COSE form (r and s concatenated).",
        vsigner,
        &[("signature", "SIGNATURE_MALFORMED")],
        &cert,
    )?;
    let mut cert = c.new_cert("dsc-rsa", vacc("invalid-alg-mismatch"));
    cert.alg = Some(iana::Algorithm::ES256);
    c.cert(
        "invalid-alg-mismatch",
        "Declares ES256 but carries the kid of the RSA DSC and a PS256 signature.",
        "dsc-rsa",
        &[("signature", "KEY_ALGORITHM_MISMATCH")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-alg-missing"));
    cert.alg = None;
    c.cert(
        "invalid-alg-missing",
        "Neither COSE header names an algorithm.",
        vsigner,
        &[("signature", "ALGORITHM_MISSING")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-alg-unsupported"));
    cert.alg = Some(iana::Algorithm::EdDSA);
    c.cert(
        "invalid-alg-unsupported",
        "Declares EdDSA (-8), which HC1 does not allow.",
        vsigner,
        &[("signature", "ALGORITHM_UNSUPPORTED")],
        &cert,
    )?;
    let mut cert = c.new_cert(vsigner, vacc("invalid-kid-missing"));
    cert.kid_protected = None;
    c.cert(
        "invalid-kid-missing",
        "Neither COSE header carries a kid.",
        vsigner,
        &[("signature", "KID_MISSING")],
        &cert,
    )?;

    // ---- issuer and key usage ----------------------------------------------
    let cert = c.new_cert("dsc-ec-unknown", vacc("invalid-unknown-kid"));
    c.cert(
        "invalid-unknown-kid",
        "Signed by a DSC that is not in the trust list: the verifier cannot tell (status unknown).",
        "dsc-ec-unknown",
        &[("issuer", "ISSUER_UNKNOWN")],
        &cert,
    )?;
    let mut cert = c.new_cert("dsc-ec-expired", vacc("invalid-signer-expired"));
    (cert.iat, cert.exp) = (Some(at(2025, 3, 1)), Some(at(2026, 6, 1)));
    c.cert(
        "invalid-signer-expired",
        "Signed by a trusted DSC that expired 2026-06-30 (so the certificate, exp 2026-06-01, has expired too).",
        "dsc-ec-expired",
        &[("issuer", "SIGNER_EXPIRED"), ("validity", "EXPIRED")],
        &cert,
    )?;
    let mut cert = c.new_cert("dsc-ec-future", vacc("invalid-signer-not-yet-valid"));
    cert.iat = Some(at(2027, 2, 1));
    c.cert("invalid-signer-not-yet-valid", "Signed by a trusted DSC valid only from 2027-01-01 (so the certificate, iat 2027-02-01, is not yet valid either).", "dsc-ec-future", &[("issuer", "SIGNER_NOT_YET_VALID"), ("validity", "NOT_YET_VALID")], &cert)?;
    let cert = c.new_cert(vsigner, test("invalid-wrong-key-usage"));
    c.cert(
        "invalid-wrong-key-usage",
        "Test certificate signed by a DSC whose EKU allows vaccinations only.",
        vsigner,
        &[("key_usage", "KEY_USAGE_MISMATCH")],
        &cert,
    )?;
    let cert = c.new_cert("dsc-ec-legacy-test", vacc("invalid-legacy-oid-wrong-usage"));
    c.cert(
        "invalid-legacy-oid-wrong-usage",
        "Vaccination signed by a DSC whose legacy EKU OID allows tests only.",
        "dsc-ec-legacy-test",
        &[("key_usage", "KEY_USAGE_MISMATCH")],
        &cert,
    )?;

    Ok(())
}
