//! Picture files (PNG, JPEG, GIF, WebP) to luma planes for the scanner: what a
//! phone's camera pipeline does, for files and gallery pictures.
//!
//! A picture is untrusted input: a file of a few hundred bytes can declare
//! 20 000 × 20 000 pixels, and a PNG colour profile of a few hundred
//! kilobytes can inflate to half a gigabyte. So every limit of
//! [`PictureLimits`] is checked on what the headers declare, before any
//! pixel buffer is allocated (the private module `header`), and the decoders are set up so
//! that nothing the headers did not account for is inflated:
//!
//! - PNG (the `png` crate): colour profiles (iCCP) and text chunks (tEXt,
//!   zTXt, iTXt) are skipped unread, never inflated; the rows are decoded
//!   one at a time straight into the luma plane, so a 16-bit RGBA picture
//!   costs no more than a grey one; the decoder's own allocations are held
//!   to [`PictureLimits::max_alloc`].
//! - JPEG (`zune-jpeg`): YCbCr and grey pictures are decoded straight to
//!   luma (the Y channel); width and height limits are passed to the
//!   decoder as well.
//!
//! - GIF (`gif`) and WebP (`image-webp`, lossy and lossless): the first
//!   frame of an animation, decoded to RGBA within
//!   [`PictureLimits::max_alloc`] (the frame buffer and the plane), then to
//!   luma; a GIF frame is drawn where it lies on its logical screen.
//!
//! Transparent pixels are composited onto white, as a viewer shows them.

mod decode;
mod header;

use std::fmt;

use crate::scan::LumaFrame;

/// Limits on what a picture may declare before it is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PictureLimits {
    /// Largest file, in bytes.
    pub max_file_bytes: usize,
    /// Widest and tallest picture, in pixels.
    pub max_side: u32,
    /// Most pixels (width × height).
    pub max_pixels: u64,
    /// Most bytes the decoder may allocate: the luma plane and the
    /// decoder's own buffers (a progressive JPEG keeps 2 bytes of every
    /// coefficient of every colour component).
    pub max_alloc: u64,
    /// Most bytes of metadata: PNG iCCP, tEXt, zTXt, iTXt and eXIf chunks,
    /// JPEG APPn (Exif, ICC profile, XMP) and COM segments, as stored.
    pub max_metadata: u64,
}

impl PictureLimits {
    /// The limits used unless the caller chooses others: phone photos up
    /// to 48 MiP (8064 × 6048, 8160 × 6144) read, anything larger is
    /// refused from its header.
    pub const DEFAULT: PictureLimits = PictureLimits {
        max_file_bytes: 64 * 1024 * 1024,
        max_side: 16_384,
        max_pixels: crate::scan::MAX_PIXELS as u64,
        max_alloc: 256 * 1024 * 1024,
        max_metadata: 16 * 1024 * 1024,
    };
}

