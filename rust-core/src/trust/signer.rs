//! A trusted signer: a document signer certificate (DSC) or an issuer's
//! JSON Web Key, reduced to what verification needs, parsed once when it
//! enters a trust store (the key, its validity window and its extended key
//! usage are kept, so a lookup never re-parses).

use std::fmt;

use time::OffsetDateTime;
use x509_cert::Certificate as X509;
use x509_cert::der::Decode as _;
use x509_cert::ext::pkix::ExtendedKeyUsage;

use super::crl::ListKey;
use super::key::{KeyMaterial, KeyScheme};
use crate::crypto::{KeyError, MAX_JWK_LEN, PublicKey, jwk_thumbprint, sha256};
use crate::formats::codec::{base64, json};

const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
const OID_COUNTRY_NAME: &str = "2.5.4.6";

/// The extended key usage of a signer certificate: which purposes it may
/// serve. What the purposes mean is the format's business (the EU DCC's
/// rule lives in `formats::hcert`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyUsage {
    /// The extended-key-usage OIDs of the signer certificate, dotted; empty
    /// when the certificate has no (or an empty) extended key usage, and for
    /// keys that are not certificates.
    pub oids: Vec<String>,
}

/// What a trust registry says of a key it lists. Only a `current` key is
/// trusted; the others are kept so that a certificate they signed is told
/// apart from one of an unknown issuer (the `issuer` check fails with the
/// status's own reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum KeyStatus {
    /// In use.
    #[default]
    Current,
    /// Withdrawn by its owner (the participant left, the key was retired):
    /// certificates it signed are no longer accepted.
    Terminated,
    /// Revoked (compromised or misused): nothing it signed is trusted.
    Revoked,
    /// Past the end of validity the registry declares.
    Expired,
}

impl KeyStatus {
    /// The registry's (and the store's) name.
    pub fn name(self) -> &'static str {
        match self {
            KeyStatus::Current => "current",
            KeyStatus::Terminated => "terminated",
            KeyStatus::Revoked => "revoked",
            KeyStatus::Expired => "expired",
        }
    }

    /// The status of a registry's or the store's name.
    pub fn from_name(name: &str) -> Option<Self> {
        [KeyStatus::Current, KeyStatus::Terminated, KeyStatus::Revoked, KeyStatus::Expired]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// A trusted signer key.
#[derive(Clone)]
pub struct SignerKey {
    /// The scheme it serves.
    pub scheme: KeyScheme,
    /// Key identifier: for the EU DCC, the first 8 bytes of the SHA-256 of
    /// the DER certificate (hcert spec A.1), or as the trust list declares;
    /// for a JWK, its `kid`.
    pub kid: Vec<u8>,
    /// The issuer whose key set it belongs to, for schemes that look keys
    /// up by issuer and kid.
    pub issuer: Option<String>,
    /// Country of the signer (trust-list entry, else the subject's C=).
    pub country: Option<String>,
    /// The public key.
    pub public_key: PublicKey,
    /// Start of the certificate's validity.
    pub not_before: Option<OffsetDateTime>,
    /// End of the certificate's validity.
    pub not_after: Option<OffsetDateTime>,
    /// Extended key usage.
    pub key_usage: KeyUsage,
    /// The key material it was read from; `None` for a key built from a
    /// bare public key (in memory only).
    pub material: Option<KeyMaterial>,
    /// What the trust registry that listed it says of it (`Current` for
    /// every other source).
    pub status: KeyStatus,
}

impl SignerKey {
    /// The key its revocation list is held under.
    pub fn list_key(&self) -> ListKey<'_> {
        ListKey { scheme: self.scheme, issuer: self.issuer.as_deref(), kid: &self.kid }
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("scheme", &self.scheme)
            .field("kid", &base64::encode(&self.kid))
            .field("country", &self.country)
            .field("public_key", &self.public_key)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("key_usage", &self.key_usage.oids)
            .finish_non_exhaustive()
    }
}

/// The EU DCC key identifier of a DER certificate (hcert spec A.1).
pub fn kid_of(der: &[u8]) -> Vec<u8> {
    sha256(der)[..8].to_vec()
}

fn to_offset(t: x509_cert::time::Time) -> Option<OffsetDateTime> {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).ok()?;
    OffsetDateTime::from_unix_timestamp(secs).ok()
}

