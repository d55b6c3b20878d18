//! The `shc:/` numeric encoding of a SMART Health Card QR code.
//!
//! SMART Health Cards Framework, "Encoding QRs": each character `c` of the
//! JWS is written as the two decimal digits of `ord(c) - 45`. The JWS
//! alphabet (base64url and `.`) runs from `-` (45) to `z` (122), so a pair
//! is at most 77; anything above, an odd number of digits or a character
//! that is not a digit is a corrupt code. A card split over several codes
//! (`shc:/i/n/…`) is put back together by [`chunks`](super::chunks) before
//! it comes here.

use std::fmt;

use crate::formats::Failure;
use crate::model::Reason;

/// The context identifier, as the framework registers it.
pub const PREFIX: &str = "shc:/";

/// The largest digit pair: `ord('z') - 45`.
pub const MAX_PAIR: u8 = 77;

/// Why the numeric part of a `shc:/` payload did not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NumericError {
    /// The payload does not start with `shc:/`.
    NoPrefix,
    /// One chunk of a card split over `total` codes: the chunks must be
    /// assembled first.
    Chunk {
        /// Its position (from 1).
        index: usize,
        /// How many chunks the card has.
        total: usize,
    },
    /// A character that is not a digit, at this position of the numeric part.
    NotDigit {
        /// Position in the numeric part (bytes, from 0).
        at: usize,
    },
    /// An odd number of digits.
    OddLength {
        /// The number of digits.
        len: usize,
    },
    /// A digit pair above [`MAX_PAIR`].
    PairOutOfRange {
        /// Position of the pair's first digit in the numeric part.
        at: usize,
        /// The pair's value.
        value: u8,
    },
    /// The decoded JWS would be longer than the limit.
    TooLong {
        /// Characters it would have.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for NumericError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumericError::NoPrefix => write!(f, "the payload does not start with {PREFIX}"),
            NumericError::Chunk { index, total } => write!(
                f,
                "chunk {index} of a card split over {total} QR codes; scan all {total} so that they are put together"
            ),
            NumericError::NotDigit { at } => {
                write!(f, "the character at position {at} of the numeric part is not a digit")
            }
            NumericError::OddLength { len } => write!(f, "the numeric part has an odd number of digits ({len})"),
            NumericError::PairOutOfRange { at, value } => {
                write!(f, "the digit pair at position {at} is {value}, above {MAX_PAIR}")
            }
            NumericError::TooLong { len, max } => {
                write!(f, "it decodes to a {len}-character JWS, more than the {max}-character limit")
            }
        }
    }
}

impl NumericError {
    /// The verdict's reason for this error.
    pub fn reason(self) -> Reason {
        match self {
            NumericError::Chunk { .. } => Reason::ShcChunkIncomplete,
            NumericError::TooLong { .. } => Reason::PayloadTooLarge,
            NumericError::NoPrefix
            | NumericError::NotDigit { .. }
            | NumericError::OddLength { .. }
            | NumericError::PairOutOfRange { .. } => Reason::ShcNumericInvalid,
        }
    }
}

impl From<NumericError> for Failure {
    fn from(e: NumericError) -> Self {
        Failure::new(e.reason(), e.to_string())
    }
}

/// Strips `shc:/` (its scheme in any case: RFC 3986 §3.1 schemes are
/// case-insensitive), or `None`.
pub fn strip_prefix(payload: &str) -> Option<&str> {
    let head = payload.get(..PREFIX.len())?;
    head.eq_ignore_ascii_case(PREFIX).then(|| &payload[PREFIX.len()..])
}

/// `i/n/…` with small decimal `i` and `n`: the chunk header of a card
/// split over several codes.
fn chunk_header(body: &str) -> Option<(usize, usize)> {
    let mut it = body.splitn(3, '/');
    let (i, n, _) = (it.next()?, it.next()?, it.next()?);
    let small =
        |s: &str| (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?;
    Some((small(i)?, small(n)?))
}

/// Decodes a single-code `shc:/<digits>` payload into its JWS, refusing a
/// JWS longer than `max_jws_len` characters before decoding anything.
pub fn decode(payload: &str, max_jws_len: usize) -> Result<String, NumericError> {
    let body = strip_prefix(payload).ok_or(NumericError::NoPrefix)?;
    if let Some((index, total)) = chunk_header(body) {
        return Err(NumericError::Chunk { index, total });
    }
    let digits = body.as_bytes();
    if let Some(at) = digits.iter().position(|b| !b.is_ascii_digit()) {
        return Err(NumericError::NotDigit { at });
    }
    if digits.len() % 2 != 0 {
        return Err(NumericError::OddLength { len: digits.len() });
    }
    let len = digits.len() / 2;
    if len > max_jws_len {
        return Err(NumericError::TooLong { len, max: max_jws_len });
    }
    let mut jws = String::with_capacity(len);
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        let value = (pair[0] - b'0') * 10 + (pair[1] - b'0');
        if value > MAX_PAIR {
            return Err(NumericError::PairOutOfRange { at: 2 * i, value });
        }
        jws.push(char::from(value + 45));
    }
    Ok(jws)
}

