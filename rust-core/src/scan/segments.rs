//! The data bit stream of a QR symbol (after Reed–Solomon correction) parsed
//! into segments, as ISO/IEC 18004:2015 §7.4 lays it out.
//!
//! Modes read: numeric (0001), alphanumeric (0010), byte (0100), Kanji
//! (1000, 13-bit, to Shift_JIS then text), Hanzi (1101, GB/T 18284 subset 1:
//! GB 2312), ECI designators (0111, one to three bytes), structured append
//! (0011: reported), FNC1 in first position (0101, GS1) and in second
//! position (1001, an application indicator follows), and the terminator
//! (0000; also the end of the data when fewer than four bits remain). The
//! character count fields have the lengths of the version's range (1–9,
//! 10–26, 27–40). Padding after the terminator is not checked, as readers do
//! not.
//!
//! Text, segment by segment:
//! - numeric and alphanumeric are ASCII;
//! - Kanji is Shift_JIS, Hanzi GB 2312, whatever the ECI;
//! - byte segments are in the character set of the ECI designator before
//!   them (consecutive byte segments under one ECI are decoded together, so
//!   a multi-byte character may straddle them). Without an ECI, byte data is
//!   UTF-8 when it is valid UTF-8, else ISO-8859-1 (the standard's default,
//!   ECI 3): what every common reader does, since encoders write UTF-8
//!   without an ECI. ECI 899 declares binary data: no text.
//! - In FNC1 (GS1 or AIM application) mode, `%` in an alphanumeric segment
//!   is FNC1, given as the GS character (U+001D, byte 0x1D) in both the
//!   bytes and the text, and `%%` is a literal `%`; the application
//!   indicator of the second-position form is reported in [`Fnc1`], not
//!   put in the payload.
//!
//! What cannot be parsed (a count running past the data, a digit group over
//! its range, an unknown mode, a Hanzi subset other than GB 2312) is a
//! [`SegmentError`]; a character set that cannot decode the bytes is a
//! [`TextError`] beside the intact bytes. Nothing is ever silently cut short.

use std::fmt;

/// A data segment's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Digits 0–9, three in 10 bits.
    Numeric,
    /// `0–9 A–Z space $ % * + - . / :`, two in 11 bits.
    Alphanumeric,
    /// 8-bit bytes.
    Byte,
    /// Shift_JIS double-byte characters, 13 bits each.
    Kanji,
    /// GB 2312 double-byte characters, 13 bits each (Hanzi mode, subset 1).
    Hanzi,
}

impl Mode {
    /// The lower-case name (`numeric`, `alphanumeric`, `byte`, `kanji`, `hanzi`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Numeric => "numeric",
            Mode::Alphanumeric => "alphanumeric",
            Mode::Byte => "byte",
            Mode::Kanji => "kanji",
            Mode::Hanzi => "hanzi",
        }
    }
}

/// One data segment of a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Segment {
    /// Its mode.
    pub mode: Mode,
    /// Its character count field: digits, characters, bytes, or double-byte
    /// characters.
    pub char_count: usize,
    /// The ECI designator in force for it, if any was given before it.
    pub eci: Option<u32>,
}

/// The structured append header (mode 0011): this symbol is one of several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StructuredAppend {
    /// This symbol's position, from 1.
    pub index: u8,
    /// How many symbols there are (1–16).
    pub total: u8,
    /// The parity byte of the whole message.
    pub parity: u8,
}

/// FNC1 mode: the data follows a GS1 or AIM application standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fnc1 {
    /// FNC1 in first position (mode 0101): GS1 Application Identifiers.
    First,
    /// FNC1 in second position (mode 1001), with its application indicator
    /// (a letter's code + 100, or a two-digit number 00–99).
    Second {
        /// The 8-bit application indicator.
        application_indicator: u8,
    },
}

