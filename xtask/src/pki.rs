//! The test PKI: one CSCA and its document signer certificates (DSCs), every
//! key derived from a fixed label so that each run produces the same bytes.
//!
//! - EC keys: the private scalar is SHA-256 (P-256) or SHA-384 (P-384) of a
//!   label; ECDSA signatures are deterministic (RFC 6979).
//! - The RSA key is generated from a ChaCha20 RNG seeded with SHA-256 of a
//!   label; each PSS signature takes its salt from a ChaCha20 RNG seeded with
//!   SHA-256 of the message, so signatures do not depend on signing order.
//! - Certificates have fixed serials, names and validity periods.

use std::str::FromStr as _;
use std::time::Duration;

use anyhow::{Context as _, Result};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng as _;
use sha2::{Digest as _, Sha256, Sha384};
use x509_cert::Certificate;
use x509_cert::builder::{Builder as _, CertificateBuilder, Profile};
use x509_cert::der::asn1::{ObjectIdentifier, UtcTime};
use x509_cert::der::pem::LineEnding;
use x509_cert::der::{Encode as _, EncodePem as _};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{EncodePublicKey as _, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};

use crate::dates::{Instant, at};

/// The country of the test issuer: ISO 3166 user-assigned, no real country.
pub const COUNTRY: &str = "XT";
/// The organisation name in every test certificate.
pub const ORGANISATION: &str = "healthcert test issuer";

/// EU DCC extended key usage OIDs (hcert spec Annex A.4).
pub const EKU_TEST: &str = "1.3.6.1.4.1.1847.2021.1.1";
/// Vaccinations.
pub const EKU_VACCINATION: &str = "1.3.6.1.4.1.1847.2021.1.2";
/// Recoveries.
pub const EKU_RECOVERY: &str = "1.3.6.1.4.1.1847.2021.1.3";
/// The legacy (pre-release) form of the test OID, still found in the field.
pub const EKU_LEGACY_TEST: &str = "1.3.6.1.4.1.0.1847.2021.1.1";

/// A private signing key.
pub enum Key {
    /// P-256 (ES256).
    P256(p256::ecdsa::SigningKey),
    /// P-384 (ES384).
    P384(p384::ecdsa::SigningKey),
    /// RSA-2048 (PS256).
    Rsa(Box<rsa::RsaPrivateKey>),
}

pub(crate) fn seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("healthcert fixtures: {label}")).into()
}

impl Key {
    /// A P-256 key whose scalar is SHA-256 of `label`.
    pub fn p256(label: &str) -> Result<Self> {
        let k = p256::ecdsa::SigningKey::from_bytes(&seed(label).into()).context("P-256 scalar")?;
        Ok(Key::P256(k))
    }

    /// A P-384 key whose scalar is SHA-384 of `label`.
    pub fn p384(label: &str) -> Result<Self> {
        let bytes = Sha384::digest(format!("healthcert fixtures: {label}"));
        Ok(Key::P384(p384::ecdsa::SigningKey::from_bytes(&bytes).context("P-384 scalar")?))
    }

    /// An RSA-2048 key generated from a ChaCha20 RNG seeded by `label`.
    pub fn rsa(label: &str) -> Result<Self> {
        let mut rng = ChaCha20Rng::from_seed(seed(label));
        Ok(Key::Rsa(Box::new(rsa::RsaPrivateKey::new(&mut rng, 2048).context("RSA key generation")?)))
    }

    /// The SubjectPublicKeyInfo of the public key.
    pub fn spki(&self) -> Result<SubjectPublicKeyInfoOwned> {
        let der = match self {
            Key::P256(k) => k.verifying_key().to_public_key_der(),
            Key::P384(k) => k.verifying_key().to_public_key_der(),
            Key::Rsa(k) => k.to_public_key().to_public_key_der(),
        }
        .context("encoding the public key")?;
        SubjectPublicKeyInfoOwned::try_from(der.as_bytes()).context("reading the public key back")
    }

    /// The public key as SubjectPublicKeyInfo PEM. P-256 keys only (the list
    /// signing keys).
    pub fn public_pem(&self) -> Result<String> {
        use p256::pkcs8::EncodePublicKey as _;
        match self {
            Key::P256(k) => {
                Ok(k.verifying_key().to_public_key_pem(LineEnding::LF).context("encoding the public key")?)
            }
            _ => anyhow::bail!("public_pem is for P-256 keys"),
        }
    }

