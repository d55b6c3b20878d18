//! The EU DCC key-usage rule (hcert spec Annex A.4): a document signer
//! whose extended key usage names DCC types may only sign those types. The
//! rule belongs to this format; the shared pipeline asks the document (as
//! webpki takes an EKU validator from its caller).

use crate::model::{CertificateType, Check, CheckKind, Reason};
use crate::trust::{KeyUsage, SignerKey};

/// The key usage OIDs of hcert spec Annex A.4, current and legacy forms.
const DCC_KEY_USAGES: [(&str, CertificateType); 6] = [
    ("1.3.6.1.4.1.1847.2021.1.1", CertificateType::Test),
    ("1.3.6.1.4.1.1847.2021.1.2", CertificateType::Vaccination),
    ("1.3.6.1.4.1.1847.2021.1.3", CertificateType::Recovery),
    ("1.3.6.1.4.1.0.1847.2021.1.1", CertificateType::Test),
    ("1.3.6.1.4.1.0.1847.2021.1.2", CertificateType::Vaccination),
    ("1.3.6.1.4.1.0.1847.2021.1.3", CertificateType::Recovery),
];

/// The certificate types a signer with this extended key usage may sign, or
/// `None` when it may sign every type.
///
/// hcert spec Annex A.4: "In absence of any key usage extension (i.e. no
/// extensions or zero extensions), this certificate can be used to
/// validate any type of HCERT"; otherwise "the verifiers SHALL verify the
/// key usage against the stored HCERT". An extended key usage that names
/// only other purposes (an ICAO document-signer OID, say) therefore allows
/// no DCC type, as RFC 5280 §4.2.1.12 also reads it ("the certificate MUST
/// only be used for one of the purposes indicated").
pub fn dcc_types(usage: &KeyUsage) -> Option<Vec<CertificateType>> {
    if usage.oids.is_empty() {
        return None;
    }
    let mut types: Vec<CertificateType> =
        DCC_KEY_USAGES.iter().filter(|(oid, _)| usage.oids.iter().any(|o| o == oid)).map(|(_, t)| *t).collect();
    types.sort_by_key(|t| t.name());
    types.dedup();
    Some(types)
}

/// hcert spec Annex A.4, for a certificate of type `kind` (or of no single
/// type: the failure that explains why).
pub(super) fn check(signer: &SignerKey, kind: Result<CertificateType, &crate::formats::Failure>) -> Check {
    let kind = match kind {
        Ok(k) => k,
        Err(f) => return Check::fail(CheckKind::KeyUsage, f.reason, f.detail.clone()),
    };
    match dcc_types(&signer.key_usage) {
        None => Check::pass(
            CheckKind::KeyUsage,
            format!("the signer may sign every type (no DCC key usage); this is a {} certificate", kind.name()),
        ),
        Some(types) if types.contains(&kind) => {
            Check::pass(CheckKind::KeyUsage, format!("the signer may sign {} certificates", kind.name()))
        }
        Some(types) if types.is_empty() => Check::fail(
            CheckKind::KeyUsage,
            Reason::KeyUsageMismatch,
            format!("a {} certificate, but the signer's extended key usage names no DCC type", kind.name()),
        ),
        Some(types) => {
            let allowed: Vec<&str> = types.iter().map(|t| t.name()).collect();
            Check::fail(
                CheckKind::KeyUsage,
                Reason::KeyUsageMismatch,
                format!("a {} certificate, but the signer may only sign: {}", kind.name(), allowed.join(", ")),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(oids: &[&str], kind: CertificateType) -> bool {
        dcc_types(&KeyUsage { oids: oids.iter().map(|o| o.to_string()).collect() }).is_none_or(|t| t.contains(&kind))
    }

    #[test]
    fn key_usage_rules() {
        assert!(allows(&[], CertificateType::Test));
        assert!(!allows(&["2.23.136.1.1.14.2"], CertificateType::Recovery));
        assert!(allows(&["1.3.6.1.4.1.1847.2021.1.2"], CertificateType::Vaccination));
        assert!(!allows(&["1.3.6.1.4.1.1847.2021.1.2"], CertificateType::Test));
        assert!(allows(&["1.3.6.1.4.1.0.1847.2021.1.1"], CertificateType::Test));
        assert!(!allows(&["1.3.6.1.4.1.0.1847.2021.1.1"], CertificateType::Recovery));
    }
}
