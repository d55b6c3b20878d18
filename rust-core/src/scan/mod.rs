//! Reading QR codes from camera frames.
//!
//! A frame is a luma (Y) plane: one byte per pixel, rows `stride` bytes
//! apart, as Android's `ImageAnalysis` and iOS's bi-planar YUV buffers hand
//! it over. A [`Scanner`] keeps its buffers from frame to frame and, within
//! a time budget, tries one strategy after another until a code reads (the
//! budget is checked between strategies and inside them, see
//! [`Scanner::set_time_budget`]):
//!
//! 1. local-threshold binarisation (8×8 blocks, each against the mean of
//!    the 5×5 blocks around it: shadows, glare and gradients move the
//!    threshold with them), finder patterns searched at full resolution
//!    (runs in the ratio 1:1:3:1:1, or 2:4:4:2 edge to edge where blur
//!    has thickened the dark modules of a small symbol, along the row,
//!    the column and a diagonal);
//! 2. the same, light and dark swapped (inverted codes, dark-mode screens;
//!    the first scan keeps the row hits of this polarity, which only need
//!    confirming);
//! 3. finders searched at half resolution (large modules, blur, noise);
//! 4. thresholds from the textured blocks alone, flat blocks left out
//!    instead of taken as light ground (faded print, dim screens: the flat
//!    inside of a large dark module is lighter than half the ground), both
//!    polarities.
//!
//! For each plausible trio of finder patterns the symbol's size is
//! counted on its timing patterns and estimated from the finders' spacing,
//! a perspective map from the module grid to the frame is fitted and
//! refined on every alignment pattern found (each checked as a whole 5×5
//! pattern along the grid's axes), the modules are sampled
//! from the grey plane against the local thresholds, and `quircs` decodes
//! the grid's format and Reed–Solomon correction; the corrected data
//! codewords are then taken from the grid again and parsed into segments
//! here ([`segments`]: every mode and character set of ISO/IEC 18004, ECI,
//! structured append, FNC1). Every code's payload is returned as raw bytes
//! (byte-mode payloads such as DIVOC's zip survive intact) and as text when
//! its character sets decode it (else why not, [`Code::text_error`]), with
//! its version, error-correction level, segments and corners. A data stream
//! that does not parse (a segment running past the data, an unknown mode) is
//! not a read: no code is returned for it rather than a shortened payload.
//!
//! A frame (or crop) of more than [`HALVE_ABOVE`] pixels is scanned at
//! half resolution first (its codes' modules are many pixels wide), at full
//! resolution only when that reads nothing and the budget allows.
//!
//! A frame may hold several codes (a sheet of certificates, a family's
//! passes): once the most plausible trios have been tried, trios of
//! neighbouring finders among the remaining candidates are tried too, up
//! to [`MAX_CODES`] codes. Copies of one code at different places are
//! each listed.

mod binarize;
mod codewords;
mod finder;
mod grid;
pub mod segments;

pub use segments::{Fnc1, Mode, Segment, SegmentError, StructuredAppend, TextError};

use std::time::{Duration, Instant};

use std::fmt;

/// Largest frame accepted, in pixels: 48 MiP, a 48–50-megapixel still
/// (8064 × 6048, 8160 × 6144); camera preview frames are 1–8 megapixels.
pub const MAX_PIXELS: usize = 48 * 1024 * 1024;

/// Most codes returned for one frame.
pub const MAX_CODES: usize = 64;

/// Frames (or crops) of more pixels than this, 12 MiP, are first scanned at
/// half resolution, and at full resolution only if nothing reads and the
/// budget allows: the codes in a 48-megapixel photo have modules of many
/// pixels, and a quarter of the pixels costs a quarter of the time.
pub const HALVE_ABOVE: usize = 12 * 1024 * 1024;

