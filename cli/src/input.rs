//! Where payloads come from: an argument, a file (text or a QR image),
//! stdin, or the bundled sample.

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::picture;

/// Largest input read from a file or stdin: beyond the verifier's own limit
/// so that an oversized payload gets a verdict, not an I/O error, and enough
/// for a photo of a QR code.
const MAX_INPUT_LEN: u64 = 64 * 1024 * 1024;

/// A payload and where it came from.
#[derive(Debug)]
pub struct Payload {
    /// The payload, byte for byte.
    pub bytes: Vec<u8>,
    /// A description of the origin (never the content).
    pub origin: String,
    /// Whether it was read from a QR code (and so must carry its prefix).
    pub scanned: bool,
}

fn read_capped(mut r: impl std::io::Read, origin: &str) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.by_ref().take(MAX_INPUT_LEN + 1).read_to_end(&mut buf).with_context(|| format!("reading {origin}"))?;
    if buf.len() as u64 > MAX_INPUT_LEN {
        bail!("{origin} is larger than {MAX_INPUT_LEN} bytes");
    }
    Ok(buf)
}

/// Text as given, or the QR codes of an image.
fn from_bytes(bytes: Vec<u8>, origin: &str) -> anyhow::Result<Vec<Payload>> {
    if !picture::is_image(&bytes) {
        return Ok(vec![Payload { bytes, origin: origin.to_owned(), scanned: false }]);
    }
    let codes = picture::codes(&bytes).with_context(|| format!("scanning {origin}"))?;
    if codes.is_empty() {
        bail!("no QR code found in {origin}");
    }
    let n = codes.len();
    Ok(codes
        .into_iter()
        .enumerate()
        .map(|(i, c)| Payload {
            bytes: c.bytes,
            origin: if n == 1 { format!("{origin} (QR code)") } else { format!("{origin} (QR code {} of {n})", i + 1) },
            scanned: true,
        })
        .collect())
}

/// Resolves the `verify` argument: `None` is the bundled sample, `-` is
/// stdin, an existing path is a file, anything else is the payload itself.
pub fn resolve(arg: Option<&str>) -> anyhow::Result<Vec<Payload>> {
    match arg {
        None => Ok(vec![Payload {
            bytes: crate::bundled::SAMPLE_PAYLOAD.as_bytes().to_vec(),
            origin: "bundled sample".into(),
            scanned: false,
        }]),
        Some("-") => from_bytes(read_capped(std::io::stdin().lock(), "stdin")?, "stdin"),
        Some(a) if !a.starts_with("HC1:") && Path::new(a).is_file() => {
            let f = std::fs::File::open(a).with_context(|| format!("opening {a}"))?;
            from_bytes(read_capped(f, a)?, a)
        }
        Some(a) => Ok(vec![Payload { bytes: a.as_bytes().to_vec(), origin: "argument".into(), scanned: false }]),
    }
}
