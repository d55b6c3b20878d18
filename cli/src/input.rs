//! Where a payload comes from: an argument, a file, stdin, or the bundled
//! sample.

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, bail};

/// Largest input read from a file or stdin; beyond the verifier's own limit
/// so that an oversized payload gets a verdict, not an I/O error.
const MAX_INPUT_LEN: u64 = 1024 * 1024;

/// A payload and where it came from.
#[derive(Debug)]
pub struct Payload {
    /// The text.
    pub text: String,
    /// A description of the origin (never the content).
    pub origin: String,
}

fn read_capped(mut r: impl std::io::Read, origin: &str) -> anyhow::Result<String> {
    let mut buf = Vec::new();
    r.by_ref().take(MAX_INPUT_LEN + 1).read_to_end(&mut buf).with_context(|| format!("reading {origin}"))?;
    if buf.len() as u64 > MAX_INPUT_LEN {
        bail!("{origin} is larger than {MAX_INPUT_LEN} bytes");
    }
    if buf.starts_with(b"\x89PNG") || buf.starts_with(b"\xff\xd8\xff") {
        bail!("{origin} is an image; scanning images is not available yet, pass the QR code's text");
    }
    String::from_utf8(buf).with_context(|| format!("{origin} is not UTF-8 text"))
}

/// Resolves the `verify` argument: `None` is the bundled sample, `-` is
/// stdin, an existing path is a file, anything else is the payload itself.
pub fn resolve(arg: Option<&str>) -> anyhow::Result<Payload> {
    match arg {
        None => Ok(Payload { text: crate::bundled::SAMPLE_PAYLOAD.to_owned(), origin: "bundled sample".into() }),
        Some("-") => Ok(Payload { text: read_capped(std::io::stdin().lock(), "stdin")?, origin: "stdin".into() }),
        Some(a) if !a.starts_with("HC1:") && Path::new(a).is_file() => {
            let f = std::fs::File::open(a).with_context(|| format!("opening {a}"))?;
            Ok(Payload { text: read_capped(f, a)?, origin: a.to_owned() })
        }
        Some(a) => Ok(Payload { text: a.to_owned(), origin: "argument".into() }),
    }
}
