//! From three finder patterns to a decoded symbol: the symbol's size, a
//! perspective map from module grid to frame refined on every alignment
//! pattern found, sampling of the modules from the grey plane against the
//! local thresholds, and `quircs`' decoder (format, Reed–Solomon,
//! segments), on the grid and on its mirror image.

use super::binarize::{Binary, Plane};
use super::finder::{self, Finder, View};
use super::{Deadline, EccLevel, codewords, segments};

/// Alignment pattern centres per version (ISO/IEC 18004 annex E), from
/// version 2; version 1 has none.
const ALIGNMENT: [&[u8]; 39] = [
    &[6, 18],
    &[6, 22],
    &[6, 26],
    &[6, 30],
    &[6, 34],
    &[6, 22, 38],
    &[6, 24, 42],
    &[6, 26, 46],
    &[6, 28, 50],
    &[6, 30, 54],
    &[6, 32, 58],
    &[6, 34, 62],
    &[6, 26, 46, 66],
    &[6, 26, 48, 70],
    &[6, 26, 50, 74],
    &[6, 30, 54, 78],
    &[6, 30, 56, 82],
    &[6, 30, 58, 86],
    &[6, 34, 62, 90],
    &[6, 28, 50, 72, 94],
    &[6, 26, 50, 74, 98],
    &[6, 30, 54, 78, 102],
    &[6, 28, 54, 80, 106],
    &[6, 32, 58, 84, 110],
    &[6, 30, 58, 86, 114],
    &[6, 34, 62, 90, 118],
    &[6, 26, 50, 74, 98, 122],
    &[6, 30, 54, 78, 102, 126],
    &[6, 26, 52, 78, 104, 130],
    &[6, 30, 56, 82, 108, 134],
    &[6, 34, 60, 86, 112, 138],
    &[6, 30, 58, 86, 114, 142],
    &[6, 34, 62, 90, 118, 146],
    &[6, 30, 54, 78, 102, 126, 150],
    &[6, 24, 50, 76, 102, 128, 154],
    &[6, 28, 54, 80, 106, 132, 158],
    &[6, 32, 58, 84, 110, 136, 162],
    &[6, 26, 54, 82, 110, 138, 166],
    &[6, 30, 58, 86, 114, 142, 170],
];

/// A module-grid point and the frame point it lies at.
pub(super) type Pair = ((f32, f32), (f32, f32));

/// A plane map from module coordinates (u, v) to frame pixels (x, y), fitted
/// by least squares to any number (four or more) of point pairs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Perspective {
    h: [f64; 8],
    scale: f64,
    cx: f64,
    cy: f64,
    s: f64,
}

impl Perspective {
    /// Fits the map to `pairs` of ((u, v), (x, y)); `dim` scales the grid side.
    pub(super) fn fit(pairs: &[Pair], dim: f32) -> Option<Self> {
        if pairs.len() < 4 {
            return None;
        }
        let n = pairs.len() as f64;
        let cx = pairs.iter().map(|p| p.1.0 as f64).sum::<f64>() / n;
        let cy = pairs.iter().map(|p| p.1.1 as f64).sum::<f64>() / n;
        let s = (pairs.iter().map(|p| (p.1.0 as f64 - cx).hypot(p.1.1 as f64 - cy)).sum::<f64>() / n).max(1.0);
        let scale = 1.0 / dim as f64;
        // Normal equations of x' (h6 u + h7 v + 1) = h0 u + h1 v + h2, and
        // likewise for y'.
        let mut m = [[0f64; 9]; 8];
        for &((u, v), (x, y)) in pairs {
            let (u, v) = (u as f64 * scale, v as f64 * scale);
            let (x, y) = ((x as f64 - cx) / s, (y as f64 - cy) / s);
            let rows = [[u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x], [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y]];
            for r in rows {
                for i in 0..8 {
                    for j in 0..9 {
                        m[i][j] += r[i] * r[j];
                    }
                }
            }
        }
        let h = solve(m)?;
        Some(Perspective { h, scale, cx, cy, s })
    }