/// The `shc:/` numeric form of a JWS (the inverse of [`decode`]), for
/// tests and seeds; `None` when a character is outside `-`..=`z`.
pub fn encode(jws: &str) -> Option<String> {
    let mut out = String::with_capacity(PREFIX.len() + 2 * jws.len());
    out.push_str(PREFIX);
    for b in jws.bytes() {
        let v = b.checked_sub(45).filter(|v| *v <= MAX_PAIR)?;
        out.push(char::from(b'0' + v / 10));
        out.push(char::from(b'0' + v % 10));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_framework_example() {
        // "Encoding QRs": 'X' (88) is written 43; the spec's sample codes
        // start `shc:/567629`, the start of every JWS header, `eyJ`.
        assert_eq!(decode("shc:/43", 10).unwrap(), "X");
        assert_eq!(decode("shc:/567629", 10).unwrap(), "eyJ");
        assert_eq!(encode("eyJ").as_deref(), Some("shc:/567629"));
        assert_eq!(decode("shc:/", 10).unwrap(), "");
        assert_eq!(decode("SHC:/0077", 10).unwrap(), "-z", "the scheme in any case");
    }

    #[test]
    fn malformed_codes_have_typed_reasons() {
        assert_eq!(decode("shc:/123", 10), Err(NumericError::OddLength { len: 3 }));
        assert_eq!(decode("shc:/1278", 10), Err(NumericError::PairOutOfRange { at: 2, value: 78 }));
        assert_eq!(decode("shc:/99", 10), Err(NumericError::PairOutOfRange { at: 0, value: 99 }));
        assert_eq!(decode("shc:/12a4", 10), Err(NumericError::NotDigit { at: 2 }));
        assert_eq!(decode("shc:/12 34", 10), Err(NumericError::NotDigit { at: 2 }));
        assert_eq!(decode("shc:/1/3/5676", 10), Err(NumericError::Chunk { index: 1, total: 3 }));
        assert_eq!(decode("shc:/1/3", 10), Err(NumericError::NotDigit { at: 1 }), "no chunk header without its digits");
        assert_eq!(decode("shc:56", 10), Err(NumericError::NoPrefix));
        assert_eq!(decode("HC1:56", 10), Err(NumericError::NoPrefix));
        assert_eq!(decode("shc:/", 10).map(|s| s.len()), Ok(0));
        assert_eq!(NumericError::Chunk { index: 2, total: 3 }.reason(), Reason::ShcChunkIncomplete);
        assert_eq!(NumericError::OddLength { len: 3 }.reason(), Reason::ShcNumericInvalid);
        // Multi-byte text never panics the slicing.
        assert_eq!(decode("sh€:/56", 10), Err(NumericError::NoPrefix));
        assert_eq!(decode("shc:/5€", 10), Err(NumericError::NotDigit { at: 1 }));
    }

    #[test]
    fn the_length_is_capped_before_decoding() {
        assert_eq!(decode("shc:/565656", 3).unwrap().len(), 3);
        assert_eq!(decode("shc:/56565656", 3), Err(NumericError::TooLong { len: 4, max: 3 }));
        assert_eq!(NumericError::TooLong { len: 4, max: 3 }.reason(), Reason::PayloadTooLarge);
    }

    #[test]
    fn encoding_round_trips_over_the_jws_alphabet() {
        let alphabet: String = ('-'..='z').collect();
        let numeric = encode(&alphabet).unwrap();
        assert_eq!(decode(&numeric, 1000).unwrap(), alphabet);
        assert_eq!(encode("a b"), None, "space is below '-'");
        assert_eq!(encode("{"), None, "'{{' is above 'z'");
    }
}
