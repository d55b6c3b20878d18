//! Picture files (PNG, JPEG, GIF, WebP) to QR payloads for the command line: the
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

/// Every QR code in an image file's bytes, within [`PICTURE_BUDGET`].
pub fn codes(bytes: &[u8]) -> anyhow::Result<Vec<Code>> {
    codes_within(bytes, Some(PICTURE_BUDGET))
}

/// Every QR code in an image file's bytes, within `budget` (`None`: every
/// scanning strategy to its end, the same codes however busy the machine;
/// for conformance runs over trusted test data).
pub fn codes_within(bytes: &[u8], budget: Option<Duration>) -> anyhow::Result<Vec<Code>> {
    let luma = luma(bytes)?;
    let mut scanner = Scanner::new();
    scanner.set_time_budget(budget);
    Ok(scanner.scan(&luma.frame())?)
}
