//! Signer certificates carried in the document (ICAO VDS-NC: the barcode
//! signer certificate, BSC) and the certificate authorities they must chain
//! to (the country signing CAs, CSCAs), held in the trust store.
//!
//! A CSCA is held under its country (the subject's `C=`) and its subject
//! key identifier; a BSC names its CSCA by its issuer's `C=` and its
//! authority key identifier. Every CSCA held under that pair is tried (CSCAs
//! are re-issued with the same key and name). The BSC chains when:
//! - a held CSCA's key verifies the BSC's signature,
//! - the BSC's issuer name equals that CSCA's subject name,
//! - that CSCA is valid at the verification time.
//!
//! The BSC's own validity is the `issuer` check, its extended key usage the
//! format's key-usage check.

use time::OffsetDateTime;
use x509_cert::Certificate as X509;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, SubjectKeyIdentifier};
use x509_cert::name::Name;

use super::{KeyRef, KeyScheme, SignerKey, TrustStore};
use crate::Error;
use crate::crypto::{CertificateSignatureError, verify_certificate_signature};
use crate::model::Reason;
use crate::time_parse::format_utc;

/// How many verified (certificate, CA key) pairs are remembered.
const MEMO_CAPACITY: usize = 256;

/// [`verify_certificate_signature`], remembering the pairs that verified:
/// a seal's barcode signer is checked against the same CSCA on every scan,
/// and the CA's signature (RSA-4096 for Australia's) was most of a seal's
/// verification. Only a success is remembered, keyed by SHA-256 of the
/// certificate's DER and the CA key's bytes: the same inputs give the same
/// answer, so nothing is trusted that a fresh check would refuse. The
/// certificate's and the CA's validity are checked on every call, apart.
fn verify_signature_memo(der: &[u8], ca: &crate::crypto::PublicKey) -> Result<(), CertificateSignatureError> {
    use std::collections::VecDeque;
    use std::sync::Mutex;
    static VERIFIED: Mutex<VecDeque<[u8; 32]>> = Mutex::new(VecDeque::new());
    let (kind, key) = ca.stored();
    let mut input = Vec::with_capacity(der.len() + key.len() + kind.len() + 24);
    for part in [kind.as_bytes(), key, der] {
        // Each part with its length: no two pairs share an input.
        input.extend_from_slice(&(part.len() as u64).to_le_bytes());
        input.extend_from_slice(part);
    }
    let id = crate::crypto::sha256(&input);
    if VERIFIED.lock().is_ok_and(|memo| memo.contains(&id)) {
        return Ok(());
    }
    verify_certificate_signature(der, ca)?;
    if let Ok(mut memo) = VERIFIED.lock() {
        if memo.len() == MEMO_CAPACITY {
            memo.pop_front();
        }
        memo.push_back(id);
    }
    Ok(())
}

const OID_SUBJECT_KEY_ID: &str = "2.5.29.14";
const OID_AUTHORITY_KEY_ID: &str = "2.5.29.35";
const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
const OID_COUNTRY_NAME: &str = "2.5.4.6";

/// The country (`C=`) of a name, upper case.
pub(crate) fn country_of(name: &Name) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find_map(|atv| {
        if atv.oid.to_string() != OID_COUNTRY_NAME {
            return None;
        }
        std::str::from_utf8(atv.value.value()).ok().map(|c| c.trim().to_ascii_uppercase())
    })
}

fn extension<'a>(cert: &'a X509, oid: &str) -> Option<&'a x509_cert::ext::Extension> {
    cert.tbs_certificate.extensions.iter().flatten().find(|e| e.extn_id.to_string() == oid)
}

/// The subject key identifier of a CA certificate: its extension, else
/// RFC 5280 §4.2.1.2 method (1), the SHA-1 of the subject public key bits.
fn subject_key_id(cert: &X509) -> Option<Vec<u8>> {
    if let Some(ext) = extension(cert, OID_SUBJECT_KEY_ID) {
        return SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok().map(|s| s.0.as_bytes().to_vec());
    }
    let bits = cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    Some(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, bits).as_ref().to_vec())
}

