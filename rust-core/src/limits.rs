//! Hard limits applied to untrusted input. Every stage of decoding checks the
//! limit that concerns it before it allocates, so a hostile payload costs at
//! most these amounts of memory and work.

/// Size, depth and work limits for one verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest payload accepted, in bytes of text (a version-40 QR code holds
    /// at most 4 296 alphanumeric characters; files and stdin get headroom).
    pub max_payload_len: usize,
    /// Largest inflated (zlib-decompressed) CWT, in bytes. Real EU DCCs are
    /// well under 2 KiB; anything near this cap is an attack (a zlib bomb).
    pub max_inflated_len: usize,
    /// Deepest CBOR nesting accepted (a DCC nests about 6 levels).
    pub max_cbor_depth: usize,
    /// Most signature checks tried for one certificate when several trusted
    /// keys share its key identifier.
    pub max_signature_checks: usize,
}

impl Limits {
    /// The limits used unless the caller chooses others.
    pub const DEFAULT: Limits =
        Limits { max_payload_len: 16 * 1024, max_inflated_len: 64 * 1024, max_cbor_depth: 16, max_signature_checks: 4 };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
