//! The decoders, run once the headers have passed the limits: PNG row by
//! row into the luma plane, JPEG straight to luma where the picture is
//! YCbCr or grey, GIF and WebP (the first frame of an animation) through
//! RGBA.

use std::io::Cursor;

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::header::Header;
use super::{Picture, PictureError, PictureLimits};

/// Luma of an sRGB pixel, Rec. 709 weights (as the `image` crate uses).
fn rgb_luma(r: u8, g: u8, b: u8) -> u8 {
    ((2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b) + 5000) / 10_000) as u8
}

/// `l` composited onto white with opacity `a`.
fn over_white(l: u8, a: u8) -> u8 {
    let (l, a) = (u32::from(l), u32::from(a));
    ((l * a + 255 * (255 - a) + 127) / 255) as u8
}

/// One row of 8-bit samples, `channels` to a pixel (grey, grey + alpha,
/// RGB, RGBA), to luma.
fn row_to_luma(px: &[u8], channels: usize, out: &mut [u8]) {
    match channels {
        1 => out.copy_from_slice(&px[..out.len()]),
        2 => out.iter_mut().zip(px.chunks_exact(2)).for_each(|(o, p)| *o = over_white(p[0], p[1])),
        3 => out.iter_mut().zip(px.chunks_exact(3)).for_each(|(o, p)| *o = rgb_luma(p[0], p[1], p[2])),
        _ => {
            out.iter_mut().zip(px.chunks_exact(4)).for_each(|(o, p)| *o = over_white(rgb_luma(p[0], p[1], p[2]), p[3]))
        }
    }
}

fn png_error(e: png::DecodingError) -> PictureError {
    PictureError::Corrupt(format!("PNG: {e}"))
}

/// Decodes a PNG whose header passed the limits.
pub(super) fn png(bytes: &[u8], h: &Header, limits: &PictureLimits) -> Result<Picture, PictureError> {
    let (w, ht) = (h.width as usize, h.height as usize);
    // The decoder's own allocations (chunk buffers, rows) beside the plane.
    let budget = limits.max_alloc.saturating_sub((w * ht) as u64);
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits { bytes: usize::try_from(budget).unwrap_or(usize::MAX) },
    );
    // Skipped unread: a colour profile or text is never inflated.
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_ignore_text_chunk(true);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(png_error)?;
    if (reader.info().width, reader.info().height) != (h.width, h.height) {
        return Err(PictureError::Corrupt("PNG: the size changed between reads".into()));
    }
    let (colour, depth) = reader.output_color_type();
    if depth != png::BitDepth::Eight {
        return Err(PictureError::Unsupported("PNG bit depth after expansion"));
    }
    let channels = colour.samples();
    let mut data = vec![0u8; w * ht];
    let mut line = vec![0u8; w];
    let mut y = 0;
    while let Some(row) = reader.next_interlaced_row().map_err(png_error)? {
        let px = row.data();
        let n = (px.len() / channels).min(w);
        match row.interlace() {
            png::InterlaceInfo::Null(_) => {
                let Some(out) = data.get_mut(y * w..(y + 1) * w) else { break };
                row_to_luma(px, channels, &mut out[..n]);
                y += 1;
            }
            png::InterlaceInfo::Adam7(pass) => {
                row_to_luma(px, channels, &mut line[..n]);
                png::expand_interlaced_row(&mut data, w, &line[..n], pass, 8);
            }
        }
    }
    Ok(Picture { data, width: w, height: ht })
}

fn jpeg_error(e: zune_jpeg::errors::DecodeErrors) -> PictureError {
    PictureError::Corrupt(format!("JPEG: {e}"))
}

