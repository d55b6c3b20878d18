//! Base45 (RFC 9285), as QR codes' alphanumeric mode carries binary data.

use crate::formats::Failure;
use crate::model::Reason;

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Value of each byte in the base45 alphabet, or 0xff.
const VALUE: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 45 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Whether `b` is a character of the base45 alphabet.
pub fn is_base45_char(b: u8) -> bool {
    VALUE[usize::from(b)] != 0xff
}

/// Decodes base45 (RFC 9285 §4): each group of three characters `c d e`
/// is `c + 45·d + 45²·e`, two bytes, at most 65535; a final pair is one byte,
/// at most 255; a final single character is an error. The output is never
/// longer than two thirds of the input.
pub fn decode(text: &str) -> Result<Vec<u8>, Failure> {
    let input = text.as_bytes();
    let value = |i: usize| -> Result<u32, Failure> {
        match VALUE[usize::from(input[i])] {
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
        let Ok(pair) = u16::try_from(n) else { return Err(out_of_range(i)) };
        out.extend_from_slice(&pair.to_be_bytes());
        i += 3;
    }
    match input.len() - whole {
        0 => {}
        2 => {
            let n = value(i)? + 45 * value(i + 1)?;
            let Ok(byte) = u8::try_from(n) else { return Err(out_of_range(i)) };
            out.push(byte);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9285_examples() {
        assert_eq!(decode("BB8").unwrap(), b"AB");
        assert_eq!(decode("%69 VD92EX0").unwrap(), b"Hello!!");
        assert_eq!(decode("UJCLQE7W581").unwrap(), b"base-45");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("A").unwrap_err().reason, Reason::Base45Invalid);
        assert_eq!(decode(":::").unwrap_err().reason, Reason::Base45Invalid, "45^3 - 1 > 65535");
        assert_eq!(decode("::").unwrap_err().reason, Reason::Base45Invalid, "2024 > 255");
        assert_eq!(decode("FGW").unwrap(), [0xff, 0xff]);
    }

    #[test]
    fn foreign_characters_are_refused() {
        assert_eq!(decode("bb8").unwrap_err().reason, Reason::Base45Invalid);
        assert_eq!(decode("GGW").unwrap_err().reason, Reason::Base45Invalid, "value over 65535");
        assert!(is_base45_char(b' ') && is_base45_char(b':') && !is_base45_char(b'a'));
    }
}
