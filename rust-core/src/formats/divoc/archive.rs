//! A DIVOC QR payload down to the bytes of `certificate.json`.
//!
//! The QR code holds a ZIP archive, either as `B64:` followed by standard
//! base64 of it, or as the archive's bytes themselves. A reader that shows
//! a byte-mode payload as text gives those bytes as ISO-8859-1 (each byte
//! one character, U+0000–U+00FF), and some issuers (Jamaica) put exactly
//! that text, UTF-8 encoded, into the code: both readings map back to the
//! same bytes here.
//!
//! Caps: the archive is at most the payload limit, holds at most
//! [`MAX_ENTRIES`] entries, and `certificate.json` inflates to at most the
//! inflated-size limit, counted while inflating (the size the archive
//! declares is checked first but not trusted).

use std::io::{Cursor, Read as _};

use crate::formats::Failure;
use crate::formats::codec::base64;
use crate::limits::Limits;
use crate::model::Reason;

/// The context identifier of the base64 form (matched without regard to
/// case).
pub const B64_PREFIX: &str = "B64:";

/// The first bytes of a ZIP archive (a local file header).
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The entry that holds the credential.
pub const CERTIFICATE_ENTRY: &str = "certificate.json";

/// Most entries an archive may list (DIVOC writes one).
pub const MAX_ENTRIES: usize = 8;

/// Whether `payload` is a DIVOC payload: `B64:…`, or a ZIP archive read as
/// ISO-8859-1 text.
pub fn detect(payload: &str) -> bool {
    has_b64_prefix(payload) || payload.starts_with("PK\u{3}\u{4}")
}

fn has_b64_prefix(payload: &str) -> bool {
    payload.get(..B64_PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(B64_PREFIX))
}

fn invalid(detail: impl Into<String>) -> Failure {
    Failure::new(Reason::DivocArchiveInvalid, detail)
}

/// A QR code's bytes that hold a ZIP archive, as `B64:` text (DIVOC's own
/// text form); `None` for other bytes.
///
/// Some issuers put the archive into the code as text: each byte an
/// ISO-8859-1 character, UTF-8 encoded (Jamaica). Bytes that are such text
/// (valid UTF-8, every character below U+0100) are read back that way; a
/// compressed archive is practically never valid UTF-8 by chance, and one
/// without bytes above 0x7F reads the same both ways.
pub fn binary_as_text(payload: &[u8]) -> Option<String> {
    if !payload.starts_with(ZIP_MAGIC) {
        return None;
    }
    let latin1: Option<Vec<u8>> = std::str::from_utf8(payload)
        .ok()
        .and_then(|text| text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect());
    Some(format!("{B64_PREFIX}{}", base64::encode(latin1.as_deref().unwrap_or(payload))))
}

/// The ZIP archive a payload carries.
pub fn archive_bytes(payload: &str, limits: &Limits) -> Result<Vec<u8>, Failure> {
    let bytes = if has_b64_prefix(payload) {
        let text = &payload[B64_PREFIX.len()..];
        base64::decode_lenient(text).ok_or_else(|| invalid("the text after B64: is not base64"))?
    } else {
        // The archive's bytes as ISO-8859-1 characters.
        let mut bytes = Vec::with_capacity(payload.len());
        for (i, c) in payload.chars().enumerate() {
            let b = u8::try_from(u32::from(c))
                .map_err(|_| invalid(format!("character {i} of the ZIP text is beyond ISO-8859-1")))?;
            bytes.push(b);
        }
        bytes
    };
    if bytes.len() > limits.max_payload_len {
        return Err(Failure::new(
            Reason::PayloadTooLarge,
            format!("the {}-byte archive is more than the {}-byte limit", bytes.len(), limits.max_payload_len),
        ));
    }
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(invalid("the payload is not a ZIP archive"));
    }
    Ok(bytes)
}

