//! Finder patterns (the three 7×7 corner squares) and alignment patterns
//! (the 5×5 squares of versions 2 and up) in a binarised plane.
//!
//! Finders are found as ZXing finds them: rows are scanned for runs of
//! dark, light, dark, light, dark in the ratio 1:1:3:1:1, each hit is
//! confirmed by the same ratio down the column, again along the row
//! through the centre and along a diagonal (which the 1:1:3:1:1 crosses of
//! a dense data area rarely pass), and hits within a module of each other
//! are merged.

use super::Deadline;
use super::binarize::Binary;

/// A finder pattern candidate in detection-plane pixels.
#[derive(Debug, Clone, Copy)]
pub(super) struct Finder {
    pub x: f32,
    pub y: f32,
    /// Estimated module size in pixels.
    pub module: f32,
    /// How many scan lines confirmed it.
    pub count: u32,
}

/// Reads a binary plane with a polarity: `inverted` reads light as dark.
#[derive(Clone, Copy)]
pub(super) struct View<'a> {
    pub bin: &'a Binary,
    pub inverted: bool,
}

impl View<'_> {
    #[inline]
    fn dark(&self, x: usize, y: usize) -> bool {
        (self.bin.bits[y * self.bin.w + x] ^ self.inverted as u8) == 1
    }

    /// Whether (x, y), rounded, is inside the plane and dark.
    #[inline]
    pub(super) fn dark_at(&self, x: f32, y: f32) -> bool {
        x >= 0.0
            && y >= 0.0
            && (x as usize) < self.bin.w
            && (y as usize) < self.bin.h
            && self.dark(x as usize, y as usize)
    }
}

/// Whether five run lengths are in the ratio 1:1:3:1:1 (each within half a
/// module, `slack` times that for the centre).
fn is_finder(counts: &[u32; 5], slack: f32) -> bool {
    let total: u32 = counts.iter().sum();
    if total < 7 || counts.contains(&0) {
        return false;
    }
    let module = total as f32 / 7.0;
    let var = module * 0.5 * slack;
    let near = |c: u32, n: f32| (module * n - c as f32).abs() < var * n;
    if near(counts[0], 1.0)
        && near(counts[1], 1.0)
        && near(counts[2], 3.0)
        && near(counts[3], 1.0)
        && near(counts[4], 1.0)
    {
        return true;
    }
    // Edge to edge: a blurred or over-exposed small symbol thickens its
    // dark modules at the expense of the light ones (or the reverse), which
    // leaves the distances between like edges alone: 2, 4, 4, 2 modules.
    let [a, b, c, d, e] = counts.map(|n| n as f32);
    let pairs = [a + b, b + c, c + d, d + e];
    let module = pairs.iter().sum::<f32>() / 12.0;
    let var = module * 0.5 * slack;
    let fits = |p: f32, n: f32| (p - module * n).abs() < var * if n > 2.0 { 1.5 } else { 1.0 };
    c >= a.max(e) && fits(pairs[0], 2.0) && fits(pairs[1], 4.0) && fits(pairs[2], 4.0) && fits(pairs[3], 2.0)
}

fn center_from_end(counts: &[u32; 5], end: usize) -> f32 {
    end as f32 - counts[4] as f32 - counts[3] as f32 - counts[2] as f32 / 2.0
}

/// A row hit of the other polarity, to be confirmed if that polarity is
/// searched: its row, where its runs end, and the runs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    y: u32,
    end: u32,
    counts: [u32; 5],
}

/// Most row hits of the other polarity kept by one scan (noise gives tens
/// of thousands); past it [`find_finders`] reports them incomplete.
const MAX_HITS: usize = 16_384;

/// Most finder candidates kept per scan: the three finders of each of
/// [`super::MAX_CODES`] codes and the false ones of their data areas.
const MAX_FINDERS: usize = 512;

