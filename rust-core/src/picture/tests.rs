//! Hostile and ordinary pictures: each limit refuses its attack from the
//! header, and real pictures still read.

use super::*;

/// A PNG of `w`×`h` pixels of `colour` type and 8-bit depth, every sample
/// from `px(x, y, channel)`, with `chunks` (type, data) written before the
/// image data; `interlaced` writes it Adam7.
fn png_file(
    w: u32,
    h: u32,
    colour: png::ColorType,
    chunks: &[(&[u8; 4], Vec<u8>)],
    px: impl Fn(u32, u32, usize) -> u8,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(colour);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().expect("header");
    for (kind, data) in chunks {
        writer.write_chunk(png::chunk::ChunkType(**kind), data).expect("chunk");
    }
    let n = colour.samples();
    let data: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).flat_map(move |x| (0..n).map(move |c| (x, y, c))))
        .map(|(x, y, c)| px(x, y, c))
        .collect();
    writer.write_image_data(&data).expect("data");
    writer.finish().expect("finish");
    out
}

/// A PNG header (signature, IHDR) declaring `w`×`h` grey pixels, then one
/// IDAT of `idat` bytes of zeros and IEND (CRCs are not checked here).
fn png_header_only(w: u32, h: u32, idat: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&[0; 4]);
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &vec![0; idat]);
    chunk(b"IEND", &[]);
    out
}