/// The authority key identifier of a certificate, when it names one.
fn authority_key_id(cert: &X509) -> Option<Vec<u8>> {
    let ext = extension(cert, OID_AUTHORITY_KEY_ID)?;
    let aki = AuthorityKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok()?;
    aki.key_identifier.map(|k| k.as_bytes().to_vec()).filter(|k| !k.is_empty())
}

/// Whether a certificate's basic constraints say it is a CA.
fn is_ca(cert: &X509) -> bool {
    extension(cert, OID_BASIC_CONSTRAINTS)
        .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
        .is_some_and(|b| b.ca)
}

/// Whether the DER certificate `der` is a CA certificate (basic constraints
/// `cA`); `None` when it is not X.509.
pub fn is_ca_certificate(der: &[u8]) -> Option<bool> {
    X509::from_der(der).ok().map(|c| is_ca(&c))
}

/// A country signing CA of `scheme` from its DER certificate: held under
/// its subject's country and its subject key identifier. Refused when it is
/// not a CA or names no country.
pub fn ca_signer(scheme: KeyScheme, der: &[u8]) -> Result<SignerKey, String> {
    let cert = X509::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    if !is_ca(&cert) {
        return Err("not a CA certificate (basic constraints): a signer is trusted only through its CA".to_owned());
    }
    let country = country_of(&cert.tbs_certificate.subject).ok_or("the CA's subject names no country")?;
    let ski = subject_key_id(&cert).ok_or("the CA's subject key identifier is malformed")?;
    let mut key = SignerKey::from_der(scheme, der, Some(ski), Some(country.clone())).map_err(|e| e.0)?;
    key.issuer = Some(country);
    Ok(key)
}

/// Why an embedded signer certificate is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainFailure {
    /// The reason code (`SIGNER_NOT_CHAINED`, `SIGNER_CHAIN_INVALID`,
    /// `SIGNER_CA_NOT_VALID`).
    pub reason: Reason,
    /// What exactly (country and counts; no names).
    pub detail: String,
}

fn failure(reason: Reason, detail: impl Into<String>) -> ChainFailure {
    ChainFailure { reason, detail: detail.into() }
}

/// A signer certificate that chains to a held CA.
#[derive(Debug, Clone)]
pub struct Chained {
    /// The signer, read from the embedded certificate.
    pub signer: SignerKey,
    /// The CA's country.
    pub country: String,
    /// How many CAs were tried.
    pub tried: usize,
}