/// Decodes a JPEG whose header passed the limits.
pub(super) fn jpeg(bytes: &[u8], h: &Header, limits: &PictureLimits) -> Result<Picture, PictureError> {
    let side = limits.max_side as usize;
    let options = DecoderOptions::default().set_strict_mode(false).set_max_width(side).set_max_height(side);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(jpeg_error)?;
    if decoder.dimensions() != Some((h.width as usize, h.height as usize)) {
        return Err(PictureError::Corrupt("JPEG: the size changed between reads".into()));
    }
    let (w, ht) = (h.width as usize, h.height as usize);
    // YCbCr and grey give their Y channel; RGB, CMYK and YCCK come out as
    // RGB, converted here (one more plane, three bytes a pixel).
    let luma = matches!(decoder.input_colorspace(), Some(ColorSpace::YCbCr | ColorSpace::Luma));
    if !luma {
        let needed = h.alloc + 3 * (w * ht) as u64;
        if needed > limits.max_alloc {
            return Err(PictureError::TooMuchMemory { needed, max: limits.max_alloc });
        }
    }
    decoder.set_options(options.jpeg_set_out_colorspace(if luma { ColorSpace::Luma } else { ColorSpace::RGB }));
    let size = decoder.output_buffer_size().ok_or_else(|| PictureError::Corrupt("JPEG: size overflows".into()))?;
    let mut out = vec![0u8; size];
    decoder.decode_into(&mut out).map_err(jpeg_error)?;
    if !luma {
        // In place: pixel i is written after its three samples at 3i are read.
        for i in 0..w * ht {
            out[i] = rgb_luma(out[3 * i], out[3 * i + 1], out[3 * i + 2]);
        }
        out.truncate(w * ht);
        out.shrink_to_fit();
    }
    if out.len() != w * ht {
        return Err(PictureError::Corrupt("JPEG: the decoder's output does not match the size".into()));
    }
    Ok(Picture { data: out, width: w, height: ht })
}

/// Decodes the first frame of a GIF whose header passed the limits, drawn
/// where it lies on the logical screen, onto white.
pub(super) fn gif(bytes: &[u8], h: &Header, limits: &PictureLimits) -> Result<Picture, PictureError> {
    let gif_error = |e: gif::DecodingError| PictureError::Corrupt(format!("GIF: {e}"));
    let (w, ht) = (h.width as usize, h.height as usize);
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    // The frame buffer, which the crate holds to this limit (a frame may
    // declare itself larger than the screen).
    let frame_budget = limits.max_alloc.saturating_sub((w * ht) as u64);
    options.set_memory_limit(match std::num::NonZeroU64::new(frame_budget) {
        Some(bytes) => gif::MemoryLimit::Bytes(bytes),
        None => return Err(PictureError::TooMuchMemory { needed: h.alloc, max: limits.max_alloc }),
    });
    let mut decoder = options.read_info(Cursor::new(bytes)).map_err(gif_error)?;
    if (u32::from(decoder.width()), u32::from(decoder.height())) != (h.width, h.height) {
        return Err(PictureError::Corrupt("GIF: the size changed between reads".into()));
    }
    let Some(frame) = decoder.read_next_frame().map_err(gif_error)? else {
        return Err(PictureError::Corrupt("GIF: no frame".into()));
    };
    let mut data = vec![255u8; w * ht];
    let (left, top, fw) = (usize::from(frame.left), usize::from(frame.top), usize::from(frame.width));
    for (row, px) in frame.buffer.chunks_exact(4 * fw.max(1)).enumerate().take(usize::from(frame.height)) {
        let y = top + row;
        if y >= ht || left >= w {
            break;
        }
        let n = fw.min(w - left);
        row_to_luma(&px[..4 * n], 4, &mut data[y * w + left..y * w + left + n]);
    }
    Ok(Picture { data, width: w, height: ht })
}

/// Decodes a WebP (lossy or lossless; the first frame of an animation)
/// whose header passed the limits.
pub(super) fn webp(bytes: &[u8], h: &Header, limits: &PictureLimits) -> Result<Picture, PictureError> {
    let webp_error = |e: image_webp::DecodingError| PictureError::Corrupt(format!("WebP: {e}"));
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(webp_error)?;
    decoder.set_memory_limit(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));
    if decoder.dimensions() != (h.width, h.height) {
        return Err(PictureError::Corrupt("WebP: the size changed between reads".into()));
    }
    let (w, ht) = (h.width as usize, h.height as usize);
    let size = decoder.output_buffer_size().ok_or_else(|| PictureError::Corrupt("WebP: size overflows".into()))?;
    let needed = (w * ht + size) as u64;
    if needed > limits.max_alloc {
        return Err(PictureError::TooMuchMemory { needed, max: limits.max_alloc });
    }
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    if size != w * ht * channels {
        return Err(PictureError::Corrupt("WebP: the decoder's output does not match the size".into()));
    }
    let mut rgb = vec![0u8; size];
    decoder.read_image(&mut rgb).map_err(webp_error)?;
    let mut data = vec![0u8; w * ht];
    for (out, px) in data.chunks_exact_mut(w).zip(rgb.chunks_exact(w * channels)) {
        row_to_luma(px, channels, out);
    }
    Ok(Picture { data, width: w, height: ht })
}