    /// The frame vectors of one module step along u and along v at (u, v).
    pub(super) fn axes(&self, u: f32, v: f32) -> [(f32, f32); 2] {
        let (x, y) = self.map(u, v);
        let (xu, yu) = self.map(u + 1.0, v);
        let (xv, yv) = self.map(u, v + 1.0);
        [(xu - x, yu - y), (xv - x, yv - y)]
    }

    /// The frame point of module coordinates (u, v).
    pub(super) fn map(&self, u: f32, v: f32) -> (f32, f32) {
        let (u, v) = (u as f64 * self.scale, v as f64 * self.scale);
        let h = &self.h;
        let w = h[6] * u + h[7] * v + 1.0;
        let x = (h[0] * u + h[1] * v + h[2]) / w;
        let y = (h[3] * u + h[4] * v + h[5]) / w;
        ((x * self.s + self.cx) as f32, (y * self.s + self.cy) as f32)
    }
}

/// Gaussian elimination with partial pivoting on an 8×9 augmented matrix.
fn solve(mut m: [[f64; 9]; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = m[row][col] / m[col][col];
                let pivot_row = m[col];
                for (x, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let mut h = [0f64; 8];
    for i in 0..8 {
        h[i] = m[i][8] / m[i][i];
        if !h[i].is_finite() {
            return None;
        }
    }
    Some(h)
}

/// The planes a symbol is read from: the full-resolution grey plane, its
/// binarisation and the polarity.
#[derive(Clone, Copy)]
pub(super) struct Source<'a> {
    pub grey: &'a Plane,
    pub bin: &'a Binary,
    pub inverted: bool,
}

/// Scratch buffers kept by the scanner.
pub(super) struct Scratch {
    pairs: Vec<Pair>,
    modules: Vec<u8>,
    /// The grid as `quircs` decodes it (its bitmap fits version 40).
    code: Box<quircs::Code>,
    /// The last symbol read: version, level, parsed data.
    pub read: Option<super::Read>,
}

impl Default for Scratch {
    fn default() -> Self {
        let origin = quircs::Point { x: 0, y: 0 };
        let code = Box::new(quircs::Code { corners: [origin; 4], size: 0, cell_bitmap: [0; 3917] });
        Scratch { pairs: Vec::new(), modules: Vec::new(), code, read: None }
    }
}

/// A decoded symbol: payload in `Scratch::bytes`, corners in frame pixels.
pub(super) type Corners = [(f32, f32); 4];

fn dist(a: &Finder, b: &Finder) -> f32 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Whether three finders could be the corners of one symbol, and how well
/// they fit (lower is better).
pub(super) fn triple_score(f: [&Finder; 3]) -> Option<f32> {
    let mut sides = [dist(f[0], f[1]), dist(f[1], f[2]), dist(f[0], f[2])];
    sides.sort_by(f32::total_cmp);
    let [a, b, c] = sides;
    let modules = f.map(|x| x.module);
    let (mmin, mmax) = (modules.iter().copied().fold(f32::MAX, f32::min), modules.iter().copied().fold(0.0, f32::max));
    if mmax > mmin * 1.8 {
        return None;
    }
    let m = (modules[0] + modules[1] + modules[2]) / 3.0;
    // Finder centres are at least 14 modules apart (version 1); the module
    // size measured from a finder's row and column runs is up to √2 too
    // large in a symbol rotated 45° (a run crosses the ring diagonally),
    // so the nearest pair may measure 14 / √2 ≈ 9.9 of those "modules".
    if a / m < 9.0 || b / m > 190.0 || b > a * 2.0 {
        return None;
    }
    let right = (c * c - a * a - b * b).abs() / (c * c);
    if right > 0.45 {
        return None;
    }
    Some(right + (1.0 - a / b) + (mmax / mmin - 1.0))
}

/// Tries to read the symbol whose finders are `f` (full-resolution pixels),
/// giving up at the next version tried or alignment pattern searched after
/// `deadline`. On success the symbol is in `scratch.read`.
pub(super) fn read(src: Source<'_>, f: [Finder; 3], scratch: &mut Scratch, deadline: &Deadline) -> Option<Corners> {
    // The top-left finder is the one opposite the longest side; the other
    // two are ordered so that top-right → top-left → bottom-left turns
    // clockwise in image coordinates.
    let d01 = dist(&f[0], &f[1]);
    let d12 = dist(&f[1], &f[2]);
    let d02 = dist(&f[0], &f[2]);
    let (tl, mut a, mut b) = if d12 >= d01 && d12 >= d02 {
        (f[0], f[1], f[2])
    } else if d02 >= d01 && d02 >= d12 {
        (f[1], f[0], f[2])
    } else {
        (f[2], f[0], f[1])
    };
    if (a.x - tl.x) * (b.y - tl.y) - (a.y - tl.y) * (b.x - tl.x) < 0.0 {
        std::mem::swap(&mut a, &mut b);
    }
    let (tr, bl) = (a, b);
    let view = View { bin: src.bin, inverted: src.inverted };
    // Module size along the symbol's own axes (the finders' row runs are
    // longer than 7 modules in a rotated symbol).
    let along = |p: &Finder, q: &Finder| {
        let m1 = module_along(view, p, q).unwrap_or(p.module);
        let m2 = module_along(view, q, p).unwrap_or(q.module);
        dist(p, q) / ((m1 + m2) / 2.0)
    };
    let estimate = (along(&tl, &tr) + along(&tl, &bl)) / 2.0 + 7.0;
    // Candidate versions: those the timing patterns count, then the
    // nearest to the estimate; a version read from the symbol's version
    // blocks is tried next in their place.
    let v0 = ((estimate - 17.0) / 4.0).round() as i32;
    let mut tried = [false; 41];
    let mut queue: Vec<usize> = [0, -1, 1, -2, 2]
        .iter()
        .map(|dv| v0 + dv)
        .filter(|v| (1..=40).contains(v) && ((17 + 4 * v) as f32 - estimate).abs() <= 7.0 + estimate * 0.06)
        .map(|v| v as usize)
        .collect();
    // The finders' own module size (from their row and column runs) gives
    // a second estimate, tried after the first: on small blurred symbols
    // the rings measured along the axes can come out a tenth too wide (a
    // version 23 symbol at 1.8 pixels per module estimated as version 20).
    let runs = (dist(&tl, &tr) / ((tl.module + tr.module) / 2.0) + dist(&tl, &bl) / ((tl.module + bl.module) / 2.0))
        / 2.0
        + 7.0;
    let v1 = ((runs - 17.0) / 4.0).round() as i32;
    for v in [v1, v1 - 1, v1 + 1] {
        if (1..=40).contains(&v) && !queue.contains(&(v as usize)) {
            queue.push(v as usize);
        }
    }
    let mut counted = [0u8; 41];
    timing_versions(src, &tl, &tr, &bl, &mut counted);
    timing_versions(src, &tl, &bl, &tr, &mut counted);
    let mut by_count: Vec<usize> = (1..=40)
        .filter(|&v| counted[v] > 0 && ((17 + 4 * v) as f32 - estimate).abs() <= 8.0 + estimate * 0.25)
        .collect();
    by_count.sort_by_key(|&v| std::cmp::Reverse(counted[v]));
    by_count.truncate(2);
    queue.retain(|v| !by_count.contains(v));
    queue.splice(0..0, by_count);
    queue.reverse();
    while let Some(v) = queue.pop() {
        if std::mem::replace(&mut tried[v], true) {
            continue;
        }
        if deadline.passed() {
            return None;
        }
        match read_version(src, tl, tr, bl, v, scratch, deadline) {
            Attempt::Read(corners) => return Some(corners),
            Attempt::Version(other) if !tried[other] => queue.push(other),
            _ => {}
        }
    }
    None
}

/// Counts the timing pattern between finders `p` and `q` (row or column 6
/// of the symbol, three modules from their centres towards `r`'s side) on
/// a few parallel lines, and tallies in `counted` the versions the counts
/// give. The line crosses `p`'s ring (dark), the alternating timing
/// modules (light first and last) and `q`'s ring: `runs` dark runs in all
/// mean a side of `2 runs + 11` modules. Runs shorter than a third of a
/// module (noise) are merged into their neighbours.
fn timing_versions(src: Source<'_>, p: &Finder, q: &Finder, r: &Finder, counted: &mut [u8; 41]) {
    let len = dist(p, q);
    let (ex, ey) = ((q.x - p.x) / len, (q.y - p.y) / len);
    // The unit normal towards r's side.
    let (mut nx, mut ny) = (-ey, ex);
    if nx * (r.x - p.x) + ny * (r.y - p.y) < 0.0 {
        nx = -nx;
        ny = -ny;
    }
    let module = (p.module + q.module) / 2.0;
    let steps = (len / 0.5) as usize;
    if !(8..=8192).contains(&steps) {
        return;
    }
    let min_run = (module / 3.0 / 0.5).max(1.0) as usize;
    for k in [2.75f32, 3.0, 3.25] {
        let (sx, sy) = (p.x + nx * k * p.module, p.y + ny * k * p.module);
        let (tx, ty) = (q.x + nx * k * q.module, q.y + ny * k * q.module);
        // Runs of dark and light along the line, in samples, counted as
        // they end; a run too short to be a module is merged into the run
        // before it.
        let mut last: Option<bool> = None;
        let mut dark_runs = 0usize;
        let mut end_run = |dark: bool, n: usize| {
            if last == Some(dark) || (last.is_some() && n < min_run) {
                return;
            }
            last = Some(dark);
            dark_runs += dark as usize;
        };
        let (mut run_dark, mut run) = (false, 0usize);
        for i in 0..=steps {
            let t = i as f32 / steps as f32;
            let (x, y) = (sx + t * (tx - sx), sy + t * (ty - sy));
            let dark = (src.grey.bilinear(x - 0.5, y - 0.5) <= src.bin.threshold_at(x, y)) ^ src.inverted;
            if run > 0 && dark != run_dark {
                end_run(run_dark, run);
                run = 0;
            }
            run_dark = dark;
            run += 1;
        }
        end_run(run_dark, run);
        // An even count is off by one somewhere: no version.
        if dark_runs % 2 == 1 {
            let dim = 2 * dark_runs + 11;
            if (21..=177).contains(&dim) {
                counted[(dim - 17) / 4] += 1;
            }
        }
    }
}

/// The module size near finder `p`, measured along the line to `q`: from
/// its centre out both ways to the outer edge of its dark ring (3.5 modules
/// each way).
fn module_along(view: View<'_>, p: &Finder, q: &Finder) -> Option<f32> {
    let d = dist(p, q);
    if d < 1.0 {
        return None;
    }
    let (dx, dy) = ((q.x - p.x) / d, (q.y - p.y) / d);
    let limit = p.module * 8.0;
    let mut total = 0.0;
    for sign in [1.0f32, -1.0] {
        // Transitions: dark centre → light ring → dark ring → outside.
        let (mut t, mut state) = (0.0f32, 0u8);
        while state < 3 {
            t += 0.5;
            if t > limit {
                return None;
            }
            let dark = view.dark_at(p.x + sign * dx * t, p.y + sign * dy * t);
            if dark == (state % 2 == 1) {
                state += 1;
            }
        }
        total += t;
    }
    Some(total / 7.0)
}

/// What reading at one version gave.
enum Attempt {
    /// The symbol, decoded (in `Scratch::read`).
    Read(Corners),
    /// The version blocks name another version.
    Version(usize),
    /// Nothing.
    Failed,
}

fn read_version(
    src: Source<'_>,
    tl: Finder,
    tr: Finder,
    bl: Finder,
    version: usize,
    scratch: &mut Scratch,
    deadline: &Deadline,
) -> Attempt {
    let dim = 17 + 4 * version;
    let d = dim as f32;
    let module = (tl.module + tr.module + bl.module) / 3.0;
    let view = View { bin: src.bin, inverted: src.inverted };
    let pairs = &mut scratch.pairs;
    pairs.clear();
    pairs.push(((3.5, 3.5), (tl.x, tl.y)));
    pairs.push(((d - 3.5, 3.5), (tr.x, tr.y)));
    pairs.push(((3.5, d - 3.5), (bl.x, bl.y)));
    // The fourth corner: the bottom-right alignment pattern where there is
    // one, else where a parallelogram puts the missing finder.
    let affine = |u: f32, v: f32| {
        let (s, t) = ((u - 3.5) / (d - 7.0), (v - 3.5) / (d - 7.0));
        (tl.x + s * (tr.x - tl.x) + t * (bl.x - tl.x), tl.y + s * (tr.y - tl.y) + t * (bl.y - tl.y))
    };
    let mut found_br = false;
    if version >= 2 {
        let (ex, ey) = affine(d - 6.5, d - 6.5);
        let axes = [
            ((tr.x - tl.x) / (d - 7.0), (tr.y - tl.y) / (d - 7.0)),
            ((bl.x - tl.x) / (d - 7.0), (bl.y - tl.y) / (d - 7.0)),
        ];
        // Within 4 modules: a wider search found nothing more on the frame
        // corpus and was a third of the scan time.
        if let Some((x, y)) = finder::find_alignment(view, ex, ey, axes, module, module * 4.0, deadline) {
            pairs.push(((d - 6.5, d - 6.5), (x, y)));
            found_br = true;
        }
    }
    if !found_br {
        pairs.push(((d - 3.5, d - 3.5), affine(d - 3.5, d - 3.5)));
    }
    let Some(mut map) = Perspective::fit(pairs, d) else { return Attempt::Failed };
    // Every other alignment pattern, nearest the top-left first, each
    // found refining the map for the next.
    if version >= 2 {
        if !found_br {
            pairs.pop();
        }
        let pos = ALIGNMENT[version - 2];
        let last = pos.len() - 1;
        let mut cells: Vec<(usize, usize)> = Vec::new();
        for (i, _) in pos.iter().enumerate() {
            for (j, _) in pos.iter().enumerate() {
                // Three corners are finders, the fourth was searched above.
                let corner = (i == 0 || i == last) && (j == 0 || j == last);
                if !corner {
                    cells.push((i, j));
                }
            }
        }
        cells.sort_by_key(|&(i, j)| i.max(j) * 8 + i.min(j));
        let mut found = 0;
        for (searched, (i, j)) in cells.into_iter().enumerate() {
            // The patterns nearest the finders are the easiest to find: when
            // none of the first six is there, neither trio nor size is
            // right (or the symbol is too damaged to map this way).
            if deadline.passed() {
                return Attempt::Failed;
            }
            if searched == 6 && found == 0 && !found_br {
                break;
            }
            let (u, v) = (pos[i] as f32 + 0.5, pos[j] as f32 + 0.5);
            let (ex, ey) = map.map(u, v);
            let axes = map.axes(u, v);
            if let Some(p) = finder::find_alignment(view, ex, ey, axes, module, module * 2.0, deadline) {
                pairs.push(((u, v), p));
                found += 1;
                if let Some(m) = Perspective::fit(pairs, d) {
                    map = m;
                }
            }
        }
        if found == 0 && !found_br {
            pairs.push(((d - 3.5, d - 3.5), affine(d - 3.5, d - 3.5)));
            let Some(m) = Perspective::fit(pairs, d) else { return Attempt::Failed };
            map = m;
        }
    }
    // Cheap checks before the whole grid: a version block naming another
    // version, and a format block that reads.
    let at = |x: usize, y: usize| sample_one(src, &map, x, y);
    if version >= 7 {
        match read_version_blocks(&at, dim) {
            Some(v) if v != version => return Attempt::Version(v),
            _ => {}
        }
    }
    if !timing_fits(&at, dim) || !format_readable(&at, dim) {
        return Attempt::Failed;
    }
    for spread in [0.0, 0.2] {
        sample(src, &map, dim, spread, &mut scratch.modules);
        // Straight, then mirrored (some generators and screens flip codes).
        for mirror in [false, true] {
            let code = &mut scratch.code;
            code.size = dim as i32;
            code.cell_bitmap.fill(0);
            for (i, &m) in scratch.modules.iter().enumerate() {
                let i = if mirror { (i % dim) * dim + i / dim } else { i };
                code.cell_bitmap[i >> 3] |= m << (i & 7);
            }
            // quircs reads the format and corrects the codewords; the
            // segments are parsed here from the corrected codewords (a
            // stream that does not parse is not a read).
            if let Ok(data) = code.decode()
                && let Some(words) = codewords::data_codewords(code, data.version, data.ecc_level as usize, data.mask)
                && let Ok(version) = u8::try_from(data.version)
                && let Ok(parsed) = segments::parse(version, &words)
            {
                let ecc_level = match data.ecc_level {
                    quircs::EccLevel::L => EccLevel::L,
                    quircs::EccLevel::M => EccLevel::M,
                    quircs::EccLevel::Q => EccLevel::Q,
                    quircs::EccLevel::H => EccLevel::H,
                };
                scratch.read = Some(super::Read { version, ecc_level, parsed });
                return Attempt::Read([map.map(0.0, 0.0), map.map(d, 0.0), map.map(d, d), map.map(0.0, d)]);
            }
        }
    }
    Attempt::Failed
}

/// One module, dark or not.
fn sample_one(src: Source<'_>, map: &Perspective, mx: usize, my: usize) -> bool {
    let (x, y) = map.map(mx as f32 + 0.5, my as f32 + 0.5);
    let dark = src.grey.bilinear(x - 0.5, y - 0.5) <= src.bin.threshold_at(x, y);
    dark ^ src.inverted
}

/// Whether `bits` is within 2 bit errors of a BCH codeword of `n` data
/// bits and `k` check bits (generator `gen`), XORed with `mask`; returns
/// the data of the nearest.
fn bch_nearest(bits: u32, data_bits: u32, check_bits: u32, generator: u32, mask: u32, from: u32) -> Option<u32> {
    let mut best = None;
    for data in from..(1 << data_bits) {
        let mut rem = data << check_bits;
        for i in (check_bits..check_bits + data_bits).rev() {
            if rem & (1 << i) != 0 {
                rem ^= generator << (i - check_bits);
            }
        }
        let code = ((data << check_bits) | rem) ^ mask;
        let d = (code ^ bits).count_ones();
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, data));
        }
    }
    best.map(|(_, data)| data)
}

