//! Grey planes and their binarisation by local thresholds.
//!
//! The threshold of each 8×8 block is the mean of the 5×5 blocks around it
//! (the "hybrid" binariser of ZXing): a shadow, a glare spot or a gradient
//! across the code moves the threshold with it. Blocks whose range is below
//! a minimum contrast are flat: either taken as light ground borrowing
//! their neighbours' level ([`Binarisation::Ground`], ZXing's rule, so that
//! flat areas do not turn into noise), or left out of the thresholds
//! altogether ([`Binarisation::Edges`]: a block's threshold is the mean of
//! the textured blocks around it). The second reads faded codes: inside a
//! large module of a low-contrast code the blocks are flat, and "half the
//! minimum" (ZXing's ground level) is darker than its dark modules.

use super::Deadline;

/// How flat blocks enter the thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Binarisation {
    /// A block with a range (max − min) of 24 or less is light ground: its
    /// level is half its minimum unless the blocks above and to the left
    /// are darker (ZXing's rule).
    Ground,
    /// A block with a range of 20 or less adds nothing: thresholds are the
    /// mean level of the textured blocks around; with none around,
    /// everything is light. 20 is above the spread that sensor noise gives
    /// an 8×8 block of even ground (about 15 at a noise of 3 grey levels)
    /// and below the edges of a faded code.
    Edges,
}

impl Binarisation {
    /// The block range at or below which a block is flat.
    fn min_range(self) -> u8 {
        match self {
            Binarisation::Ground => 24,
            Binarisation::Edges => 20,
        }
    }
}

/// Side of a threshold block, in pixels.
pub(super) const BLOCK: usize = 8;

/// A grey plane owned by the scanner (its buffer is reused across frames).
#[derive(Default)]
pub(super) struct Plane {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

impl Plane {
    /// Copies `h` rows of `w` pixels, `stride` apart, from `data` at `offset`.
    pub(super) fn copy_from(&mut self, data: &[u8], offset: usize, stride: usize, w: usize, h: usize) {
        self.w = w;
        self.h = h;
        self.px.clear();
        self.px.reserve(w * h);
        for y in 0..h {
            let start = offset + y * stride;
            self.px.extend_from_slice(&data[start..start + w]);
        }
    }

    /// Like [`Plane::copy_from`] at half the size, each pixel the mean of
    /// a 2×2 square.
    pub(super) fn copy_halved_from(&mut self, data: &[u8], offset: usize, stride: usize, w: usize, h: usize) {
        let (hw, hh) = (w / 2, h / 2);
        self.w = hw;
        self.h = hh;
        self.px.clear();
        self.px.reserve(hw * hh);
        for y in 0..hh {
            let r0 = &data[offset + 2 * y * stride..][..2 * hw];
            let r1 = &data[offset + (2 * y + 1) * stride..][..2 * hw];
            self.px.extend(
                r0.chunks_exact(2)
                    .zip(r1.chunks_exact(2))
                    .map(|(a, b)| ((a[0] as u16 + a[1] as u16 + b[0] as u16 + b[1] as u16 + 2) / 4) as u8),
            );
        }
    }

    /// This plane at half the size, each pixel the mean of a 2×2 square.
    pub(super) fn halve_into(&self, out: &mut Plane) {
        let (w, h) = (self.w / 2, self.h / 2);
        out.w = w;
        out.h = h;
        out.px.clear();
        out.px.reserve(w * h);
        for y in 0..h {
            let r0 = &self.px[2 * y * self.w..][..2 * w];
            let r1 = &self.px[(2 * y + 1) * self.w..][..2 * w];
            out.px.extend(
                r0.chunks_exact(2)
                    .zip(r1.chunks_exact(2))
                    .map(|(a, b)| ((a[0] as u16 + a[1] as u16 + b[0] as u16 + b[1] as u16 + 2) / 4) as u8),
            );
        }
    }

