//! The data a verification produces: the [`Verdict`] with its checks, and the
//! normalized [`Certificate`] every format maps to (the WHO DDCC core data
//! set, so apps render one model).

mod certificate;
mod clock_check;
mod format;
mod reason;
mod rule_result;
mod verdict;

pub use certificate::{Certificate, CertificateType, Code, Event, Extra, Holder, Recovery, TestEvent, Vaccination};
pub use clock_check::{ClockCheck, ClockState};
pub use format::FormatId;
pub use reason::{Reason, ReasonClass};
pub use rule_result::{RuleOutcome, RuleResult, RuleType};
pub use verdict::{Check, CheckKind, Outcome, SignerInfo, Status, TrustInfo, Verdict};