/// The bytes of `certificate.json` in the ZIP archive `zip`, inflated
/// within `limits.max_inflated_len`.
pub fn certificate_json(zip: &[u8], limits: &Limits) -> Result<Vec<u8>, Failure> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| invalid(format!("not a readable ZIP archive: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(invalid(format!("the archive lists {} entries, more than {MAX_ENTRIES}", archive.len())));
    }
    let cap = limits.max_inflated_len;
    let mut entry = archive
        .by_name(CERTIFICATE_ENTRY)
        .map_err(|e| invalid(format!("the archive has no readable {CERTIFICATE_ENTRY}: {e}")))?;
    if entry.size() > cap as u64 {
        return Err(Failure::new(
            Reason::InflatedTooLarge,
            format!("{CERTIFICATE_ENTRY} declares {} bytes, more than the {cap}-byte limit", entry.size()),
        ));
    }
    let mut out = Vec::new();
    // One byte past the cap tells a stream longer than it declared.
    (&mut entry)
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| invalid(format!("{CERTIFICATE_ENTRY} does not inflate: {e}")))?;
    if out.len() > cap {
        return Err(Failure::new(
            Reason::InflatedTooLarge,
            format!("{CERTIFICATE_ENTRY} inflates past the {cap}-byte limit"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn both_text_forms_give_the_archive() {
        let zip = zip_of(&[(CERTIFICATE_ENTRY, b"{}")]);
        let b64 = format!("b64:{}", base64::encode(&zip));
        assert!(detect(&b64));
        assert_eq!(archive_bytes(&b64, &Limits::DEFAULT).unwrap(), zip);
        let latin1: String = zip.iter().map(|&b| char::from(b)).collect();
        assert!(detect(&latin1));
        assert_eq!(archive_bytes(&latin1, &Limits::DEFAULT).unwrap(), zip);
        assert_eq!(certificate_json(&zip, &Limits::DEFAULT).unwrap(), b"{}");
    }

    #[test]
    fn a_binary_code_reads_as_b64_text() {
        assert_eq!(binary_as_text(b"PK\x03\x04rest").as_deref(), Some("B64:UEsDBHJlc3Q="));
        assert_eq!(binary_as_text(&[0xff, 0xfe]), None);
        // `PK\x03\x04\x95` as ISO-8859-1 characters, UTF-8 encoded.
        assert_eq!(binary_as_text(b"PK\x03\x04\xc2\x95").as_deref(), Some("B64:UEsDBJU="));
        assert_eq!(binary_as_text(b"PK\x03\x04\x95").as_deref(), Some("B64:UEsDBJU="), "not UTF-8: as it is");
        assert_eq!(crate::formats::binary_as_text(b"PK\x03\x04rest"), binary_as_text(b"PK\x03\x04rest"));
    }

    #[test]
    fn bad_archives_are_typed() {
        let reason = |p: &str| archive_bytes(p, &Limits::DEFAULT).err().unwrap().reason;
        assert_eq!(reason("B64:!!!"), Reason::DivocArchiveInvalid);
        assert_eq!(reason("B64:aGVsbG8="), Reason::DivocArchiveInvalid, "base64, not a ZIP");
        assert_eq!(reason("PK\u{3}\u{4}\u{100}"), Reason::DivocArchiveInvalid);
        let other = zip_of(&[("other.json", b"{}")]);
        assert_eq!(certificate_json(&other, &Limits::DEFAULT).err().unwrap().reason, Reason::DivocArchiveInvalid);
        let many: Vec<(String, &[u8])> = (0..=MAX_ENTRIES).map(|i| (format!("f{i}"), &b""[..])).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, d)| (n.as_str(), *d)).collect();
        let many = zip_of(&many);
        assert_eq!(certificate_json(&many, &Limits::DEFAULT).err().unwrap().reason, Reason::DivocArchiveInvalid);
        let mut truncated = zip_of(&[(CERTIFICATE_ENTRY, b"{}")]);
        truncated.truncate(truncated.len() - 10);
        assert_eq!(certificate_json(&truncated, &Limits::DEFAULT).err().unwrap().reason, Reason::DivocArchiveInvalid);
    }

    #[test]
    fn a_compression_bomb_stops_at_the_cap() {
        let big = vec![b' '; 200_000];
        let zip = zip_of(&[(CERTIFICATE_ENTRY, &big)]);
        assert!(zip.len() < 2_000, "{}", zip.len());
        let f = certificate_json(&zip, &Limits::DEFAULT).err().unwrap();
        assert_eq!(f.reason, Reason::InflatedTooLarge);
    }
}
