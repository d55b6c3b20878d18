//! Trust: the signer keys a verifier accepts, and where they come from.
//!
//! The verification pipeline sees only the [`TrustStore`] trait: an in-memory
//! store loaded from files ([`MemoryStore`], [`mod@file`]), or the SQLite cache
//! (`store`) that signed, atomic syncs (`sync`) keep current. Sources deliver
//! [`Update`]s; stores apply them in one transaction or not at all.

pub mod chain;
pub mod crl;
pub mod file;
#[cfg(feature = "jsonld")]
pub mod gdhcn;
mod key;
mod memory;
pub mod protocol;
pub mod registry;
pub mod revocation;
pub mod rule_files;
pub mod signed_list;
mod signer;
#[cfg(feature = "store")]
pub mod store;
#[cfg(feature = "sync")]
pub mod sync;
pub mod update;
pub mod vci;

use std::sync::Arc;

pub use crl::{Crl, ListKey, Revocation};
pub use key::{KeyMaterial, KeyRef, KeyScheme};
pub use memory::MemoryStore;
pub use signer::{KeyStatus, KeyUsage, SignerKey, kid_of};
pub use update::{Freshness, SourceId, SourceKind, Update};

use crate::Error;
use crate::formats::RevocationKey;
use crate::rules::{RuleSet, ValueSets};

/// The business rules and value sets a store holds, compiled once and
/// shared by every verification until the store changes.
#[derive(Debug, Default)]
pub struct HeldRules {
    /// Every rule, of every country.
    pub rules: RuleSet,
    /// Every value set.
    pub value_sets: ValueSets,
    /// Rule documents that could not be used (not valid rule JSON, logic
    /// that does not compile).
    pub skipped_rules: usize,
    /// Value set documents that could not be read.
    pub skipped_value_sets: usize,
}

impl HeldRules {
    /// Compiles rule and value set documents (JSON, as the DGCA rule service
    /// and the trust store keep them); unusable ones are counted, not fatal.
    pub fn from_json<R, V>(rules: R, value_sets: V) -> Self
    where
        R: IntoIterator,
        R::Item: AsRef<[u8]>,
        V: IntoIterator,
        V::Item: AsRef<[u8]>,
    {
        let (rules, skipped_rules) = RuleSet::from_json_rules(rules);
        let (value_sets, skipped_value_sets) = ValueSets::from_json(value_sets);
        HeldRules {
            rules,
            value_sets,
            skipped_rules: skipped_rules.len(),
            skipped_value_sets: skipped_value_sets.len(),
        }
    }
}

/// A source of trusted signer keys.
pub trait TrustStore: Send + Sync {
    /// Every trusted signer `key` refers to, of its scheme only (several
    /// signers may share a truncated kid; the verifier tries each). A
    /// [`KeyRef::Missing`] finds none.
    fn signers(&self, key: &KeyRef) -> Result<Vec<Arc<SignerKey>>, Error>;

    /// Where the keys came from, for the verdict and for people.
    fn source(&self) -> String;

    /// How many signer keys the store holds.
    fn len(&self) -> usize;

    /// Whether the store holds no keys at all.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How fresh the store's signer data is at `now`, when the store knows
    /// when it was last updated (a synced store does; a file does not).
    fn freshness(&self, now: time::OffsetDateTime) -> Option<Freshness> {
        let _ = now;
        None
    }

    /// The business rules and value sets the store holds, compiled, when it
    /// holds any.
    fn business_rules(&self) -> Result<Option<Arc<HeldRules>>, Error> {
        Ok(None)
    }

    /// Whether the revocation data held for the signer key `list`
    /// revokes the certificate `key` names, at the verification time `at`
    /// (EU DCC slices count only while their batch has not expired). By
    /// default a store holds no revocation data: [`Revocation::NoList`].
    fn revocation(
        &self,
        list: ListKey<'_>,
        key: &RevocationKey,
        at: time::OffsetDateTime,
    ) -> Result<Revocation, Error> {
        let _ = (list, key, at);
        Ok(Revocation::NoList)
    }
    /// The trusted times the store has seen (server times at syncs,
    /// signed-list timestamps), for the verdict's clock check. By default a
    /// store keeps none.
    fn trusted_time(&self) -> Result<Option<crate::clock::TrustedTime>, Error> {
        Ok(None)
    }
}

impl<T: TrustStore + ?Sized> TrustStore for Arc<T> {
    fn signers(&self, key: &KeyRef) -> Result<Vec<Arc<SignerKey>>, Error> {
        (**self).signers(key)
    }
    fn source(&self) -> String {
        (**self).source()
    }
    fn len(&self) -> usize {
        (**self).len()
    }
    fn freshness(&self, now: time::OffsetDateTime) -> Option<Freshness> {
        (**self).freshness(now)
    }
    fn business_rules(&self) -> Result<Option<Arc<HeldRules>>, Error> {
        (**self).business_rules()
    }
    fn revocation(
        &self,
        list: ListKey<'_>,
        key: &RevocationKey,
        at: time::OffsetDateTime,
    ) -> Result<Revocation, Error> {
        (**self).revocation(list, key, at)
    }
    fn trusted_time(&self) -> Result<Option<crate::clock::TrustedTime>, Error> {
        (**self).trusted_time()
    }
}
