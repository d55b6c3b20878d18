//! A trusted signer: a document signer certificate (DSC) reduced to what
//! verification needs, parsed once when it enters a trust store.

use std::fmt;

use time::OffsetDateTime;
use x509_cert::Certificate as X509;
use x509_cert::der::Decode as _;
use x509_cert::ext::pkix::ExtendedKeyUsage;

use crate::crypto::{KeyError, PublicKey, sha256};
use crate::model::CertificateType;

const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
const OID_COUNTRY_NAME: &str = "2.5.4.6";

/// The key usage OIDs of hcert spec Annex A.4, current and legacy forms.
const DCC_KEY_USAGES: [(&str, CertificateType); 6] = [
    ("1.3.6.1.4.1.1847.2021.1.1", CertificateType::Test),
    ("1.3.6.1.4.1.1847.2021.1.2", CertificateType::Vaccination),
    ("1.3.6.1.4.1.1847.2021.1.3", CertificateType::Recovery),
    ("1.3.6.1.4.1.0.1847.2021.1.1", CertificateType::Test),
    ("1.3.6.1.4.1.0.1847.2021.1.2", CertificateType::Vaccination),
    ("1.3.6.1.4.1.0.1847.2021.1.3", CertificateType::Recovery),
];

/// The certificate types a signer may sign, from its extended key usage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyUsage {
    /// The extended-key-usage OIDs of the signer certificate, dotted; empty
    /// when the certificate has no (or an empty) extended key usage.
    pub oids: Vec<String>,
}

impl KeyUsage {
    /// The certificate types this signer may sign, or `None` when it may
    /// sign every type.
    ///
    /// hcert spec Annex A.4: "In absence of any key usage extension (i.e. no
    /// extensions or zero extensions), this certificate can be used to
    /// validate any type of HCERT"; otherwise "the verifiers SHALL verify the
    /// key usage against the stored HCERT". An extended key usage that names
    /// only other purposes (an ICAO document-signer OID, say) therefore
    /// allows no DCC type, as RFC 5280 §4.2.1.12 also reads it ("the
    /// certificate MUST only be used for one of the purposes indicated").
    pub fn dcc_types(&self) -> Option<Vec<CertificateType>> {
        if self.oids.is_empty() {
            return None;
        }
        let mut types: Vec<CertificateType> =
            DCC_KEY_USAGES.iter().filter(|(oid, _)| self.oids.iter().any(|o| o == oid)).map(|(_, t)| *t).collect();
        types.sort_by_key(|t| t.name());
        types.dedup();
        Some(types)
    }

    /// Whether a signer with this key usage may sign `kind`.
    pub fn allows(&self, kind: CertificateType) -> bool {
        self.dcc_types().is_none_or(|t| t.contains(&kind))
    }
}

/// A trusted signer key.
#[derive(Clone)]
pub struct SignerKey {
    /// Key identifier: for the EU DCC, the first 8 bytes of the SHA-256 of
    /// the DER certificate (hcert spec A.1), or as the trust list declares.
    pub kid: Vec<u8>,
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
    /// The DER certificate, when the key came from one.
    pub certificate: Option<Vec<u8>>,
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("kid", &crate::formats::b64(&self.kid))
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
    /// certificate's computed kid, `country` to its subject's country.
    pub fn from_der(der: &[u8], kid: Option<Vec<u8>>, country: Option<String>) -> Result<Self, KeyError> {
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
            kid: kid.unwrap_or_else(|| kid_of(der)),
            country: country.or(subject_country),
            public_key,
            not_before: to_offset(tbs.validity.not_before),
            not_after: to_offset(tbs.validity.not_after),
            key_usage: KeyUsage { oids },
            certificate: Some(der.to_vec()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_rules() {
        let none = KeyUsage::default();
        assert!(none.allows(CertificateType::Test));
        let unrelated = KeyUsage { oids: vec!["2.23.136.1.1.14.2".into()] };
        assert!(!unrelated.allows(CertificateType::Recovery));
        let vacc = KeyUsage { oids: vec!["1.3.6.1.4.1.1847.2021.1.2".into()] };
        assert!(vacc.allows(CertificateType::Vaccination));
        assert!(!vacc.allows(CertificateType::Test));
        let legacy = KeyUsage { oids: vec!["1.3.6.1.4.1.0.1847.2021.1.1".into()] };
        assert!(legacy.allows(CertificateType::Test));
        assert!(!legacy.allows(CertificateType::Recovery));
    }
}