/// Scans `view` for finder patterns, every `step` rows, into `out`; with
/// `other`, also keeps the row hits of the other polarity (the same runs
/// starting on a light one), unconfirmed, and returns whether they are all
/// there. Stops at the first row after `deadline` (the hits are then
/// incomplete).
pub(super) fn find_finders(
    view: View<'_>,
    step: usize,
    out: &mut Vec<Finder>,
    mut other: Option<&mut Vec<Hit>>,
    deadline: &Deadline,
) -> bool {
    out.clear();
    if let Some(o) = other.as_deref_mut() {
        o.clear();
    }
    let mut complete = true;
    let (w, h) = (view.bin.w, view.bin.h);
    // Where each run of a row starts (branch-free over the pixels), then
    // every five runs starting with a dark one.
    let mut starts = vec![0usize; w + 1];
    let mut y = step / 2;
    while y < h {
        if deadline.passed() {
            return false;
        }
        let row = &view.bin.bits[y * w..(y + 1) * w];
        let inv = view.inverted as u8;
        let mut n = 1;
        // Eight pixels at a time against the eight after them: most of a
        // frame is flat ground without a single edge.
        let mut x = 1;
        while x + 8 <= w {
            let here = u64::from_ne_bytes(row[x..x + 8].try_into().unwrap_or([0; 8]));
            let before = u64::from_ne_bytes(row[x - 1..x + 7].try_into().unwrap_or([0; 8]));
            if here != before {
                for (i, (&b, &a)) in row[x..x + 8].iter().zip(&row[x - 1..x + 7]).enumerate() {
                    starts[n] = x + i;
                    n += (b != a) as usize;
                }
            }
            x += 8;
        }
        while x < w {
            starts[n] = x;
            n += (row[x] != row[x - 1]) as usize;
            x += 1;
        }
        starts[n] = w;
        // Runs 0..n: run i covers starts[i]..starts[i + 1].
        let first_dark = (row.first().copied().unwrap_or(0) ^ inv) == 1;
        // Windows starting on a dark run; with `other`, also those starting
        // on a light one (the finders of the other polarity, same runs).
        let (mut i, stride) = match (&other, first_dark) {
            (Some(_), _) => (0, 1),
            (None, true) => (0, 2),
            (None, false) => (1, 2),
        };
        while i + 5 <= n {
            let counts = [
                (starts[i + 1] - starts[i]) as u32,
                (starts[i + 2] - starts[i + 1]) as u32,
                (starts[i + 3] - starts[i + 2]) as u32,
                (starts[i + 4] - starts[i + 3]) as u32,
                (starts[i + 5] - starts[i + 4]) as u32,
            ];
            // A finder's centre run is its widest (blur or not): most
            // windows fail this before any arithmetic.
            let c = counts[2];
            if c >= counts[0] && c >= counts[1] && c >= counts[3] && c >= counts[4] && is_finder(&counts, 1.0) {
                if (i % 2 == 0) == first_dark {
                    handle_candidate(view, &counts, starts[i + 5], y, out);
                } else if let Some(o) = other.as_deref_mut() {
                    if o.len() < MAX_HITS {
                        o.push(Hit { y: y as u32, end: starts[i + 5] as u32, counts });
                    } else {
                        complete = false;
                    }
                }
            }
            i += stride;
        }
        y += step;
    }
    complete
}

/// Confirms the row hits kept by [`find_finders`] for the other polarity
/// (`view` reading that polarity), into `out`: the same finders a scan of
/// that polarity finds (until `deadline`).
pub(super) fn confirm_hits(view: View<'_>, hits: &[Hit], out: &mut Vec<Finder>, deadline: &Deadline) {
    out.clear();
    for (i, h) in hits.iter().enumerate() {
        if i % 256 == 255 && deadline.passed() {
            return;
        }
        handle_candidate(view, &h.counts, h.end as usize, h.y as usize, out);
    }
}

