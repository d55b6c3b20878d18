//! The signature an issuer made over an X.509 certificate (a country
//! signing CA over an ICAO barcode signer certificate): RSA PKCS#1 v1.5 and
//! RSASSA-PSS with SHA-256/384/512, ECDSA (ASN.1 DER) with SHA-256 or
//! SHA-384 on P-256 and P-384, SHA-512 on P-521. SHA-1 is refused.

use std::fmt;

use ring::signature::{self as sig, UnparsedPublicKey};
use x509_cert::der::asn1::{AnyRef, ObjectIdentifier};
use x509_cert::der::{Decode as _, Encode as _, Reader as _, SliceReader, TagNumber, asn1::ContextSpecific};
use x509_cert::spki::AlgorithmIdentifierOwned;

use super::{KeyKind, PublicKey, SignatureError};

/// Why an issuer's signature over a certificate did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateSignatureError {
    /// The certificate is not DER X.509.
    Malformed,
    /// The signature algorithm is not one accepted here (its OID, or what
    /// is wrong with its parameters).
    Unsupported(String),
    /// The issuer's key cannot make this kind of signature.
    KeyMismatch,
    /// The signature does not verify with the issuer's key.
    Invalid,
}

impl fmt::Display for CertificateSignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => f.write_str("the certificate is not DER X.509"),
            Self::Unsupported(what) => write!(f, "the signature algorithm {what} is not supported"),
            Self::KeyMismatch => f.write_str("the issuer's key does not fit the certificate's signature algorithm"),
            Self::Invalid => f.write_str("the certificate's signature does not verify with the issuer's key"),
        }
    }
}

const RSA_SHA256: &str = "1.2.840.113549.1.1.11";
const RSA_SHA384: &str = "1.2.840.113549.1.1.12";
const RSA_SHA512: &str = "1.2.840.113549.1.1.13";
const RSA_PSS: &str = "1.2.840.113549.1.1.10";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA384: &str = "2.16.840.1.101.3.4.2.2";
const SHA512: &str = "2.16.840.1.101.3.4.2.3";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Pkcs1(Hash),
    Pss(Hash),
    Ecdsa(Hash),
}

fn hash_of(oid: &ObjectIdentifier) -> Result<Hash, CertificateSignatureError> {
    match oid.to_string().as_str() {
        SHA256 => Ok(Hash::Sha256),
        SHA384 => Ok(Hash::Sha384),
        SHA512 => Ok(Hash::Sha512),
        other => Err(CertificateSignatureError::Unsupported(format!("RSASSA-PSS with hash {other}"))),
    }
}

/// The hash of RSASSA-PSS parameters (RFC 4055 §3.1): `[0]` hashAlgorithm,
/// SHA-1 when absent (refused).
fn pss_hash(alg: &AlgorithmIdentifierOwned) -> Result<Hash, CertificateSignatureError> {
    let unsupported =
        || CertificateSignatureError::Unsupported("RSASSA-PSS with SHA-1 or unreadable parameters".into());
    let params = alg.parameters.as_ref().ok_or_else(unsupported)?;
    let mut reader = SliceReader::new(params.value()).map_err(|_| unsupported())?;
    let hash = ContextSpecific::<AlgorithmIdentifierOwned>::decode_explicit(&mut reader, TagNumber::N0)
        .map_err(|_| unsupported())?
        .ok_or_else(unsupported)?;
    hash_of(&hash.value.oid)
}

fn scheme_of(alg: &AlgorithmIdentifierOwned) -> Result<Scheme, CertificateSignatureError> {
    Ok(match alg.oid.to_string().as_str() {
        RSA_SHA256 => Scheme::Pkcs1(Hash::Sha256),
        RSA_SHA384 => Scheme::Pkcs1(Hash::Sha384),
        RSA_SHA512 => Scheme::Pkcs1(Hash::Sha512),
        RSA_PSS => Scheme::Pss(pss_hash(alg)?),
        // Parameters of ECDSA algorithms are ignored: some issuers write a
        // NULL there (the JP barcode signer), which changes nothing signed.
        ECDSA_SHA256 => Scheme::Ecdsa(Hash::Sha256),
        ECDSA_SHA384 => Scheme::Ecdsa(Hash::Sha384),
        ECDSA_SHA512 => Scheme::Ecdsa(Hash::Sha512),
        other => return Err(CertificateSignatureError::Unsupported(other.to_owned())),
    })
}

