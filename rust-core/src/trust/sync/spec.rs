//! A trust source as callers name it: a kind, a URL and, for signed
//! content, the key it must verify with. The one place that turns that into
//! a [`TrustSource`], with the URL policy, for the CLI and the bindings
//! alike.

use std::fmt;

use super::{
    DgcaSource, RuleServiceSource, ShcIssuersSource, SignedListSource, TrustSource, VciSnapshotSource, check_url,
};
use crate::crypto::PublicKey;
use crate::trust::SourceKind;

/// A source to sync, as a caller names it.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// The protocol.
    pub kind: SourceKind,
    /// The base URL (`https://`; plain `http://` only to a literal loopback
    /// host, or with `allow_http`). For [`SourceKind::ShcIssuers`], a
    /// mirror of the issuers' URLs, or empty: each issuer at its own URL.
    pub url: String,
    /// The key its content is signed with: required for a signed list
    /// ([`SourceKind::De`]), for the VCI directory snapshot
    /// ([`SourceKind::Vci`]: the anchor's P-521 key) and for a tree of GDHCN
    /// DID trust lists ([`SourceKind::Gdhcn`]: the WHO signing key, P-256,
    /// that every document's proof must verify with), optional for the rule
    /// service (its `X-SIGNATURE` is then checked), unused otherwise.
    pub key: Option<PublicKey>,
    /// Allow plain `http://` to any host (tests, a local mirror).
    pub allow_http: bool,
}

/// Why a [`SourceSpec`] names no usable source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpecError {
    /// The URL is not `https://` (or loopback `http://`), or is malformed.
    InsecureUrl,
    /// The kind needs a signing key and none was given.
    KeyRequired,
    /// The kind is not synced from a URL (`import`, `bundled`).
    NotSyncable,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpecError::InsecureUrl => {
                "the URL must be https:// (plain http:// only to a loopback host written as such: 127.0.0.1, [::1], localhost)"
            }
            SpecError::KeyRequired => "its content is signed: give the key it must verify with",
            SpecError::NotSyncable => "this kind of source is not synced from a URL",
        })
    }
}

impl std::error::Error for SpecError {}

/// The kinds a [`SourceSpec`] can name, for usage messages.
#[cfg(not(feature = "jsonld"))]
pub const SYNCABLE_KINDS: [SourceKind; 6] = [
    SourceKind::Dgca,
    SourceKind::De,
    SourceKind::Rules,
    SourceKind::Vci,
    SourceKind::ShcIssuers,
    SourceKind::Revocation,
];
/// The kinds a [`SourceSpec`] can name, for usage messages (GDHCN DID trust
/// lists need the `jsonld` feature).
#[cfg(feature = "jsonld")]
pub const SYNCABLE_KINDS: [SourceKind; 7] = [
    SourceKind::Dgca,
    SourceKind::De,
    SourceKind::Rules,
    SourceKind::Vci,
    SourceKind::ShcIssuers,
    SourceKind::Gdhcn,
    SourceKind::Revocation,
];

impl SourceSpec {
    /// The source this spec names, checked against the URL policy every
    /// request and redirect of the sync also applies.
    pub fn build(&self) -> Result<Box<dyn TrustSource>, SpecError> {
        if !SYNCABLE_KINDS.contains(&self.kind) {
            return Err(SpecError::NotSyncable);
        }
        if !(self.kind == SourceKind::ShcIssuers && self.url.is_empty()) {
            check_url(&self.url, self.allow_http).map_err(|_| SpecError::InsecureUrl)?;
        }
        Ok(match self.kind {
            SourceKind::Dgca => Box::new(DgcaSource::new(&self.url)),
            SourceKind::De => {
                Box::new(SignedListSource::new(&self.url, self.key.clone().ok_or(SpecError::KeyRequired)?))
            }
            SourceKind::Rules => Box::new(RuleServiceSource::new(&self.url, self.key.clone())),
            SourceKind::Vci => {
                Box::new(VciSnapshotSource::new(&self.url, self.key.clone().ok_or(SpecError::KeyRequired)?))
            }
            SourceKind::ShcIssuers => Box::new(ShcIssuersSource::new(Some(self.url.clone()).filter(|u| !u.is_empty()))),
            #[cfg(feature = "jsonld")]
            SourceKind::Gdhcn => Box::new(super::GdhcnSource::new(
                &self.url,
                crate::trust::gdhcn::Anchor::key(self.key.clone().ok_or(SpecError::KeyRequired)?),
            )),
            #[cfg(not(feature = "jsonld"))]
            SourceKind::Gdhcn => return Err(SpecError::NotSyncable),
            SourceKind::Revocation => Box::new(super::RevocationSource::new(&self.url)),
            SourceKind::Import | SourceKind::Bundled => return Err(SpecError::NotSyncable),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: SourceKind, url: &str, key: Option<PublicKey>) -> SourceSpec {
        SourceSpec { kind, url: url.into(), key, allow_http: false }
    }

    #[test]
    fn policy_and_keys() {
        let key = PublicKey::p256_from_sec1(&[4; 65]).unwrap();
        assert!(spec(SourceKind::Dgca, "https://dgca.example/", None).build().is_ok());
        assert!(spec(SourceKind::Dgca, "http://127.0.0.1:8080/", None).build().is_ok());
        assert_eq!(spec(SourceKind::Dgca, "http://dgca.example/", None).build().err(), Some(SpecError::InsecureUrl));
        assert!(
            SourceSpec { allow_http: true, ..spec(SourceKind::Dgca, "http://dgca.example/", None) }.build().is_ok()
        );
        assert_eq!(spec(SourceKind::De, "https://de.example/", None).build().err(), Some(SpecError::KeyRequired));
        assert!(spec(SourceKind::De, "https://de.example/", Some(key.clone())).build().is_ok());
        assert!(spec(SourceKind::Rules, "https://rules.example/", None).build().is_ok());
        assert_eq!(
            spec(SourceKind::Vci, "https://vci.example/s.json", None).build().err(),
            Some(SpecError::KeyRequired)
        );
        assert!(spec(SourceKind::ShcIssuers, "", None).build().is_ok(), "each issuer at its own URL");
        #[cfg(feature = "jsonld")]
        {
            let url = "https://tng-cdn.example/v2/trustlist-ref/";
            assert_eq!(spec(SourceKind::Gdhcn, url, None).build().err(), Some(SpecError::KeyRequired));
            assert!(spec(SourceKind::Gdhcn, url, Some(key.clone())).build().is_ok());
        }
        assert_eq!(
            spec(SourceKind::ShcIssuers, "http://mirror.example/", None).build().err(),
            Some(SpecError::InsecureUrl)
        );
        assert_eq!(spec(SourceKind::Import, "https://x.example/", None).build().err(), Some(SpecError::NotSyncable));
        assert_eq!(spec(SourceKind::Dgca, "ftp://x.example/", None).build().err(), Some(SpecError::InsecureUrl));
    }
}
