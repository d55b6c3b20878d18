//! Signature verification: ES256, ES384 (ECDSA over P-256/P-384 with the
//! COSE/JOSE fixed-length `r || s` encoding) and PS256 (RSASSA-PSS with
//! SHA-256, MGF1-SHA-256, salt = hash length, RFC 8230).

use std::fmt;

use p256::ecdsa::signature::Verifier as _;
use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use sha2::{Digest as _, Sha256};

/// A signature algorithm named by a signed envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// ECDSA P-256 SHA-256 (COSE -7).
    Es256,
    /// ECDSA P-384 SHA-384 (COSE -35).
    Es384,
    /// RSASSA-PSS SHA-256 (COSE -37).
    Ps256,
}

impl SignatureAlgorithm {
    /// The algorithm for a COSE algorithm identifier (RFC 8152 / 8230), if supported.
    pub fn from_cose(id: i64) -> Option<Self> {
        match id {
            -7 => Some(Self::Es256),
            -35 => Some(Self::Es384),
            -37 => Some(Self::Ps256),
            _ => None,
        }
    }

    /// The JOSE/COSE name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::Ps256 => "PS256",
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// A public key that can verify signatures.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// NIST P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// NIST P-384.
    P384(p384::ecdsa::VerifyingKey),
    /// RSA (2048 to 4096 bits).
    Rsa(RsaPublicKey),
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Why a public key could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";

impl PublicKey {
    /// Reads a key from an X.509 SubjectPublicKeyInfo.
    pub fn from_spki(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> Result<Self, KeyError> {
        let alg = spki.algorithm.oid.to_string();
        let bits = spki.subject_public_key.as_bytes().ok_or_else(|| KeyError("public key has unused bits".into()))?;
        match alg.as_str() {
            OID_EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<x509_cert::der::asn1::ObjectIdentifier>().ok())
                    .map(|o| o.to_string())
                    .ok_or_else(|| KeyError("EC key without named curve".into()))?;
                match curve.as_str() {
                    OID_P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .map(PublicKey::P256)
                        .map_err(|_| KeyError("invalid P-256 point".into())),
                    OID_P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(bits)
                        .map(PublicKey::P384)
                        .map_err(|_| KeyError("invalid P-384 point".into())),
                    other => Err(KeyError(format!("unsupported EC curve {other}"))),
                }
            }
            OID_RSA | OID_RSA_PSS => {
                let key = RsaPublicKey::from_pkcs1_der(bits).map_err(|e| KeyError(format!("invalid RSA key: {e}")))?;
                let size = rsa::traits::PublicKeyParts::n(&key).bits();
                if size < MIN_RSA_BITS {
                    return Err(KeyError(format!("RSA key of {size} bits is too small")));
                }
                Ok(PublicKey::Rsa(key))
            }
            other => Err(KeyError(format!("unsupported key algorithm {other}"))),
        }
    }

    /// A short description: `P-256`, `RSA-2048`.
    pub fn describe(&self) -> String {
        match self {
            PublicKey::P256(_) => "P-256".into(),
            PublicKey::P384(_) => "P-384".into(),
            PublicKey::Rsa(k) => format!("RSA-{}", rsa::traits::PublicKeyParts::n(k).bits()),
        }
    }
}

/// Why a signature did not verify, from least to most specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SignatureError {
    /// The key cannot be used with the algorithm (e.g. an RSA key for ES256).
    KeyAlgorithmMismatch,
    /// The signature bytes are malformed for the algorithm.
    Malformed,
    /// The signature is well-formed but does not verify.
    Invalid,
}

/// Verifies `signature` over `message` with `key` under `alg`.
pub fn verify(
    alg: SignatureAlgorithm,
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    match (alg, key) {
        (SignatureAlgorithm::Es256, PublicKey::P256(k)) => {
            let sig = p256::ecdsa::Signature::from_slice(signature).map_err(|_| SignatureError::Malformed)?;
            k.verify(message, &sig).map_err(|_| SignatureError::Invalid)
        }
        (SignatureAlgorithm::Es384, PublicKey::P384(k)) => {
            let sig = p384::ecdsa::Signature::from_slice(signature).map_err(|_| SignatureError::Malformed)?;
            k.verify(message, &sig).map_err(|_| SignatureError::Invalid)
        }
        (SignatureAlgorithm::Ps256, PublicKey::Rsa(k)) => {
            let size = rsa::traits::PublicKeyParts::size(k);
            if signature.len() != size {
                return Err(SignatureError::Malformed);
            }
            let digest = Sha256::digest(message);
            k.verify(rsa::Pss::new_with_salt::<Sha256>(32), &digest, signature).map_err(|_| SignatureError::Invalid)
        }
        _ => Err(SignatureError::KeyAlgorithmMismatch),
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}