fn handle_candidate(view: View<'_>, counts: &[u32; 5], end: usize, y: usize, out: &mut Vec<Finder>) {
    let total: u32 = counts.iter().sum();
    let cx = center_from_end(counts, end);
    let Some(cy) = cross_check(view, cx as usize, y, counts[2] * 2, total, true) else { return };
    let Some((cx, total_h)) = cross_check_len(view, cx as usize, cy as usize, counts[2] * 2, total, false) else {
        return;
    };
    if !diagonal_check(view, cx as usize, cy as usize, counts[2] * 2) {
        return;
    }
    let module = total_h as f32 / 7.0;
    for f in out.iter_mut() {
        if (f.x - cx).abs() <= module && (f.y - cy).abs() <= module && (f.module - module).abs() <= f.module.max(1.0) {
            let n = f.count as f32;
            f.x = (f.x * n + cx) / (n + 1.0);
            f.y = (f.y * n + cy) / (n + 1.0);
            f.module = (f.module * n + module) / (n + 1.0);
            f.count += 1;
            return;
        }
    }
    if out.len() < MAX_FINDERS {
        out.push(Finder { x: cx, y: cy, module, count: 1 });
    }
}

fn cross_check(view: View<'_>, x: usize, y: usize, max: u32, total: u32, vertical: bool) -> Option<f32> {
    cross_check_len(view, x, y, max, total, vertical).map(|(c, _)| c)
}

/// Runs out from (x, y) along a column (`vertical`) or row, and when the
/// runs read 1:1:3:1:1 with about the expected total returns the centre
/// along that line and the total length. Every run is bounded (the centre
/// by twice `max`): a frame of long dark bars must not cost a walk to the
/// frame's edge for each of its row hits.
fn cross_check_len(view: View<'_>, x: usize, y: usize, max: u32, total: u32, vertical: bool) -> Option<(f32, u32)> {
    let (len, pos) = if vertical { (view.bin.h, y) } else { (view.bin.w, x) };
    let at = |i: usize| if vertical { view.dark(x, i) } else { view.dark(i, y) };
    let mut c = [0u32; 5];
    if !at(pos) {
        return None;
    }
    // Backwards: centre, light, dark.
    let centre_max = max.saturating_mul(2);
    let mut i = pos as isize;
    while i >= 0 && at(i as usize) && c[2] <= centre_max {
        c[2] += 1;
        i -= 1;
    }
    if c[2] > centre_max {
        return None;
    }
    while i >= 0 && !at(i as usize) && c[1] <= max {
        c[1] += 1;
        i -= 1;
    }
    if i < 0 || c[1] > max {
        return None;
    }
    while i >= 0 && at(i as usize) && c[0] <= max {
        c[0] += 1;
        i -= 1;
    }
    if c[0] > max {
        return None;
    }
    // Forwards.
    let mut j = pos + 1;
    while j < len && at(j) && c[2] <= centre_max {
        c[2] += 1;
        j += 1;
    }
    if c[2] > centre_max {
        return None;
    }
    while j < len && !at(j) && c[3] <= max {
        c[3] += 1;
        j += 1;
    }
    if j == len || c[3] > max {
        return None;
    }
    while j < len && at(j) && c[4] <= max {
        c[4] += 1;
        j += 1;
    }
    if c[4] > max {
        return None;
    }
    let sum: u32 = c.iter().sum();
    if 5 * sum.abs_diff(total) >= 3 * total {
        return None;
    }
    is_finder(&c, 1.2).then(|| (center_from_end(&c, j), sum))
}

/// Whether the runs through (x, y) along either diagonal read 1:1:3:1:1:
/// every line through a finder's centre crosses its nested squares in that
/// ratio, while a 1:1:3:1:1 cross in a dense data area rarely keeps it off
/// the axes. (Either: noise or blur can break one diagonal of a real
/// finder, at its corners.)
fn diagonal_check(view: View<'_>, x: usize, y: usize, max: u32) -> bool {
    [1isize, -1].into_iter().any(|sx| line_runs(view, x, y, (sx, 1), max).is_some_and(|c| is_finder(&c, 1.5)))
}

