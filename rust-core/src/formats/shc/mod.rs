//! SMART Health Cards (`shc:/`, SMART Health Cards Framework 1.4): the
//! transport so far. A card too large for one QR code comes as several
//! chunk codes, put back together by [`chunks`] before the card is decoded;
//! [`numeric`] reads the `shc:/` digit pairs and [`jws`] the compact JWS
//! (header, signature, raw-DEFLATE payload). The card itself is not read
//! yet: a `shc:/` payload is reported as a format this verifier does not
//! read.

pub mod chunks;
pub mod jws;
pub mod numeric;

pub use chunks::{ChunkProgress, MAX_CHUNKS, ShcChunks};