/// Why a data bit stream does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SegmentError {
    /// A mode indicator this parser does not know (or one not valid in a
    /// QR Code symbol).
    UnknownMode(u8),
    /// A segment's header or data runs past the end of the data.
    Truncated(Mode),
    /// A header (ECI, structured append, FNC1) runs past the end of the data.
    TruncatedHeader,
    /// A numeric group over its range (over 999, 99 or 9).
    BadNumeric,
    /// An alphanumeric pair or single over its range.
    BadAlphanumeric,
    /// A Kanji or Hanzi value outside its character set's rows.
    BadDoubleByte(Mode),
    /// A Hanzi subset other than 1 (GB 2312).
    HanziSubset(u8),
    /// An ECI designator whose first byte starts 111.
    BadEci,
    /// Structured append or FNC1 somewhere other than at the start.
    MisplacedHeader,
}

impl fmt::Display for SegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentError::UnknownMode(m) => write!(f, "unknown QR mode indicator {m:04b}"),
            SegmentError::Truncated(m) => write!(f, "a {} segment runs past the end of the data", m.name()),
            SegmentError::TruncatedHeader => f.write_str("a header runs past the end of the data"),
            SegmentError::BadNumeric => f.write_str("a numeric group is out of range"),
            SegmentError::BadAlphanumeric => f.write_str("an alphanumeric group is out of range"),
            SegmentError::BadDoubleByte(m) => write!(f, "a {} character is outside its character set", m.name()),
            SegmentError::HanziSubset(s) => write!(f, "Hanzi subset {s} is not supported (only 1, GB 2312)"),
            SegmentError::BadEci => f.write_str("an ECI designator is malformed"),
            SegmentError::MisplacedHeader => f.write_str("structured append or FNC1 after the start of the data"),
        }
    }
}

impl std::error::Error for SegmentError {}

/// Why a parsed payload has no text (its bytes are still given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextError {
    /// An ECI this decoder has no character set for.
    UnsupportedEci(u32),
    /// ECI 899: the data is binary.
    Binary,
    /// Bytes that are not valid in the character set named (the ECI, or the
    /// mode's own set for Kanji and Hanzi).
    Malformed {
        /// The ECI, or none for the default.
        eci: Option<u32>,
        /// The segment's mode.
        mode: Mode,
    },
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::UnsupportedEci(n) => write!(f, "ECI {n} names no supported character set"),
            TextError::Binary => f.write_str("ECI 899: binary data"),
            TextError::Malformed { eci: Some(n), mode } => {
                write!(f, "{} data not valid in the character set of ECI {n}", mode.name())
            }
            TextError::Malformed { eci: None, mode } => {
                write!(f, "{} data not valid in its character set", mode.name())
            }
        }
    }
}

impl std::error::Error for TextError {}

/// A parsed data bit stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The data segments, in order.
    pub segments: Vec<Segment>,
    /// The payload bytes: numeric and alphanumeric as ASCII, byte segments
    /// as they are, Kanji as Shift_JIS, Hanzi as GB 2312, FNC1 as 0x1D.
    pub bytes: Vec<u8>,
    /// The payload as text, or why there is none.
    pub text: Result<String, TextError>,
    /// The structured append header, if the symbol has one.
    pub structured_append: Option<StructuredAppend>,
    /// The FNC1 mode, if the symbol has one.
    pub fnc1: Option<Fnc1>,
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn remaining(&self) -> usize {
        (self.data.len() * 8).saturating_sub(self.pos)
    }
    /// `n` ≤ 32 bits, or `None` when fewer remain.
    fn take(&mut self, n: usize) -> Option<u32> {
        if self.remaining() < n {
            return None;
        }
        let mut v = 0u32;
        for _ in 0..n {
            let byte = self.data.get(self.pos >> 3).copied().unwrap_or(0);
            v = (v << 1) | u32::from((byte >> (7 - (self.pos & 7))) & 1);
            self.pos += 1;
        }
        Some(v)
    }
}