/// The five runs dark, light, dark (centre), light, dark through (x, y)
/// along `dir`, each at most `max` long (the centre twice that).
fn line_runs(view: View<'_>, x: usize, y: usize, (dx, dy): (isize, isize), max: u32) -> Option<[u32; 5]> {
    let (w, h) = (view.bin.w as isize, view.bin.h as isize);
    let (x, y) = (x as isize, y as isize);
    let at = |k: isize| {
        let (px, py) = (x + k * dx, y + k * dy);
        (px >= 0 && py >= 0 && px < w && py < h).then(|| view.dark(px as usize, py as usize))
    };
    if at(0) != Some(true) {
        return None;
    }
    let mut c = [0u32; 5];
    for (sign, runs) in [(-1isize, [2usize, 1, 0]), (1, [2, 3, 4])] {
        let mut k = if sign < 0 { 0 } else { 1 };
        for (n, &run) in runs.iter().enumerate() {
            let dark = n != 1;
            let limit = if run == 2 { max.saturating_mul(2) } else { max };
            while at(sign * k) == Some(dark) && c[run] <= limit {
                c[run] += 1;
                k += 1;
            }
            // The light ring and the ring beyond it must end inside the
            // plane; the outer dark ring may reach the edge.
            if c[run] > limit || (n < 2 && at(sign * k).is_none()) {
                return None;
            }
        }
    }
    Some(c)
}

/// Looks for an alignment pattern's centre (a dark module in a light ring
/// in a dark ring) within `radius` pixels of (ex, ey), the closest first.
///
/// `axes` are the frame vectors of one module step along the symbol's rows
/// and columns there: every candidate must show the whole 5×5 pattern
/// (dark centre, light ring, dark ring) along them, which the many
/// light-dark-light crossings of a dense data area do not.
pub(super) fn find_alignment(
    view: View<'_>,
    ex: f32,
    ey: f32,
    axes: [(f32, f32); 2],
    module: f32,
    radius: f32,
    deadline: &Deadline,
) -> Option<(f32, f32)> {
    let (w, h) = (view.bin.w as isize, view.bin.h as isize);
    let r = radius.ceil() as isize;
    let (cx, cy) = (ex.round() as isize, ey.round() as isize);
    let mut best: Option<(f32, f32, f32)> = None;
    let max = (module * 2.0).ceil() as u32 + 1;
    // Rows from the estimate outwards.
    for k in 0..=2 * r {
        if k % 16 == 15 && deadline.passed() {
            break;
        }
        let dy = if k % 2 == 0 { k / 2 } else { -(k / 2 + 1) };
        let y = cy + dy;
        if y < 0 || y >= h || dy.abs() > r {
            continue;
        }
        let x0 = (cx - r).max(0);
        let x1 = (cx + r).min(w - 1);
        let mut x = x0;
        while x <= x1 {
            if !view.dark(x as usize, y as usize) {
                x += 1;
                continue;
            }
            // A dark run from x: its length and the light runs either side.
            let start = x;
            while x <= x1 && view.dark(x as usize, y as usize) {
                x += 1;
            }
            let run = (x - start) as f32;
            if run > module * 1.6 || run < module * 0.4 {
                continue;
            }
            let mid = (start as f32 + x as f32) / 2.0;
            if let Some(fy) = alignment_cross(view, mid as usize, y as usize, max, module, true)
                && let Some(fx) = alignment_cross(view, mid as usize, fy as usize, max, module, false)
            {
                let wrong = pattern_mismatches(view, fx, fy, axes);
                if wrong > 3 {
                    continue;
                }
                // Rows are searched from the estimate outwards: a clean
                // pattern this close is the one.
                if wrong <= 1 && (fx - ex).hypot(fy - ey) <= module * 1.5 {
                    return Some((fx, fy));
                }
                let d = (fx - ex).powi(2) + (fy - ey).powi(2) + wrong as f32 * module * module;
                if best.is_none_or(|b| d < b.2) {
                    best = Some((fx, fy, d));
                }
            }
        }
        if best.is_some() && dy.abs() as f32 > module * 2.0 {
            break;
        }
    }
    best.map(|(x, y, _)| (x, y))
}

