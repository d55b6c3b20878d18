//! Conformance runners over public test suites. Each reads a suite where it
//! lies (never a copy), runs the project's own pipeline on every case, and
//! reports every disagreement with the suite's expectations.

pub mod certlogic;
pub mod dgc;
mod json_eq;
pub mod known;
pub mod rules;
pub mod shc;
pub mod shc_known;
mod walk;