const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Character count field length for a mode at a version.
fn count_bits(mode: Mode, version: u8) -> usize {
    let range = match version {
        0..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    let table: [usize; 3] = match mode {
        Mode::Numeric => [10, 12, 14],
        Mode::Alphanumeric => [9, 11, 13],
        Mode::Byte => [8, 16, 16],
        Mode::Kanji | Mode::Hanzi => [8, 10, 12],
    };
    table[range]
}

/// Bits that `segments` take at `version` (mode indicators, count fields
/// and data; no ECI designators).
pub fn bits_needed(segments: &[Segment], version: u8) -> usize {
    segments
        .iter()
        .map(|s| {
            let n = s.char_count;
            let data = match s.mode {
                Mode::Numeric => n / 3 * 10 + [0, 4, 7][n % 3],
                Mode::Alphanumeric => n / 2 * 11 + (n % 2) * 6,
                Mode::Byte => n * 8,
                Mode::Kanji => n * 13,
                Mode::Hanzi => 4 + n * 13,
            };
            4 + count_bits(s.mode, version) + data
        })
        .sum()
}

/// How a run of payload bytes becomes text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Charset {
    Ascii,
    ShiftJis,
    Gb2312,
    Bytes(Option<u32>),
}

/// Parses the corrected data codewords of a symbol of `version` (1–40).
pub fn parse(version: u8, data: &[u8]) -> Result<Parsed, SegmentError> {
    let mut bits = Bits { data, pos: 0 };
    let mut segments = Vec::new();
    let mut bytes = Vec::new();
    // (charset, start, end) runs of `bytes`.
    let mut runs: Vec<(Charset, usize, usize)> = Vec::new();
    let mut eci: Option<u32> = None;
    let mut structured_append = None;
    let mut fnc1 = None;
    let mut first = true;
    while bits.remaining() >= 4 {
        let indicator = bits.take(4).ok_or(SegmentError::TruncatedHeader)? as u8;
        let at_start = first;
        first = false;
        let start = bytes.len();
        let mode = match indicator {
            0b0000 => break,
            0b0111 => {
                eci = Some(read_eci(&mut bits)?);
                continue;
            }
            0b0011 => {
                // Structured append heads the symbol (FNC1 may follow it).
                if !at_start {
                    return Err(SegmentError::MisplacedHeader);
                }
                let index = bits.take(4).ok_or(SegmentError::TruncatedHeader)? as u8;
                let total = bits.take(4).ok_or(SegmentError::TruncatedHeader)? as u8;
                let parity = bits.take(8).ok_or(SegmentError::TruncatedHeader)? as u8;
                structured_append = Some(StructuredAppend { index: index + 1, total: total + 1, parity });
                first = true;
                continue;
            }
            0b0101 | 0b1001 => {
                if !at_start || fnc1.is_some() {
                    return Err(SegmentError::MisplacedHeader);
                }
                fnc1 = Some(if indicator == 0b0101 {
                    Fnc1::First
                } else {
                    let ai = bits.take(8).ok_or(SegmentError::TruncatedHeader)? as u8;
                    Fnc1::Second { application_indicator: ai }
                });
                continue;
            }
            0b0001 => Mode::Numeric,
            0b0010 => Mode::Alphanumeric,
            0b0100 => Mode::Byte,
            0b1000 => Mode::Kanji,
            0b1101 => Mode::Hanzi,
            other => return Err(SegmentError::UnknownMode(other)),
        };
        if mode == Mode::Hanzi {
            let subset = bits.take(4).ok_or(SegmentError::Truncated(mode))? as u8;
            if subset != 1 {
                return Err(SegmentError::HanziSubset(subset));
            }
        }
        let count = bits.take(count_bits(mode, version)).ok_or(SegmentError::Truncated(mode))? as usize;
        let charset = match mode {
            Mode::Numeric => {
                let need = count / 3 * 10 + [0, 4, 7][count % 3];
                if bits.remaining() < need {
                    return Err(SegmentError::Truncated(mode));
                }
                let mut left = count;
                while left > 0 {
                    let (n, width, max) = match left {
                        1 => (1, 4, 9),
                        2 => (2, 7, 99),
                        _ => (3, 10, 999),
                    };
                    let v = bits.take(width).ok_or(SegmentError::Truncated(mode))?;
                    if v > max {
                        return Err(SegmentError::BadNumeric);
                    }
                    let digits = format!("{v:0n$}");
                    bytes.extend_from_slice(digits.as_bytes());
                    left -= n;
                }
                Charset::Ascii
            }
            Mode::Alphanumeric => {
                if bits.remaining() < count / 2 * 11 + (count % 2) * 6 {
                    return Err(SegmentError::Truncated(mode));
                }
                let mut chars = Vec::with_capacity(count);
                let mut left = count;
                while left > 0 {
                    if left >= 2 {
                        let v = bits.take(11).ok_or(SegmentError::Truncated(mode))? as usize;
                        if v >= 45 * 45 {
                            return Err(SegmentError::BadAlphanumeric);
                        }
                        chars.push(ALPHANUMERIC[v / 45]);
                        chars.push(ALPHANUMERIC[v % 45]);
                        left -= 2;
                    } else {
                        let v = bits.take(6).ok_or(SegmentError::Truncated(mode))? as usize;
                        let c = ALPHANUMERIC.get(v).ok_or(SegmentError::BadAlphanumeric)?;
                        chars.push(*c);
                        left -= 1;
                    }
                }
                if fnc1.is_some() {
                    // `%%` is `%`, a lone `%` is FNC1 (GS).
                    let mut i = 0;
                    while i < chars.len() {
                        if chars[i] == b'%' {
                            if chars.get(i + 1) == Some(&b'%') {
                                bytes.push(b'%');
                                i += 2;
                                continue;
                            }
                            bytes.push(0x1d);
                        } else {
                            bytes.push(chars[i]);
                        }
                        i += 1;
                    }
                } else {
                    bytes.extend_from_slice(&chars);
                }
                Charset::Ascii
            }
            Mode::Byte => {
                if bits.remaining() < count * 8 {
                    return Err(SegmentError::Truncated(mode));
                }
                for _ in 0..count {
                    bytes.push(bits.take(8).ok_or(SegmentError::Truncated(mode))? as u8);
                }
                Charset::Bytes(eci)
            }
            Mode::Kanji | Mode::Hanzi => {
                if bits.remaining() < count * 13 {
                    return Err(SegmentError::Truncated(mode));
                }
                for _ in 0..count {
                    let d = bits.take(13).ok_or(SegmentError::Truncated(mode))?;
                    let code = if mode == Mode::Kanji {
                        let c = ((d / 0xc0) << 8) | (d % 0xc0);
                        if c + 0x8140 <= 0x9ffc { c + 0x8140 } else { c + 0xc140 }
                    } else {
                        let c = ((d / 0x60) << 8) | (d % 0x60);
                        if c + 0xa1a1 <= 0xaafe { c + 0xa1a1 } else { c + 0xa6a1 }
                    };
                    if code > 0xffff {
                        return Err(SegmentError::BadDoubleByte(mode));
                    }
                    bytes.push((code >> 8) as u8);
                    bytes.push((code & 0xff) as u8);
                }
                if mode == Mode::Kanji { Charset::ShiftJis } else { Charset::Gb2312 }
            }
        };
        segments.push(Segment { mode, char_count: count, eci });
        match runs.last_mut() {
            Some((c, _, end)) if *c == charset && *end == start => *end = bytes.len(),
            _ => runs.push((charset, start, bytes.len())),
        }
    }
    let text = text_of(&bytes, &runs);
    Ok(Parsed { segments, bytes, text, structured_append, fnc1 })
}