/// How many of the 25 modules of an alignment pattern centred at (x, y),
/// module steps `axes`, read wrong (outside the plane reads light).
fn pattern_mismatches(view: View<'_>, x: f32, y: f32, [(ux, uy), (vx, vy)]: [(f32, f32); 2]) -> u32 {
    let mut wrong = 0;
    for j in -2i32..=2 {
        for i in -2i32..=2 {
            let want = i.abs().max(j.abs()) != 1;
            let (fi, fj) = (i as f32, j as f32);
            let dark = view.dark_at(x + fi * ux + fj * vx + 0.5, y + fi * uy + fj * vy + 0.5);
            wrong += (dark != want) as u32;
        }
    }
    wrong
}

/// Along a column or row through a dark module: light, dark centre, light,
/// each about one module; returns the centre along the line.
fn alignment_cross(view: View<'_>, x: usize, y: usize, max: u32, module: f32, vertical: bool) -> Option<f32> {
    let (len, pos) = if vertical { (view.bin.h, y) } else { (view.bin.w, x) };
    let at = |i: usize| if vertical { view.dark(x, i) } else { view.dark(i, y) };
    if !at(pos) {
        return None;
    }
    let (mut a, mut b, mut c) = (0u32, 0u32, 0u32);
    let mut i = pos as isize;
    while i >= 0 && at(i as usize) && b <= max {
        b += 1;
        i -= 1;
    }
    while i >= 0 && !at(i as usize) && a <= max {
        a += 1;
        i -= 1;
    }
    // The outer dark ring must follow.
    if i < 0 || a > max || !at(i as usize) {
        return None;
    }
    let mut j = pos + 1;
    while j < len && at(j) && b <= max {
        b += 1;
        j += 1;
    }
    while j < len && !at(j) && c <= max {
        c += 1;
        j += 1;
    }
    if j >= len || c > max || !at(j) {
        return None;
    }
    let ok = |n: u32| (n as f32 - module).abs() < module * 0.7;
    (ok(a) && ok(b) && ok(c)).then(|| j as f32 - c as f32 - b as f32 / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thickened_finders_match_edge_to_edge() {
        // A 2.3-pixel-module finder whose dark modules grew by a pixel and
        // light ones shrank by one (blur, small modules): 3 1 7 2 3.
        assert!(is_finder(&[3, 1, 7, 2, 3], 1.0));
        assert!(is_finder(&[2, 2, 7, 2, 2], 1.0));
        // Not a finder either way: the centre no wider than the ring, or
        // the ratios wrong edge to edge as well.
        assert!(!is_finder(&[4, 1, 4, 1, 4], 1.0));
        assert!(!is_finder(&[2, 6, 2, 6, 2], 1.0));
    }

    #[test]
    fn finders_hold_their_ratio_on_the_diagonals() {
        // At 5 pixels per module: a finder (nested squares) and a diamond
        // whose rows and columns through the centre read 1:1:3:1:1 as well
        // (as crosses in a dense data area do) but whose diagonals do not.
        let (w, h) = (140, 60);
        let mut bin = Binary::default();
        (bin.w, bin.h, bin.bits) = (w, h, vec![0; w * h]);
        for (cx, square) in [(30, true), (100, false)] {
            for y in 0..h {
                for x in 0..w {
                    // Module offsets from the centre module (pixels
                    // c - 2 ..= c + 2 on both axes).
                    let i = (x as i32 - cx + 2).div_euclid(5).abs();
                    let j = (y as i32 - 30 + 2).div_euclid(5).abs();
                    let ring = if square { i.max(j) } else { i + j };
                    bin.bits[y * w + x] |= [0, 1, 3].contains(&ring) as u8;
                }
            }
        }
        let mut found = Vec::new();
        assert!(find_finders(View { bin: &bin, inverted: false }, 1, &mut found, None, &Deadline::NONE));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!((found[0].x - 30.0).abs() <= 3.0 && (found[0].y - 30.0).abs() <= 3.0, "{found:?}");
        assert!((found[0].module - 5.0).abs() <= 0.5, "{found:?}");
    }

    #[test]
    fn one_scan_keeps_the_other_polaritys_hits() {
        // A finder dark on light at x = 30 and one light on dark (inside a
        // dark square) at x = 110, 5 pixels per module.
        let (w, h) = (160, 70);
        let mut bin = Binary::default();
        (bin.w, bin.h, bin.bits) = (w, h, vec![0; w * h]);
        for y in 0..h {
            for x in 0..w {
                let ring = |cx: i32| {
                    let i = (x as i32 - cx + 2).div_euclid(5).abs();
                    let j = (y as i32 - 35 + 2).div_euclid(5).abs();
                    i.max(j)
                };
                let dark = [0, 1, 3].contains(&ring(30)) || [2, 4, 5].contains(&ring(110));
                bin.bits[y * w + x] = dark as u8;
            }
        }
        let key = |f: &Finder| (f.x as i32, f.y as i32, (f.module * 10.0) as i32, f.count);
        let normal = View { bin: &bin, inverted: false };
        let inverted = View { bin: &bin, inverted: true };
        let (mut dark, mut hits, mut light, mut scanned) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        assert!(find_finders(normal, 1, &mut dark, Some(&mut hits), &Deadline::NONE));
        confirm_hits(inverted, &hits, &mut light, &Deadline::NONE);
        assert!(find_finders(inverted, 1, &mut scanned, None, &Deadline::NONE));
        assert_eq!(dark.len(), 1, "{dark:?}");
        assert!((dark[0].x - 30.0).abs() <= 3.0, "{dark:?}");
        assert_eq!(scanned.len(), 1, "{scanned:?}");
        assert!((scanned[0].x - 110.0).abs() <= 3.0, "{scanned:?}");
        assert_eq!(light.iter().map(key).collect::<Vec<_>>(), scanned.iter().map(key).collect::<Vec<_>>());
    }

    #[test]
    fn alignment_patterns_are_checked_whole() {
        // A 5×5 alignment pattern at 3 pixels per module, and beside it a
        // lone dark module in a light ring but no dark ring around that.
        let (w, h) = (60, 30);
        let mut bin = Binary::default();
        (bin.w, bin.h, bin.bits) = (w, h, vec![0; w * h]);
        let mut put = |x0: usize, y0: usize, rings: bool| {
            for j in 0..5 {
                for i in 0..5 {
                    let dark = if rings { i32::max((i - 2i32).abs(), (j - 2i32).abs()) != 1 } else { i == 2 && j == 2 };
                    for y in 0..3 {
                        for x in 0..3 {
                            bin.bits[(y0 + j as usize * 3 + y) * w + x0 + i as usize * 3 + x] = dark as u8;
                        }
                    }
                }
            }
        };
        put(5, 5, true);
        put(35, 5, false);
        let view = View { bin: &bin, inverted: false };
        let axes = [(3.0, 0.0), (0.0, 3.0)];
        assert_eq!(pattern_mismatches(view, 12.0, 12.0, axes), 0);
        assert!(pattern_mismatches(view, 42.0, 12.0, axes) > 3);
        let none = &Deadline::NONE;
        let (x, y) = find_alignment(view, 14.0, 12.0, axes, 3.0, 9.0, none).expect("the whole pattern");
        assert!((x - 12.5).abs() <= 1.0 && (y - 12.5).abs() <= 1.0, "{x},{y}");
        assert_eq!(find_alignment(view, 42.0, 12.0, axes, 3.0, 6.0, none), None);
    }
}
