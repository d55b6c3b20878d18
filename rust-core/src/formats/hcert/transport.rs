//! The HC1 transport layers, outside in: context prefix, base45, zlib
//! (hcert spec §4.2).

use crate::formats::{Failure, PrefixPolicy};
use crate::model::Reason;

/// The context identifier of this version of the spec.
pub const PREFIX: &str = "HC1:";

/// Whether `text` is (or, with [`PrefixPolicy::Optional`], could be) an HC1
/// payload.
pub fn looks_like(text: &str, policy: PrefixPolicy) -> bool {
    text.starts_with(PREFIX)
        || (policy == PrefixPolicy::Optional && !text.is_empty() && text.bytes().all(is_base45_char))
}

fn is_base45_char(b: u8) -> bool {
    BASE45_VALUE[usize::from(b)] != 0xff
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

const BASE45_ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Value of each byte in the base45 alphabet, or 0xff.
const BASE45_VALUE: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 45 {
        t[BASE45_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Decodes base45 (RFC 9285 §4): each group of three characters `c d e`
/// is `c + 45·d + 45²·e`, two bytes, at most 65535; a final pair is one byte,
/// at most 255; a final single character is an error.
pub fn base45(text: &str) -> Result<Vec<u8>, Failure> {
    let input = text.as_bytes();
    let value = |i: usize| -> Result<u32, Failure> {
        match BASE45_VALUE[usize::from(input[i])] {
            0xff => Err(Failure::new(
                Reason::Base45Invalid,
                format!("character at position {i} is not in the base45 alphabet"),
            )),
            v => Ok(u32::from(v)),
        }
    };
    let out_of_range = |at: usize| {
        Failure::new(Reason::Base45Invalid, format!("the group at position {at} encodes a value out of range"))
    };
    let whole = input.len() / 3 * 3;
    let mut out = Vec::with_capacity(whole / 3 * 2 + 1);
    let mut i = 0;
    while i < whole {
        let n = value(i)? + 45 * value(i + 1)? + 2025 * value(i + 2)?;
        if n > 0xffff {
            return Err(out_of_range(i));
        }
        out.extend_from_slice(&(n as u16).to_be_bytes());
        i += 3;
    }
    match input.len() - whole {
        0 => {}
        2 => {
            let n = value(i)? + 45 * value(i + 1)?;
            if n > 0xff {
                return Err(out_of_range(i));
            }
            out.push(n as u8);
        }
        _ => {
            value(i)?;
            return Err(Failure::new(
                Reason::Base45Invalid,
                "the text ends with a single character, which base45 cannot decode",
            ));
        }
    }
    Ok(out)
}

/// Inflates a zlib stream (RFC 1950), refusing output larger than `cap`.
pub fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, Failure> {
    if data.len() < 2 || data[0] & 0x0f != 8 || (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 != 0 {
        let detail = if matches!(data.first(), Some(0xd2 | 0xd8 | 0x84)) {
            "data is a bare CBOR structure, not a zlib stream".to_owned()
        } else {
            "data does not start with a zlib header".to_owned()
        };
        return Err(Failure::new(Reason::NotCompressed, detail));
    }
    // Drive the decompressor by hand: it writes only into spare capacity, so
    // the output can never grow past `cap + 1` bytes, and a stream that ends
    // early (truncated) is told apart from one that ends properly.
    let hard_cap = cap.saturating_add(1);
    // One decompressor per thread, reset between payloads: setting up its
    // window costs more than inflating a certificate.
    thread_local! {
        static DECOMPRESS: std::cell::RefCell<flate2::Decompress> = std::cell::RefCell::new(flate2::Decompress::new(true));
    }
    DECOMPRESS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut d) => {
            d.reset(true);
            inflate_with(&mut d, data, cap, hard_cap)
        }
        // Re-entered on this thread (cannot happen today): use a fresh one.
        Err(_) => inflate_with(&mut flate2::Decompress::new(true), data, cap, hard_cap),
    })
}

fn inflate_with(d: &mut flate2::Decompress, data: &[u8], cap: usize, hard_cap: usize) -> Result<Vec<u8>, Failure> {
    let too_large = || Failure::new(Reason::InflatedTooLarge, format!("inflates to more than the {cap}-byte limit"));
    let corrupt = |what: String| Failure::new(Reason::ZlibInvalid, what);
    // Not `clamp(64, hard_cap)`: that panics when the cap is below 63.
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).max(64).min(hard_cap));
    loop {
        if out.len() >= hard_cap {
            return Err(too_large());
        }
        if out.len() == out.capacity() {
            out.reserve_exact(out.capacity().min(hard_cap - out.len()));
        }
        let (in_before, out_before) = (d.total_in(), d.total_out());
        let consumed = usize::try_from(in_before).unwrap_or(usize::MAX);
        let input = data.get(consumed..).unwrap_or_default();
        let status = d
            .decompress_vec(input, &mut out, flate2::FlushDecompress::None)
            .map_err(|e| corrupt(format!("corrupt zlib stream: {e}")))?;
        if status == flate2::Status::StreamEnd {
            break;
        }
        if d.total_in() == in_before && d.total_out() == out_before {
            return Err(corrupt("zlib stream is truncated".to_owned()));
        }
    }
    if out.len() > cap {
        return Err(too_large());
    }
    let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
    if consumed < data.len() {
        return Err(corrupt(format!("{} bytes follow the end of the zlib stream", data.len() - consumed)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn prefixes() {
        assert_eq!(strip_prefix("HC1:ABC", PrefixPolicy::Required).unwrap(), ("ABC", true));
        assert_eq!(strip_prefix("ABC", PrefixPolicy::Optional).unwrap(), ("ABC", false));
        assert_eq!(strip_prefix("ABC", PrefixPolicy::Required).unwrap_err().reason, Reason::PrefixMissing);
        assert_eq!(strip_prefix("HC2:ABC", PrefixPolicy::Optional).unwrap_err().reason, Reason::PrefixUnsupported);
        assert_eq!(strip_prefix("HL0:ABC", PrefixPolicy::Required).unwrap_err().reason, Reason::PrefixMissing);
    }

    #[test]
    fn base45_rfc_9285_examples() {
        assert_eq!(base45("BB8").unwrap(), b"AB");
        assert_eq!(base45("%69 VD92EX0").unwrap(), b"Hello!!");
        assert_eq!(base45("UJCLQE7W581").unwrap(), b"base-45");
        assert_eq!(base45("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(base45("").unwrap(), b"");
        assert_eq!(base45("A").unwrap_err().reason, Reason::Base45Invalid);
        assert_eq!(base45(":::").unwrap_err().reason, Reason::Base45Invalid, "45^3 - 1 > 65535");
        assert_eq!(base45("::").unwrap_err().reason, Reason::Base45Invalid, "2024 > 255");
        assert_eq!(base45("FGW").unwrap(), [0xff, 0xff]);
    }

    #[test]
    fn base45_rejects_foreign_characters() {
        assert_eq!(base45("BB8").unwrap(), b"AB");
        assert_eq!(base45("bb8").unwrap_err().reason, Reason::Base45Invalid);
        assert_eq!(base45("GGW").unwrap_err().reason, Reason::Base45Invalid, "value over 65535");
    }

    #[test]
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
