//! The variable hash-list slice (`VARHASHLIST`) of the DGCA revocation
//! distribution service (`PartialVariableHashFilter`).
//!
//! Layout, big-endian:
//!
//! ```text
//! u16 version (1) | f32 probRate | i32 definedElementAmount | u8 size
//! | N × size-byte entries          (N = (len − 11) / size)
//! ```
//!
//! Each entry is the first `size` bytes of a 16-byte revocation hash. The
//! Java reader compares `BigInteger` values; here the raw prefixes are
//! compared, sorted once when the slice is read, then binary-searched.
//!
//! The Java writer left-pads `BigInteger.toByteArray()` with `0x00`: a
//! prefix whose value is negative with a redundant leading `0xFF` (`FF 80 …`)
//! is written as `00 80 …`, and a byte-exact lookup would miss it. Such a
//! hash is also looked up in that "corrupted" form ([`java_written`]).

use super::{MAX_SLICE_BYTES, SliceError};

const HEADER_LEN: usize = 11;
/// Shortest entry the service writes (`minByteCount`) is 4; shorter ones
/// would make the list a filter of little use, and are still read.
const MAX_ENTRY: usize = 16;

/// A hash-list slice: its sorted prefixes.
#[derive(Clone, PartialEq)]
pub struct HashList {
    prob_rate: f32,
    size: usize,
    /// `N × size` bytes, sorted by entry.
    entries: Vec<u8>,
}

impl std::fmt::Debug for HashList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashList").field("size", &self.size).field("entries", &self.len()).finish()
    }
}

/// How the Java writer stores `prefix`: `BigInteger(prefix).toByteArray()`
/// (minimal two's complement) left-padded with zeros to the prefix length.
/// Only a negative prefix with redundant leading `0xFF` bytes changes.
pub fn java_written(prefix: &[u8]) -> Vec<u8> {
    let mut start = 0;
    while start + 1 < prefix.len() && prefix[start] == 0xff && prefix[start + 1] & 0x80 != 0 {
        start += 1;
    }
    let mut out = vec![0u8; start];
    out.extend_from_slice(&prefix[start..]);
    out
}

