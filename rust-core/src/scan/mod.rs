//! Reading QR codes from camera frames.
//!
//! A frame is a luma (Y) plane: one byte per pixel, rows `stride` bytes
//! apart, as Android's `ImageAnalysis` and iOS's bi-planar YUV buffers hand
//! it over. Codes are located and decoded with `rqrr`; every code's payload
//! is returned as raw bytes (byte-mode payloads such as DIVOC's zip survive
//! intact) and as text when it is UTF-8.

use std::fmt;

/// Largest frame accepted, in pixels (a 48-megapixel still; camera preview
/// frames are 1–8 megapixels).
pub const MAX_PIXELS: usize = 48_000_000;

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
        }
    }
}

impl std::error::Error for FrameError {}

/// One QR code found in a frame.
#[derive(Clone, PartialEq, Eq)]
pub struct Code {
    /// The payload, byte for byte.
    pub bytes: Vec<u8>,
    /// The payload as text, when it is UTF-8.
    pub text: Option<String>,
    /// The code's corners in frame pixels (top-left, top-right,
    /// bottom-right, bottom-left of the symbol).
    pub corners: [(i32, i32); 4],
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The payload is a certificate: personal data.
        write!(f, "Code {{ {} bytes, corners: {:?} }}", self.bytes.len(), self.corners)
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

/// Finds and decodes every QR code in a frame. A frame without codes gives
/// an empty list; only a malformed frame is an error.
pub fn scan(frame: &LumaFrame<'_>) -> Result<Vec<Code>, FrameError> {
    frame.validate()?;
    let (data, stride) = (frame.data, frame.stride);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(frame.width, frame.height, |x, y| data[y * stride + x]);
    let mut codes = Vec::new();
    for grid in prepared.detect_grids() {
        let mut bytes = Vec::new();
        if grid.decode_to(&mut bytes).is_err() {
            continue;
        }
        let b = grid.bounds;
        let corners = [(b[0].x, b[0].y), (b[1].x, b[1].y), (b[2].x, b[2].y), (b[3].x, b[3].y)];
        let text = String::from_utf8(bytes.clone()).ok();
        if !codes.iter().any(|c: &Code| c.bytes == bytes) {
            codes.push(Code { bytes, text, corners });
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(data: &[u8], width: usize, height: usize, stride: usize) -> Result<Vec<Code>, FrameError> {
        scan(&LumaFrame { data, width, height, stride })
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        assert_eq!(frame(&[], 0, 0, 0), Err(FrameError::Empty));
        assert_eq!(frame(&[0; 10], 10, 1, 5), Err(FrameError::StrideTooSmall { width: 10, stride: 5 }));
        assert_eq!(frame(&[0; 10], 4, 4, 4), Err(FrameError::BufferTooShort { needed: 16, given: 10 }));
        assert!(matches!(frame(&[0; 1], 10_000, 10_000, 10_000), Err(FrameError::TooLarge { .. })));
        assert_eq!(frame(&[0], 1, 1, 1), Ok(vec![]));
        assert_eq!(frame(&[0; 64 * 64], 64, 64, 64), Ok(vec![]));
        // The last row may end at the width, not the stride.
        assert_eq!(frame(&[255; 8 * 3 + 4], 4, 4, 8), Ok(vec![]));
    }
}
