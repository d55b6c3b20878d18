//! Where payloads come from: an argument, a file (text or a QR image),
//! stdin, or the bundled sample.

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::picture;
use crate::usage::usage;
use healthcert_core::Limits;
use healthcert_core::formats::shc::{self, ChunkProgress, ShcChunks};
use healthcert_core::text::display;

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
    read_limited(r.by_ref(), origin)
}

/// Reads a whole file, refusing one larger than the input cap (64 MiB)
/// without reading past it.
pub fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let origin = display(&path.display().to_string()).into_owned();
    let f = std::fs::File::open(path).with_context(|| format!("opening {origin}"))?;
    read_limited(f, &origin)
}

fn read_limited(mut r: impl std::io::Read, origin: &str) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.by_ref().take(MAX_INPUT_LEN + 1).read_to_end(&mut buf).with_context(|| format!("reading {origin}"))?;
    if buf.len() as u64 > MAX_INPUT_LEN {
        bail!("{origin} is larger than {MAX_INPUT_LEN} bytes");
    }
    Ok(buf)
}

/// Text as given, the cards of a health card file, or the QR codes of an
/// image.
fn from_bytes(bytes: Vec<u8>, origin: &str) -> anyhow::Result<Vec<Payload>> {
    if shc::file::looks_like_card_file(&bytes) {
        let jwss = shc::file::credentials(&bytes, &Limits::default()).with_context(|| format!("reading {origin}"))?;
        let n = jwss.len();
        return Ok(jwss
            .into_iter()
            .enumerate()
            .map(|(i, jws)| Payload {
                bytes: jws.into_bytes(),
                origin: if n == 1 { format!("{origin} (card)") } else { format!("{origin} (card {} of {n})", i + 1) },
                scanned: false,
            })
            .collect());
    }
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

/// Shortest argument read as a bare base45 payload (without `HC1:`): far
/// below any certificate (an ES256 signature alone is 96 base45
/// characters), far above most file names.
pub const MIN_BARE_PAYLOAD_LEN: usize = 32;

/// The base45 alphabet (RFC 9285).
fn is_base45(c: char) -> bool {
    matches!(c, '0'..='9' | 'A'..='Z' | ' ' | '$' | '%' | '*' | '+' | '-' | '.' | '/' | ':')
}

/// `XYZ:`: two to eight ASCII letters and digits, starting with a letter,
/// then a colon (`HC1:`, `HC2:`, `shc:`), the way payloads name their
/// format. One letter is a drive (`C:`), not a context identifier.
fn has_context_identifier(text: &str) -> bool {
    let id: String = text.chars().take_while(char::is_ascii_alphanumeric).take(9).collect();
    (2..=8).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && text[id.len()..].starts_with(':')
}

/// A compact JWS with a JSON header (`eyJ…`, three base64url parts): a
/// SMART Health Card as its `.smart-health-card` file lists it.
fn is_compact_jws(text: &str) -> bool {
    text.starts_with("eyJ")
        && text.split('.').count() == 3
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Resolves the `verify` argument (the rule `verify --help` states):
///
/// - none: the bundled sample; `-`: stdin;
/// - text starting with `HC1:`: the payload itself, never a file name;
/// - an existing file: its content (text, or a picture of QR codes); a
///   directory is a usage error;
/// - text starting with another context identifier (`shc:/`, `HC2:`): the
///   payload itself (its verdict says when the format is not supported);
/// - a compact JWS (`eyJ…`, three base64url parts): a SMART Health Card;
/// - at least [`MIN_BARE_PAYLOAD_LEN`] characters, all of the base45
///   alphabet (`A`–`Z`, `0`–`9`, space, `$%*+-./:`): a bare base45 payload;
/// - anything else (a mistyped file name, `qr.png`, `cert.txt`, an empty
///   argument) is a usage error, not a payload: a typo must not look like
///   an invalid certificate.
///
/// Usage errors are [`UsageError`](crate::usage::UsageError)s.
pub fn resolve(arg: Option<&str>) -> anyhow::Result<Vec<Payload>> {
    let a = match arg {
        None => {
            return Ok(vec![Payload {
                bytes: crate::bundled::SAMPLE_PAYLOAD.as_bytes().to_vec(),
                origin: "bundled sample".into(),
                scanned: false,
            }]);
        }
        Some("-") => return from_bytes(read_capped(std::io::stdin().lock(), "stdin")?, "stdin"),
        Some(a) => a,
    };
    let argument = || Ok(vec![Payload { bytes: a.as_bytes().to_vec(), origin: "argument".into(), scanned: false }]);
    let trimmed = a.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.starts_with("HC1:") {
        return argument();
    }
    let path = Path::new(a);
    if path.is_dir() {
        return Err(usage(format!(
            "{} is a directory; give a file holding a payload, a picture of a QR code, a payload, or - for stdin",
            display(a)
        )));
    }
    if path.is_file() {
        let f = std::fs::File::open(path).with_context(|| format!("opening {}", display(a)))?;
        return from_bytes(read_capped(f, a)?, a);
    }
    if has_context_identifier(trimmed)
        || is_compact_jws(trimmed)
        || (trimmed.chars().count() >= MIN_BARE_PAYLOAD_LEN && trimmed.chars().all(is_base45))
    {
        return argument();
    }
    if trimmed.is_empty() {
        return Err(usage("the payload argument is empty; give a payload, a file, or - for stdin"));
    }
    Err(usage(format!(
        "{}: no such file, and not a payload (a payload starts with HC1: or shc:/, is a compact JWS, or is \
         bare base45: at least {MIN_BARE_PAYLOAD_LEN} characters of A-Z 0-9 space $%*+-./:)",
        display(a)
    )))
}

/// Puts SMART Health Card chunks (`shc:/i/n/…`) back together: the chunks
/// of a card, from any of the payloads in any order, become one payload
/// (its origin lists theirs) where the first of them stood; a set still
/// missing a chunk stays as its chunks, each verified (and reported
/// incomplete) on its own. Cards with different chunk counts may be mixed;
/// two cards with the same count must not be interleaved.
pub fn assemble_chunks(payloads: Vec<Payload>) -> Vec<Payload> {
    // Per chunk count: the assembly, and the positions of its chunks.
    let mut sets: Vec<(usize, ShcChunks, Vec<usize>)> = Vec::new();
    let mut slots: Vec<Option<Payload>> = Vec::with_capacity(payloads.len());
    let mut wholes: Vec<(usize, Payload)> = Vec::new();
    for p in payloads {
        let text = std::str::from_utf8(&p.bytes).map(|t| t.trim()).unwrap_or_default();
        let total = match ShcChunks::new().add(text) {
            ChunkProgress::Partial { total, .. } => total,
            _ => {
                slots.push(Some(p));
                continue;
            }
        };
        let set = match sets.iter().position(|(n, ..)| *n == total) {
            Some(i) => i,
            None => {
                sets.push((total, ShcChunks::new(), Vec::new()));
                sets.len() - 1
            }
        };
        let (_, chunks, members) = &mut sets[set];
        let progress = chunks.add(text);
        members.push(slots.len());
        slots.push(Some(p));
        if let ChunkProgress::Complete(whole) = progress {
            let first = members.first().copied().unwrap_or(slots.len());
            let parts: Vec<Payload> = members.drain(..).filter_map(|i| slots[i].take()).collect();
            let origin = parts.iter().map(|p| p.origin.as_str()).collect::<Vec<_>>().join(" + ");
            let scanned = parts.iter().all(|p| p.scanned);
            wholes.push((first, Payload { bytes: whole.into_bytes(), origin, scanned }));
        }
    }
    // Each whole card goes where its first chunk stood; the rest keep
    // their order.
    wholes.sort_by_key(|(at, _)| *at);
    let mut out: Vec<Payload> = Vec::with_capacity(slots.len());
    let mut wholes = wholes.into_iter().peekable();
    for (i, slot) in slots.into_iter().enumerate() {
        while wholes.peek().is_some_and(|(at, _)| *at <= i) {
            out.extend(wholes.next().map(|(_, p)| p));
        }
        out.extend(slot);
    }
    out.extend(wholes.map(|(_, p)| p));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::is_usage;

    #[test]
    fn chunks_are_assembled_in_any_order_and_incomplete_sets_stay() {
        let p = |text: &str, origin: &str| Payload {
            bytes: text.as_bytes().to_vec(),
            origin: origin.into(),
            scanned: true,
        };
        let out = assemble_chunks(vec![
            p("shc:/2/2/5657", "b2"),
            p("HC1:X", "eu"),
            p("shc:/1/3/56", "c1"),
            p("shc:/1/2/5655", "b1"),
        ]);
        let got: Vec<(&str, &str)> =
            out.iter().map(|p| (std::str::from_utf8(&p.bytes).unwrap(), p.origin.as_str())).collect();
        // The two-chunk card stands where its first chunk did, chunks in
        // order; the three-chunk set is incomplete and stays as it was.
        assert_eq!(got, [("shc:/56555657", "b2 + b1"), ("HC1:X", "eu"), ("shc:/1/3/56", "c1")]);
        assert!(out[0].scanned);
    }

    #[test]
    fn context_identifiers() {
        for yes in ["HC1:6BF", "HC2:x", "shc:/567", "NZCP:/1/", "https://x"] {
            assert!(has_context_identifier(yes), "{yes}");
        }
        for no in ["C:\\cert.txt", "1HC:x", "qr.png", "HC1", ":x", "ABCDEFGHI:x", "cert"] {
            assert!(!has_context_identifier(no), "{no}");
        }
    }

    #[test]
    fn missing_files_directories_and_payloads() {
        let dir = std::env::temp_dir();
        let e = resolve(Some(dir.to_str().unwrap())).unwrap_err();
        assert!(is_usage(&e) && e.to_string().contains("is a directory"), "{e:#}");
        for typo in ["qr.png", "/no/such/cert.txt", "cert", "QR.PNG", "", "  ", "hello world", "eyJ.x", "eyJa.b.c/d"] {
            let e = resolve(Some(typo)).unwrap_err();
            assert!(is_usage(&e), "{typo:?}: {e:#}");
        }
        // Payloads, prefixed or bare base45, are taken as they are.
        let bare = "NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-6";
        for payload in ["HC1:NCF", "HC1:/etc/passwd", "shc:/1234", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA", bare] {
            let p = resolve(Some(payload)).unwrap();
            assert_eq!((p.len(), p[0].bytes.as_slice(), p[0].origin.as_str()), (1, payload.as_bytes(), "argument"));
        }
    }
}
