//! SMART Health Cards (`shc:/`): what is read of them so far. A card too
//! large for one QR code comes as several chunk codes, put back together by
//! [`chunks`] before the card is decoded. Decoding the card itself (JWS,
//! raw DEFLATE, the issuer's JWKS) is not supported yet: a `shc:/` payload
//! is reported as a format this verifier does not read.

pub mod chunks;

pub use chunks::{ChunkProgress, MAX_CHUNKS, ShcChunks};
