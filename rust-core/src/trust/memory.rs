//! An in-memory trust store: hash maps from (scheme, key reference) to
//! signers.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use super::key::LookupKey;
use super::{Crl, Freshness, KeyRef, KeyScheme, ListKey, Revocation, SignerKey, TrustStore};
use crate::Error;
use crate::formats::RevocationKey;

/// Signer keys held in memory, looked up by key reference in constant time.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    by_key: HashMap<LookupKey, Vec<Arc<SignerKey>>>,
    len: usize,
    source: String,
    updated: Option<(OffsetDateTime, Option<i64>)>,
    /// Revocation lists by (scheme, issuer, kid).
    crls: HashMap<(KeyScheme, String, Vec<u8>), Arc<Crl>>,
}

/// The index entries of a signer: its (issuer and) kid, and its
/// certificate (for documents that embed it).
fn index_keys(s: &SignerKey) -> Vec<LookupKey> {
    let mut keys = vec![match &s.issuer {
        Some(issuer) => LookupKey::IssuerKid(s.scheme, issuer.clone(), s.kid.clone()),
        None => LookupKey::Kid(s.scheme, s.kid.clone()),
    }];
    if let Some(der) = s.certificate() {
        keys.push(LookupKey::Certificate(s.scheme, crate::crypto::sha256(der)));
    }
    keys
}

impl MemoryStore {
    /// An empty store labelled `source`.
    pub fn new(source: impl Into<String>) -> Self {
        Self { by_key: HashMap::new(), len: 0, source: source.into(), updated: None, crls: HashMap::new() }
    }

    /// A store holding `signers`.
    pub fn from_signers(source: impl Into<String>, signers: impl IntoIterator<Item = SignerKey>) -> Self {
        let mut store = Self::new(source);
        for s in signers {
            store.insert(s);
        }
        store
    }

    /// Adds a signer. The same key material under the same reference is
    /// kept once.
    pub fn insert(&mut self, signer: SignerKey) {
        let keys = index_keys(&signer);
        let duplicate = signer.material.is_some()
            && self.by_key.get(&keys[0]).is_some_and(|e| e.iter().any(|s| s.material == signer.material));
        if duplicate {
            return;
        }
        let signer = Arc::new(signer);
        for key in keys {
            self.by_key.entry(key).or_default().push(Arc::clone(&signer));
        }
        self.len += 1;
    }

    /// Records when the keys were current (a snapshot's date) and, when
    /// given, the age beyond which they count as stale.
    pub fn with_updated_at(mut self, updated_at: OffsetDateTime, max_age_seconds: Option<i64>) -> Self {
        self.updated = Some((updated_at, max_age_seconds));
        self
    }

    /// Holds `crl` as the revocation list of `issuer`'s key `crl.kid` in
    /// `scheme`, replacing one with a lower or equal `ctr`; a list with a
    /// lower `ctr` than the one held is refused ([`Error::CrlRollback`])
    /// and the held one kept.
    pub fn insert_crl(&mut self, scheme: KeyScheme, issuer: &str, crl: Crl) -> Result<(), Error> {
        let key = (scheme, issuer.to_owned(), crl.kid.as_bytes().to_vec());
        if let Some(held) = self.crls.get(&key)
            && held.ctr > crl.ctr
        {
            return Err(Error::CrlRollback {
                issuer: issuer.to_owned(),
                kid: crl.kid,
                held: held.ctr,
                offered: crl.ctr,
            });
        }
        self.crls.insert(key, Arc::new(crl));
        Ok(())
    }

    /// Every signer in the store, once each.
    pub fn all_signers(&self) -> impl Iterator<Item = &Arc<SignerKey>> {
        self.by_key
            .iter()
            .filter(|(k, _)| !matches!(k, LookupKey::Certificate(..)))
            .flat_map(|(_, signers)| signers.iter())
    }
}

impl TrustStore for MemoryStore {
    fn signers(&self, key: &KeyRef) -> Result<Vec<Arc<SignerKey>>, Error> {
        Ok(key.lookup_key().and_then(|k| self.by_key.get(&k).cloned()).unwrap_or_default())
    }
    fn source(&self) -> String {
        self.source.clone()
    }
    fn len(&self) -> usize {
        self.len
    }
    fn freshness(&self, now: OffsetDateTime) -> Option<Freshness> {
        self.updated.map(|(at, max)| Freshness::at(at, now, max))
    }
    fn revocation(&self, list: ListKey<'_>, key: &RevocationKey, _at: OffsetDateTime) -> Result<Revocation, Error> {
        let Some(issuer) = list.issuer else { return Ok(Revocation::NoList) };
        // A lookup key borrowing nothing would need a second map type; a
        // verification allocates these few bytes once.
        let found = self.crls.get(&(list.scheme, issuer.to_owned(), list.kid.to_vec()));
        Ok(match found {
            None => Revocation::NoList,
            Some(crl) if crl.revokes(key) => Revocation::Revoked { ctr: crl.ctr },
            Some(crl) => Revocation::NotRevoked { ctr: crl.ctr },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::KeyScheme;

    const A: KeyScheme = KeyScheme::new("a");
    const B: KeyScheme = KeyScheme::new("b");

    fn der() -> Vec<u8> {
        let pem = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/trust/dsc/dsc-ec-all.pem"))
            .expect("fixture");
        crate::crypto::pem_certificates(&pem).remove(0).expect("PEM")
    }

    #[test]
    fn keyed_by_scheme_and_reference() {
        let der = der();
        let signer = SignerKey::from_der(A, &der, Some(vec![1, 2]), None).unwrap();
        let store = MemoryStore::from_signers("t", [signer.clone(), signer]);
        assert_eq!(store.len(), 1, "the same material under the same kid is kept once");
        let found = |key: KeyRef| TrustStore::signers(&store, &key).unwrap().len();
        assert_eq!(found(KeyRef::Kid { scheme: A, kid: vec![1, 2] }), 1);
        assert_eq!(found(KeyRef::Kid { scheme: B, kid: vec![1, 2] }), 0, "another scheme's kid");
        assert_eq!(found(KeyRef::IssuerKid { scheme: A, issuer: "x".into(), kid: vec![1, 2] }), 0);
        assert_eq!(found(KeyRef::Embedded { scheme: A, certificate: der.clone(), anchors: None }), 1);
        assert_eq!(found(KeyRef::Embedded { scheme: B, certificate: der, anchors: None }), 0);
        assert_eq!(found(KeyRef::Missing { scheme: A }), 0);
        assert_eq!(store.all_signers().count(), 1);
    }
}
