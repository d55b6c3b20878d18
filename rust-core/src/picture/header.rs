//! What a picture file declares, read from its headers alone (no pixel is
//! decoded and nothing is allocated): format, size, colour layout, how much
//! metadata it carries, how much image data follows, and so what decoding
//! it would cost.
//!
//! PNG: the IHDR chunk (ISO/IEC 15948 11.2.2) and the lengths of the chunks
//! up to the first IDAT, then the IDAT lengths. JPEG: the marker segments
//! (ITU-T T.81 B.1) up to the first start of scan: APPn and COM lengths,
//! the frame header (SOFn) and the first scan header's component count.
//! GIF: the logical screen descriptor (GIF89a §18). WebP: the RIFF header
//! and the first chunk, `VP8 ` (RFC 6386 §9.1), `VP8L` (RFC 9649 §3.2) or
//! `VP8X` (the canvas size, RFC 9649 §2.7).

use super::PictureError;

/// A picture format read here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Png,
    Jpeg,
    Gif,
    Webp,
}

/// What the headers declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    /// Bytes of metadata: PNG iCCP, zTXt, iTXt, tEXt and eXIf chunks; JPEG
    /// APPn (Exif, ICC profile, XMP, …) and COM segments.
    pub metadata: u64,
    /// Bytes the decoder needs beyond the input: the luma plane, and the
    /// decoder's own buffers (a progressive JPEG keeps every coefficient).
    pub alloc: u64,
    /// Bytes of compressed image data present, and the least any complete
    /// encoding of the declared size needs: fewer means truncated (or a
    /// header written to make a small file cost a large buffer).
    pub data: u64,
    pub min_data: u64,
}

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Whether `bytes` start like a PNG or a JPEG file.
pub(super) fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(PNG_SIGNATURE) {
        Some(Format::Png)
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(Format::Webp)
    } else {
        None
    }
}

