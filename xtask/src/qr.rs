//! QR codes as PNG: error correction Q (hcert spec 4.3 recommends it), the
//! alphanumeric mode the base45 alphabet fits in, 4 pixels per module, a
//! quiet zone of 4 modules, 1-bit greyscale.

use anyhow::{Context as _, Result};
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, QrCode};

/// Pixels per module.
pub const SCALE: usize = 4;
/// Quiet zone, in modules.
pub const QUIET: usize = 4;

/// The QR code of `text` as PNG bytes, or `None` when the text does not fit
/// in a version-40 code at level Q.
pub fn png(text: &str) -> Result<Option<Vec<u8>>> {
    png_bytes(text.as_bytes())
}

/// A QR code of `data` as PNG (byte mode unless the data fits a denser
/// mode), or `None` when it does not fit a QR code.
pub fn png_bytes(data: &[u8]) -> Result<Option<Vec<u8>>> {
    let code = match QrCode::with_error_correction_level(data, EcLevel::Q) {
        Ok(code) => code,
        Err(QrError::DataTooLong) => return Ok(None),
        Err(e) => anyhow::bail!("QR encoding failed: {e}"),
    };
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let row_bytes = side.div_ceil(8);
    // 1-bit greyscale: a set bit is white.
    let mut pixels = vec![0xffu8; row_bytes * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / SCALE).wrapping_sub(QUIET), (y / SCALE).wrapping_sub(QUIET));
            let dark = mx < modules && my < modules && colors[my * modules + mx] == Color::Dark;
            if dark {
                pixels[y * row_bytes + x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }
    let side = u32::try_from(side).context("QR image too large")?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().context("PNG header")?;
    writer.write_image_data(&pixels).context("PNG data")?;
    writer.finish().context("PNG end")?;
    Ok(Some(out))
}
