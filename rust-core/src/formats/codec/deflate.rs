//! Bounded DEFLATE decompression (RFC 1951), raw or in a zlib wrapper
//! (RFC 1950): HC1 compresses with zlib, SMART Health Cards with raw
//! DEFLATE. The output can never grow past the cap the caller gives.

use std::fmt;

/// The container around the DEFLATE data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A zlib stream (RFC 1950): a two-byte header and an Adler-32 trailer.
    Zlib,
    /// Raw DEFLATE blocks (RFC 1951), no header or checksum.
    Raw,
}

/// Why a stream did not inflate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InflateError {
    /// [`Container::Zlib`] was asked for, but the data has no zlib header.
    NotZlib {
        /// The data starts like a bare CBOR structure (a COSE message or a
        /// tag): it was not compressed at all.
        looks_like_cbor: bool,
    },
    /// The stream is corrupt; the message names positions, never content.
    Corrupt(String),
    /// The stream ends before its final block.
    Truncated,
    /// Bytes follow the end of the stream.
    TrailingBytes(usize),
    /// The output would exceed the cap.
    TooLarge {
        /// The cap, in bytes.
        cap: usize,
    },
}

impl fmt::Display for InflateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InflateError::NotZlib { looks_like_cbor: true } => {
                f.write_str("data is a bare CBOR structure, not a zlib stream")
            }
            InflateError::NotZlib { looks_like_cbor: false } => f.write_str("data does not start with a zlib header"),
            InflateError::Corrupt(m) => write!(f, "corrupt DEFLATE stream: {m}"),
            InflateError::Truncated => f.write_str("the compressed stream is truncated"),
            InflateError::TrailingBytes(n) => write!(f, "{n} bytes follow the end of the compressed stream"),
            InflateError::TooLarge { cap } => write!(f, "inflates to more than the {cap}-byte limit"),
        }
    }
}

/// Whether `data` starts with a valid zlib header (RFC 1950 §2.2: method 8,
/// header check bits).
pub fn has_zlib_header(data: &[u8]) -> bool {
    data.len() >= 2 && data[0] & 0x0f == 8 && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
}

/// Inflates `data`, refusing output larger than `cap` bytes. The output
/// buffer's capacity never exceeds `cap + 1` (or 64).
pub fn inflate(data: &[u8], container: Container, cap: usize) -> Result<Vec<u8>, InflateError> {
    let zlib = container == Container::Zlib;
    if zlib && !has_zlib_header(data) {
        return Err(InflateError::NotZlib { looks_like_cbor: matches!(data.first(), Some(0xd2 | 0xd8 | 0x84)) });
    }
    // One decompressor per thread and container, reset between payloads:
    // setting up its window costs more than inflating a certificate.
    thread_local! {
        static ZLIB: std::cell::RefCell<flate2::Decompress> = std::cell::RefCell::new(flate2::Decompress::new(true));
        static RAW: std::cell::RefCell<flate2::Decompress> = std::cell::RefCell::new(flate2::Decompress::new(false));
    }
    let run = |cell: &std::cell::RefCell<flate2::Decompress>| match cell.try_borrow_mut() {
        Ok(mut d) => {
            d.reset(zlib);
            inflate_with(&mut d, data, cap)
        }
        // Re-entered on this thread (cannot happen today): use a fresh one.
        Err(_) => inflate_with(&mut flate2::Decompress::new(zlib), data, cap),
    };
    if zlib { ZLIB.with(run) } else { RAW.with(run) }
}

/// Drives the decompressor by hand: it writes only into spare capacity, so
/// the output can never grow past `cap + 1` bytes, and a stream that ends
/// early (truncated) is told apart from one that ends properly.
fn inflate_with(d: &mut flate2::Decompress, data: &[u8], cap: usize) -> Result<Vec<u8>, InflateError> {
    let hard_cap = cap.saturating_add(1);
    // Not `clamp(64, hard_cap)`: that panics when the cap is below 63.
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).max(64).min(hard_cap));
    loop {
        if out.len() >= hard_cap {
            return Err(InflateError::TooLarge { cap });
        }
        if out.len() == out.capacity() {
            out.reserve_exact(out.capacity().min(hard_cap - out.len()));
        }
        let (in_before, out_before) = (d.total_in(), d.total_out());
        let consumed = usize::try_from(in_before).unwrap_or(usize::MAX);
        let input = data.get(consumed..).unwrap_or_default();
        let status = d
            .decompress_vec(input, &mut out, flate2::FlushDecompress::None)
            .map_err(|e| InflateError::Corrupt(e.to_string()))?;
        if status == flate2::Status::StreamEnd {
            break;
        }
        if d.total_in() == in_before && d.total_out() == out_before {
            return Err(InflateError::Truncated);
        }
    }
    if out.len() > cap {
        return Err(InflateError::TooLarge { cap });
    }
    let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
    if consumed < data.len() {
        return Err(InflateError::TrailingBytes(data.len() - consumed));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthcert_test_support::hc1::zlib;
    use healthcert_test_support::shc::deflate as raw;

    #[test]
    fn zlib_is_capped_and_checked() {
        let bomb = zlib(&vec![0u8; 1 << 20]);
        assert_eq!(inflate(&bomb, Container::Zlib, 64 * 1024), Err(InflateError::TooLarge { cap: 64 * 1024 }));
        assert_eq!(inflate(&zlib(b"hello"), Container::Zlib, 64).unwrap(), b"hello");
        assert_eq!(inflate(&zlib(&[7u8; 64]), Container::Zlib, 64).unwrap().len(), 64);
        assert_eq!(inflate(&[0xd2, 0x84], Container::Zlib, 64), Err(InflateError::NotZlib { looks_like_cbor: true }));
        let mut truncated = zlib(b"hello world hello world");
        truncated.truncate(truncated.len() - 6);
        assert_eq!(inflate(&truncated, Container::Zlib, 64), Err(InflateError::Truncated));
        let mut trailing = zlib(b"hello");
        trailing.push(0);
        assert_eq!(inflate(&trailing, Container::Zlib, 64), Err(InflateError::TrailingBytes(1)));
        assert_eq!(inflate(&zlib(b""), Container::Zlib, 64).unwrap(), b"");
    }

    #[test]
    fn raw_deflate_is_capped_and_checked() {
        assert_eq!(inflate(&raw(b"{\"iss\":\"x\"}"), Container::Raw, 64).unwrap(), b"{\"iss\":\"x\"}");
        let bomb = raw(&vec![b'a'; 1 << 20]);
        assert_eq!(inflate(&bomb, Container::Raw, 1000), Err(InflateError::TooLarge { cap: 1000 }));
        // A zlib stream is not raw DEFLATE: its header is an invalid block.
        assert!(matches!(inflate(&zlib(b"hello"), Container::Raw, 64), Err(InflateError::Corrupt(_))));
        let mut truncated = raw(b"hello world hello world hello");
        truncated.truncate(truncated.len() / 2);
        assert_eq!(inflate(&truncated, Container::Raw, 64), Err(InflateError::Truncated));
        // The thread's two decompressors do not disturb each other.
        assert_eq!(inflate(&zlib(b"one"), Container::Zlib, 64).unwrap(), b"one");
        assert_eq!(inflate(&raw(b"two"), Container::Raw, 64).unwrap(), b"two");
    }

    #[test]
    fn tiny_caps_do_not_panic() {
        for cap in 0..70 {
            let r = inflate(&zlib(&[1u8; 100]), Container::Zlib, cap);
            assert_eq!(r, Err(InflateError::TooLarge { cap }));
        }
    }
}
