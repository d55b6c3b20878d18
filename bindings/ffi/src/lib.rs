//! UniFFI bindings of `healthcert-core`, for the Android and iOS apps and any
//! JVM or Swift program. Thin wrappers only: every decision is the core's.
//! The verdict and the certificate are the core's own types (its `uniffi`
//! feature derives them, in its own namespace: Kotlin `org.healthcert.core`,
//! Swift `HealthcertCore`); this crate holds what is FFI-shaped — objects,
//! foreign traits, async sync — and maps the core's errors into
//! [`HealthcertError`], in one place (`src/error.rs`).
//!
//! The API: a [`Verifier`] opened with a [`VerifierConfig`] verifies
//! payloads (now, or at an instant), scans camera frames through a
//! [`ScanSession`], syncs its trust sources (`async`, on the core's tokio
//! runtime, reporting to a foreign [`SyncProgress`]) and reports their status.
//! Sync fetches through the built-in HTTPS client (feature `native-http`,
//! on by default) or through the app's own HTTP stack, a foreign
//! [`HttpTransport`] given to [`Verifier::with_transport`] — mobile builds
//! leave the built-in client out to stay small. The same database keeps the
//! holder's wallet (`wallet_add`, `wallet_list`, `wallet_remove`,
//! `wallet_check`; [`qr_matrix`] draws a certificate's QR code).

uniffi::setup_scaffolding!();

mod error;
mod reason;
mod scanner;
mod text;
mod transport;
mod trust;
mod verifier;
mod wallet;

pub use error::HealthcertError;
pub use reason::{reason_class, reason_code};
pub use scanner::{ChunkProgress, FrameCrop, ScanOutcome, ScanSession, ScannedCode, scan_frame, scan_frame_in};
pub use text::display_text;
pub use transport::{HttpHeader, HttpRequest, HttpResponse, HttpTransport, TransportError};
pub use trust::{SyncEvent, SyncProgress, TrustSourceConfig, TrustSourceKind};
pub use verifier::{Verifier, VerifierConfig};
pub use wallet::qr_matrix;