    /// The private key as PKCS#8 PEM.
    pub fn pkcs8_pem(&self) -> Result<String> {
        use p256::pkcs8::EncodePrivateKey as _;
        let pem = match self {
            Key::P256(k) => k.to_pkcs8_pem(LineEnding::LF),
            Key::P384(k) => k.to_pkcs8_pem(LineEnding::LF),
            Key::Rsa(k) => k.to_pkcs8_pem(LineEnding::LF),
        }
        .context("encoding the private key")?;
        Ok(pem.to_string())
    }

    /// Signs `message` the COSE way: ES256/ES384 as fixed-length `r || s`,
    /// PS256 with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Signer as _};
        match self {
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_vec()
            }
            Key::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign(message);
                sig.to_vec()
            }
            Key::Rsa(k) => {
                let signer = rsa::pss::SigningKey::<Sha256>::new((**k).clone());
                let mut rng =
                    ChaCha20Rng::from_seed(Sha256::digest([b"pss salt:".as_slice(), message].concat()).into());
                signer.sign_with_rng(&mut rng, message).to_vec()
            }
        }
    }

    /// An ECDSA signature in ASN.1 DER form (what an issuer that forgot the
    /// COSE encoding would produce). P-256 keys only.
    pub fn sign_der(&self, message: &[u8]) -> Option<Vec<u8>> {
        use p256::ecdsa::signature::Signer as _;
        match self {
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                Some(sig.to_der().as_bytes().to_vec())
            }
            _ => None,
        }
    }
}

/// One document signer.
pub struct Dsc {
    /// File-name stem: `dsc-ec-vaccination`.
    pub name: &'static str,
    /// What it is for (README and manifest).
    pub description: &'static str,
    /// Whether it appears in the trust lists.
    pub trusted: bool,
    /// The private key.
    pub key: Key,
    /// The DER certificate.
    pub der: Vec<u8>,
}

impl Dsc {
    /// The EU DCC key identifier: the first 8 bytes of SHA-256 of the DER
    /// certificate (hcert spec A.1).
    pub fn kid(&self) -> Vec<u8> {
        Sha256::digest(&self.der)[..8].to_vec()
    }

    /// The certificate as PEM.
    pub fn pem(&self) -> Result<String> {
        pem_of(&self.der)
    }
}

fn pem_of(der: &[u8]) -> Result<String> {
    use x509_cert::der::Decode as _;
    Ok(Certificate::from_der(der)?.to_pem(LineEnding::LF)?)
}

/// The whole test PKI.
pub struct Pki {
    /// The CSCA key.
    pub csca_key: Key,
    /// The self-signed CSCA certificate.
    pub csca_der: Vec<u8>,
    /// The DSCs, trusted ones first in a fixed order, then the untrusted one.
    pub dscs: Vec<Dsc>,
}

impl Pki {
    /// The CSCA certificate as PEM.
    pub fn csca_pem(&self) -> Result<String> {
        pem_of(&self.csca_der)
    }

    /// The DSC called `name`.
    pub fn dsc(&self, name: &str) -> &Dsc {
        self.dscs.iter().find(|d| d.name == name).unwrap_or_else(|| panic!("no DSC named {name}"))
    }
}

pub(crate) fn validity(from: Instant, to: Instant) -> Result<Validity> {
    let t = |i: Instant| -> Result<Time> {
        let secs = u64::try_from(i.unix_timestamp()).context("time before 1970")?;
        Ok(Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(secs))?))
    };
    Ok(Validity { not_before: t(from)?, not_after: t(to)? })
}

pub(crate) fn name(cn: &str) -> Result<Name> {
    Ok(Name::from_str(&format!("CN={cn},O={ORGANISATION},C={COUNTRY}"))?)
}

/// The extended key usage, marked non-critical as in the DSCs in the field
/// (x509-cert marks it critical by default).
struct NonCriticalEku(ExtendedKeyUsage);

impl x509_cert::der::oid::AssociatedOid for NonCriticalEku {
    const OID: ObjectIdentifier = <ExtendedKeyUsage as x509_cert::der::oid::AssociatedOid>::OID;
}

impl x509_cert::der::Encode for NonCriticalEku {
    fn encoded_len(&self) -> x509_cert::der::Result<x509_cert::der::Length> {
        self.0.encoded_len()
    }
    fn encode(&self, writer: &mut impl x509_cert::der::Writer) -> x509_cert::der::Result<()> {
        self.0.encode(writer)
    }
}

impl x509_cert::ext::AsExtension for NonCriticalEku {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        false
    }
}

struct DscSpec {
    name: &'static str,
    cn: &'static str,
    description: &'static str,
    eku: &'static [&'static str],
    from: Instant,
    to: Instant,
    trusted: bool,
    key: fn(&'static str) -> Result<Key>,
}

