//! Codecs shared by formats, each bounded: base45, bounded zlib and raw
//! DEFLATE, base64 and base64url, CBOR with a depth limit (and its JSON
//! mapping), JSON with size and depth limits.
//!
//! A format composes these into its transport layers; none of them knows a
//! format. Errors are typed (or a [`Failure`](super::Failure) with a
//! codec-level reason); the format maps them to its own reasons.

pub mod base45;
pub mod base64;
pub mod cbor;
pub mod deflate;
pub mod json;