fn read_eci(bits: &mut Bits<'_>) -> Result<u32, SegmentError> {
    let first = bits.take(8).ok_or(SegmentError::TruncatedHeader)?;
    if first & 0x80 == 0 {
        Ok(first)
    } else if first & 0xc0 == 0x80 {
        Ok(((first & 0x3f) << 8) | bits.take(8).ok_or(SegmentError::TruncatedHeader)?)
    } else if first & 0xe0 == 0xc0 {
        Ok(((first & 0x1f) << 16) | bits.take(16).ok_or(SegmentError::TruncatedHeader)?)
    } else {
        Err(SegmentError::BadEci)
    }
}

fn text_of(bytes: &[u8], runs: &[(Charset, usize, usize)]) -> Result<String, TextError> {
    let mut text = String::with_capacity(bytes.len());
    for &(charset, start, end) in runs {
        let run = &bytes[start..end];
        match charset {
            Charset::Ascii => text.extend(run.iter().map(|&b| char::from(b))),
            Charset::ShiftJis => text.push_str(&with(encoding_rs::SHIFT_JIS, run, None, Mode::Kanji)?),
            Charset::Gb2312 => text.push_str(&with(encoding_rs::GBK, run, None, Mode::Hanzi)?),
            Charset::Bytes(eci) => text.push_str(&bytes_text(eci, run)?),
        }
    }
    Ok(text)
}

