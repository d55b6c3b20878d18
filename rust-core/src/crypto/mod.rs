//! Signature verification: ES256, ES384 (ECDSA over P-256/P-384 with the
//! COSE/JOSE fixed-length `r || s` encoding) and PS256 (RSASSA-PSS with
//! SHA-256, MGF1-SHA-256, RFC 8230).
//!
//! The arithmetic is `ring`'s (constant-time, assembly-optimised; several
//! times faster than the pure-Rust curves here): keys are checked for shape
//! when they enter a trust store and handed to `ring` on every verification.

use std::fmt;

use ring::signature::{self as sig, UnparsedPublicKey};

mod ec_params;
mod jwk;
mod pem;
mod x509;

pub use jwk::{MAX_JWK_LEN, jwk_thumbprint};
pub use pem::{pem_certificates, public_key_from_pem, spki_der_from_pem};
pub use x509::{CertificateSignatureError, verify_certificate_signature};

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
    /// ECDSA P-521 SHA-512 (an ICAO VDS-NC `alg`; not accepted in COSE here).
    Es512,
    /// Ed25519 (RFC 8032; JOSE `EdDSA`): DIVOC's `Ed25519Signature2018`
    /// proofs. Not accepted in COSE here.
    EdDsa,
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
            Self::Es512 => "ES512",
            Self::EdDsa => "EdDSA",
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Smallest RSA modulus accepted, in bits (hcert spec §3.3.2).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits.
pub const MAX_RSA_BITS: usize = 8192;

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    P256,
    P384,
    /// Only for list-signing anchors ([`verify_p521_sha512`]); no envelope
    /// algorithm uses it.
    P521,
    Rsa,
    Ed25519,
}

/// A public key that can verify signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    kind: KeyKind,
    /// Uncompressed SEC1 point (EC), PKCS#1 `RSAPublicKey` DER (RSA), or
    /// the 32-byte public key (Ed25519).
    bytes: Vec<u8>,
    bits: usize,
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

impl std::error::Error for KeyError {}

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_P521: &str = "1.3.132.0.35";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_ED25519: &str = "1.3.101.112";

fn ec_point(bytes: &[u8], coordinate_len: usize, curve: &str) -> Result<Vec<u8>, KeyError> {
    match bytes.first() {
        Some(0x04) if bytes.len() == 1 + 2 * coordinate_len => Ok(bytes.to_vec()),
        Some(0x02 | 0x03) => Err(KeyError(format!("compressed {curve} points are not supported"))),
        _ => Err(KeyError(format!("malformed {curve} point"))),
    }
}

/// Bit length of a big-endian unsigned integer.
fn bit_len(be: &[u8]) -> usize {
    let be = &be[be.iter().position(|b| *b != 0).unwrap_or(be.len())..];
    be.first().map_or(0, |b| be.len() * 8 - b.leading_zeros() as usize)
}

impl PublicKey {
    /// A P-256 key from an uncompressed SEC1 point (`04 || x || y`).
    pub fn p256_from_sec1(point: &[u8]) -> Result<Self, KeyError> {
        Ok(Self { kind: KeyKind::P256, bytes: ec_point(point, 32, "P-256")?, bits: 256 })
    }

    /// A P-384 key from an uncompressed SEC1 point.
    pub fn p384_from_sec1(point: &[u8]) -> Result<Self, KeyError> {
        Ok(Self { kind: KeyKind::P384, bytes: ec_point(point, 48, "P-384")?, bits: 384 })
    }

    /// A P-521 key from an uncompressed SEC1 point (a list-signing anchor,
    /// such as the VCI directory's; see [`verify_p521_sha512`]).
    pub fn p521_from_sec1(point: &[u8]) -> Result<Self, KeyError> {
        Ok(Self { kind: KeyKind::P521, bytes: ec_point(point, 66, "P-521")?, bits: 521 })
    }

    /// An Ed25519 key from its 32 bytes (RFC 8032).
    pub fn ed25519(key: &[u8]) -> Result<Self, KeyError> {
        if key.len() != 32 {
            return Err(KeyError(format!("an Ed25519 key has 32 bytes, not {}", key.len())));
        }
        Ok(Self { kind: KeyKind::Ed25519, bytes: key.to_vec(), bits: 256 })
    }