    /// The value at (x, y), interpolated between the four pixels around it.
    pub(super) fn bilinear(&self, x: f32, y: f32) -> f32 {
        let x = x.clamp(0.0, (self.w - 1) as f32);
        let y = y.clamp(0.0, (self.h - 1) as f32);
        let (x0, y0) = (x as usize, y as usize);
        let (x1, y1) = ((x0 + 1).min(self.w - 1), (y0 + 1).min(self.h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let p = |xx: usize, yy: usize| self.px[yy * self.w + xx] as f32;
        let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * fx;
        let bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * fx;
        top + (bottom - top) * fy
    }
}

/// A binarised plane: one byte per pixel, 1 for dark, and the threshold of
/// every block (to classify samples taken from the grey plane).
#[derive(Default)]
pub(super) struct Binary {
    pub w: usize,
    pub h: usize,
    pub bits: Vec<u8>,
    /// Blocks per row and per column.
    bw: usize,
    bh: usize,
    /// Per block: its level and whether it is flat (scratch), then its
    /// threshold.
    level: Vec<u8>,
    flat: Vec<bool>,
    pub threshold: Vec<u8>,
}

impl Binary {
    /// Binarises `plane`, flat blocks treated as `mode` says; returns
    /// whether it finished before `deadline` (checked every block row).
    pub(super) fn compute(&mut self, plane: &Plane, mode: Binarisation, deadline: &Deadline) -> bool {
        let (w, h) = (plane.w, plane.h);
        self.w = w;
        self.h = h;
        self.bits.clear();
        self.bits.resize(w * h, 0);
        if w < BLOCK || h < BLOCK {
            return true;
        }
        let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
        self.bw = bw;
        self.bh = bh;
        self.level.clear();
        self.level.resize(bw * bh, 0);
        self.threshold.clear();
        self.threshold.resize(bw * bh, 0);
        self.flat.clear();
        self.flat.resize(bw * bh, false);
        // The last block of a row or column overlaps its neighbour so that
        // every block is whole.
        let origin = |b: usize, limit: usize| (b * BLOCK).min(limit - BLOCK);
        // Per block row: each column's sum, minimum and maximum over the
        // block's rows (element-wise over whole rows, which the compiler
        // vectorises), then each block's from its columns.
        let mut col_sum = vec![0u16; w];
        let mut col_min = vec![255u8; w];
        let mut col_max = vec![0u8; w];
        for by in 0..bh {
            if deadline.passed() {
                return false;
            }
            let y0 = origin(by, h);
            col_sum.fill(0);
            col_min.fill(255);
            col_max.fill(0);
            for row in plane.px[y0 * w..(y0 + BLOCK) * w].chunks_exact(w) {
                for (((s, lo), hi), &p) in col_sum.iter_mut().zip(col_min.iter_mut()).zip(col_max.iter_mut()).zip(row) {
                    *s += p as u16;
                    *lo = (*lo).min(p);
                    *hi = (*hi).max(p);
                }
            }
            for bx in 0..bw {
                let x0 = origin(bx, w);
                let sum: u32 = col_sum[x0..x0 + BLOCK].iter().map(|&s| s as u32).sum();
                let min = col_min[x0..x0 + BLOCK].iter().copied().fold(255, u8::min);
                let max = col_max[x0..x0 + BLOCK].iter().copied().fold(0, u8::max);
                let mut avg = (sum / (BLOCK * BLOCK) as u32) as u8;
                let flat = max - min <= mode.min_range();
                self.flat[by * bw + bx] = flat;
                if flat && mode == Binarisation::Ground {
                    // Flat: the ground, most likely light. Take half the
                    // minimum unless the neighbours say the ground is darker.
                    avg = min / 2;
                    if by > 0 && bx > 0 {
                        let l = &self.level;
                        let n = (l[(by - 1) * bw + bx] as u32
                            + 2 * l[by * bw + bx - 1] as u32
                            + l[(by - 1) * bw + bx - 1] as u32)
                            / 4;
                        if (min as u32) < n {
                            avg = n as u8;
                        }
                    }
                }
                self.level[by * bw + bx] = avg;
            }
        }
        let mut t_row = vec![0u8; bw];
        // The threshold of every pixel of a block row (the last block of
        // the row, overlapping its neighbour, wins where they overlap).
        let mut t_px = vec![0u8; w];
        // Per block column: the sum and count of the levels that count
        // over the five block rows of the window (separable 5×5 means).
        let mut v_sum = vec![0u32; bw];
        let mut v_n = vec![0u32; bw];
        let (mut p_sum, mut p_n) = (vec![0u32; bw + 1], vec![0u32; bw + 1]);
        let counts = |f: bool| !(f && mode == Binarisation::Edges);
        let mut last_cy = None;
        for by in 0..bh {
            if deadline.passed() {
                return false;
            }
            let cy = by.clamp(2, bh.saturating_sub(3).max(2));
            // Edge rows share their window with their neighbour.
            if last_cy != Some(cy) {
                last_cy = Some(cy);
                v_sum.fill(0);
                v_n.fill(0);
                for yy in cy.saturating_sub(2)..(cy + 3).min(bh) {
                    let r = yy * bw..(yy + 1) * bw;
                    for (((s, n), &l), &f) in
                        v_sum.iter_mut().zip(v_n.iter_mut()).zip(&self.level[r.clone()]).zip(&self.flat[r])
                    {
                        let c = counts(f) as u32;
                        *s += l as u32 * c;
                        *n += c;
                    }
                }
            }
            // Prefix sums along the row: each window is one subtraction.
            let (mut s, mut n) = (0u32, 0u32);
            for bx in 0..bw {
                (p_sum[bx], p_n[bx]) = (s, n);
                s += v_sum[bx];
                n += v_n[bx];
            }
            (p_sum[bw], p_n[bw]) = (s, n);
            for (bx, t) in t_row.iter_mut().enumerate() {
                let cx = bx.clamp(2, bw.saturating_sub(3).max(2));
                let (lo, hi) = (cx.saturating_sub(2), (cx + 3).min(bw));
                let sum = p_sum[hi] - p_sum[lo];
                let n = p_n[hi] - p_n[lo];
                // Dividing by the constant compiles to a multiplication.
                *t = if n == 25 { sum / 25 } else { sum / n.max(1) } as u8;
            }
            self.threshold[by * bw..(by + 1) * bw].copy_from_slice(&t_row);
            for (bx, &t) in t_row.iter().enumerate() {
                let x0 = origin(bx, w);
                t_px[x0..x0 + BLOCK].fill(t);
            }
            let y0 = origin(by, h);
            for y in y0..y0 + BLOCK {
                let src = &plane.px[y * w..(y + 1) * w];
                let dst = &mut self.bits[y * w..(y + 1) * w];
                for ((d, &p), &t) in dst.iter_mut().zip(src).zip(&t_px) {
                    *d = (p <= t) as u8;
                }
            }
        }
        true
    }

    /// The threshold that applies at (x, y).
    pub(super) fn threshold_at(&self, x: f32, y: f32) -> f32 {
        if self.threshold.is_empty() {
            return 128.0;
        }
        let bx = ((x.max(0.0) as usize) / BLOCK).min(self.bw - 1);
        let by = ((y.max(0.0) as usize) / BLOCK).min(self.bh - 1);
        self.threshold[by * self.bw + bx] as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gradient_does_not_swallow_the_pattern() {
        // Dark and light columns of 4 pixels under a strong left-to-right gradient.
        let (w, h) = (64, 32);
        let mut plane = Plane { w, h, px: vec![0; w * h] };
        for y in 0..h {
            for x in 0..w {
                let light = 60 + x as u32 * 3;
                let v = if (x / 4) % 2 == 0 { light / 3 } else { light };
                plane.px[y * w + x] = v as u8;
            }
        }
        let mut bin = Binary::default();
        assert!(bin.compute(&plane, Binarisation::Ground, &Deadline::NONE));
        for x in 8..56 {
            assert_eq!(bin.bits[16 * w + x], ((x / 4) % 2 == 0) as u8, "column {x}");
        }
    }

    #[test]
    fn faded_large_modules_read_on_their_edges() {
        // A faded checkerboard of 24-pixel modules (grey 100 and 130),
        // offset so that some blocks straddle edges and some lie inside a
        // module, flat.
        let (w, h) = (96, 96);
        let dark_at = |x: usize, y: usize| ((x + 20) / 24 + (y + 20) / 24).is_multiple_of(2);
        let mut plane = Plane { w, h, px: vec![0; w * h] };
        for y in 0..h {
            for x in 0..w {
                plane.px[y * w + x] = if dark_at(x, y) { 100 } else { 130 };
            }
        }
        let mut bin = Binary::default();
        let wrong = |bin: &Binary| (0..w * h).filter(|&i| (bin.bits[i] == 1) != dark_at(i % w, i / w)).count();
        assert!(bin.compute(&plane, Binarisation::Edges, &Deadline::NONE));
        assert_eq!(wrong(&bin), 0);
        // As light ground, the flat insides of the dark modules (half their
        // minimum is 50) come out light.
        assert!(bin.compute(&plane, Binarisation::Ground, &Deadline::NONE));
        assert!(wrong(&bin) > w * h / 10, "{}", wrong(&bin));
    }

    #[test]
    fn halving_averages() {
        let plane = Plane { w: 4, h: 2, px: vec![0, 4, 8, 8, 0, 4, 8, 8] };
        let mut half = Plane::default();
        plane.halve_into(&mut half);
        assert_eq!((half.w, half.h, half.px.as_slice()), (2, 1, &[2u8, 8][..]));
    }
}