fn with(enc: &'static encoding_rs::Encoding, run: &[u8], eci: Option<u32>, mode: Mode) -> Result<String, TextError> {
    enc.decode_without_bom_handling_and_without_replacement(run)
        .map(|t| t.into_owned())
        .ok_or(TextError::Malformed { eci, mode })
}

/// Code page 437, bytes 0x80–0xFF (ECI 0 and 2).
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// Whether byte-mode data with no ECI, not UTF-8, is Shift_JIS rather than
/// ISO-8859-1. ISO/IEC 18004:2015 makes ISO-8859-1 the default, but its
/// 2000 edition and JIS X 0510 made it JIS8 (Shift_JIS's single bytes), and
/// Japanese encoders still write Shift_JIS without an ECI. The test is
/// ZXing's (`StringUtils.guessEncoding`): the bytes must be well-formed
/// Shift_JIS, and then either cannot be ISO-8859-1 text (C1 controls
/// 0x80–0x9F, which are Shift_JIS lead bytes), or hold three half-width
/// katakana or three double-byte characters in a row, or, when both read,
/// exactly two katakana in a row and no others, or at least 10 % of
/// ISO-8859-1's rarer symbols (0xA0–0xBF, ×, ÷).
fn no_eci_is_shift_jis(run: &[u8]) -> bool {
    let (mut can_be_latin1, mut trail_due) = (true, false);
    let (mut kana, mut kana_word, mut kana_max, mut double_word, mut double_max, mut latin1_rare) = (0, 0, 0, 0, 0, 0);
    for &b in run {
        if (0x80..0xa0).contains(&b) {
            can_be_latin1 = false;
        } else if b > 0x9f && (b < 0xc0 || b == 0xd7 || b == 0xf7) {
            latin1_rare += 1;
        }
        if trail_due {
            if b < 0x40 || b == 0x7f || b > 0xfc {
                return false;
            }
            trail_due = false;
        } else if b == 0x80 || b == 0xa0 || b > 0xef {
            return false;
        } else if (0xa1..0xe0).contains(&b) {
            kana += 1;
            kana_word += 1;
            kana_max = kana_max.max(kana_word);
            double_word = 0;
        } else if b > 0x7f {
            trail_due = true;
            kana_word = 0;
            double_word += 1;
            double_max = double_max.max(double_word);
        } else {
            kana_word = 0;
            double_word = 0;
        }
    }
    if trail_due {
        return false;
    }
    !can_be_latin1 || kana_max >= 3 || double_max >= 3 || (kana_max == 2 && kana == 2) || latin1_rare * 10 >= run.len()
}