/// A borrowed luma plane.
#[derive(Clone, Copy)]
pub struct LumaFrame<'a> {
    /// The plane: `height` rows of `stride` bytes, the first `width` of each
    /// being pixels (the last row may be exactly `width` long).
    pub data: &'a [u8],
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Bytes from the start of one row to the next.
    pub stride: usize,
}

impl fmt::Debug for LumaFrame<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LumaFrame {}x{} stride {} ({} bytes)", self.width, self.height, self.stride, self.data.len())
    }
}

/// Why a frame cannot be scanned (a caller's mistake, not "no code found").
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameError {
    /// Width or height is zero.
    Empty,
    /// The stride is smaller than the width.
    StrideTooSmall {
        /// Pixels per row.
        width: usize,
        /// Bytes per row given.
        stride: usize,
    },
    /// The buffer is shorter than the geometry says.
    BufferTooShort {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        given: usize,
    },
    /// More pixels than [`MAX_PIXELS`].
    TooLarge {
        /// Pixels in the frame.
        pixels: usize,
    },
    /// The crop rectangle reaches outside the frame.
    CropOutside {
        /// Frame width.
        width: usize,
        /// Frame height.
        height: usize,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Empty => f.write_str("the frame has no pixels"),
            FrameError::StrideTooSmall { width, stride } => {
                write!(f, "row stride {stride} is smaller than the width {width}")
            }
            FrameError::BufferTooShort { needed, given } => {
                write!(f, "the frame needs {needed} bytes but the buffer holds {given}")
            }
            FrameError::TooLarge { pixels } => write!(f, "{pixels} pixels is more than the {MAX_PIXELS} limit"),
            FrameError::CropOutside { width, height } => {
                write!(f, "the crop rectangle reaches outside the {width}x{height} frame")
            }
        }
    }
}

impl std::error::Error for FrameError {}

/// A QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EccLevel {
    /// About 7 % of codewords restorable.
    L,
    /// About 15 %.
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

impl EccLevel {
    /// `L`, `M`, `Q` or `H`.
    pub fn name(self) -> &'static str {
        match self {
            EccLevel::L => "L",
            EccLevel::M => "M",
            EccLevel::Q => "Q",
            EccLevel::H => "H",
        }
    }
}

/// The smallest version (1–40) whose symbol at `level` holds `segments`, as
/// an encoder that picks the version would choose it; `None` when none does.
pub fn smallest_version(segments: &[Segment], level: EccLevel) -> Option<u8> {
    let index = match level {
        EccLevel::M => 0,
        EccLevel::L => 1,
        EccLevel::H => 2,
        EccLevel::Q => 3,
    };
    (1..=40u8).find(|&v| {
        codewords::data_capacity(usize::from(v), index).is_some_and(|c| segments::bits_needed(segments, v) <= c * 8)
    })
}

/// One symbol as the grid reader gives it.
pub(crate) struct Read {
    version: u8,
    ecc_level: EccLevel,
    parsed: segments::Parsed,
}

/// One QR code found in a frame.
#[derive(Clone, PartialEq, Eq)]
pub struct Code {
    /// The payload, byte for byte (numeric and alphanumeric data as ASCII,
    /// byte data as it is, Kanji as Shift_JIS, Hanzi as GB 2312; see
    /// [`segments`]).
    pub bytes: Vec<u8>,
    /// The payload as text, when its character sets decode it.
    pub text: Option<String>,
    /// Why there is no text, when there is none.
    pub text_error: Option<TextError>,
    /// The code's corners in frame pixels (top-left, top-right,
    /// bottom-right, bottom-left of the symbol).
    pub corners: [(i32, i32); 4],
    /// The symbol's version, 1–40.
    pub version: u8,
    /// Its error-correction level.
    pub ecc_level: EccLevel,
    /// Its data segments, in order.
    pub segments: Vec<Segment>,
    /// Its structured append header, if any.
    pub structured_append: Option<StructuredAppend>,
    /// Its FNC1 mode (GS1 or AIM application), if any.
    pub fnc1: Option<Fnc1>,
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The payload is a certificate: personal data.
        write!(
            f,
            "Code {{ {} bytes, version {}, {} segments, corners: {:?} }}",
            self.bytes.len(),
            self.version,
            self.segments.len(),
            self.corners
        )
    }
}