impl HashList {
    /// Reads a slice; a version other than 1, an entry size of 0 or over
    /// 16 bytes, or a body that is not whole entries is refused.
    pub fn parse(bytes: &[u8]) -> Result<Self, SliceError> {
        if bytes.len() > MAX_SLICE_BYTES {
            return Err(SliceError::TooLarge { len: bytes.len() });
        }
        if bytes.len() < HEADER_LEN {
            return Err(SliceError::Truncated);
        }
        let version = u16::from_be_bytes([bytes[0], bytes[1]]);
        if version != 1 {
            return Err(SliceError::Version(version));
        }
        let prob_rate = f32::from_be_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]);
        if !(0.0..1.0).contains(&prob_rate) {
            return Err(SliceError::ProbRate);
        }
        if i32::from_be_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]) < 0 {
            return Err(SliceError::Counts);
        }
        let size = usize::from(bytes[10]);
        if size == 0 || size > MAX_ENTRY {
            return Err(SliceError::EntrySize(bytes[10]));
        }
        let body = &bytes[HEADER_LEN..];
        if !body.len().is_multiple_of(size) {
            return Err(SliceError::Length);
        }
        let mut rows: Vec<&[u8]> = body.chunks_exact(size).collect();
        rows.sort_unstable();
        Ok(HashList { prob_rate, size, entries: rows.concat() })
    }

    /// Whether the list holds `hash`'s prefix, as written or as the Java
    /// writer would have corrupted it.
    pub fn contains(&self, hash: &[u8]) -> bool {
        let Some(prefix) = hash.get(..self.size) else { return false };
        self.holds(prefix) || {
            let written = java_written(prefix);
            written != prefix && self.holds(&written)
        }
    }

    fn holds(&self, prefix: &[u8]) -> bool {
        let n = self.len();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let row = &self.entries[mid * self.size..(mid + 1) * self.size];
            match row.cmp(prefix) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len() / self.size
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The false-positive rate the slice declares.
    pub fn prob_rate(&self) -> f32 {
        self.prob_rate
    }

    /// The slice bytes for `hashes` cut to `size` bytes each (fixtures, the
    /// loopback service); `java_bug` writes each prefix as the Java writer
    /// does ([`java_written`]).
    pub fn write<'a>(
        hashes: impl IntoIterator<Item = &'a [u8]>,
        size: u8,
        prob_rate: f32,
        java_bug: bool,
    ) -> Result<Vec<u8>, SliceError> {
        let width = usize::from(size);
        if width == 0 || width > MAX_ENTRY {
            return Err(SliceError::EntrySize(size));
        }
        let mut rows: Vec<Vec<u8>> = Vec::new();
        for h in hashes {
            let prefix = h.get(..width).ok_or(SliceError::EntrySize(size))?;
            rows.push(if java_bug { java_written(prefix) } else { prefix.to_vec() });
        }
        rows.sort();
        let mut out = Vec::with_capacity(HEADER_LEN + rows.len() * width);
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&prob_rate.to_be_bytes());
        out.extend_from_slice(&i32::try_from(rows.len()).unwrap_or(i32::MAX).to_be_bytes());
        out.push(size);
        for r in rows {
            out.extend_from_slice(&r);
        }
        if out.len() > MAX_SLICE_BYTES {
            return Err(SliceError::TooLarge { len: out.len() });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_found_and_others_not() {
        let a = [0x12u8; 16];
        let b = [0x9au8; 16];
        let slice = HashList::write([a.as_slice(), b.as_slice()], 4, 0.01, false).unwrap();
        assert_eq!(slice.len(), 11 + 8);
        let list = HashList::parse(&slice).unwrap();
        assert!(list.contains(&a) && list.contains(&b));
        let mut near = a;
        near[3] = 0x13;
        assert!(!list.contains(&near));
        near[3] = 0x12;
        near[15] = 0;
        assert!(list.contains(&near), "only the prefix counts");
        assert!(!list.contains(&a[..3]), "a key shorter than the entries");
    }

    #[test]
    fn the_java_writer_bug_is_looked_up_too() {
        assert_eq!(java_written(&[0xff, 0x80, 1, 2]), [0x00, 0x80, 1, 2]);
        assert_eq!(java_written(&[0xff, 0xff, 0x80, 2]), [0x00, 0x00, 0x80, 2]);
        assert_eq!(java_written(&[0xff, 0xff, 0xff, 0xff]), [0, 0, 0, 0xff]);
        assert_eq!(java_written(&[0xff, 0x7f, 1, 2]), [0xff, 0x7f, 1, 2], "needed sign byte kept");
        assert_eq!(java_written(&[0x80, 0, 1, 2]), [0x80, 0, 1, 2]);
        let mut h = [0u8; 16];
        h[..4].copy_from_slice(&[0xff, 0x80, 1, 2]);
        let corrupted = HashList::parse(&HashList::write([h.as_slice()], 4, 0.01, true).unwrap()).unwrap();
        assert!(corrupted.contains(&h), "found in its corrupted form");
        let exact = HashList::parse(&HashList::write([h.as_slice()], 4, 0.01, false).unwrap()).unwrap();
        assert!(exact.contains(&h));
    }

    #[test]
    fn defects_are_typed_errors() {
        let good = HashList::write([[7u8; 16].as_slice()], 5, 0.5, false).unwrap();
        let with = |at: usize, v: u8| {
            let mut b = good.clone();
            b[at] = v;
            HashList::parse(&b).err()
        };
        assert_eq!(with(1, 3), Some(SliceError::Version(3)));
        assert_eq!(with(10, 0), Some(SliceError::EntrySize(0)));
        assert_eq!(with(10, 17), Some(SliceError::EntrySize(17)));
        assert_eq!(with(10, 4), Some(SliceError::Length));
        assert_eq!(with(2, 0x7f), Some(SliceError::ProbRate));
        assert_eq!(with(6, 0x80), Some(SliceError::Counts));
        assert_eq!(HashList::parse(&good[..5]).err(), Some(SliceError::Truncated));
        assert!(HashList::parse(&good[..11]).unwrap().is_empty());
    }
}
