//! Picture files (PNG, JPEG) to QR payloads for the command line: the
//! pictures are decoded by [`healthcert_core::picture`] within its default
//! limits (checked from the headers before any pixel buffer is allocated),
//! and scanned with a budget for still pictures.

use std::time::Duration;

use healthcert_core::picture::{self, PictureLimits};
use healthcert_core::scan::{Code, Scanner};

pub use healthcert_core::picture::{Picture as Luma, PictureError};

/// The scan budget for a picture file: a still is scanned once, not one
/// frame of a stream, so it gets more time than a camera frame.
pub const PICTURE_BUDGET: Duration = Duration::from_secs(1);

/// Whether `bytes` look like an image this module reads.
pub fn is_image(bytes: &[u8]) -> bool {
    picture::is_picture(bytes)
}

/// Decodes an image file's bytes to luma, within [`PictureLimits::DEFAULT`].
pub fn luma(bytes: &[u8]) -> Result<Luma, PictureError> {
    picture::decode(bytes, &PictureLimits::DEFAULT)
}

/// Every QR code in an image file's bytes.
pub fn codes(bytes: &[u8]) -> anyhow::Result<Vec<Code>> {
    let luma = luma(bytes)?;
    let mut scanner = Scanner::new();
    scanner.set_time_budget(Some(PICTURE_BUDGET));
    Ok(scanner.scan(&luma.frame())?)
}