/// The version the two version blocks name (ISO/IEC 18004 7.10), if either
/// reads; `at(x, y)` is the module in column x, row y.
fn read_version_blocks(at: &impl Fn(usize, usize) -> bool, dim: usize) -> Option<usize> {
    let (mut a, mut b) = (0u32, 0u32);
    for j in (0..6).rev() {
        for i in (dim - 11..=dim - 9).rev() {
            a = (a << 1) | at(i, j) as u32;
            b = (b << 1) | at(j, i) as u32;
        }
    }
    [a, b].into_iter().find_map(|bits| bch_nearest(bits, 6, 12, 0x1f25, 0, 7)).map(|v| v as usize).filter(|v| *v <= 40)
}

/// Whether the timing patterns (row and column 6 between the finders,
/// alternating from dark) mostly read as they should: a grid of the wrong
/// size or position reads them about half wrong.
fn timing_fits(at: &impl Fn(usize, usize) -> bool, dim: usize) -> bool {
    let mut wrong = 0;
    for i in 8..dim - 8 {
        let want = i % 2 == 0;
        wrong += (at(i, 6) != want) as usize + (at(6, i) != want) as usize;
    }
    wrong * 10 <= (dim - 16) * 2 * 3
}

/// Whether either format block (ISO/IEC 18004 7.9), read straight or
/// mirrored, is a valid codeword.
fn format_readable(at: &impl Fn(usize, usize) -> bool, dim: usize) -> bool {
    for mirror in [false, true] {
        let get = |x: usize, y: usize| if mirror { at(y, x) } else { at(x, y) };
        let mut a = 0u32;
        for (x, y) in (0..6).map(|i| (i, 8)).chain([(7, 8), (8, 8), (8, 7)]).chain((0..6).rev().map(|j| (8, j))) {
            a = (a << 1) | get(x, y) as u32;
        }
        let mut b = 0u32;
        for (x, y) in (dim - 7..dim).rev().map(|j| (8, j)).chain((dim - 8..dim).map(|i| (i, 8))) {
            b = (b << 1) | get(x, y) as u32;
        }
        if [a, b].into_iter().any(|bits| bch_nearest(bits, 5, 10, 0x537, 0x5412, 0).is_some()) {
            return true;
        }
    }
    false
}