impl<'a> LumaFrame<'a> {
    /// Checks the geometry against the buffer.
    pub fn validate(&self) -> Result<(), FrameError> {
        if self.width == 0 || self.height == 0 {
            return Err(FrameError::Empty);
        }
        if self.stride < self.width {
            return Err(FrameError::StrideTooSmall { width: self.width, stride: self.stride });
        }
        let pixels = self.width.saturating_mul(self.height);
        if pixels > MAX_PIXELS {
            return Err(FrameError::TooLarge { pixels });
        }
        let needed = self.stride.saturating_mul(self.height - 1).saturating_add(self.width);
        if self.data.len() < needed {
            return Err(FrameError::BufferTooShort { needed, given: self.data.len() });
        }
        Ok(())
    }
}

/// A rectangle of a frame, in pixels: the part to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crop {
    /// Left edge.
    pub x: usize,
    /// Top edge.
    pub y: usize,
    /// Width.
    pub width: usize,
    /// Height.
    pub height: usize,
}

/// Smallest side, in pixels, that can hold a QR code (version 1 has 21
/// modules); a smaller frame or crop has no code.
const MIN_SIDE: usize = 21;

/// The time a [`Scanner`] spends on one frame by default (see
/// [`Scanner::set_time_budget`]).
pub const DEFAULT_BUDGET: Duration = Duration::from_millis(150);

/// When the scan of a frame stops, checked between strategies and inside
/// them: every few finder scan rows, before each trio, each symbol version
/// tried and each alignment pattern searched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    /// No deadline.
    #[cfg(test)]
    pub(crate) const NONE: Deadline = Deadline(None);

    /// Whether the deadline has passed.
    #[inline]
    pub(crate) fn passed(&self) -> bool {
        self.0.is_some_and(|t| Instant::now() >= t)
    }
}

/// Most finder-pattern trios tried per strategy among the best candidates.
const MAX_TRIES: usize = 40;
/// Most trios of neighbouring finders tried per strategy after those (the
/// other codes of a frame holding several).
const MAX_NEIGHBOUR_TRIES: usize = 4 * MAX_CODES;
/// Neighbours of each finder paired into trios: a code's own two other
/// finders are among its nearest, with those of the codes beside it.
const NEIGHBOURS: usize = 8;
/// Most finder candidates considered per strategy (the best confirmed).
const MAX_CANDIDATES: usize = 16;

/// One way of looking at a frame.
struct Strategy {
    /// Finders searched at half resolution.
    half: bool,
    /// Light modules on a dark ground.
    inverted: bool,
    /// How flat blocks enter the local thresholds.
    binarisation: binarize::Binarisation,
}

const STRATEGIES: [Strategy; 6] = {
    use binarize::Binarisation::{Edges, Ground};
    [
        Strategy { half: false, inverted: false, binarisation: Ground },
        Strategy { half: false, inverted: true, binarisation: Ground },
        Strategy { half: true, inverted: false, binarisation: Ground },
        Strategy { half: true, inverted: true, binarisation: Ground },
        Strategy { half: false, inverted: false, binarisation: Edges },
        Strategy { half: false, inverted: true, binarisation: Edges },
    ]
};

