//! Whole symbols of every mode and character set, painted into frames and
//! scanned: version, level, segments and text come back, also with modules
//! damaged (the project's own Reed–Solomon correction).

use qrcode::bits::Bits;
use qrcode::canvas::Canvas;
use qrcode::types::{Color, EcLevel, Version};
use qrcode::{QrCode, ec};

use super::*;

/// Codewords from raw data bits: terminator and padding added, then the
/// `qrcode` crate's error correction, placement and masking.
fn symbol_from_bits(fields: &[(u32, usize)], version: i16, level: EcLevel) -> (Vec<Color>, usize) {
    let v = Version::Normal(version);
    let capacity = Bits::new(v).max_len(level).unwrap();
    let mut bits: Vec<bool> = Vec::new();
    for &(value, width) in fields {
        bits.extend((0..width).rev().map(|i| (value >> i) & 1 == 1));
    }
    assert!(bits.len() <= capacity);
    bits.extend(std::iter::repeat_n(false, (capacity - bits.len()).min(4)));
    while !bits.len().is_multiple_of(8) {
        bits.push(false);
    }
    let mut data: Vec<u8> = bits.chunks(8).map(|c| c.iter().fold(0, |a, &b| (a << 1) | u8::from(b))).collect();
    let mut pad = [0xec, 0x11].into_iter().cycle();
    while data.len() < capacity / 8 {
        data.push(pad.next().unwrap());
    }
    let (data, ecc) = ec::construct_codewords(&data, v, level).unwrap();
    let mut canvas = Canvas::new(v, level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ecc);
    let colors = canvas.apply_best_mask().into_colors();
    (colors, (17 + 4 * version) as usize)
}

/// Paints a symbol at 4 pixels a module with a quiet zone, flipping the
/// modules listed in `damage`, and scans it.
fn scan_symbol((colors, n): &(Vec<Color>, usize), damage: &[(usize, usize)]) -> Vec<Code> {
    let side = (n + 8) * 4;
    let mut px = vec![210u8; side * side];
    for y in 0..*n {
        for x in 0..*n {
            let dark = (colors[y * n + x] == Color::Dark) != damage.contains(&(x, y));
            if dark {
                for dy in 0..4 {
                    let row = (y + 4) * 4 + dy;
                    px[row * side + (x + 4) * 4..row * side + (x + 5) * 4].fill(30);
                }
            }
        }
    }
    let mut s = Scanner::new();
    s.set_time_budget(None);
    s.scan(&LumaFrame { data: &px, width: side, height: side, stride: side }).unwrap()
}

fn with_bits(level: EcLevel, version: i16, build: impl FnOnce(&mut Bits)) -> (Vec<Color>, usize) {
    let mut bits = Bits::new(Version::Normal(version));
    build(&mut bits);
    bits.push_terminator(level).unwrap();
    let code = QrCode::with_bits(bits, level).unwrap();
    (code.to_colors(), code.width())
}

#[test]
fn mixed_segments_with_ecis_and_kanji() {
    let sym = with_bits(EcLevel::M, 5, |b| {
        b.push_numeric_data(b"0123456789").unwrap();
        b.push_alphanumeric_data(b"AC-42").unwrap();
        b.push_eci_designator(3).unwrap();
        b.push_byte_data(b"caf\xe9").unwrap();
        b.push_eci_designator(20).unwrap();
        b.push_byte_data(b"\x93\xfa\x96\x7b").unwrap();
        b.push_kanji_data(b"\x93\x5f\xe4\xaa").unwrap();
    });
    // A few data modules damaged: corrected here, not only in quircs.
    let codes = scan_symbol(&sym, &[(20, 20), (21, 22), (30, 30), (12, 25)]);
    assert_eq!(codes.len(), 1);
    let c = &codes[0];
    assert_eq!((c.version, c.ecc_level), (5, EccLevel::M));
    assert_eq!(c.text.as_deref(), Some("0123456789AC-42café日本点茗"));
    let modes: Vec<_> = c.segments.iter().map(|s| (s.mode, s.char_count, s.eci)).collect();
    assert_eq!(
        modes,
        [
            (Mode::Numeric, 10, None),
            (Mode::Alphanumeric, 5, None),
            (Mode::Byte, 4, Some(3)),
            (Mode::Byte, 4, Some(20)),
            (Mode::Kanji, 2, Some(20)),
        ]
    );
}

#[test]
fn byte_payload_not_utf8_without_eci_is_latin1() {
    let sym = with_bits(EcLevel::L, 2, |b| b.push_byte_data(b"Gr\xfc\xdfe").unwrap());
    let c = &scan_symbol(&sym, &[])[0];
    assert_eq!(c.text.as_deref(), Some("Grüße"));
    assert_eq!(c.bytes, b"Gr\xfc\xdfe");
}

#[test]
fn undecodable_charset_keeps_the_bytes_and_says_why() {
    let sym = with_bits(EcLevel::L, 2, |b| {
        b.push_eci_designator(26).unwrap();
        b.push_byte_data(b"\xff\x00\x01").unwrap();
    });
    let c = &scan_symbol(&sym, &[])[0];
    assert_eq!(c.text, None);
    assert_eq!(c.text_error, Some(TextError::Malformed { eci: Some(26), mode: Mode::Byte }));
    assert_eq!(c.bytes, b"\xff\x00\x01");
}

