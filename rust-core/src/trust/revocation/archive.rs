//! The slice archives of the revocation service: a gzip-compressed tar of
//! entries named `<kid>/<id>/<cid>/<sid>`, each the raw bytes of one slice.
//!
//! A narrow reader: gunzip through a counted reader (at most
//! [`MAX_ARCHIVE_BYTES`] out), then ustar headers of regular files (a GNU
//! long name `L` entry is followed; directories, PAX headers and links are
//! skipped), at most [`MAX_ARCHIVE_ENTRIES`] files, each named by its last
//! two path segments (cid, sid) as the DGCA app reads them. The writer
//! (fixtures, the loopback service) writes plain ustar with fixed times.

use std::io::Read as _;

use super::SliceError;

/// Most bytes an archive may gunzip to.
pub const MAX_ARCHIVE_BYTES: usize = 64 * 1024 * 1024;
/// Most files an archive may hold.
pub const MAX_ARCHIVE_ENTRIES: usize = 10_000;
const BLOCK: usize = 512;

/// One slice of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedSlice {
    /// The chunk id (second-to-last path segment).
    pub cid: String,
    /// The slice id (last path segment): the hex SHA-256 of the bytes.
    pub sid: String,
    /// The slice bytes.
    pub bytes: Vec<u8>,
}

/// Gunzips `gz`, refusing more than `cap` bytes out.
pub fn gunzip(gz: &[u8], cap: usize) -> Result<Vec<u8>, SliceError> {
    let mut out = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::MultiGzDecoder::new(gz)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|_| SliceError::Archive("not gzip, or cut short"))?;
    if out.len() > cap {
        return Err(SliceError::ArchiveTooLarge);
    }
    Ok(out)
}

fn octal(field: &[u8]) -> Option<usize> {
    let text = field.split(|b| *b == 0 || *b == b' ').find(|s| !s.is_empty()).unwrap_or(b"0");
    if text.len() > 12 || !text.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return None;
    }
    text.iter().try_fold(0usize, |n, b| n.checked_mul(8)?.checked_add(usize::from(b - b'0')))
}

fn text(field: &[u8]) -> &[u8] {
    field.split(|b| *b == 0).next().unwrap_or(&[])
}

/// The slices of a tar.gz archive, in archive order.
pub fn read(gz: &[u8]) -> Result<Vec<ArchivedSlice>, SliceError> {
    let tar = gunzip(gz, MAX_ARCHIVE_BYTES)?;
    read_tar(&tar)
}

/// The slices of an uncompressed tar.
pub fn read_tar(tar: &[u8]) -> Result<Vec<ArchivedSlice>, SliceError> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut long_name: Option<Vec<u8>> = None;
    while at + BLOCK <= tar.len() {
        let header = &tar[at..at + BLOCK];
        if header.iter().all(|b| *b == 0) {
            break;
        }
        let sum = octal(&header[148..156]).ok_or(SliceError::Archive("a header checksum is not octal"))?;
        let computed: usize =
            header.iter().enumerate().map(|(i, b)| if (148..156).contains(&i) { 32 } else { usize::from(*b) }).sum();
        if sum != computed {
            return Err(SliceError::Archive("a header checksum does not match"));
        }
        let size = octal(&header[124..136]).ok_or(SliceError::Archive("a size is not octal"))?;
        let start = at + BLOCK;
        let end = start.checked_add(size).filter(|e| *e <= tar.len()).ok_or(SliceError::Archive("cut short"))?;
        let body = &tar[start..end];
        at = start + size.div_ceil(BLOCK) * BLOCK;
        match header[156] {
            b'0' | 0 => {
                if out.len() >= MAX_ARCHIVE_ENTRIES {
                    return Err(SliceError::ArchiveEntries);
                }
                let name = match long_name.take() {
                    Some(n) => n,
                    None => {
                        let prefix = text(&header[345..500]);
                        let name = text(&header[..100]);
                        if &header[257..262] == b"ustar" && !prefix.is_empty() {
                            [prefix, b"/", name].concat()
                        } else {
                            name.to_vec()
                        }
                    }
                };
                let name = String::from_utf8(name).map_err(|_| SliceError::Archive("an entry name is not UTF-8"))?;
                let mut segments = name.trim_end_matches('/').rsplit('/');
                let (Some(sid), Some(cid)) = (segments.next(), segments.next()) else {
                    return Err(SliceError::Archive("an entry is not named <kid>/<id>/<cid>/<sid>"));
                };
                out.push(ArchivedSlice { cid: cid.to_owned(), sid: sid.to_owned(), bytes: body.to_vec() });
            }
            b'L' => {
                if size > 4096 {
                    return Err(SliceError::Archive("a long name is too long"));
                }
                long_name = Some(text(body).to_vec());
            }
            // Directories, PAX headers, links: not slices.
            _ => long_name = None,
        }
    }
    Ok(out)
}