fn dsc_specs() -> Vec<DscSpec> {
    let (from, to) = (at(2026, 1, 1), at(2036, 1, 1));
    let s = |name, cn, description, eku, key| DscSpec { name, cn, description, eku, from, to, trusted: true, key };
    let p256 = Key::p256 as fn(&'static str) -> Result<Key>;
    vec![
        s("dsc-ec-all", "DSC EC all types", "P-256, no extended key usage: may sign every type", &[], p256),
        s("dsc-ec-vaccination", "DSC EC vaccination", "P-256, EKU vaccination only", &[EKU_VACCINATION], p256),
        s("dsc-ec-test", "DSC EC test", "P-256, EKU test only", &[EKU_TEST], p256),
        s("dsc-ec-recovery", "DSC EC recovery", "P-256, EKU recovery only", &[EKU_RECOVERY], p256),
        s("dsc-ec-legacy-test", "DSC EC legacy test", "P-256, legacy EKU OID for test only", &[EKU_LEGACY_TEST], p256),
        s("dsc-rsa", "DSC RSA", "RSA-2048 (PS256), no extended key usage", &[], Key::rsa),
        s("dsc-p384", "DSC EC P-384", "P-384 (ES384), no extended key usage", &[], Key::p384),
        DscSpec {
            from: at(2025, 1, 1),
            to: at(2026, 6, 30),
            ..s(
                "dsc-ec-expired",
                "DSC EC expired",
                "P-256, valid 2025-01-01..2026-06-30: expired at the reference time",
                &[],
                p256,
            )
        },
        DscSpec {
            from: at(2027, 1, 1),
            ..s(
                "dsc-ec-future",
                "DSC EC future",
                "P-256, valid from 2027-01-01: not yet valid at the reference time",
                &[],
                p256,
            )
        },
        DscSpec {
            trusted: false,
            ..s("dsc-ec-unknown", "DSC EC unknown", "P-256, signed by the CSCA but NOT in the trust lists", &[], p256)
        },
    ]
}

/// The CSCA: its key, its self-signed DER certificate and its name.
pub fn csca() -> Result<(Key, Vec<u8>, Name)> {
    let csca_key = Key::p256("csca")?;
    let Key::P256(csca_signer) = &csca_key else { unreachable!("Key::p256 makes a P-256 key") };
    let csca_name = name("CSCA healthcert test")?;
    let builder = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::new(&[0x01])?,
        validity(at(2025, 1, 1), at(2040, 1, 1))?,
        csca_name.clone(),
        csca_key.spki()?,
        csca_signer,
    )?;
    let csca_der = builder.build::<p256::ecdsa::DerSignature>()?.to_der()?;
    Ok((csca_key, csca_der, csca_name))
}

/// A DSC certificate for `key`, issued by the CSCA, valid `from..to`, with
/// the given extended key usage OIDs (none: every type).
pub fn issue_dsc(
    csca: (&Key, &Name),
    serial: &[u8],
    cn: &str,
    key: &Key,
    (from, to): (Instant, Instant),
    eku: &[&str],
) -> Result<Vec<u8>> {
    let (csca_key, csca_name) = csca;
    let Key::P256(csca_signer) = csca_key else { anyhow::bail!("the CSCA key is P-256") };
    let profile =
        Profile::Leaf { issuer: csca_name.clone(), enable_key_agreement: false, enable_key_encipherment: false };
    let mut builder = CertificateBuilder::new(
        profile,
        SerialNumber::new(serial)?,
        validity(from, to)?,
        name(cn)?,
        key.spki()?,
        csca_signer,
    )?;
    if !eku.is_empty() {
        let oids = eku.iter().map(|o| ObjectIdentifier::new(o)).collect::<Result<Vec<_>, _>>()?;
        builder.add_extension(&NonCriticalEku(ExtendedKeyUsage(oids)))?;
    }
    Ok(builder.build::<p256::ecdsa::DerSignature>()?.to_der()?)
}

/// Builds the CSCA and every DSC.
pub fn build() -> Result<Pki> {
    let (csca_key, csca_der, csca_name) = csca()?;
    let mut dscs = Vec::new();
    for (i, spec) in dsc_specs().into_iter().enumerate() {
        let key = (spec.key)(spec.name)?;
        let serial = [0x10, u8::try_from(i)? + 1];
        let der = issue_dsc((&csca_key, &csca_name), &serial, spec.cn, &key, (spec.from, spec.to), spec.eku)?;
        dscs.push(Dsc { name: spec.name, description: spec.description, trusted: spec.trusted, key, der });
    }
    Ok(Pki { csca_key, csca_der, dscs })
}
