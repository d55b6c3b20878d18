//! Frames built to cost time (finder-like stripes and tiles over a whole
//! 47-megapixel frame) and frames holding many codes: the budget holds
//! inside the strategies, and every code of a sheet is read.

use std::time::{Duration, Instant};

use qrcode::{Color, QrCode};

use super::*;

/// Paints `payload` as a QR code, `module` pixels a module, dark (30) on
/// the frame's light ground, its top-left corner at (x0, y0).
fn paint(px: &mut [u8], stride: usize, payload: &[u8], module: usize, (x0, y0): (usize, usize)) {
    let code = QrCode::new(payload).expect("fits");
    let n = code.width();
    let colors = code.to_colors();
    for y in 0..n * module {
        for x in 0..n * module {
            if colors[(y / module) * n + x / module] == Color::Dark {
                px[(y0 + y) * stride + x0 + x] = 30;
            }
        }
    }
}

/// A frame of `count` codes on a grid, `per_row` to a row, 3 pixels a
/// module with a quiet zone of 4 modules around each; the payloads are
/// `payload(i)`.
fn sheet(count: usize, per_row: usize, payload: impl Fn(usize) -> String) -> (Vec<u8>, usize, usize) {
    let side = (0..count).map(|i| QrCode::new(payload(i).as_bytes()).expect("fits").width()).max().unwrap_or(21);
    let cell = (side + 8) * 3;
    let (w, h) = (per_row * cell, count.div_ceil(per_row) * cell);
    let mut px = vec![215; w * h];
    for i in 0..count {
        let (cx, cy) = (i % per_row, i / per_row);
        paint(&mut px, w, payload(i).as_bytes(), 3, (cx * cell + 12, cy * cell + 12));
    }
    (px, w, h)
}

fn scan_all(px: &[u8], w: usize, h: usize) -> Vec<Code> {
    let mut s = Scanner::new();
    s.set_time_budget(None);
    s.scan(&LumaFrame { data: px, width: w, height: h, stride: w }).expect("a valid frame")
}

#[test]
fn every_code_of_a_sheet_is_read() {
    for (count, per_row) in [(2, 2), (3, 3), (10, 5), (50, 10)] {
        let payload = |i: usize| format!("HC1:SHEET-{count}-CODE-{i:02}");
        let (px, w, h) = sheet(count, per_row, payload);
        let codes = scan_all(&px, w, h);
        let mut got: Vec<_> = codes.iter().filter_map(|c| c.text.clone()).collect();
        got.sort();
        let want: Vec<_> = (0..count).map(payload).collect();
        assert_eq!(got, want, "{count} codes");
    }
}

#[test]
fn copies_of_one_code_are_each_listed() {
    // The case: the same code printed several times.
    for (count, per_row) in [(2, 2), (3, 3), (10, 5)] {
        let (px, w, h) = sheet(count, per_row, |_| "HC1:THE-SAME-CODE".into());
        let codes = scan_all(&px, w, h);
        assert_eq!(codes.len(), count, "{count} copies");
        // Each at its own place.
        let mut corners: Vec<_> = codes.iter().map(|c| c.corners[0]).collect();
        corners.sort();
        corners.dedup();
        assert_eq!(corners.len(), count);
    }
}

#[test]
fn at_most_max_codes_are_read_from_one_frame() {
    let (px, w, h) = sheet(MAX_CODES + 8, 12, |i| format!("HC1:CAP-{i:03}"));
    assert_eq!(scan_all(&px, w, h).len(), MAX_CODES);
}

/// The 6 900 × 6 900 frame: vertical bars in the ratio 1:1:3:1:1
/// (3 pixels a module) across the whole frame, so that every row is full
/// of finder-like runs.
fn stripes() -> (Vec<u8>, usize) {
    let side = 6_900;
    let unit: Vec<u8> = [(0u8, 3), (255, 3), (0, 9), (255, 3), (0, 3), (255, 3)]
        .iter()
        .flat_map(|&(v, n)| std::iter::repeat_n(v, n))
        .collect();
    let row: Vec<u8> = (0..side).map(|x| unit[x % unit.len()]).collect();
    (row.repeat(side), side)
}

/// Whole finder patterns tiled over a 6 900 × 6 900 frame, 3 pixels a
/// module with a light module between them: every row hit confirms.
fn tiled_finders() -> (Vec<u8>, usize) {
    let side = 6_900;
    let ring = |i: usize| {
        let (u, v) = ((i % side) / 3 % 8, (i / side) / 3 % 8);
        if u == 7 || v == 7 {
            return 255;
        }
        let r = u.abs_diff(3).max(v.abs_diff(3));
        if r == 2 { 255 } else { 0 }
    };
    ((0..side * side).map(ring).collect(), side)
}

#[test]
fn a_frame_of_finder_like_stripes_stops_at_its_budget() {
    for (name, (px, side)) in [("stripes", stripes()), ("tiled finders", tiled_finders())] {
        let mut s = Scanner::new();
        s.set_time_budget(Some(Duration::from_millis(150)));
        let started = Instant::now();
        let codes = s.scan(&LumaFrame { data: &px, width: side, height: side, stride: side }).expect("valid");
        let took = started.elapsed();
        eprintln!("{name}: {side}x{side} scanned in {took:?}");
        assert!(codes.is_empty());
        // A hang guard only (the unoptimised test build copies and
        // binarises 47 megapixels before the first check): the release
        // figures are in docs/security.md.
        assert!(took < Duration::from_secs(10), "{name}: {took:?}");
    }
}

#[test]
fn a_frame_over_12_mip_reads_at_half_resolution_with_frame_corners() {
    // 4 200 × 3 100 (13 megapixels): scanned halved first.
    let (w, h) = (4_200, 3_100);
    assert!(w * h > HALVE_ABOVE);
    let mut px = vec![215; w * h];
    let text = "HC1:A-CODE-IN-A-LARGE-PHOTO";
    paint(&mut px, w, text.as_bytes(), 8, (2_001, 1_203));
    let codes = scan_all(&px, w, h);
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].text.as_deref(), Some(text));
    let side = QrCode::new(text.as_bytes()).expect("fits").width() as i32 * 8;
    let want = [(2_001, 1_203), (2_001 + side, 1_203), (2_001 + side, 1_203 + side), (2_001, 1_203 + side)];
    for (got, want) in codes[0].corners.iter().zip(want) {
        assert!((got.0 - want.0).abs() <= 3 && (got.1 - want.1).abs() <= 3, "{got:?} vs {want:?}");
    }
}