/// Finds and decodes QR codes in frames, keeping its buffers from one frame
/// to the next (make one per camera stream).
pub struct Scanner {
    budget: Option<Duration>,
    grey: binarize::Plane,
    bin: binarize::Binary,
    bin_mode: Option<binarize::Binarisation>,
    half: binarize::Plane,
    half_bin: binarize::Binary,
    half_mode: Option<binarize::Binarisation>,
    finders: Vec<finder::Finder>,
    /// Row hits of the other polarity kept by the last scan, and the
    /// strategy (resolution, binarisation) they belong to.
    hits_other: Vec<finder::Hit>,
    other_for: Option<(bool, binarize::Binarisation)>,
    scratch: grid::Scratch,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new()
    }
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scanner {{ budget: {:?} }}", self.budget)
    }
}

impl Scanner {
    /// A scanner with the [`DEFAULT_BUDGET`].
    pub fn new() -> Self {
        Scanner {
            budget: Some(DEFAULT_BUDGET),
            grey: Default::default(),
            bin: Default::default(),
            bin_mode: None,
            half: Default::default(),
            half_bin: Default::default(),
            half_mode: None,
            finders: Vec::new(),
            hits_other: Vec::new(),
            other_for: None,
            scratch: Default::default(),
        }
    }

    /// Sets the time one frame may take: after it no further strategy is
    /// started, and the strategy under way stops at its next check (every
    /// few finder scan rows, before each trio, symbol version and alignment
    /// pattern search), keeping the codes already read. A frame that reads
    /// on its first strategy (almost every clean camera frame, in a few
    /// milliseconds) gives the same codes whatever the budget; a hostile
    /// frame costs the budget, not minutes. `None` tries every strategy to
    /// its end (deterministic: for tests and fuzzing).
    pub fn set_time_budget(&mut self, budget: Option<Duration>) {
        self.budget = budget;
    }

    /// Finds and decodes every QR code in a frame. A frame without codes
    /// gives an empty list; only a malformed frame is an error.
    pub fn scan(&mut self, frame: &LumaFrame<'_>) -> Result<Vec<Code>, FrameError> {
        self.scan_in(frame, None)
    }

    /// Like [`Scanner::scan`], searching only `crop` (corners are still in
    /// frame pixels).
    pub fn scan_in(&mut self, frame: &LumaFrame<'_>, crop: Option<Crop>) -> Result<Vec<Code>, FrameError> {
        frame.validate()?;
        let crop = crop.unwrap_or(Crop { x: 0, y: 0, width: frame.width, height: frame.height });
        let inside = crop.x.checked_add(crop.width).is_some_and(|r| r <= frame.width)
            && crop.y.checked_add(crop.height).is_some_and(|b| b <= frame.height);
        if !inside {
            return Err(FrameError::CropOutside { width: frame.width, height: frame.height });
        }
        let mut codes = Vec::new();
        if crop.width < MIN_SIDE || crop.height < MIN_SIDE {
            return Ok(codes);
        }
        let deadline = Deadline(self.budget.map(|b| Instant::now() + b));
        let offset = crop.y * frame.stride + crop.x;
        let origin = (crop.x as f32, crop.y as f32);
        if crop.width * crop.height > HALVE_ABOVE {
            self.grey.copy_halved_from(frame.data, offset, frame.stride, crop.width, crop.height);
            self.run_strategies(&deadline, (origin, 2.0), &mut codes);
            if !codes.is_empty() || deadline.passed() {
                return Ok(codes);
            }
        }
        self.grey.copy_from(frame.data, offset, frame.stride, crop.width, crop.height);
        self.run_strategies(&deadline, (origin, 1.0), &mut codes);
        Ok(codes)
    }