/// A baseline JPEG header declaring `w`×`h` (3 components, 4:2:0), one
/// scan header, then `data` bytes of entropy-coded data and EOI.
fn jpeg_header_only(w: u16, h: u16, sof: u8, data: usize) -> Vec<u8> {
    let mut out = vec![0xff, 0xd8];
    let mut seg = |marker: u8, body: &[u8]| {
        out.extend_from_slice(&[0xff, marker]);
        out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(body);
    };
    seg(0xe0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let mut dqt = vec![0u8];
    dqt.extend_from_slice(&[1; 64]);
    seg(0xdb, &dqt);
    let mut frame = vec![8];
    frame.extend_from_slice(&h.to_be_bytes());
    frame.extend_from_slice(&w.to_be_bytes());
    frame.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0]);
    seg(sof, &frame);
    // One DC and one AC table, each a single one-bit code.
    seg(0xc4, &[0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    seg(0xc4, &[0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    seg(0xda, &[3, 1, 0, 2, 0, 3, 0, 0, 63, 0]);
    out.extend(std::iter::repeat_n(0u8, data));
    out.extend_from_slice(&[0xff, 0xd9]);
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).expect("deflate");
    z.finish().expect("deflate")
}

#[test]
fn a_tiny_file_declaring_20000_by_20000_is_refused_from_its_header() {
    let limits = PictureLimits::DEFAULT;
    let jpeg = jpeg_header_only(20_000, 20_000, 0xc0, 100);
    assert!(jpeg.len() < 400, "{}", jpeg.len());
    let png = png_header_only(20_000, 20_000, 64);
    for bytes in [&jpeg, &png] {
        match decode(bytes, &limits) {
            Err(PictureError::TooLarge { width: 20_000, height: 20_000, max_side: 16_384, .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    // The largest header a PNG can hold (found by the `picture` fuzz
    // target: its size estimate overflowed 64 bits).
    match decode(&png_header_only(u32::MAX, u32::MAX, 64), &limits) {
        Err(PictureError::TooLarge { width: u32::MAX, height: u32::MAX, .. }) => {}
        other => panic!("{other:?}"),
    }
    // Under the side limit, over the pixel limit.
    match check(&png_header_only(16_000, 16_000, 64), &limits) {
        Err(PictureError::TooLarge { width: 16_000, height: 16_000, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_small_file_declaring_a_large_size_is_truncated() {
    // Within every size limit, but far less data than 6 900 × 6 900
    // pixels need, whatever the compression.
    let limits = PictureLimits::DEFAULT;
    assert!(matches!(check(&png_header_only(6_900, 6_900, 1_000), &limits), Err(PictureError::Truncated { .. })));
    assert!(matches!(
        check(&jpeg_header_only(6_900, 6_900, 0xc0, 1_000), &limits),
        Err(PictureError::Truncated { .. })
    ));
    // Deflate's best ratio is 1032:1, one bit a JPEG block: enough data
    // passes the check (and fails in the decoder, as it is not real data).
    assert!(check(&png_header_only(6_900, 6_900, 6_900 * 6_900 / 1000), &limits).is_ok());
    // 4:2:0: 863² luma blocks and 432² of each chroma component.
    let blocks = 863usize.pow(2) + 2 * 432usize.pow(2);
    assert!(check(&jpeg_header_only(6_900, 6_900, 0xc0, blocks / 8 + 8), &limits).is_ok());
    assert!(matches!(
        check(&jpeg_header_only(6_900, 6_900, 0xc0, blocks / 8 - 16), &limits),
        Err(PictureError::Truncated { .. })
    ));
}

#[test]
fn progressive_jpegs_count_their_coefficients() {
    // 8 000 × 6 000 4:2:0: baseline decodes a row of blocks at a time,
    // progressive keeps 2 bytes of every coefficient (72 M of them).
    let limits = PictureLimits::DEFAULT;
    let data = 1_000 * 750 * 3 / 2 / 8 + 8;
    assert!(check(&jpeg_header_only(8_000, 6_000, 0xc0, data), &limits).is_ok());
    assert!(check(&jpeg_header_only(8_000, 6_000, 0xc2, data), &limits).is_ok());
    let tight = PictureLimits { max_alloc: 128 * 1024 * 1024, ..limits };
    assert!(check(&jpeg_header_only(8_000, 6_000, 0xc0, data), &tight).is_ok());
    match check(&jpeg_header_only(8_000, 6_000, 0xc2, data), &tight) {
        Err(PictureError::TooMuchMemory { needed, .. }) => assert!(needed > 190_000_000, "{needed}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_512_mib_colour_profile_is_skipped_not_inflated() {
    // 512 MiB of zeros deflate to about 500 kB; the file.
    let profile = zlib(&vec![0u8; 512 * 1024 * 1024]);
    let mut iccp = b"hostile\0\0".to_vec();
    iccp.extend_from_slice(&profile);
    let file = png_file(64, 64, png::ColorType::Grayscale, &[(b"iCCP", iccp)], |x, _, _| (x * 4) as u8);
    let limits = PictureLimits::DEFAULT;
    let picture = decode(&file, &limits).expect("the pixels still read");
    assert_eq!((picture.width, picture.height), (64, 64));
    assert_eq!(picture.data[..4], [0, 4, 8, 12]);
    // Compressed text is skipped as well; a profile larger than the
    // metadata limit as stored is refused.
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend_from_slice(&zlib(&vec![b'a'; 64 * 1024 * 1024]));
    let file = png_file(8, 8, png::ColorType::Grayscale, &[(b"zTXt", ztxt)], |_, _, _| 9);
    assert_eq!(decode(&file, &limits).expect("reads").data, vec![9; 64]);
    let small = PictureLimits { max_metadata: 100_000, ..limits };
    let iccp = [b"p\0\0".as_slice(), &vec![0; 200_000]].concat();
    let file = png_file(8, 8, png::ColorType::Grayscale, &[(b"iCCP", iccp)], |_, _, _| 9);
    assert!(matches!(decode(&file, &small), Err(PictureError::TooMuchMetadata { bytes, .. }) if bytes > 200_000));
}

#[test]
fn jpeg_metadata_segments_count_against_the_limit() {
    let mut file = jpeg_header_only(64, 64, 0xc0, 2_000);
    // Forty 64 KiB APP2 segments (an ICC profile in chunks) after SOI.
    let mut app = Vec::new();
    for _ in 0..40 {
        app.extend_from_slice(&[0xff, 0xe2, 0xff, 0xff]);
        app.extend(std::iter::repeat_n(0u8, 0xfffd));
    }
    file.splice(2..2, app);
    let limits = PictureLimits { max_metadata: 1024 * 1024, ..PictureLimits::DEFAULT };
    assert!(matches!(check(&file, &limits), Err(PictureError::TooMuchMetadata { bytes, .. }) if bytes > 2_000_000));
    assert!(check(&file, &PictureLimits::DEFAULT).is_ok());
}

#[test]
fn files_over_the_size_limit_and_other_formats_are_refused() {
    let limits = PictureLimits { max_file_bytes: 100, ..PictureLimits::DEFAULT };
    let file = png_header_only(8, 8, 200);
    assert!(matches!(decode(&file, &limits), Err(PictureError::FileTooLarge { max: 100, .. })));
    assert_eq!(decode(b"BM6\0\0\0", &limits), Err(PictureError::Unrecognised));
    assert!(matches!(decode(b"GIF89a", &limits), Err(PictureError::Corrupt(_))));
    assert!(!is_picture(b"HC1:6BF"));
    assert!(matches!(
        check(&jpeg_header_only(64, 64, 0xc9, 2_000), &PictureLimits::DEFAULT),
        Err(PictureError::Unsupported(_))
    ));
    // Truncated headers are malformed, not panics.
    let png = png_file(8, 8, png::ColorType::Rgb, &[], |_, _, _| 1);
    let jpeg = jpeg_header_only(8, 8, 0xc0, 16);
    for file in [&png, &jpeg] {
        for n in 0..file.len() {
            let _ = decode(&file[..n], &PictureLimits::DEFAULT);
        }
    }
}

#[test]
fn every_png_colour_type_reads_as_luma() {
    use png::ColorType::*;
    let limits = PictureLimits::DEFAULT;
    // A dark left half on a light right half, each colour type; the alpha
    // types are opaque on the left and transparent black on the right
    // (white once composited).
    for colour in [Grayscale, GrayscaleAlpha, Rgb, Rgba] {
        let alpha = matches!(colour, GrayscaleAlpha | Rgba);
        let n = colour.samples();
        let file = png_file(16, 4, colour, &[], |x, _, c| match (x < 8, alpha && c == n - 1) {
            (true, true) => 255,
            (false, true) => 0,
            (true, false) => 20,
            (false, false) if alpha => 0,
            (false, false) => 240,
        });
        let p = decode(&file, &limits).expect("decodes");
        assert_eq!((p.width, p.height), (16, 4));
        for row in p.data.chunks(16) {
            assert!(row[..8].iter().all(|&l| l == 20), "{colour:?} {row:?}");
            assert!(row[8..].iter().all(|&l| l == if alpha { 255 } else { 240 }), "{colour:?} {row:?}");
        }
    }
}

/// A PNG chunk with its CRC.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

#[test]
fn interlaced_pngs_read_whole() {
    // 13 × 11 grey pixels written Adam7 by hand (no encoder here writes
    // it): each pass's scan lines, filter type 0.
    let (w, h) = (13usize, 11usize);
    let plain: Vec<u8> = (0..w * h).map(|i| (i * 7 % 251) as u8).collect();
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    {
        if x0 >= w {
            continue;
        }
        for y in (y0..h).step_by(dy) {
            raw.push(0);
            raw.extend((x0..w).step_by(dx).map(|x| plain[y * w + x]));
        }
    }
    let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(w as u32).to_be_bytes());
    ihdr.extend_from_slice(&(h as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 1]);
    chunk(&mut file, b"IHDR", &ihdr);
    chunk(&mut file, b"IDAT", &zlib(&raw));
    chunk(&mut file, b"IEND", &[]);
    assert_eq!(decode(&file, &PictureLimits::DEFAULT).expect("interlaced").data, plain);
}

/// The fixture QR picture (a PNG the generator wrote), as luma.
fn fixture_qr() -> Picture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/hcert/valid-vaccination.png");
    decode(&std::fs::read(path).expect("fixture PNG"), &PictureLimits::DEFAULT).expect("fixture decodes")
}

/// The text of the one QR code in `picture`.
fn scanned(picture: &Picture) -> String {
    let mut scanner = crate::scan::Scanner::new();
    scanner.set_time_budget(None);
    let codes = scanner.scan(&picture.frame()).expect("scan");
    assert_eq!(codes.len(), 1, "{picture:?}");
    codes[0].text.clone().expect("text")
}

#[test]
fn gif_and_webp_pictures_read_like_the_png() {
    let qr = fixture_qr();
    let expected = scanned(&qr);
    let (w, h) = (qr.width, qr.height);
    // GIF: a grey-ramp palette (each luma value its own index), the frame
    // drawn 10 pixels in on a larger, white-backed screen; a second frame
    // (all black) is not read.
    let ramp: Vec<u8> = (0..=255u8).flat_map(|v| [v, v, v]).collect();
    let mut file = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut file, (w + 20) as u16, (h + 20) as u16, &ramp).expect("gif");
        let mut frame = gif::Frame::from_indexed_pixels(w as u16, h as u16, qr.data.clone(), None);
        (frame.left, frame.top) = (10, 10);
        enc.write_frame(&frame).expect("frame");
        enc.write_frame(&gif::Frame::from_indexed_pixels(4, 4, vec![0u8; 16], None)).expect("frame");
    }
    assert!(is_picture(&file));
    let gif = decode(&file, &PictureLimits::DEFAULT).expect("GIF decodes");
    assert_eq!((gif.width, gif.height), (w + 20, h + 20));
    for y in 0..h + 20 {
        for x in 0..w + 20 {
            let inside = (10..10 + w).contains(&x) && (10..10 + h).contains(&y);
            let want = if inside { qr.data[(y - 10) * w + x - 10] } else { 255 };
            assert_eq!(gif.data[y * (w + 20) + x], want, "({x}, {y})");
        }
    }
    assert_eq!(scanned(&gif), expected);
    // WebP, lossless, grey and grey + alpha (transparent = white).
    for (colour, data) in [
        (image_webp::ColorType::L8, qr.data.clone()),
        (image_webp::ColorType::La8, qr.data.iter().flat_map(|&l| if l < 128 { [l, 255] } else { [0, 0] }).collect()),
    ] {
        let mut file = Vec::new();
        image_webp::WebPEncoder::new(&mut file).encode(&data, w as u32, h as u32, colour).expect("webp");
        assert!(is_picture(&file));
        let webp = decode(&file, &PictureLimits::DEFAULT).expect("WebP decodes");
        assert_eq!((webp.width, webp.height), (w, h));
        if colour == image_webp::ColorType::L8 {
            assert_eq!(webp.data, qr.data);
        }
        assert_eq!(scanned(&webp), expected);
    }
}

#[test]
fn gif_and_webp_headers_are_held_to_the_limits() {
    // A 13-byte GIF header declaring 65 535 × 65 535: over the side limit.
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0]);
    assert!(matches!(decode(&gif, &PictureLimits::DEFAULT), Err(PictureError::TooLarge { width: 65_535, .. })));
    // 8 000 × 6 000 from 100 bytes: less than LZW could ever expand.
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&8000u16.to_le_bytes());
    gif.extend_from_slice(&6000u16.to_le_bytes());
    gif.extend_from_slice(&[0; 100]);
    assert!(matches!(check(&gif, &PictureLimits::DEFAULT), Err(PictureError::Truncated { .. })));
    // A VP8X canvas of 16 777 216 × 16 777 216.
    let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
    webp.extend_from_slice(&[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    assert!(matches!(decode(&webp, &PictureLimits::DEFAULT), Err(PictureError::TooLarge { .. })));
    // Within the size limits but over a small memory limit (RGBA + plane).
    let limits = PictureLimits { max_alloc: 1 << 20, ..PictureLimits::DEFAULT };
    let mut webp = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
    let bits: u32 = 999 | (999 << 14);
    webp.extend_from_slice(&bits.to_le_bytes());
    assert!(matches!(check(&webp, &limits), Err(PictureError::TooMuchMemory { .. })));
    // Every truncation of real files is a typed error or a picture, never a panic.
    let qr = fixture_qr();
    let mut file = Vec::new();
    image_webp::WebPEncoder::new(&mut file)
        .encode(&qr.data, qr.width as u32, qr.height as u32, image_webp::ColorType::L8)
        .expect("webp");
    let mut gif = Vec::new();
    {
        let ramp: Vec<u8> = (0..=255u8).flat_map(|v| [v, v, v]).collect();
        let mut enc = gif::Encoder::new(&mut gif, qr.width as u16, qr.height as u16, &ramp).expect("gif");
        enc.write_frame(&gif::Frame::from_indexed_pixels(qr.width as u16, qr.height as u16, qr.data.clone(), None))
            .expect("frame");
    }
    for file in [&file, &gif] {
        for n in (0..file.len()).step_by(3) {
            let _ = decode(&file[..n], &PictureLimits::DEFAULT);
        }
    }
}