/// Reads the headers of a PNG, JPEG, GIF or WebP file.
pub(super) fn read(bytes: &[u8]) -> Result<Header, PictureError> {
    match sniff(bytes) {
        Some(Format::Png) => png(bytes),
        Some(Format::Jpeg) => jpeg(bytes),
        Some(Format::Gif) => gif(bytes),
        Some(Format::Webp) => webp(bytes),
        None => Err(PictureError::Unrecognised),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

fn corrupt(why: &str) -> PictureError {
    PictureError::Corrupt(why.to_owned())
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(3)?)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// The pixels of the first frame decoded as RGBA, beside the luma plane,
/// and a margin for the decoder's tables.
fn rgba_alloc(w: u64, h: u64) -> u64 {
    w.saturating_mul(h).saturating_mul(5).saturating_add(256 * 1024)
}

/// LZW's best ratio, generously: a 12-bit code stands for at most 4 096
/// pixels.
const LZW_MAX_RATIO: u64 = 2_730;

fn gif(b: &[u8]) -> Result<Header, PictureError> {
    // "GIF89a", then the logical screen's width and height, little-endian.
    let (Some(width), Some(height)) = (le16(b, 6), le16(b, 8)) else {
        return Err(corrupt("the GIF ends inside its screen descriptor"));
    };
    if width == 0 || height == 0 {
        return Err(corrupt("the GIF has no pixels"));
    }
    let (w, h) = (u64::from(width), u64::from(height));
    // Everything after the 13-byte header counts as image data (colour
    // tables and extensions included: a lower bound stays a lower bound).
    let data = b.len().saturating_sub(13) as u64;
    Ok(Header {
        format: Format::Gif,
        width: u32::from(width),
        height: u32::from(height),
        metadata: 0,
        alloc: rgba_alloc(w, h),
        data,
        min_data: w.saturating_mul(h) / LZW_MAX_RATIO,
    })
}

fn webp(b: &[u8]) -> Result<Header, PictureError> {
    // "RIFF", size, "WEBP", then the first chunk: its FourCC and size.
    let (Some(kind), Some(chunk)) = (b.get(12..16), b.get(20..)) else {
        return Err(corrupt("the WebP ends inside its first chunk header"));
    };
    let (width, height) = match kind {
        // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit
        // width and height (the top two bits are scaling).
        b"VP8 " => {
            if chunk.get(3..6) != Some(&[0x9d, 0x01, 0x2a]) {
                return Err(corrupt("the WebP VP8 chunk has no start code"));
            }
            match (le16(chunk, 6), le16(chunk, 8)) {
                (Some(w), Some(h)) => (u32::from(w & 0x3fff), u32::from(h & 0x3fff)),
                _ => return Err(corrupt("the WebP VP8 chunk ends inside its frame header")),
            }
        }
        // Lossless: the signature 0x2f, then 14-bit width − 1 and height − 1.
        b"VP8L" => {
            let Some(bits) = chunk.get(1..5).filter(|_| chunk.first() == Some(&0x2f)) else {
                return Err(corrupt("the WebP VP8L chunk has no signature"));
            };
            let bits = u32::from_le_bytes([bits[0], bits[1], bits[2], bits[3]]);
            ((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
        }
        // Extended: flags, then the canvas's 24-bit width − 1 and height − 1.
        b"VP8X" => match (le24(chunk, 4), le24(chunk, 7)) {
            (Some(w), Some(h)) => (w + 1, h + 1),
            _ => return Err(corrupt("the WebP VP8X chunk is too short")),
        },
        _ => return Err(corrupt("the WebP's first chunk is not VP8, VP8L or VP8X")),
    };
    if width == 0 || height == 0 {
        return Err(corrupt("the WebP has no pixels"));
    }
    let (w, h) = (u64::from(width), u64::from(height));
    Ok(Header {
        format: Format::Webp,
        width,
        height,
        metadata: 0,
        alloc: rgba_alloc(w, h),
        data: b.len().saturating_sub(20) as u64,
        // Lossless WebP codes a plain picture in almost nothing: no useful
        // lower bound beyond a few bytes.
        min_data: 1,
    })
}

/// Deflate's best ratio: a length-258 match in two one-bit codes.
const DEFLATE_MAX_RATIO: u64 = 1032;

fn png(b: &[u8]) -> Result<Header, PictureError> {
    // The first chunk is IHDR, 13 bytes.
    if be32(b, 8) != Some(13) || b.get(12..16) != Some(b"IHDR") {
        return Err(corrupt("the PNG does not start with its IHDR chunk"));
    }
    let (width, height) = (be32(b, 16).unwrap_or(0), be32(b, 20).unwrap_or(0));
    let (depth, colour) = (b.get(24).copied().unwrap_or(0), b.get(25).copied().unwrap_or(0));
    if width == 0 || height == 0 {
        return Err(corrupt("the PNG has no pixels"));
    }
    let channels: u64 = match colour {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => return Err(corrupt("unknown PNG colour type")),
    };
    if ![1, 2, 4, 8, 16].contains(&depth) {
        return Err(corrupt("unknown PNG bit depth"));
    }
    let (mut metadata, mut data) = (0u64, 0u64);
    let mut at = 8usize;
    while let (Some(len), Some(kind)) = (be32(b, at), b.get(at.saturating_add(4)..at.saturating_add(8))) {
        if len > i32::MAX as u32 {
            return Err(corrupt("a PNG chunk length is out of range"));
        }
        let len = u64::from(len);
        match kind {
            b"iCCP" | b"zTXt" | b"iTXt" | b"tEXt" | b"eXIf" => metadata += len,
            // What is present, not what is declared: the lower bound below
            // compares it with what the size needs.
            b"IDAT" => data += len.min(b.len().saturating_sub(at.saturating_add(8)) as u64),
            b"IEND" => break,
            _ => {}
        }
        // Length, type, data, CRC.
        at = at.saturating_add(12).saturating_add(len as usize);
    }
    // Saturating: 2³² − 1 on both sides is a valid header (refused by the
    // size limits afterwards), and its product times 64 bits a pixel
    // overflows 64 bits.
    let (w, h) = (u64::from(width), u64::from(height));
    let pixels = w.saturating_mul(h);
    let raw = pixels.saturating_mul(channels * u64::from(depth)) / 8;
    // The luma plane, and a few rows: the raw rows being unfiltered (up to
    // 8 bytes a pixel) and the expanded row.
    let alloc = pixels.saturating_add(4 * (8 * w + 1) + 64 * 1024);
    Ok(Header { format: Format::Png, width, height, metadata, alloc, data, min_data: raw / DEFLATE_MAX_RATIO })
}

/// A JPEG frame header's component: horizontal and vertical sampling.
#[derive(Clone, Copy)]
struct Component {
    h: u64,
    v: u64,
}

fn jpeg(b: &[u8]) -> Result<Header, PictureError> {
    let mut at = 2usize;
    let mut metadata = 0u64;
    let mut frame: Option<(u8, u8, u32, u32, Vec<Component>)> = None;
    let scan_components = loop {
        // A marker: 0xFF, any fill bytes, then its code (stray bytes
        // before it are skipped, as libjpeg does).
        while b.get(at).is_some_and(|&x| x != 0xff) {
            at += 1;
        }
        while b.get(at) == Some(&0xff) {
            at += 1;
        }
        let Some(&marker) = b.get(at) else { return Err(corrupt("the JPEG ends inside a marker")) };
        at += 1;
        if matches!(marker, 0x01 | 0xd0..=0xd8) {
            continue;
        }
        if marker == 0xd9 {
            return Err(corrupt("the JPEG ends before its first scan"));
        }
        let Some(len) = be16(b, at).filter(|&l| l >= 2).map(usize::from) else {
            return Err(corrupt("a JPEG segment length is out of range"));
        };
        let body = b.get(at + 2..at + len).unwrap_or(&[]);
        match marker {
            0xe0..=0xef | 0xfe => metadata += len as u64,
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                if frame.is_some() {
                    return Err(corrupt("the JPEG has a second frame header"));
                }
                if !matches!(marker, 0xc0..=0xc2) {
                    return Err(PictureError::Unsupported("lossless, hierarchical or arithmetic-coded JPEG"));
                }
                let (Some(&precision), Some(height), Some(width), Some(&n)) =
                    (body.first(), be16(body, 1), be16(body, 3), body.get(5))
                else {
                    return Err(corrupt("the JPEG frame header is short"));
                };
                let mut components = Vec::with_capacity(4);
                for i in 0..usize::from(n).min(5) {
                    let Some(&hv) = body.get(6 + 3 * i + 1) else {
                        return Err(corrupt("the JPEG frame header is short"));
                    };
                    let (h, v) = (u64::from(hv >> 4), u64::from(hv & 15));
                    if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
                        return Err(corrupt("a JPEG sampling factor is out of range"));
                    }
                    components.push(Component { h, v });
                }
                if !matches!(n, 1 | 3 | 4) {
                    return Err(PictureError::Unsupported("JPEG with other than 1, 3 or 4 components"));
                }
                if height == 0 {
                    return Err(PictureError::Unsupported("JPEG whose height is given after the scan (DNL)"));
                }
                if width == 0 {
                    return Err(corrupt("the JPEG has no pixels"));
                }
                frame = Some((marker, precision, u32::from(width), u32::from(height), components));
            }
            0xda => break body.first().copied().unwrap_or(0),
            _ => {}
        }
        at += len;
    };
    let Some((sof, precision, width, height, components)) = frame else {
        return Err(corrupt("the JPEG has no frame header before its scan"));
    };
    if precision != 8 {
        return Err(PictureError::Unsupported("JPEG samples of other than 8 bits"));
    }
    let (w, h) = (u64::from(width), u64::from(height));
    let hmax = components.iter().map(|c| c.h).max().unwrap_or(1);
    let vmax = components.iter().map(|c| c.v).max().unwrap_or(1);
    let (mcus_x, mcus_y) = (w.div_ceil(8 * hmax), h.div_ceil(8 * vmax));
    // A progressive frame, or one whose first scan leaves components out,
    // keeps every coefficient (16 bits) until the last scan.
    let whole = sof == 0xc2 || usize::from(scan_components) < components.len();
    let coefficients: u64 =
        if whole { components.iter().map(|c| (mcus_x * 8 * c.h) * (mcus_y * 8 * c.v) * 2).sum() } else { 0 };
    // Per component, a row of MCUs being decoded and upsampled.
    let rows: u64 = components.iter().map(|c| mcus_x * 8 * c.h * 8 * c.v * 8).sum();
    // Every block of every component costs at least one bit (its DC
    // difference code; baseline adds an end-of-block code).
    let blocks: u64 = components.iter().map(|c| (w * c.h).div_ceil(8 * hmax) * (h * c.v).div_ceil(8 * vmax)).sum();
    let data = (b.len() - at.min(b.len())) as u64;
    // The luma plane (straight from YCbCr or grey; the decoder adds an RGB
    // plane for other colour spaces).
    let alloc = w * h + coefficients + rows + 64 * 1024;
    Ok(Header { format: Format::Jpeg, width, height, metadata, alloc, data, min_data: blocks / 8 })
}