impl SignerKey {
    /// Reads a signer from a DER X.509 certificate. `kid` defaults to the
    /// certificate's computed EU DCC kid, `country` to its subject's country.
    pub fn from_der(
        scheme: KeyScheme,
        der: &[u8],
        kid: Option<Vec<u8>>,
        country: Option<String>,
    ) -> Result<Self, KeyError> {
        let cert = X509::from_der(der).map_err(|e| KeyError(format!("not an X.509 certificate: {e}")))?;
        let tbs = &cert.tbs_certificate;
        let public_key = PublicKey::from_spki(&tbs.subject_public_key_info)?;

        let mut oids = Vec::new();
        for ext in tbs.extensions.iter().flatten() {
            if ext.extn_id.to_string() == OID_EXT_KEY_USAGE {
                let eku = ExtendedKeyUsage::from_der(ext.extn_value.as_bytes())
                    .map_err(|e| KeyError(format!("malformed extended key usage: {e}")))?;
                oids.extend(eku.0.iter().map(|o| o.to_string()));
            }
        }

        let subject_country = tbs.subject.0.iter().flat_map(|rdn| rdn.0.iter()).find_map(|atv| {
            if atv.oid.to_string() != OID_COUNTRY_NAME {
                return None;
            }
            std::str::from_utf8(atv.value.value()).ok().map(|c| c.trim().to_owned())
        });

        Ok(SignerKey {
            scheme,
            kid: kid.unwrap_or_else(|| kid_of(der)),
            issuer: None,
            country: country.or(subject_country),
            public_key,
            not_before: to_offset(tbs.validity.not_before),
            not_after: to_offset(tbs.validity.not_after),
            key_usage: KeyUsage { oids },
            material: Some(KeyMaterial::X509(der.to_vec())),
            status: KeyStatus::Current,
        })
    }

    /// Reads a signer from a public JSON Web Key of `issuer`'s key set. Its
    /// `kid` must be present and equal its RFC 7638 thumbprint (as SMART
    /// Health Cards require), so a key cannot pose under another's kid.
    pub fn from_jwk(scheme: KeyScheme, issuer: &str, jwk: &str) -> Result<Self, KeyError> {
        let value: serde_json::Value =
            json::parse(jwk.as_bytes(), MAX_JWK_LEN, 4).map_err(|e| KeyError(format!("the JWK is not usable: {e}")))?;
        let public_key = PublicKey::from_jwk(&value)?;
        let kid = value.get("kid").and_then(|k| k.as_str()).ok_or_else(|| KeyError("the JWK has no kid".into()))?;
        if kid != jwk_thumbprint(&value)? {
            return Err(KeyError("the JWK's kid is not its RFC 7638 thumbprint".into()));
        }
        Ok(SignerKey {
            scheme,
            kid: kid.as_bytes().to_vec(),
            issuer: Some(issuer.to_owned()),
            country: None,
            public_key,
            not_before: None,
            not_after: None,
            key_usage: KeyUsage::default(),
            material: Some(KeyMaterial::Jwk(jwk.to_owned())),
            status: KeyStatus::Current,
        })
    }

    /// Reads a signer from key material as a trust source delivers it. The
    /// SQLite store does this once per record, when it stores it, and keeps
    /// what it found beside the material.
    pub fn from_material(
        scheme: KeyScheme,
        material: &KeyMaterial,
        issuer: Option<&str>,
        kid: &[u8],
        country: Option<String>,
    ) -> Result<Self, KeyError> {
        match material {
            KeyMaterial::X509(der) => {
                let mut key = Self::from_der(scheme, der, Some(kid.to_vec()), country)?;
                key.issuer = issuer.map(str::to_owned);
                Ok(key)
            }
            KeyMaterial::Jwk(jwk) => {
                let issuer = issuer.ok_or_else(|| KeyError("a JWK signer needs an issuer".into()))?;
                let mut key = Self::from_jwk(scheme, issuer, jwk)?;
                if key.kid != kid {
                    return Err(KeyError("the JWK's kid differs from the one it is listed under".into()));
                }
                key.country = country;
                Ok(key)
            }
            KeyMaterial::Spki(der) => Ok(SignerKey {
                scheme,
                kid: kid.to_vec(),
                issuer: issuer.map(str::to_owned),
                country,
                public_key: PublicKey::from_spki_der(der)?,
                not_before: None,
                not_after: None,
                key_usage: KeyUsage::default(),
                material: Some(material.clone()),
                status: KeyStatus::Current,
            }),
        }
    }

    /// The key identifier for people: base64 of a binary kid (EU DCC), the
    /// text of a JWK's kid.
    pub fn kid_text(&self) -> String {
        match &self.material {
            Some(KeyMaterial::Jwk(_)) => String::from_utf8_lossy(&self.kid).into_owned(),
            Some(KeyMaterial::X509(_) | KeyMaterial::Spki(_)) | None => super::key::kid_text(&self.kid),
        }
    }

    /// The DER certificate, when the key came from one.
    pub fn certificate(&self) -> Option<&[u8]> {
        match &self.material {
            Some(KeyMaterial::X509(der)) => Some(der),
            Some(KeyMaterial::Jwk(_) | KeyMaterial::Spki(_)) | None => None,
        }
    }
}