impl Default for PictureLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why a picture cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PictureError {
    /// Not a PNG, JPEG, GIF or WebP file.
    Unrecognised,
    /// The file is larger than [`PictureLimits::max_file_bytes`].
    FileTooLarge {
        /// Bytes in the file.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The declared size is over [`PictureLimits::max_side`] or
    /// [`PictureLimits::max_pixels`].
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The side limit.
        max_side: u32,
        /// The pixel limit.
        max_pixels: u64,
    },
    /// Decoding would allocate more than [`PictureLimits::max_alloc`].
    TooMuchMemory {
        /// Bytes decoding needs.
        needed: u64,
        /// The limit.
        max: u64,
    },
    /// More metadata than [`PictureLimits::max_metadata`].
    TooMuchMetadata {
        /// Bytes of metadata.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// Less image data than any complete picture of the declared size
    /// needs (a truncated file, or a small file declaring a large size).
    Truncated {
        /// Bytes of image data present.
        bytes: u64,
        /// The least a complete picture needs.
        needed: u64,
    },
    /// A kind of picture this module does not read.
    Unsupported(&'static str),
    /// The file is malformed (the decoder's reason).
    Corrupt(String),
}

impl fmt::Display for PictureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PictureError::Unrecognised => f.write_str("not a PNG, JPEG, GIF or WebP picture"),
            PictureError::FileTooLarge { bytes, max } => {
                write!(f, "the picture file is {bytes} bytes, more than the {max}-byte limit")
            }
            PictureError::TooLarge { width, height, max_side, max_pixels } => write!(
                f,
                "the picture declares {width}x{height} pixels; at most {max_side} pixels a side and \
                 {max_pixels} pixels in all are read"
            ),
            PictureError::TooMuchMemory { needed, max } => {
                write!(f, "decoding the picture needs {needed} bytes, more than the {max}-byte limit")
            }
            PictureError::TooMuchMetadata { bytes, max } => {
                write!(f, "the picture carries {bytes} bytes of metadata, more than the {max}-byte limit")
            }
            PictureError::Truncated { bytes, needed } => write!(
                f,
                "the picture has {bytes} bytes of image data where its declared size needs at least {needed}: \
                 truncated"
            ),
            PictureError::Unsupported(what) => write!(f, "unsupported picture: {what}"),
            PictureError::Corrupt(why) => write!(f, "malformed picture: {why}"),
        }
    }
}

impl std::error::Error for PictureError {}

/// A decoded picture: its luma plane.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    /// Pixels, row by row, `width` bytes a row.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
}

impl fmt::Debug for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Picture {}x{}", self.width, self.height)
    }
}

impl Picture {
    /// The plane as a frame for the scanner.
    pub fn frame(&self) -> LumaFrame<'_> {
        LumaFrame { data: &self.data, width: self.width, height: self.height, stride: self.width }
    }
}

/// Whether `bytes` start like a PNG, JPEG, GIF or WebP file.
pub fn is_picture(bytes: &[u8]) -> bool {
    header::sniff(bytes).is_some()
}

/// The declared width and height, after the limits are checked: what
/// [`decode`] checks before it allocates anything.
pub fn check(bytes: &[u8], limits: &PictureLimits) -> Result<(u32, u32), PictureError> {
    check_header(bytes, limits).map(|h| (h.width, h.height))
}

fn check_header(bytes: &[u8], limits: &PictureLimits) -> Result<header::Header, PictureError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(PictureError::FileTooLarge { bytes: bytes.len(), max: limits.max_file_bytes });
    }
    let h = header::read(bytes)?;
    let pixels = u64::from(h.width) * u64::from(h.height);
    if h.width > limits.max_side || h.height > limits.max_side || pixels > limits.max_pixels {
        return Err(PictureError::TooLarge {
            width: h.width,
            height: h.height,
            max_side: limits.max_side,
            max_pixels: limits.max_pixels,
        });
    }
    if h.metadata > limits.max_metadata {
        return Err(PictureError::TooMuchMetadata { bytes: h.metadata, max: limits.max_metadata });
    }
    if h.alloc > limits.max_alloc {
        return Err(PictureError::TooMuchMemory { needed: h.alloc, max: limits.max_alloc });
    }
    if h.data < h.min_data {
        return Err(PictureError::Truncated { bytes: h.data, needed: h.min_data });
    }
    Ok(h)
}

/// Decodes a PNG, JPEG, GIF or WebP file to luma within `limits`.
pub fn decode(bytes: &[u8], limits: &PictureLimits) -> Result<Picture, PictureError> {
    let h = check_header(bytes, limits)?;
    match h.format {
        header::Format::Png => decode::png(bytes, &h, limits),
        header::Format::Jpeg => decode::jpeg(bytes, &h, limits),
        header::Format::Gif => decode::gif(bytes, &h, limits),
        header::Format::Webp => decode::webp(bytes, &h, limits),
    }
}

#[cfg(test)]
mod tests;