    /// Tries the strategies on the grey plane until one reads a code or
    /// the deadline passes; `place` maps the plane to the frame (its
    /// origin, and the frame pixels of one plane pixel).
    fn run_strategies(&mut self, deadline: &Deadline, place: ((f32, f32), f32), codes: &mut Vec<Code>) {
        self.bin_mode = None;
        self.half_mode = None;
        self.other_for = None;
        for s in &STRATEGIES {
            if deadline.passed() {
                break;
            }
            if self.bin_mode != Some(s.binarisation) {
                self.bin_mode = None;
                if !self.bin.compute(&self.grey, s.binarisation, deadline) {
                    break;
                }
                self.bin_mode = Some(s.binarisation);
            }
            if s.half {
                if self.grey.w / 2 < MIN_SIDE || self.grey.h / 2 < MIN_SIDE {
                    continue;
                }
                if self.half_mode != Some(s.binarisation) {
                    if self.half_mode.is_none() {
                        self.grey.halve_into(&mut self.half);
                    }
                    self.half_mode = None;
                    if !self.half_bin.compute(&self.half, s.binarisation, deadline) {
                        break;
                    }
                    self.half_mode = Some(s.binarisation);
                }
            }
            let (bin, h, scale) =
                if s.half { (&self.half_bin, self.half.h, 2.0) } else { (&self.bin, self.grey.h, 1.0) };
            // The scan for one polarity finds the other's finders in the
            // same runs: kept for the inverted strategy that follows.
            let key = (s.half, s.binarisation);
            let view = finder::View { bin, inverted: s.inverted };
            if s.inverted && self.other_for == Some(key) {
                finder::confirm_hits(view, &self.hits_other, &mut self.finders, deadline);
            } else {
                let other = (!s.inverted).then_some(&mut self.hits_other);
                let complete = finder::find_finders(view, row_step(h), &mut self.finders, other, deadline);
                self.other_for = (!s.inverted && complete).then_some(key);
            }
            for f in &mut self.finders {
                f.x *= scale;
                f.y *= scale;
                f.module *= scale;
            }
            let src = grid::Source { grey: &self.grey, bin: &self.bin, inverted: s.inverted };
            read_all(src, &self.finders, &mut self.scratch, place, codes, deadline);
            if !codes.is_empty() {
                break;
            }
        }
    }
}

/// Rows between finder scan lines: every second row of a camera frame.
fn row_step(h: usize) -> usize {
    (h / 300).clamp(1, 3)
}

/// Tries the most plausible trios of finder candidates, best first, then
/// trios of neighbouring finders among the confirmed candidates left (the
/// other codes of a frame holding several); each finder serves one symbol
/// at most.
fn read_all(
    src: grid::Source<'_>,
    finders: &[finder::Finder],
    scratch: &mut grid::Scratch,
    place: ((f32, f32), f32),
    codes: &mut Vec<Code>,
    deadline: &Deadline,
) {
    let mut order: Vec<usize> = (0..finders.len()).collect();
    order.sort_by(|&a, &b| finders[b].count.cmp(&finders[a].count));
    let confirmed = order.iter().filter(|&&i| finders[i].count >= 2).count();
    order.truncate(if confirmed >= 3 { confirmed.min(MAX_CANDIDATES) } else { MAX_CANDIDATES });
    let mut trios = Vec::new();
    for (a, &i) in order.iter().enumerate() {
        for (b, &j) in order.iter().enumerate().skip(a + 1) {
            for &k in &order[b + 1..] {
                if let Some(score) = grid::triple_score([&finders[i], &finders[j], &finders[k]]) {
                    trios.push((score, [i, j, k]));
                }
            }
        }
    }
    trios.sort_by(|x, y| x.0.total_cmp(&y.0));
    trios.truncate(MAX_TRIES);
    let mut reader = Reader { src, finders, scratch, place, used: vec![false; finders.len()], deadline };
    for &(_, t) in &trios {
        if codes.len() >= MAX_CODES || deadline.passed() {
            return;
        }
        reader.try_trio(t, codes);
    }
    // The confirmed candidates left beyond those: trios of each with two
    // of its nearest (of a like module size), unless already tried.
    let pool: Vec<usize> = (0..finders.len()).filter(|&i| finders[i].count >= 2 && !reader.used[i]).collect();
    if pool.len() < 3 || pool.iter().all(|i| order.contains(i)) {
        return;
    }
    let mut tried: Vec<[usize; 3]> = trios
        .iter()
        .map(|&(_, mut t)| {
            t.sort_unstable();
            t
        })
        .collect();
    tried.sort_unstable();
    let mut local = Vec::new();
    let mut near: Vec<(f32, usize)> = Vec::with_capacity(pool.len());
    for &i in &pool {
        let f = &finders[i];
        near.clear();
        near.extend(pool.iter().filter(|&&j| j != i).map(|&j| {
            let g = &finders[j];
            ((g.x - f.x).powi(2) + (g.y - f.y).powi(2), j)
        }));
        if near.len() > NEIGHBOURS {
            near.select_nth_unstable_by(NEIGHBOURS - 1, |a, b| a.0.total_cmp(&b.0));
            near.truncate(NEIGHBOURS);
        }
        for (a, &(_, j)) in near.iter().enumerate() {
            for &(_, k) in &near[a + 1..] {
                let mut t = [i, j, k];
                t.sort_unstable();
                if tried.binary_search(&t).is_err()
                    && let Some(score) = grid::triple_score([&finders[i], &finders[j], &finders[k]])
                {
                    local.push((score, t));
                }
            }
        }
    }
    // Each trio is found from each of its finders: once is enough.
    local.sort_unstable_by_key(|x| x.1);
    local.dedup_by(|x, y| x.1 == y.1);
    local.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    for &(_, t) in local.iter().take(MAX_NEIGHBOUR_TRIES) {
        if codes.len() >= MAX_CODES || deadline.passed() {
            return;
        }
        reader.try_trio(t, codes);
    }
}