/// Byte-mode data under `eci` as text.
fn bytes_text(eci: Option<u32>, run: &[u8]) -> Result<String, TextError> {
    use encoding_rs as e;
    let latin1 = |run: &[u8]| run.iter().map(|&b| char::from(b)).collect::<String>();
    let malformed = TextError::Malformed { eci, mode: Mode::Byte };
    let Some(n) = eci else {
        return Ok(match std::str::from_utf8(run) {
            Ok(t) => t.to_owned(),
            Err(_) if no_eci_is_shift_jis(run) => {
                with(e::SHIFT_JIS, run, None, Mode::Byte).unwrap_or_else(|_| latin1(run))
            }
            Err(_) => latin1(run),
        });
    };
    let enc = match n {
        0 | 2 => {
            return Ok(run
                .iter()
                .map(|&b| {
                    if b < 0x80 {
                        char::from(b)
                    } else {
                        CP437_HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('\u{fffd}')
                    }
                })
                .collect());
        }
        1 | 3 => return Ok(latin1(run)),
        4 => e::ISO_8859_2,
        5 => e::ISO_8859_3,
        6 => e::ISO_8859_4,
        7 => e::ISO_8859_5,
        8 => e::ISO_8859_6,
        9 => e::ISO_8859_7,
        10 => e::ISO_8859_8,
        // ISO-8859-9 and -11 as the WHATWG maps them (windows-1254 and -874,
        // supersets that differ only in the C1 range 0x80–0x9F).
        11 => e::WINDOWS_1254,
        12 => e::ISO_8859_10,
        13 => e::WINDOWS_874,
        15 => e::ISO_8859_13,
        16 => e::ISO_8859_14,
        17 => e::ISO_8859_15,
        18 => e::ISO_8859_16,
        20 => e::SHIFT_JIS,
        21 => e::WINDOWS_1250,
        22 => e::WINDOWS_1251,
        23 => e::WINDOWS_1252,
        24 => e::WINDOWS_1256,
        25 => e::UTF_16BE,
        26 => return std::str::from_utf8(run).map(str::to_owned).map_err(|_| malformed),
        27 | 170 => {
            return if run.is_ascii() { Ok(latin1(run)) } else { Err(malformed) };
        }
        28 => e::BIG5,
        29 => e::GB18030,
        30 => e::EUC_KR,
        899 => return Err(TextError::Binary),
        other => return Err(TextError::UnsupportedEci(other)),
    };
    with(enc, run, eci, Mode::Byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a bit stream from (value, width) pairs, padded to whole bytes.
    fn stream(fields: &[(u32, usize)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut n = 0usize;
        for &(v, w) in fields {
            for i in (0..w).rev() {
                if n.is_multiple_of(8) {
                    out.push(0);
                }
                if (v >> i) & 1 == 1 {
                    *out.last_mut().unwrap() |= 0x80 >> (n % 8);
                }
                n += 1;
            }
        }
        out
    }

    fn byte_fields(eci: Option<u32>, data: &[u8]) -> Vec<(u32, usize)> {
        let mut f = Vec::new();
        if let Some(e) = eci {
            f.push((0b0111, 4));
            f.push((e, 8));
        }
        f.push((0b0100, 4));
        f.push((data.len() as u32, 8));
        f.extend(data.iter().map(|&b| (u32::from(b), 8)));
        f
    }

    #[test]
    fn cp437_table_is_complete() {
        assert_eq!(CP437_HIGH.chars().count(), 128);
    }

    #[test]
    fn numeric_all_group_sizes() {
        // "01234567": 012 345 67 (ISO/IEC 18004 example).
        let s = stream(&[(0b0001, 4), (8, 10), (12, 10), (345, 10), (67, 7), (0, 4)]);
        let p = parse(1, &s).unwrap();
        assert_eq!(p.text.as_deref(), Ok("01234567"));
        assert_eq!(p.segments, [Segment { mode: Mode::Numeric, char_count: 8, eci: None }]);
        let s = stream(&[(0b0001, 4), (1, 10), (7, 4)]);
        assert_eq!(parse(1, &s).unwrap().text.as_deref(), Ok("7"));
        // 1000 does not fit three digits.
        let s = stream(&[(0b0001, 4), (3, 10), (1000, 10)]);
        assert_eq!(parse(1, &s), Err(SegmentError::BadNumeric));
        // Count fields grow with the version: 12 bits from version 10.
        let s = stream(&[(0b0001, 4), (2, 12), (42, 7)]);
        assert_eq!(parse(10, &s).unwrap().text.as_deref(), Ok("42"));
        let s = stream(&[(0b0001, 4), (2, 14), (42, 7)]);
        assert_eq!(parse(27, &s).unwrap().text.as_deref(), Ok("42"));
    }

    #[test]
    fn alphanumeric() {
        // "AC-42": (10*45+12) (41*45+4) (2).
        let s = stream(&[(0b0010, 4), (5, 9), (462, 11), (1849, 11), (2, 6), (0, 4)]);
        let p = parse(1, &s).unwrap();
        assert_eq!(p.text.as_deref(), Ok("AC-42"));
        assert_eq!(p.segments[0].mode, Mode::Alphanumeric);
        let s = stream(&[(0b0010, 4), (2, 9), (2025, 11)]);
        assert_eq!(parse(1, &s), Err(SegmentError::BadAlphanumeric));
    }

    #[test]
    fn byte_utf8_and_latin1_default() {
        let p = parse(1, &stream(&byte_fields(None, "é€".as_bytes()))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("é€"));
        // Not UTF-8, no ECI: ISO-8859-1.
        let p = parse(1, &stream(&byte_fields(None, b"caf\xe9"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("café"));
        assert_eq!(p.bytes, b"caf\xe9");
        let p = parse(1, &stream(&byte_fields(None, b"Gr\xfc\xdfe aus K\xf6ln"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("Grüße aus Köln"));
    }

    /// Shift_JIS without an ECI, as Japanese encoders write it (ZXing's
    /// black-box photos `qrcode-2/10.png`, `17.png`): double-byte text, whose
    /// lead bytes are C1 controls in ISO-8859-1, and half-width katakana.
    #[test]
    fn byte_shift_jis_without_eci() {
        let p = parse(1, &stream(&byte_fields(None, b"Google \x83\x82\x83o\x83C\x83\x8b"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("Google モバイル"));
        let p = parse(1, &stream(&byte_fields(None, b"\xc3\xde\xbb\xde\xb2\xddQR"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("ﾃﾞｻﾞｲﾝQR"));
        // Two katakana and nothing else high: Shift_JIS; one accented
        // letter in a word: ISO-8859-1; a lead byte without its trail byte:
        // not Shift_JIS.
        let p = parse(1, &stream(&byte_fields(None, b"\xb1\xb2 OK"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("ｱｲ OK"));
        let p = parse(1, &stream(&byte_fields(None, b"se\xf1or caf\xe9s"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("señor cafés"));
        let p = parse(1, &stream(&byte_fields(None, b"x \x83"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("x \u{83}"));
    }

    #[test]
    fn eci_switches_the_byte_charset() {
        // ECI 3 (ISO-8859-1), then ECI 20 (Shift_JIS), then ECI 26 (UTF-8).
        let mut f = byte_fields(Some(3), b"\xc4");
        f.extend(byte_fields(Some(20), b"\x93\xfa\x96\x7b"));
        f.extend(byte_fields(Some(26), "ü".as_bytes()));
        let p = parse(1, &stream(&f)).unwrap();
        assert_eq!(p.text.as_deref(), Ok("Ä日本ü"));
        assert_eq!(p.segments.iter().map(|s| s.eci).collect::<Vec<_>>(), [Some(3), Some(20), Some(26)]);
        // ISO-8859-7, Windows-1251, GB 18030, Big5, EUC-KR, CP437.
        for (eci, data, text) in [
            (9, &b"\xe1"[..], "α"),
            (22, b"\xc6", "Ж"),
            (29, b"\xd6\xd0", "中"),
            (28, b"\xa4\xa4", "中"),
            (30, b"\xb0\xa1", "가"),
            (2, b"\x82", "é"),
        ] {
            assert_eq!(
                parse(1, &stream(&byte_fields(Some(eci), data))).unwrap().text.as_deref(),
                Ok(text),
                "ECI {eci}"
            );
        }
        // Two- and three-byte designators.
        let s = stream(&[(0b0111, 4), (0b10_000011, 8), (0x83, 8), (0b0100, 4), (0, 8)]);
        assert_eq!(parse(1, &s).unwrap().text, Err(TextError::Binary));
        let s = stream(&[(0b0111, 4), (0b110_00001, 8), (0, 16), (0b0100, 4), (1, 8), (0x41, 8)]);
        assert_eq!(parse(1, &s).unwrap().text, Err(TextError::UnsupportedEci(65536)));
        assert_eq!(parse(1, &stream(&[(0b0111, 4), (0xe0, 8)])), Err(SegmentError::BadEci));
    }

    #[test]
    fn undecodable_bytes_are_an_error_with_the_bytes_kept() {
        // Invalid UTF-8 under ECI 26, and a lone Shift_JIS lead byte.
        for (eci, data) in [(26, &b"\xff\xfe"[..]), (20, b"\x93")] {
            let p = parse(1, &stream(&byte_fields(Some(eci), data))).unwrap();
            assert_eq!(p.text, Err(TextError::Malformed { eci: Some(eci), mode: Mode::Byte }));
            assert_eq!(p.bytes, data);
        }
    }

    #[test]
    fn kanji_and_hanzi() {
        // 点 = Shift_JIS 0x935F → 0x935F-0x8140 = 0x121F → 0x12*0xC0+0x1F.
        // 茗 = 0xE4AA → 0xE4AA-0xC140 = 0x236A → 0x23*0xC0+0x6A.
        let s = stream(&[(0b1000, 4), (2, 8), (0x12 * 0xc0 + 0x1f, 13), (0x23 * 0xc0 + 0x6a, 13)]);
        let p = parse(1, &s).unwrap();
        assert_eq!(p.text.as_deref(), Ok("点茗"));
        assert_eq!(p.bytes, [0x93, 0x5f, 0xe4, 0xaa]);
        assert_eq!(p.segments[0], Segment { mode: Mode::Kanji, char_count: 2, eci: None });
        // 中 = GB 2312 0xD6D0 → 0xD6D0-0xA6A1 = 0x302F → 0x30*0x60+0x2F.
        // 啊 = 0xB0A1 → 0xB0A1-0xA6A1 = 0x0A00 → 0x0A*0x60.
        let s = stream(&[(0b1101, 4), (1, 4), (2, 8), (0x30 * 0x60 + 0x2f, 13), (0x0a * 0x60, 13)]);
        let p = parse(1, &s).unwrap();
        assert_eq!(p.text.as_deref(), Ok("中啊"));
        assert_eq!(p.segments[0].mode, Mode::Hanzi);
        assert_eq!(parse(1, &stream(&[(0b1101, 4), (2, 4), (0, 8)])), Err(SegmentError::HanziSubset(2)));
        // A Hanzi segment longer than the data is an error, not a cut text.
        let s = stream(&[(0b1101, 4), (1, 4), (3, 8), (0x30 * 0x60 + 0x2f, 13)]);
        assert_eq!(parse(1, &s), Err(SegmentError::Truncated(Mode::Hanzi)));
    }

    #[test]
    fn structured_append_and_fnc1() {
        let s = stream(&[(0b0011, 4), (1, 4), (3, 4), (0x5a, 8), (0b0100, 4), (1, 8), (0x41, 8)]);
        let p = parse(1, &s).unwrap();
        assert_eq!(p.structured_append, Some(StructuredAppend { index: 2, total: 4, parity: 0x5a }));
        assert_eq!(p.text.as_deref(), Ok("A"));
        // GS1: "01%%1%" → `%%` is `%`, a lone `%` is GS.
        let pairs = |t: &[u8]| -> Vec<(u32, usize)> {
            let idx = |c| ALPHANUMERIC.iter().position(|&a| a == c).unwrap() as u32;
            t.chunks(2).map(|c| if c.len() == 2 { (idx(c[0]) * 45 + idx(c[1]), 11) } else { (idx(c[0]), 6) }).collect()
        };
        let mut f = vec![(0b0101, 4), (0b0010, 4), (6, 9)];
        f.extend(pairs(b"01%%1%"));
        f.extend([(0b0001, 4), (2, 10), (42, 7)]);
        let p = parse(1, &stream(&f)).unwrap();
        assert_eq!(p.fnc1, Some(Fnc1::First));
        assert_eq!(p.text.as_deref(), Ok("01%1\u{1d}42"));
        let s = stream(&[(0b1001, 4), (165, 8), (0b0100, 4), (1, 8), (0x41, 8)]);
        assert_eq!(parse(1, &s).unwrap().fnc1, Some(Fnc1::Second { application_indicator: 165 }));
        // FNC1 after data is misplaced.
        let s = stream(&[(0b0100, 4), (1, 8), (0x41, 8), (0b0101, 4)]);
        assert_eq!(parse(1, &s), Err(SegmentError::MisplacedHeader));
    }

    #[test]
    fn short_data_is_an_error_never_a_cut_payload() {
        let s = stream(&[(0b0100, 4), (5, 8), (0x41, 8)]);
        assert_eq!(parse(1, &s), Err(SegmentError::Truncated(Mode::Byte)));
        assert_eq!(parse(1, &stream(&[(0b0110, 4)])), Err(SegmentError::UnknownMode(0b0110)));
        // Fewer than four bits left: the end, as a cut terminator.
        let p = parse(1, &stream(&byte_fields(None, b"A"))).unwrap();
        assert_eq!(p.text.as_deref(), Ok("A"));
        assert_eq!(parse(1, &[]).unwrap().segments, []);
    }
}