#[test]
fn hanzi_structured_append_and_fnc1_symbols() {
    // Structured append 1 of 2, then a Hanzi segment 中啊.
    let sym = symbol_from_bits(
        &[
            (0b0011, 4),
            (0, 4),
            (1, 4),
            (0x33, 8),
            (0b1101, 4),
            (1, 4),
            (2, 8),
            (0x30 * 0x60 + 0x2f, 13),
            (0x0a * 0x60, 13),
        ],
        3,
        EcLevel::Q,
    );
    let c = &scan_symbol(&sym, &[(15, 15)])[0];
    assert_eq!((c.version, c.ecc_level), (3, EccLevel::Q));
    assert_eq!(c.text.as_deref(), Some("中啊"));
    assert_eq!(c.structured_append, Some(StructuredAppend { index: 1, total: 2, parity: 0x33 }));
    assert_eq!(c.segments, [Segment { mode: Mode::Hanzi, char_count: 2, eci: None }]);
    // GS1: FNC1 first, "01" + 14 digits, then a GS-separated AI.
    let sym = with_bits(EcLevel::H, 4, |b| {
        b.push_fnc1_first_position().unwrap();
        b.push_numeric_data(b"0104912345123459").unwrap();
        b.push_alphanumeric_data(b"10ABC%").unwrap();
        b.push_numeric_data(b"2112").unwrap();
    });
    let c = &scan_symbol(&sym, &[])[0];
    assert_eq!(c.fnc1, Some(Fnc1::First));
    assert_eq!(c.text.as_deref(), Some("010491234512345910ABC\u{1d}2112"));
}

#[test]
fn every_version_range_reads() {
    // Count field widths change at versions 10 and 27.
    for version in [1i16, 9, 10, 26, 27, 40] {
        let sym = with_bits(EcLevel::L, version, |b| {
            b.push_byte_data(b"shc:/").unwrap();
            b.push_numeric_data(b"5676290952432060346029").unwrap();
        });
        let codes = scan_symbol(&sym, &[]);
        assert_eq!(codes.len(), 1, "version {version}");
        assert_eq!(codes[0].version as i16, version);
        assert_eq!(codes[0].text.as_deref(), Some("shc:/5676290952432060346029"));
        assert_eq!(codes[0].segments.len(), 2);
    }
}

/// Paints a symbol rotated by `degrees` about its centre at `px` pixels a
/// module (4 × 4 samples a pixel, as a camera's pixels average the paper),
/// with a quiet zone, and scans it.
fn scan_rotated((colors, n): &(Vec<Color>, usize), px: f32, degrees: f32) -> Vec<Code> {
    let n = *n;
    let span = (n + 8) as f32 * px * std::f32::consts::SQRT_2;
    let side = span.ceil() as usize + 8;
    let c = side as f32 / 2.0;
    let (sin, cos) = degrees.to_radians().sin_cos();
    let mut out = vec![0u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let mut dark = 0u32;
            for sy in 0..4 {
                for sx in 0..4 {
                    let (dx, dy) = (x as f32 + (sx as f32 + 0.5) / 4.0 - c, y as f32 + (sy as f32 + 0.5) / 4.0 - c);
                    // Back into the symbol's own frame, in modules.
                    let u = (dx * cos + dy * sin) / px + n as f32 / 2.0;
                    let v = (-dx * sin + dy * cos) / px + n as f32 / 2.0;
                    if u >= 0.0 && v >= 0.0 && (u as usize) < n && (v as usize) < n {
                        dark += u32::from(colors[v as usize * n + u as usize] == Color::Dark);
                    }
                }
            }
            out[y * side + x] = (215 - dark * 185 / 16) as u8;
        }
    }
    let mut s = Scanner::new();
    s.set_time_budget(None);
    s.scan(&LumaFrame { data: &out, width: side, height: side, stride: side }).unwrap()
}

/// Version 1 has no alignment pattern and the shortest distance between
/// finders (14 modules): rotated 30–60°, its finders' row runs measure
/// modules up to √2 too wide, which once made the trio look too small to
/// be a symbol. Every angle reads, at 2 to 4 pixels a module, as larger
/// versions do.
#[test]
fn small_rotated_symbols_read_at_every_angle() {
    let v1 = with_bits(EcLevel::L, 1, |b| b.push_alphanumeric_data(b"HELLO").unwrap());
    let v2 = with_bits(EcLevel::M, 2, |b| b.push_alphanumeric_data(b"HC1:ROTATED 2").unwrap());
    let mut missed = Vec::new();
    for (name, symbol, text) in [("v1", &v1, "HELLO"), ("v2", &v2, "HC1:ROTATED 2")] {
        for px in [2.0f32, 3.0, 4.0] {
            for degrees in (0..90).step_by(5) {
                let codes = scan_rotated(symbol, px, degrees as f32);
                if codes.first().and_then(|c| c.text.as_deref()) != Some(text) {
                    missed.push(format!("{name} at {px} px/module, {degrees}°"));
                }
            }
        }
    }
    assert!(missed.is_empty(), "missed: {missed:?}");
}
