//! What the verifier asks of the store on every verification, kept in
//! memory: parsed signer keys by kid (hits and misses), the signer count,
//! the freshness inputs of the signer sources, and the compiled business
//! rules and value sets.
//!
//! The cache is tagged with SQLite's `PRAGMA data_version` of the reading
//! connection, which changes whenever another connection (this store's
//! writer, another process) commits; the store also invalidates it
//! explicitly after each of its own commits. Every lookup checks the tag
//! (about a microsecond), so a stale key is never served once a commit is
//! visible. The totals, asked on every verification too, are reloaded after
//! this store's own commits and whenever a lookup notices a new version: after
//! another process commits they may be one verification behind.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::trust::key::LookupKey;
use crate::trust::{Freshness, HeldRules, SignerKey};

/// Most key references held at once. A verifier sees few distinct
/// signers; a bound keeps a stream of unknown kids from growing memory.
pub(super) const MAX_CACHED_KIDS: usize = 1024;

/// The freshness inputs of one signer source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SignerAge {
    /// When its data was current (see `status::data_as_of`).
    pub as_of: OffsetDateTime,
    /// Its maximum age, if configured.
    pub max_age_seconds: Option<i64>,
}

#[derive(Default)]
pub(super) struct Cache {
    /// The reader's `data_version` the contents belong to; `None` when they
    /// must be reloaded.
    version: Option<i64>,
    /// Changes whenever the contents are dropped (invalidated or reset), so
    /// rules compiled from what was read before are not kept after.
    generation: u64,
    keys: HashMap<LookupKey, Vec<Arc<SignerKey>>>,
    len: usize,
    ages: Vec<SignerAge>,
    /// The compiled business rules, loaded on first use.
    rules: Option<Arc<HeldRules>>,
    /// The EU DCC revocation data, loaded on first use.
    pub(super) revocation: super::revocation::Held,
}

impl Cache {
    /// Whether the contents belong to `data_version`.
    pub(super) fn is_current(&self, data_version: i64) -> bool {
        self.version == Some(data_version)
    }

    /// Whether the contents belong to some data version (they may be one
    /// commit of another connection behind).
    pub(super) fn is_loaded(&self) -> bool {
        self.version.is_some()
    }

    /// Forgets everything (after a commit of this store).
    pub(super) fn invalidate(&mut self) {
        self.generation += 1;
        self.version = None;
        self.keys.clear();
        self.rules = None;
        self.revocation = Default::default();
    }

    /// Starts over for `data_version` with freshly read totals.
    pub(super) fn reset(&mut self, data_version: i64, len: usize, ages: Vec<SignerAge>) {
        self.generation += 1;
        self.keys.clear();
        self.rules = None;
        self.revocation = Default::default();
        self.version = Some(data_version);
        self.len = len;
        self.ages = ages;
    }

    /// The signers of `key`, when known (an empty list is a known miss).
    pub(super) fn get(&self, key: &LookupKey) -> Option<Vec<Arc<SignerKey>>> {
        self.keys.get(key).cloned()
    }

    /// Remembers the signers of `key`, evicting an arbitrary entry when full.
    pub(super) fn put(&mut self, key: LookupKey, signers: Vec<Arc<SignerKey>>) {
        if self.keys.len() >= MAX_CACHED_KIDS
            && !self.keys.contains_key(&key)
            && let Some(victim) = self.keys.keys().next().cloned()
        {
            self.keys.remove(&victim);
        }
        self.keys.insert(key, signers);
    }

    /// The compiled business rules, when loaded for this data version.
    pub(super) fn rules(&self) -> Option<Arc<HeldRules>> {
        self.rules.clone()
    }

    /// Which contents these are (see `generation`).
    pub(super) fn generation(&self) -> u64 {
        self.generation
    }

    /// Keeps the compiled business rules, when they were read from the
    /// contents of `generation` (no commit was seen since).
    pub(super) fn set_rules(&mut self, generation: u64, rules: Arc<HeldRules>) {
        if generation == self.generation {
            self.rules = Some(rules);
        }
    }

    /// Distinct signer certificates in the store (as last loaded).
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The stalest signer source at `now`: a stale one before a fresh one,
    /// then the oldest. `None` when no signer source ever synced.
    pub(super) fn freshness(&self, now: OffsetDateTime) -> Option<Freshness> {
        self.ages
            .iter()
            .map(|a| Freshness::at(a.as_of, now, a.max_age_seconds))
            .max_by_key(|f| (f.stale, f.age_seconds))
    }

    #[cfg(test)]
    pub(super) fn cached_kids(&self) -> usize {
        self.keys.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    #[test]
    fn stale_beats_old_and_old_beats_new() {
        let mut c = Cache::default();
        c.reset(
            1,
            0,
            vec![
                SignerAge { as_of: at(1_000), max_age_seconds: None },
                SignerAge { as_of: at(5_000), max_age_seconds: Some(100) },
                SignerAge { as_of: at(3_000), max_age_seconds: Some(10_000) },
            ],
        );
        let f = c.freshness(at(6_000)).unwrap();
        assert_eq!((f.updated_at, f.stale, f.age_seconds), (at(5_000), true, 1_000));
        let f = c.freshness(at(5_050)).unwrap();
        assert_eq!((f.updated_at, f.stale, f.age_seconds), (at(1_000), false, 4_050));
        c.reset(2, 0, Vec::new());
        assert_eq!(c.freshness(at(0)), None);
    }

    #[test]
    fn bounded_and_invalidated() {
        let mut c = Cache::default();
        c.reset(1, 0, Vec::new());
        let key = |i: u32| LookupKey::Kid(crate::trust::KeyScheme::new("t"), i.to_be_bytes().to_vec());
        for i in 0..(MAX_CACHED_KIDS as u32 + 10) {
            c.put(key(i), Vec::new());
        }
        assert_eq!(c.cached_kids(), MAX_CACHED_KIDS);
        assert!(c.is_current(1));
        c.invalidate();
        assert!(!c.is_current(1));
        assert_eq!(c.cached_kids(), 0);
        assert!(c.get(&key(0)).is_none());
    }
}
