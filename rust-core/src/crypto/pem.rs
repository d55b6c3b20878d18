//! PEM (RFC 7468): certificates and public keys as text.

use super::{KeyError, PublicKey};
use crate::formats::codec::base64;

const BEGIN_CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----";
const END_CERTIFICATE: &str = "-----END CERTIFICATE-----";

/// Reads the base64 blocks of every `CERTIFICATE` in a PEM text, in order;
/// a block that is not base64, or has no END line, is an `Err` in its place.
pub fn pem_certificates(text: &str) -> Vec<Result<Vec<u8>, String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN_CERTIFICATE) {
        let body = &rest[start + BEGIN_CERTIFICATE.len()..];
        let Some(end) = body.find(END_CERTIFICATE) else {
            out.push(Err("PEM block without END line".to_owned()));
            break;
        };
        out.push(base64::decode_lenient(&body[..end]).ok_or_else(|| "PEM block is not base64".to_owned()));
        rest = &body[end..];
    }
    out
}

/// Reads a public key from a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) or a
/// PEM/DER certificate.
pub fn public_key_from_pem(pem: &str) -> Result<PublicKey, KeyError> {
    use x509_cert::der::Decode as _;
    if pem.contains(BEGIN_CERTIFICATE) {
        let der = pem_certificates(pem)
            .into_iter()
            .next()
            .ok_or_else(|| KeyError("no certificate in the PEM text".into()))?
            .map_err(KeyError)?;
        let cert = x509_cert::Certificate::from_der(&der).map_err(|e| KeyError(format!("bad certificate: {e}")))?;
        return PublicKey::from_spki(&cert.tbs_certificate.subject_public_key_info);
    }
    PublicKey::from_spki_der(&spki_der_from_pem(pem)?)
}

/// The DER SubjectPublicKeyInfo of a PEM `PUBLIC KEY`.
pub fn spki_der_from_pem(pem: &str) -> Result<Vec<u8>, KeyError> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
    base64::decode_lenient(&body).ok_or_else(|| KeyError("PEM body is not base64".into()))
}
