//! An in-memory trust store: a hash map from key identifier to signers.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use super::{Freshness, SignerKey, TrustStore};
use crate::Error;

/// Signer keys held in memory, looked up by kid in constant time.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    by_kid: HashMap<Vec<u8>, Vec<Arc<SignerKey>>>,
    len: usize,
    source: String,
    updated: Option<(OffsetDateTime, Option<i64>)>,
}

impl MemoryStore {
    /// An empty store labelled `source`.
    pub fn new(source: impl Into<String>) -> Self {
        Self { by_kid: HashMap::new(), len: 0, source: source.into(), updated: None }
    }

    /// A store holding `signers`.
    pub fn from_signers(source: impl Into<String>, signers: impl IntoIterator<Item = SignerKey>) -> Self {
        let mut store = Self::new(source);
        for s in signers {
            store.insert(s);
        }
        store
    }

    /// Adds a signer. The same certificate under the same kid is kept once.
    pub fn insert(&mut self, signer: SignerKey) {
        let entry = self.by_kid.entry(signer.kid.clone()).or_default();
        let duplicate = signer.certificate.is_some() && entry.iter().any(|s| s.certificate == signer.certificate);
        if !duplicate {
            entry.push(Arc::new(signer));
            self.len += 1;
        }
    }

    /// Records when the keys were current (a snapshot's date) and, when
    /// given, the age beyond which they count as stale.
    pub fn with_updated_at(mut self, updated_at: OffsetDateTime, max_age_seconds: Option<i64>) -> Self {
        self.updated = Some((updated_at, max_age_seconds));
        self
    }

    /// Every signer in the store.
    pub fn signers(&self) -> impl Iterator<Item = &Arc<SignerKey>> {
        self.by_kid.values().flatten()
    }
}

impl TrustStore for MemoryStore {
    fn dcc_signers(&self, kid: &[u8]) -> Result<Vec<Arc<SignerKey>>, Error> {
        Ok(self.by_kid.get(kid).cloned().unwrap_or_default())
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
}