/// A ustar archive of `(path, bytes)` entries, gzip-compressed, with fixed
/// times (byte-identical for identical input). Paths longer than 100 bytes
/// are refused.
pub fn write<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Vec<u8>, SliceError> {
    let mut tar = Vec::new();
    for (path, bytes) in entries {
        if path.len() > 100 {
            return Err(SliceError::Archive("an entry name is longer than 100 bytes"));
        }
        let mut h = [0u8; BLOCK];
        h[..path.len()].copy_from_slice(path.as_bytes());
        h[100..108].copy_from_slice(b"0000644\0");
        h[108..116].copy_from_slice(b"0000000\0");
        h[116..124].copy_from_slice(b"0000000\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", bytes.len()).as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: usize = h.iter().map(|b| usize::from(*b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        tar.extend_from_slice(&h);
        tar.extend_from_slice(bytes);
        tar.resize(tar.len().div_ceil(BLOCK) * BLOCK, 0);
    }
    tar.resize(tar.len() + 2 * BLOCK, 0);
    let mut gz = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &tar).map_err(|_| SliceError::Archive("gzip failed"))?;
    gz.finish().map_err(|_| SliceError::Archive("gzip failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_round_trip() {
        let big = vec![7u8; 1000];
        let gz = write([("a2lk/null/0/aa", b"one".as_slice()), ("a2lk/null/1/bb", big.as_slice())]).unwrap();
        let read = read(&gz).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(
            (read[0].cid.as_str(), read[0].sid.as_str(), read[0].bytes.as_slice()),
            ("0", "aa", b"one".as_slice())
        );
        assert_eq!((read[1].cid.as_str(), read[1].bytes.len()), ("1", 1000));
        assert_eq!(write([("k/i/c/s", b"x".as_slice())]).unwrap(), write([("k/i/c/s", b"x".as_slice())]).unwrap());
    }

    #[test]
    fn defects_are_typed_errors() {
        assert!(matches!(read(b"not gzip"), Err(SliceError::Archive(_))));
        let gz = write([("k/i/c/s", b"x".as_slice())]).unwrap();
        let tar = gunzip(&gz, MAX_ARCHIVE_BYTES).unwrap();
        let mut bad = tar.clone();
        bad[0] = b'z';
        assert_eq!(read_tar(&bad), Err(SliceError::Archive("a header checksum does not match")));
        let mut short = tar.clone();
        short.truncate(BLOCK);
        assert_eq!(read_tar(&short), Err(SliceError::Archive("cut short")));
        let mut one = tar.clone();
        one[..7].copy_from_slice(b"noslash");
        one[7] = 0;
        one[148..156].copy_from_slice(b"        ");
        let sum: usize = one[..BLOCK].iter().map(|b| usize::from(*b)).sum();
        one[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert!(matches!(read_tar(&one), Err(SliceError::Archive(_))));
        // A gzip bomb stops at the cap.
        let zeros = vec![0u8; 4096];
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &zeros).unwrap();
        let bomb = gz.finish().unwrap();
        assert_eq!(gunzip(&bomb, 4095), Err(SliceError::ArchiveTooLarge));
        assert_eq!(gunzip(&bomb, 4096).unwrap().len(), 4096);
        // Too many entries.
        let names: Vec<String> = (0..=MAX_ARCHIVE_ENTRIES).map(|i| format!("k/i/c/{i}")).collect();
        let many = write(names.iter().map(|n| (n.as_str(), b"".as_slice()))).unwrap();
        assert_eq!(read(&many), Err(SliceError::ArchiveEntries));
    }
}
