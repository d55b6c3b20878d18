//! Trust: the signer keys a verifier accepts, and where they come from.
//!
//! The verification pipeline sees only the [`TrustStore`] trait: an in-memory
//! store loaded from files today ([`MemoryStore`], [`file`]), an SQLite
//! cache with signed sync later. Keys are parsed once, when they enter the
//! store, never on the per-scan path.

pub mod file;
mod memory;
mod signer;

use std::sync::Arc;

pub use memory::MemoryStore;
pub use signer::{KeyUsage, SignerKey, kid_of};

use crate::Error;

/// A source of trusted signer keys.
pub trait TrustStore: Send + Sync {
    /// Every trusted EU DCC signer whose key identifier is `kid` (several
    /// signers may share a truncated kid; the verifier tries each).
    fn dcc_signers(&self, kid: &[u8]) -> Result<Vec<Arc<SignerKey>>, Error>;

    /// Where the keys came from, for the verdict and for people.
    fn source(&self) -> String;

    /// How many signer keys the store holds.
    fn len(&self) -> usize;

    /// Whether the store holds no keys at all.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: TrustStore + ?Sized> TrustStore for Arc<T> {
    fn dcc_signers(&self, kid: &[u8]) -> Result<Vec<Arc<SignerKey>>, Error> {
        (**self).dcc_signers(kid)
    }
    fn source(&self) -> String {
        (**self).source()
    }
    fn len(&self) -> usize {
        (**self).len()
    }
}