/// Reads every module: its grey level at the centre (or the mean of the
/// centre and four points `spread` modules away) against the local
/// threshold.
fn sample(src: Source<'_>, map: &Perspective, dim: usize, spread: f32, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(dim * dim);
    for my in 0..dim {
        for mx in 0..dim {
            let (u, v) = (mx as f32 + 0.5, my as f32 + 0.5);
            let (x, y) = map.map(u, v);
            let mut level = src.grey.bilinear(x - 0.5, y - 0.5);
            if spread > 0.0 {
                for (du, dv) in [(-spread, 0.0), (spread, 0.0), (0.0, -spread), (0.0, spread)] {
                    let (x, y) = map.map(u + du, v + dv);
                    level += src.grey.bilinear(x - 0.5, y - 0.5);
                }
                level /= 5.0;
            }
            let dark = level <= src.bin.threshold_at(x, y);
            out.push((dark ^ src.inverted) as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perspective_fits_four_points_exactly() {
        let pairs = [
            ((0.0, 0.0), (10.0, 20.0)),
            ((25.0, 0.0), (110.0, 25.0)),
            ((25.0, 25.0), (120.0, 140.0)),
            ((0.0, 25.0), (5.0, 118.0)),
        ];
        let p = Perspective::fit(&pairs, 25.0).unwrap();
        for ((u, v), (x, y)) in pairs {
            let (mx, my) = p.map(u, v);
            assert!((mx - x).abs() < 1e-3 && (my - y).abs() < 1e-3, "{mx},{my} vs {x},{y}");
        }
    }

    #[test]
    fn timing_patterns_count_the_version() {
        use qrcode::{Color, QrCode, Version};
        // Version 12 (65 modules) at 3 pixels a module, 12 pixels of quiet zone.
        let code = QrCode::with_version(b"HC1:TIMING", Version::Normal(12), qrcode::EcLevel::L).unwrap();
        let n = code.width();
        assert_eq!(n, 65);
        let colors = code.to_colors();
        let (m, q) = (3usize, 12usize);
        let side = n * m + 2 * q;
        let px = (0..side * side)
            .map(|i| {
                let (x, y) = (i % side, i / side);
                let inside = (q..q + n * m).contains(&x) && (q..q + n * m).contains(&y);
                if inside && colors[(y - q) / m * n + (x - q) / m] == Color::Dark { 30 } else { 220 }
            })
            .collect();
        let grey = Plane { w: side, h: side, px };
        let mut bin = Binary::default();
        assert!(bin.compute(&grey, crate::scan::binarize::Binarisation::Ground, &Deadline::NONE));
        let src = Source { grey: &grey, bin: &bin, inverted: false };
        let at =
            |u: f32, v: f32| Finder { x: q as f32 + u * m as f32, y: q as f32 + v * m as f32, module: 3.0, count: 1 };
        let (tl, tr, bl) = (at(3.5, 3.5), at(n as f32 - 3.5, 3.5), at(3.5, n as f32 - 3.5));
        let mut counted = [0u8; 41];
        timing_versions(src, &tl, &tr, &bl, &mut counted);
        timing_versions(src, &tl, &bl, &tr, &mut counted);
        assert_eq!(counted[12], 6, "{counted:?}");
        assert_eq!(counted.iter().map(|&c| c as u32).sum::<u32>(), 6);
    }

    #[test]
    fn degenerate_points_fit_nothing() {
        let pairs = [((0.0, 0.0), (1.0, 1.0)); 4];
        assert!(Perspective::fit(&pairs, 21.0).is_none());
    }
}