/// Reads symbols from trios of one strategy's finder candidates.
struct Reader<'a, 'b> {
    src: grid::Source<'a>,
    finders: &'a [finder::Finder],
    scratch: &'b mut grid::Scratch,
    /// The plane's origin in the frame, and frame pixels per plane pixel.
    place: ((f32, f32), f32),
    /// Candidates that are a decoded symbol's finders or lie inside it.
    used: Vec<bool>,
    deadline: &'b Deadline,
}

impl Reader<'_, '_> {
    /// Reads the symbol of trio `t` unless one of its finders is used, and
    /// adds it to `codes` unless it is a code already read at that place.
    fn try_trio(&mut self, t: [usize; 3], codes: &mut Vec<Code>) {
        if t.iter().any(|&i| self.used[i]) {
            return;
        }
        let Some(corners) = grid::read(self.src, t.map(|i| self.finders[i]), self.scratch, self.deadline) else {
            return;
        };
        t.iter().for_each(|&i| self.used[i] = true);
        // Candidates inside a decoded symbol are its data, not the finders
        // of another code.
        for (i, f) in self.finders.iter().enumerate() {
            if inside(&corners, (f.x, f.y)) {
                self.used[i] = true;
            }
        }
        let ((ox, oy), zoom) = self.place;
        let corners = corners.map(|(x, y)| (x * zoom + ox, y * zoom + oy));
        let centre = (corners.iter().map(|c| c.0).sum::<f32>() / 4.0, corners.iter().map(|c| c.1).sum::<f32>() / 4.0);
        let Some(read) = self.scratch.read.take() else { return };
        let bytes = read.parsed.bytes;
        if codes.iter().any(|c| c.bytes == bytes && inside(&c.corners.map(|(x, y)| (x as f32, y as f32)), centre)) {
            return;
        }
        let (text, text_error) = match read.parsed.text {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e)),
        };
        let corners = corners.map(|(x, y)| (x.round() as i32, y.round() as i32));
        codes.push(Code {
            bytes,
            text,
            text_error,
            corners,
            version: read.version,
            ecc_level: read.ecc_level,
            segments: read.parsed.segments,
            structured_append: read.parsed.structured_append,
            fnc1: read.parsed.fnc1,
        });
    }
}

