//! Business rules: whether a certificate is accepted by a country of
//! arrival, at a given time.
//!
//! - [`certlogic`]: the CertLogic expression language (compiler, evaluator,
//!   validator).
//! - [`RuleSet`]: the EU rule model, the selection of the rules that apply
//!   (country, region, certificate type, validity at the verification time,
//!   latest version, engine) and their evaluation into [`RuleResult`]s.
//! - [`ValueSets`]: the value sets rules refer to as `external.valueSets`.
//!
//! Nothing here reads the wall clock, the network or a database: rules and
//! value sets come in as JSON bytes (as the trust store keeps them), the
//! verification time from the caller.

pub mod certlogic;
mod engine;
mod value_sets;

pub use crate::model::{RuleOutcome, RuleResult, RuleType};
pub use engine::{Rule, RuleContext, RuleSet, SUPPORTED_ENGINE_VERSION, SkippedRule};
pub use value_sets::ValueSets;

/// Reads each of `documents` (JSON bytes, as the trust store keeps them)
/// with `read`, which is given its position; what `read` accepts, in order,
/// and what it refused, in order.
fn read_documents<I, B, T, E>(documents: I, mut read: impl FnMut(usize, &[u8]) -> Result<T, E>) -> (Vec<T>, Vec<E>)
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    let (mut read_ok, mut refused) = (Vec::new(), Vec::new());
    for (position, doc) in documents.into_iter().enumerate() {
        match read(position, doc.as_ref()) {
            Ok(item) => read_ok.push(item),
            Err(skip) => refused.push(skip),
        }
    }
    (read_ok, refused)
}
