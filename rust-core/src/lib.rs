//! # healthcert-core
//!
//! One verifier for digital health certificates. A payload (the text of a QR
//! code, or its bytes) goes in; one [`Verdict`] comes out,
//! listing every check with its outcome and a stable reason code, the
//! normalized certificate, and the clock the verification used.
//!
//! ```text
//! payload ──► formats::detect ──► formats::<format> ──► SignedEnvelope
//!                                                        │
//!        trust (key lookup, EKU, validity windows) ◄─────┤
//!        crypto (ES256/ES384/PS256)                ◄─────┤
//!        validity (iat/exp vs clock), schema       ◄─────┘
//!                                   ──► Verdict
//! ```
//!
//! Principles, enforced throughout:
//! - A failed verification is a [`Verdict`], never an error;
//!   [`Error`] is for operational faults only (an unreadable trust list).
//! - Verification never touches the network and always takes a [`Clock`].
//! - Untrusted input never panics and never allocates without bound
//!   (see [`Limits`]).
//! - No personal data reaches `Debug`, `Display`, errors or logs.

// The UniFFI scaffolding (feature `uniffi`) is generated `unsafe` code
// (`extern "C"` functions, `unsafe impl` of its converters): without the
// feature no unsafe code at all; with it, none written by hand.
#![cfg_attr(not(feature = "uniffi"), forbid(unsafe_code))]
#![cfg_attr(feature = "uniffi", deny(unsafe_code))]
#![warn(missing_docs)]

// The scaffolding and every derive are `all(feature = "uniffi", not(test))`:
// its symbols are `#[no_mangle]`, and the core's unit-test binary links the
// core twice (itself, and the library through the dev-dependency
// healthcert-test-support), which would define each of them twice when a
// workspace build turns the feature on.
#[cfg(all(feature = "uniffi", not(test)))]
uniffi::setup_scaffolding!();

pub mod clock;
pub mod crypto;
pub mod error;
pub mod formats;
#[cfg(feature = "jsonld")]
pub mod jsonld;
pub mod limits;
pub mod model;
#[cfg(feature = "picture")]
pub mod picture;
pub mod rules;
pub mod scan;
pub mod session;
pub mod text;
pub mod time_parse;
pub mod trust;
#[cfg(all(feature = "uniffi", not(test)))]
mod uniffi_types;
pub mod verify;
#[cfg(feature = "store")]
pub mod wallet;

pub use clock::{Clock, ClockSource, FixedClock, SystemClock};
pub use error::{Error, ErrorKind};
pub use limits::Limits;
pub use model::{Check, CheckKind, Outcome, Reason, Status, Verdict};
pub use verify::{Arrival, Verifier, VerifyOptions};