/// The DER bytes of `tbsCertificate` exactly as they appear in `der`.
fn tbs_bytes(der: &[u8]) -> Option<Vec<u8>> {
    let mut outer = SliceReader::new(der).ok()?;
    outer
        .sequence(|certificate| {
            let tbs = AnyRef::decode(certificate)?;
            // The rest (algorithm, signature) is read by x509-cert.
            let rest = certificate.remaining_len();
            certificate.read_slice(rest)?;
            tbs.to_der()
        })
        .ok()
}

/// Verifies the signature of the DER certificate `der` with its issuer's
/// public key.
pub fn verify_certificate_signature(der: &[u8], issuer: &PublicKey) -> Result<(), CertificateSignatureError> {
    let cert = x509_cert::Certificate::from_der(der).map_err(|_| CertificateSignatureError::Malformed)?;
    let tbs = tbs_bytes(der).ok_or(CertificateSignatureError::Malformed)?;
    let signature = cert.signature.as_bytes().ok_or(CertificateSignatureError::Malformed)?;
    let scheme = scheme_of(&cert.signature_algorithm)?;
    let ring_alg: &'static dyn sig::VerificationAlgorithm = match (issuer.kind, scheme) {
        (KeyKind::Rsa, Scheme::Pkcs1(Hash::Sha256)) => &sig::RSA_PKCS1_2048_8192_SHA256,
        (KeyKind::Rsa, Scheme::Pkcs1(Hash::Sha384)) => &sig::RSA_PKCS1_2048_8192_SHA384,
        (KeyKind::Rsa, Scheme::Pkcs1(Hash::Sha512)) => &sig::RSA_PKCS1_2048_8192_SHA512,
        (KeyKind::Rsa, Scheme::Pss(Hash::Sha256)) => &sig::RSA_PSS_2048_8192_SHA256,
        (KeyKind::Rsa, Scheme::Pss(Hash::Sha384)) => &sig::RSA_PSS_2048_8192_SHA384,
        (KeyKind::Rsa, Scheme::Pss(Hash::Sha512)) => &sig::RSA_PSS_2048_8192_SHA512,
        (KeyKind::P256, Scheme::Ecdsa(Hash::Sha256)) => &sig::ECDSA_P256_SHA256_ASN1,
        (KeyKind::P256, Scheme::Ecdsa(Hash::Sha384)) => &sig::ECDSA_P256_SHA384_ASN1,
        (KeyKind::P384, Scheme::Ecdsa(Hash::Sha256)) => &sig::ECDSA_P384_SHA256_ASN1,
        (KeyKind::P384, Scheme::Ecdsa(Hash::Sha384)) => &sig::ECDSA_P384_SHA384_ASN1,
        (KeyKind::P521, Scheme::Ecdsa(Hash::Sha512)) => {
            return super::verify_p521_sha512(issuer, &tbs, signature).map_err(|e| match e {
                SignatureError::Invalid => CertificateSignatureError::Invalid,
                SignatureError::Malformed => CertificateSignatureError::Malformed,
                SignatureError::KeyAlgorithmMismatch => CertificateSignatureError::KeyMismatch,
            });
        }
        (KeyKind::Rsa, Scheme::Ecdsa(_)) | (KeyKind::P256 | KeyKind::P384 | KeyKind::P521 | KeyKind::Ed25519, _) => {
            return Err(CertificateSignatureError::KeyMismatch);
        }
    };
    UnparsedPublicKey::new(ring_alg, &issuer.bytes)
        .verify(&tbs, signature)
        .map_err(|_| CertificateSignatureError::Invalid)
}
