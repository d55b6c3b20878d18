//! Hard limits applied to untrusted input. Every stage of decoding checks the
//! limit that concerns it before it allocates, so a hostile payload costs at
//! most these amounts of memory and work.

/// Size, depth and work limits for one verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest payload accepted, in bytes of text (a version-40 QR code holds
    /// at most 4 296 alphanumeric characters; files and stdin get headroom).
    pub max_payload_len: usize,
    /// Largest inflated payload (an HC1 CWT after zlib, a SMART Health
    /// Card's claims after raw DEFLATE), in bytes. Real EU DCCs are well
    /// under 2 KiB; the SMART Health Cards spec's largest example (a
    /// 55-entry lab report) inflates to 30 178 bytes. Anything near this
    /// cap is an attack (a compression bomb).
    pub max_inflated_len: usize,
    /// Deepest CBOR nesting accepted (a DCC nests about 6 levels).
    pub max_cbor_depth: usize,
    /// Longest compact JWS accepted, in characters (SMART Health Cards: one
    /// QR code holds at most 1 195; the spec's three-chunk example is
    /// 3 285). A `shc:/` payload is refused when its digit pairs would
    /// decode to more, before anything is decoded.
    pub max_jws_len: usize,
    /// Deepest JSON nesting accepted in a payload (a SMART Health Card's
    /// claims nest 10 to 12 levels; FHIR extensions can add a few).
    pub max_json_depth: usize,
    /// Most signature checks tried for one certificate when several trusted
    /// keys share its key identifier.
    pub max_signature_checks: usize,
}

impl Limits {
    /// The limits used unless the caller chooses others.
    pub const DEFAULT: Limits = Limits {
        max_payload_len: 16 * 1024,
        max_inflated_len: 64 * 1024,
        max_cbor_depth: 16,
        max_jws_len: 8 * 1024,
        max_json_depth: 32,
        max_signature_checks: 4,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