    /// An RSA key from a PKCS#1 `RSAPublicKey` (DER).
    pub fn rsa_from_pkcs1(der: &[u8]) -> Result<Self, KeyError> {
        use x509_cert::der::{Decode as _, asn1::UintRef};
        let (n, e) = x509_cert::der::SliceReader::new(der)
            .and_then(|mut r| {
                use x509_cert::der::Reader as _;
                let v = r.sequence(|s| {
                    Ok((UintRef::decode(s)?.as_bytes().to_vec(), UintRef::decode(s)?.as_bytes().to_vec()))
                })?;
                r.finish(v)
            })
            .map_err(|e| KeyError(format!("invalid RSA key: {e}")))?;
        let bits = bit_len(&n);
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(KeyError(format!("RSA key of {bits} bits is outside {MIN_RSA_BITS}..={MAX_RSA_BITS}")));
        }
        if bit_len(&e) < 2 || e.last().is_some_and(|b| b & 1 == 0) {
            return Err(KeyError("invalid RSA public exponent".into()));
        }
        Ok(Self { kind: KeyKind::Rsa, bytes: der.to_vec(), bits })
    }

    /// Reads a DER SubjectPublicKeyInfo (a bare public key, as trust
    /// registries list some keys).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        use x509_cert::der::Decode as _;
        let spki = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(der)
            .map_err(|e| KeyError(format!("not a SubjectPublicKeyInfo: {e}")))?;
        Self::from_spki(&spki)
    }

    /// Reads a key from an X.509 SubjectPublicKeyInfo.
    pub fn from_spki(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> Result<Self, KeyError> {
        let alg = spki.algorithm.oid.to_string();
        let bits = spki.subject_public_key.as_bytes().ok_or_else(|| KeyError("public key has unused bits".into()))?;
        match alg.as_str() {
            OID_EC_PUBLIC_KEY => {
                let params = spki.algorithm.parameters.as_ref();
                let named = params.and_then(|p| p.decode_as::<x509_cert::der::asn1::ObjectIdentifier>().ok());
                let curve = match named {
                    Some(oid) => oid.to_string(),
                    // Explicit parameters equal to a named curve's.
                    None => match params.and_then(|p| ec_params::named_curve(&p.into())) {
                        Some(ec_params::Curve::P256) => OID_P256.to_owned(),
                        Some(ec_params::Curve::P384) => OID_P384.to_owned(),
                        Some(ec_params::Curve::P521) => OID_P521.to_owned(),
                        None if params
                            .is_some_and(|p| x509_cert::der::Tagged::tag(p) == x509_cert::der::Tag::Sequence) =>
                        {
                            return Err(KeyError(
                                "EC key with explicit parameters of a curve other than P-256, P-384, P-521".into(),
                            ));
                        }
                        None => return Err(KeyError("EC key without named curve".into())),
                    },
                };
                match curve.as_str() {
                    OID_P256 => Self::p256_from_sec1(bits),
                    OID_P384 => Self::p384_from_sec1(bits),
                    OID_P521 => Self::p521_from_sec1(bits),
                    other => Err(KeyError(format!("unsupported EC curve {other}"))),
                }
            }
            OID_RSA | OID_RSA_PSS => Self::rsa_from_pkcs1(bits),
            OID_ED25519 if spki.algorithm.parameters.is_none() => Self::ed25519(bits),
            OID_ED25519 => Err(KeyError("an Ed25519 key with algorithm parameters".into())),
            other => Err(KeyError(format!("unsupported key algorithm {other}"))),
        }
    }

    /// The key as a trust database stores it: its type (`p256`, `p384`,
    /// `rsa`) and its bytes (the uncompressed SEC1 point, or the PKCS#1
    /// `RSAPublicKey` DER). [`from_stored`](Self::from_stored) reads it back.
    pub(crate) fn stored(&self) -> (&'static str, &[u8]) {
        let kind = match self.kind {
            KeyKind::P256 => "p256",
            KeyKind::P384 => "p384",
            KeyKind::P521 => "p521",
            KeyKind::Rsa => "rsa",
            KeyKind::Ed25519 => "ed25519",
        };
        (kind, &self.bytes)
    }

    /// A key from its [`stored`](Self::stored) form, checked as when it was
    /// first read (point length and form, RSA modulus size and exponent);
    /// no certificate or JWK is parsed.
    pub(crate) fn from_stored(kind: &str, bytes: &[u8]) -> Result<Self, KeyError> {
        match kind {
            "p256" => Self::p256_from_sec1(bytes),
            "p384" => Self::p384_from_sec1(bytes),
            "p521" => Self::p521_from_sec1(bytes),
            "rsa" => Self::rsa_from_pkcs1(bytes),
            "ed25519" => Self::ed25519(bytes),
            _ => Err(KeyError(format!("unknown stored key type {kind:?}"))),
        }
    }

    /// A short description: `P-256`, `RSA-2048`.
    pub fn describe(&self) -> String {
        match self.kind {
            KeyKind::P256 => "P-256".into(),
            KeyKind::P384 => "P-384".into(),
            KeyKind::P521 => "P-521".into(),
            KeyKind::Rsa => format!("RSA-{}", self.bits),
            KeyKind::Ed25519 => "Ed25519".into(),
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
    let (ring_alg, sig_len): (&'static dyn sig::VerificationAlgorithm, usize) = match (alg, key.kind) {
        (SignatureAlgorithm::Es256, KeyKind::P256) => (&sig::ECDSA_P256_SHA256_FIXED, 64),
        (SignatureAlgorithm::Es384, KeyKind::P384) => (&sig::ECDSA_P384_SHA384_FIXED, 96),
        (SignatureAlgorithm::Ps256, KeyKind::Rsa) => (&sig::RSA_PSS_2048_8192_SHA256, key.bits.div_ceil(8)),
        (SignatureAlgorithm::EdDsa, KeyKind::Ed25519) => (&sig::ED25519, 64),
        (SignatureAlgorithm::Es512, KeyKind::P521) => {
            // ring has no P-521: RustCrypto's, with the fixed-length form only.
            return if signature.len() == 132 {
                verify_p521_sha512(key, message, signature)
            } else {
                Err(SignatureError::Malformed)
            };
        }
        _ => return Err(SignatureError::KeyAlgorithmMismatch),
    };
    if signature.len() != sig_len {
        return Err(SignatureError::Malformed);
    }
    UnparsedPublicKey::new(ring_alg, &key.bytes).verify(message, signature).map_err(|_| SignatureError::Invalid)
}

/// Verifies an ECDSA P-256 / SHA-256 signature made by a list signer (a
/// trust list, a rule set): ASN.1 DER-encoded as most services send it, or
/// the fixed 64-byte `r || s` form.
pub fn verify_p256_sha256(key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
    if key.kind != KeyKind::P256 {
        return Err(SignatureError::KeyAlgorithmMismatch);
    }
    let alg: &'static dyn sig::VerificationAlgorithm = match signature.first() {
        Some(0x30) if signature.len() != 64 => &sig::ECDSA_P256_SHA256_ASN1,
        _ if signature.len() == 64 => &sig::ECDSA_P256_SHA256_FIXED,
        _ => return Err(SignatureError::Malformed),
    };
    UnparsedPublicKey::new(alg, &key.bytes).verify(message, signature).map_err(|_| SignatureError::Invalid)
}

/// Verifies an ECDSA P-521 / SHA-512 signature made by a list signer (the
/// VCI directory snapshot, as `openssl dgst -sha512` signs it): ASN.1
/// DER-encoded, or the fixed 132-byte `r || s` form. `ring` has no P-521:
/// RustCrypto's `p521` verifies it (only for such lists: no envelope
/// algorithm uses P-521).
pub fn verify_p521_sha512(key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
    use p521::ecdsa::signature::Verifier as _;
    use p521::ecdsa::{Signature, VerifyingKey};
    if key.kind != KeyKind::P521 {
        return Err(SignatureError::KeyAlgorithmMismatch);
    }
    // A DER SEQUENCE first; 132 bytes that are not one are `r || s`.
    let signature = Signature::from_der(signature)
        .or_else(|e| if signature.len() == 132 { Signature::from_slice(signature) } else { Err(e) })
        .map_err(|_| SignatureError::Malformed)?;
    // The point was checked for shape when the key was read; on the curve
    // is checked here.
    let verifying = VerifyingKey::from_sec1_bytes(&key.bytes).map_err(|_| SignatureError::KeyAlgorithmMismatch)?;
    verifying.verify(message, &signature).map_err(|_| SignatureError::Invalid)
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[0, 0, 1]), 1);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(&[]), 0);
    }

    #[test]
    fn ec_points_are_shape_checked() {
        assert!(PublicKey::p256_from_sec1(&[4; 65]).is_ok());
        assert!(PublicKey::p256_from_sec1(&[4; 64]).is_err());
        assert!(PublicKey::p256_from_sec1(&[2; 33]).is_err());
        assert!(PublicKey::p384_from_sec1(&[4; 97]).is_ok());
    }

    #[test]
    fn stored_keys_read_back() {
        let p256 = PublicKey::p256_from_sec1(&[4; 65]).unwrap();
        let p384 = PublicKey::p384_from_sec1(&[4; 97]).unwrap();
        for key in [p256, p384] {
            let (kind, bytes) = key.stored();
            assert_eq!(PublicKey::from_stored(kind, bytes).unwrap(), key);
        }
        assert_eq!(PublicKey::p256_from_sec1(&[4; 65]).unwrap().stored().0, "p256");
        assert!(PublicKey::from_stored("p256", &[4; 97]).is_err(), "a P-384 point is not a P-256 key");
        assert!(PublicKey::from_stored("ed25519", &[4; 65]).is_err());
        assert!(PublicKey::from_stored("rsa", &[0x30, 0]).is_err());
    }

    #[test]
    fn mismatched_algorithm_and_key() {
        let k = PublicKey::p256_from_sec1(&[4; 65]).unwrap();
        assert_eq!(verify(SignatureAlgorithm::Ps256, &k, b"m", &[0; 256]), Err(SignatureError::KeyAlgorithmMismatch));
        assert_eq!(verify(SignatureAlgorithm::Es256, &k, b"m", &[0; 70]), Err(SignatureError::Malformed));
        // Not a point on the curve: ring rejects it at verification.
        assert_eq!(verify(SignatureAlgorithm::Es256, &k, b"m", &[1; 64]), Err(SignatureError::Invalid));
    }
}
