//! Images (PNG, JPEG) to luma frames, and frames to QR payloads: what a
//! phone's camera pipeline does, for files.

use anyhow::Context as _;
use healthcert_core::scan::{self, Code, LumaFrame};

/// Whether `bytes` look like an image this module reads.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(b"\xff\xd8\xff")
}

/// A decoded image as a luma plane.
pub struct Luma {
    /// Pixels, row by row.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
}

impl Luma {
    /// The plane as a frame for the scanner.
    pub fn frame(&self) -> LumaFrame<'_> {
        LumaFrame { data: &self.data, width: self.width, height: self.height, stride: self.width }
    }
}

/// Decodes an image file's bytes to luma.
pub fn luma(bytes: &[u8]) -> anyhow::Result<Luma> {
    let mut reader =
        image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().context("unrecognised image")?;
    reader.limits({
        let mut l = image::Limits::default();
        l.max_alloc = Some(512 * 1024 * 1024);
        l
    });
    let img = reader.decode().context("cannot decode the image")?.to_luma8();
    let (width, height) = (img.width() as usize, img.height() as usize);
    Ok(Luma { data: img.into_raw(), width, height })
}

/// Every QR code in an image file's bytes.
pub fn codes(bytes: &[u8]) -> anyhow::Result<Vec<Code>> {
    let luma = luma(bytes)?;
    Ok(scan::scan(&luma.frame())?)
}