/// The signer of `scheme` the embedded certificate `der` is, when it
/// chains to a CA of `anchors` held in `store` that is valid at `now`;
/// otherwise why not. At most `max_checks` CA signatures are checked.
pub fn chain(
    store: &dyn TrustStore,
    scheme: KeyScheme,
    anchors: KeyScheme,
    der: &[u8],
    now: OffsetDateTime,
    max_checks: usize,
) -> Result<Result<Chained, ChainFailure>, Error> {
    let Ok(cert) = X509::from_der(der) else {
        return Ok(Err(failure(Reason::SignerChainInvalid, "the embedded signer certificate is not DER X.509")));
    };
    let signer = match SignerKey::from_der(scheme, der, None, None) {
        Ok(s) => s,
        Err(e) => {
            return Ok(Err(failure(
                Reason::SignerChainInvalid,
                format!("the embedded signer certificate's key is not usable: {e}"),
            )));
        }
    };
    let Some(country) = country_of(&cert.tbs_certificate.issuer).filter(|c| c.len() == 2 || c.len() == 3) else {
        return Ok(Err(failure(Reason::SignerNotChained, "the signer certificate's issuer names no country")));
    };
    let Some(aki) = authority_key_id(&cert) else {
        return Ok(Err(failure(
            Reason::SignerNotChained,
            "the signer certificate has no authority key identifier to find its CA by",
        )));
    };
    let cas = store.signers(&KeyRef::IssuerKid { scheme: anchors, issuer: country.clone(), kid: aki })?;
    if cas.is_empty() {
        return Ok(Err(failure(
            Reason::SignerNotChained,
            format!("no trusted CA of {country} has the signer certificate's authority key identifier"),
        )));
    }
    let issuer_name = cert.tbs_certificate.issuer.to_der().ok();
    let tried = cas.len().min(max_checks.max(1));
    let mut verified = Vec::new();
    let mut unsupported = None;
    for ca in &cas[..tried] {
        match verify_signature_memo(der, &ca.public_key) {
            Ok(()) => {
                let subject = ca
                    .certificate()
                    .and_then(|d| X509::from_der(d).ok())
                    .and_then(|c| c.tbs_certificate.subject.to_der().ok());
                if subject.is_some() && subject == issuer_name {
                    verified.push(ca);
                }
            }
            Err(e @ CertificateSignatureError::Unsupported(_)) => unsupported = Some(e),
            Err(_) => {}
        }
    }
    let Some(ca) = verified.iter().find(|ca| in_window(ca, now)).or(verified.first()) else {
        let why = match unsupported {
            Some(e) if tried == 1 => format!(": {e}"),
            _ => String::new(),
        };
        let more = if cas.len() > tried { format!(" ({} held, {tried} tried)", cas.len()) } else { String::new() };
        return Ok(Err(failure(
            Reason::SignerChainInvalid,
            format!(
                "the signer certificate is not signed by the trusted CA of {country} its authority key identifier names, or its issuer name differs{more}{why}"
            ),
        )));
    };
    if let Some(nb) = ca.not_before.filter(|nb| now < *nb) {
        return Ok(Err(failure(
            Reason::SignerCaNotValid,
            format!("the CA of {country} the signer chains to is valid only from {}", format_utc(nb)),
        )));
    }
    if let Some(na) = ca.not_after.filter(|na| now > *na) {
        return Ok(Err(failure(
            Reason::SignerCaNotValid,
            format!("the CA of {country} the signer chains to expired at {}", format_utc(na)),
        )));
    }
    let mut signer = signer;
    signer.country = Some(country.clone());
    Ok(Ok(Chained { signer, country, tried }))
}

fn in_window(s: &SignerKey, now: OffsetDateTime) -> bool {
    s.not_before.is_none_or(|nb| now >= nb) && s.not_after.is_none_or(|na| now <= na)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PublicKey;

    fn csca() -> PublicKey {
        let pem =
            std::fs::read_to_string(healthcert_test_support::fixtures::fixtures().join("trust/csca.pem")).unwrap();
        let der = crate::crypto::pem_certificates(&pem).into_iter().next().unwrap().unwrap();
        SignerKey::from_der(KeyScheme::new("t"), &der, None, None).unwrap().public_key
    }

    /// The memo answers only for the exact pair that verified: a changed
    /// certificate, or another key, is checked afresh and refused.
    #[test]
    fn the_memo_remembers_only_what_verified() {
        let ca = csca();
        let dsc = healthcert_test_support::fixtures::dsc("dsc-ec-all");
        assert_eq!(verify_signature_memo(&dsc, &ca), Ok(()));
        assert_eq!(verify_signature_memo(&dsc, &ca), Ok(()), "from the memo");
        let mut changed = dsc.clone();
        let last = changed.len() - 1;
        changed[last] ^= 0x01;
        assert!(verify_signature_memo(&changed, &ca).is_err(), "one byte of the signature changed");
        let other = SignerKey::from_der(KeyScheme::new("t"), &dsc, None, None).unwrap().public_key;
        assert!(verify_signature_memo(&dsc, &other).is_err(), "not signed by that key");
    }
}
