//! Base64 in the forms certificates and trust lists use: standard base64 for
//! key identifiers in output, a lenient reader for trust-list fields (which
//! come padded or not, standard or URL-safe), and strict unpadded base64url
//! (RFC 7515 §2) for JWS compact serialisation.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// Standard base64 with padding (key identifiers in output).
pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Unpadded base64url (RFC 7515 §2).
pub fn encode_url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads base64 as trust lists write it: standard or URL-safe alphabet,
/// padded or not, with whitespace anywhere (PEM line breaks).
pub fn decode_lenient(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let unpadded = clean.trim_end_matches('=');
    STANDARD
        .decode(&clean)
        .ok()
        .or_else(|| URL_SAFE.decode(&clean).ok())
        .or_else(|| STANDARD_NO_PAD.decode(unpadded).ok())
        .or_else(|| URL_SAFE_NO_PAD.decode(unpadded).ok())
}

/// Why base64url text did not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64UrlError {
    /// The decoded data would be longer than the cap.
    TooLong {
        /// The cap, in bytes.
        cap: usize,
    },
    /// A character outside the base64url alphabet (padding included), or a
    /// length no encoding produces, or non-zero trailing bits.
    Invalid,
}

/// Decodes strict base64url without padding (RFC 7515 §2, RFC 4648 §5),
/// refusing before decoding anything that would exceed `cap` bytes.
pub fn decode_url(text: &str, cap: usize) -> Result<Vec<u8>, Base64UrlError> {
    // Unpadded base64 of n characters holds exactly floor(3n/4) bytes.
    if text.len().saturating_mul(3) / 4 > cap {
        return Err(Base64UrlError::TooLong { cap });
    }
    URL_SAFE_NO_PAD.decode(text).map_err(|_| Base64UrlError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_reads_every_trust_list_form() {
        for form in ["+/8=", "+/8", "-_8=", "-_8", " +/\n8= "] {
            assert_eq!(decode_lenient(form).as_deref(), Some(&[0xfb, 0xff][..]), "{form:?}");
        }
        assert_eq!(decode_lenient("*"), None);
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn url_is_strict_and_capped() {
        // RFC 7515 appendix A.1's header.
        let header = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9";
        assert_eq!(decode_url(header, 100).unwrap(), b"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
        assert_eq!(decode_url("-_8", 2).unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_url("-_8=", 10), Err(Base64UrlError::Invalid), "padding");
        assert_eq!(decode_url("+/8", 10), Err(Base64UrlError::Invalid), "standard alphabet");
        assert_eq!(decode_url("-_9", 10), Err(Base64UrlError::Invalid), "non-zero trailing bits");
        assert_eq!(decode_url("-_8", 1), Err(Base64UrlError::TooLong { cap: 1 }));
        assert_eq!(decode_url(&"A".repeat(4000), 100), Err(Base64UrlError::TooLong { cap: 100 }));
        assert_eq!(decode_url("", 0).unwrap(), b"");
    }
}
