//! The HC1 transport layers, outside in: context prefix, base45, zlib
//! (hcert spec §4.2).

use crate::formats::codec::base45::is_base45_char;
use crate::formats::codec::deflate::{Container, InflateError};
use crate::formats::{Detection, Failure, PrefixPolicy, codec};
use crate::model::Reason;

/// The context identifier of this version of the spec.
pub const PREFIX: &str = "HC1:";

/// Whether `text` is an HC1 payload: prefixed with `HC1:` or another
/// version's `HC?:` (which [`strip_prefix`] then refuses precisely), or,
/// with [`PrefixPolicy::Optional`], bare base45.
pub fn detect(text: &str, policy: PrefixPolicy) -> Detection {
    let b = text.as_bytes();
    if text.starts_with(PREFIX) || (b.len() >= 4 && &b[..2] == b"HC" && b[2].is_ascii_alphanumeric() && b[3] == b':') {
        Detection::Prefixed
    } else if policy == PrefixPolicy::Optional && !text.is_empty() && text.bytes().all(is_base45_char) {
        Detection::Bare
    } else {
        Detection::No
    }
}

/// Removes the context identifier; returns the base45 text and whether a
/// prefix was present.
///
/// hcert spec §4.2.2: the base45 data "SHALL be prefixed by the Context
/// Identifier string `HC1:`"; later versions use `HC` followed by one of
/// `[1-9A-Z]`, which this version does not read.
pub fn strip_prefix(text: &str, policy: PrefixPolicy) -> Result<(&str, bool), Failure> {
    if let Some(rest) = text.strip_prefix(PREFIX) {
        return Ok((rest, true));
    }
    let b = text.as_bytes();
    if b.len() >= 4 && &b[..2] == b"HC" && b[3] == b':' {
        return Err(Failure::new(
            Reason::PrefixUnsupported,
            format!("context identifier HC{}: is not supported (only HC1:)", char::from(b[2]).escape_default()),
        ));
    }
    match policy {
        PrefixPolicy::Optional => Ok((text, false)),
        PrefixPolicy::Required => {
            let detail = match text.find(':') {
                Some(i) if i <= 8 => "the context identifier is not HC1:".to_owned(),
                _ => "the HC1: context identifier is missing".to_owned(),
            };
            Err(Failure::new(Reason::PrefixMissing, detail))
        }
    }
}

/// Decodes the base45 layer (RFC 9285).
pub fn base45(text: &str) -> Result<Vec<u8>, Failure> {
    codec::base45::decode(text)
}

/// Inflates the zlib layer (RFC 1950), refusing output larger than `cap`.
pub fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, Failure> {
    codec::deflate::inflate(data, Container::Zlib, cap).map_err(|e| {
        let reason = match e {
            InflateError::NotZlib { .. } => Reason::NotCompressed,
            InflateError::TooLarge { .. } => Reason::InflatedTooLarge,
            _ => Reason::ZlibInvalid,
        };
        Failure::new(reason, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthcert_test_support::hc1::zlib;

    #[test]
    fn prefixes() {
        assert_eq!(strip_prefix("HC1:ABC", PrefixPolicy::Required).unwrap(), ("ABC", true));
        assert_eq!(strip_prefix("ABC", PrefixPolicy::Optional).unwrap(), ("ABC", false));
        assert_eq!(strip_prefix("ABC", PrefixPolicy::Required).unwrap_err().reason, Reason::PrefixMissing);
        assert_eq!(strip_prefix("HC2:ABC", PrefixPolicy::Optional).unwrap_err().reason, Reason::PrefixUnsupported);
        assert_eq!(strip_prefix("HL0:ABC", PrefixPolicy::Required).unwrap_err().reason, Reason::PrefixMissing);
    }

    #[test]
    /// The codec's errors as HC1's reasons (the codec's own tests cover
    /// the stream cases in depth).
    fn inflate_caps_output() {
        let bomb = zlib(&vec![0u8; 1 << 20]);
        assert_eq!(inflate(&bomb, 64 * 1024).unwrap_err().reason, Reason::InflatedTooLarge);
        assert_eq!(inflate(&zlib(b"hello"), 64).unwrap(), b"hello");
        assert_eq!(inflate(&zlib(&[7u8; 64]), 64).unwrap().len(), 64);
        assert_eq!(inflate(&[0xd2, 0x84], 64).unwrap_err().reason, Reason::NotCompressed);
        let mut truncated = zlib(b"hello world hello world");
        truncated.truncate(truncated.len() - 6);
        assert_eq!(inflate(&truncated, 64).unwrap_err().reason, Reason::ZlibInvalid);
        let mut trailing = zlib(b"hello");
        trailing.push(0);
        assert_eq!(inflate(&trailing, 64).unwrap_err().reason, Reason::ZlibInvalid);
        assert_eq!(inflate(&zlib(b""), 64).unwrap(), b"");
    }
}