/// Whether `p` lies inside the convex quadrilateral `q` (either winding).
fn inside(q: &[(f32, f32); 4], p: (f32, f32)) -> bool {
    let mut sign = 0.0f32;
    for k in 0..4 {
        let (a, b) = (q[k], q[(k + 1) % 4]);
        let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        if cross * sign < 0.0 {
            return false;
        }
        if cross != 0.0 {
            sign = cross;
        }
    }
    true
}

/// Finds and decodes every QR code in a frame with a fresh [`Scanner`]
/// (a camera stream should keep one). A frame without codes gives an empty
/// list; only a malformed frame is an error.
pub fn scan(frame: &LumaFrame<'_>) -> Result<Vec<Code>, FrameError> {
    Scanner::new().scan(frame)
}

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod mode_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::{Color, QrCode};

    fn frame(data: &[u8], width: usize, height: usize, stride: usize) -> Result<Vec<Code>, FrameError> {
        scan(&LumaFrame { data, width, height, stride })
    }

    /// `payload` as a QR code, `module` pixels per module, dark on light
    /// (or light on dark), its top-left corner at (x0, y0) of a frame of
    /// `h` rows `stride` apart.
    fn render(
        payload: &[u8],
        module: usize,
        inverted: bool,
        (x0, y0): (usize, usize),
        h: usize,
        stride: usize,
    ) -> Vec<u8> {
        let code = QrCode::new(payload).expect("fits");
        let n = code.width();
        let colors = code.to_colors();
        let (dark, light) = if inverted { (220, 40) } else { (30, 210) };
        let mut px = vec![light; stride * h];
        for y in 0..n * module {
            for x in 0..n * module {
                if colors[(y / module) * n + x / module] == Color::Dark {
                    px[(y0 + y) * stride + x0 + x] = dark;
                }
            }
        }
        px
    }

    fn scanner() -> Scanner {
        let mut s = Scanner::new();
        s.set_time_budget(None);
        s
    }

    #[test]
    fn reads_a_code_with_its_corners() {
        let text = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO6+IUKRG*I.I3BMJJ0IR3S:53KJ3T";
        let px = render(text.as_bytes(), 3, false, (40, 30), 240, 333);
        let codes = scanner().scan(&LumaFrame { data: &px, width: 320, height: 240, stride: 333 }).unwrap();
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].text.as_deref(), Some(text));
        let side = QrCode::new(text.as_bytes()).unwrap().width() as i32 * 3;
        let want = [(40, 30), (40 + side, 30), (40 + side, 30 + side), (40, 30 + side)];
        for (got, want) in codes[0].corners.iter().zip(want) {
            assert!((got.0 - want.0).abs() <= 2 && (got.1 - want.1).abs() <= 2, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn binary_payloads_survive_byte_for_byte() {
        let payload: Vec<u8> = (0..300u32).map(|i| (i * 151 % 256) as u8).collect();
        let px = render(&payload, 3, false, (20, 20), 400, 400);
        let codes = scanner().scan(&LumaFrame { data: &px, width: 400, height: 400, stride: 400 }).unwrap();
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].bytes, payload);
        // Not UTF-8 and no ECI: ISO-8859-1, byte for character.
        let latin1: String = payload.iter().map(|&b| char::from(b)).collect();
        assert_eq!(codes[0].text.as_deref(), Some(latin1.as_str()));
        assert_eq!((codes[0].version, codes[0].segments.len()), (13, 1));
    }

    #[test]
    fn reads_every_code_in_a_frame() {
        let (w, h) = (520, 240);
        let a = render(b"HC1:FIRST-CODE-IN-THE-FRAME", 4, false, (20, 30), h, w);
        let b = render(b"shc:/56762909524320603460292437404460", 4, false, (300, 60), h, w);
        let px: Vec<u8> = a.iter().zip(&b).map(|(&x, &y)| x.min(y)).collect();
        let codes = scanner().scan(&LumaFrame { data: &px, width: w, height: h, stride: w }).unwrap();
        let mut texts: Vec<_> = codes.iter().filter_map(|c| c.text.as_deref()).collect();
        texts.sort();
        assert_eq!(texts, ["HC1:FIRST-CODE-IN-THE-FRAME", "shc:/56762909524320603460292437404460"]);
    }

    #[test]
    fn reads_inverted_codes() {
        let px = render(b"shc:/5676290952432060346029243740", 4, true, (30, 30), 200, 240);
        let codes = scanner().scan(&LumaFrame { data: &px, width: 240, height: 200, stride: 240 }).unwrap();
        assert_eq!(codes[0].text.as_deref(), Some("shc:/5676290952432060346029243740"));
    }

    #[test]
    fn crops_search_part_of_the_frame_and_report_frame_corners() {
        let px = render(b"HC1:CROPPED", 3, false, (150, 100), 240, 320);
        let f = LumaFrame { data: &px, width: 320, height: 240, stride: 320 };
        let mut s = scanner();
        let inside = s.scan_in(&f, Some(Crop { x: 120, y: 80, width: 150, height: 150 })).unwrap();
        assert_eq!(inside[0].text.as_deref(), Some("HC1:CROPPED"));
        assert!((inside[0].corners[0].0 - 150).abs() <= 2, "{:?}", inside[0].corners);
        assert_eq!(s.scan_in(&f, Some(Crop { x: 0, y: 0, width: 100, height: 100 })), Ok(vec![]));
        assert_eq!(
            s.scan_in(&f, Some(Crop { x: 300, y: 0, width: 100, height: 10 })),
            Err(FrameError::CropOutside { width: 320, height: 240 })
        );
        assert!(s.scan_in(&f, Some(Crop { x: usize::MAX, y: 0, width: 2, height: 2 })).is_err());
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        assert_eq!(frame(&[], 0, 0, 0), Err(FrameError::Empty));
        assert_eq!(frame(&[0; 10], 10, 1, 5), Err(FrameError::StrideTooSmall { width: 10, stride: 5 }));
        assert_eq!(frame(&[0; 10], 4, 4, 4), Err(FrameError::BufferTooShort { needed: 16, given: 10 }));
        assert!(matches!(frame(&[0; 1], 10_000, 10_000, 10_000), Err(FrameError::TooLarge { .. })));
        // A stride that does not match the buffer (a 640-wide plane read
        // with a 1024 stride) is too short, not a crash.
        assert!(matches!(frame(&[0; 640 * 480], 640, 480, 1024), Err(FrameError::BufferTooShort { .. })));
        assert_eq!(frame(&[0], 1, 1, 1), Ok(vec![]));
        assert_eq!(frame(&[0; 64 * 64], 64, 64, 64), Ok(vec![]));
        // The last row may end at the width, not the stride.
        assert_eq!(frame(&[255; 8 * 3 + 4], 4, 4, 8), Ok(vec![]));
    }

    #[test]
    fn frames_without_codes_find_nothing() {
        let (w, h) = (640, 480);
        let mut state = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..w * h)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        let mut s = scanner();
        for data in [noise, vec![0; w * h], vec![255; w * h]] {
            assert_eq!(s.scan(&LumaFrame { data: &data, width: w, height: h, stride: w }), Ok(vec![]));
        }
        // Stripes and checkerboards: runs everywhere, no symbol.
        let stripes: Vec<u8> = (0..w * h).map(|i| if (i % w) / 3 % 2 == 0 { 0 } else { 255 }).collect();
        let checker: Vec<u8> = (0..w * h).map(|i| if ((i % w) / 2 + (i / w) / 2) % 2 == 0 { 0 } else { 255 }).collect();
        for data in [stripes, checker] {
            assert_eq!(s.scan(&LumaFrame { data: &data, width: w, height: h, stride: w }), Ok(vec![]));
        }
    }
}
