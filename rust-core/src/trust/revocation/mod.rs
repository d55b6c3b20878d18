//! EU DCC revocation: the data of the DGCA revocation distribution service,
//! read offline.
//!
//! The service lists, per signer key (kid), SHA-256 hashes truncated to 16
//! bytes of revoked certificates (of the UCI, of country code + UCI, or of
//! the signature: [`RevocationHashKind`]), spread over partitions and
//! chunks by the hash's first hex digits ([`Mode`], [`cell`]), each chunk
//! holding one slice per batch expiry: a bloom filter ([`BloomFilter`]) or
//! a list of hash prefixes ([`HashList`]). Slices travel in tar.gz
//! archives ([`archive`]). The sync (`trust::sync`, source `revocation`)
//! fetches them; the SQLite store keeps them and answers the revocation
//! check from a cache of decoded slices.
//!
//! Every reader here is bounded ([`MAX_SLICE_BYTES`], [`MAX_BLOOM_K`],
//! [`archive::MAX_ARCHIVE_BYTES`], [`archive::MAX_ARCHIVE_ENTRIES`]) and
//! answers a typed [`SliceError`], never a panic.

pub mod archive;
mod bloom;
pub mod data;
mod varhash;

use std::fmt;

pub use bloom::BloomFilter;
pub use varhash::{HashList, java_written};

use crate::formats::RevocationHashKind;

/// How old the revocation data may be at the verification time, in
/// seconds (72 h), before the revocation check warns that it is stale
/// (`REVOCATION_DATA_STALE`): the age is from the last successful sync of
/// the revocation service.
pub const MAX_DATA_AGE_SECONDS: i64 = 72 * 3600;

/// Largest slice read, in bytes (a bloom filter for 1 000 000 hashes at the
/// service's 1e-12 is about 7 MB).
pub const MAX_SLICE_BYTES: usize = 16 * 1024 * 1024;
/// Largest `k` of a bloom filter read: the service's 1e-12 gives 40, the
/// app's tiny test filters 67; each lookup computes `k` SHA-256.
pub const MAX_BLOOM_K: u8 = 100;

/// Why a slice or an archive is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SliceError {
    /// Larger than [`MAX_SLICE_BYTES`].
    TooLarge {
        /// Its length.
        len: usize,
    },
    /// Shorter than its header.
    Truncated,
    /// A version other than 1.
    Version(u16),
    /// A bloom filter's `k` below 1 or above [`MAX_BLOOM_K`].
    HashCount(i8),
    /// A bloom filter's hash function other than 0 (SHA-256).
    HashFunction(u8),
    /// A false-positive rate that is not a number in [0, 1).
    ProbRate,
    /// A negative element count or bit-word count.
    Counts,
    /// The body is not what the header says (bit words, whole entries).
    Length,
    /// A hash-list entry size of 0 or over 16 bytes.
    EntrySize(u8),
    /// The archive is not a gzip-compressed tar of slices.
    Archive(&'static str),
    /// The archive gunzips to more than [`archive::MAX_ARCHIVE_BYTES`].
    ArchiveTooLarge,
    /// The archive holds more than [`archive::MAX_ARCHIVE_ENTRIES`] files.
    ArchiveEntries,
    /// A slice type other than `BLOOMFILTER` or `VARHASHLIST`.
    UnknownType,
}

impl fmt::Display for SliceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SliceError::TooLarge { len } => write!(f, "a slice of {len} bytes is over the limit of {MAX_SLICE_BYTES}"),
            SliceError::Truncated => f.write_str("a slice is shorter than its header"),
            SliceError::Version(v) => write!(f, "a slice has version {v}, not 1"),
            SliceError::HashCount(k) => write!(f, "a bloom filter has k = {k}, not 1 to {MAX_BLOOM_K}"),
            SliceError::HashFunction(h) => write!(f, "a bloom filter names hash function {h}, not 0 (SHA-256)"),
            SliceError::ProbRate => f.write_str("a slice's false-positive rate is not a number in [0, 1)"),
            SliceError::Counts => f.write_str("a slice has a negative count"),
            SliceError::Length => f.write_str("a slice's body is not what its header says"),
            SliceError::EntrySize(s) => write!(f, "a hash list has entries of {s} bytes, not 1 to 16"),
            SliceError::Archive(why) => write!(f, "a slice archive is unreadable: {why}"),
            SliceError::ArchiveTooLarge => {
                write!(f, "a slice archive unpacks to more than {} bytes", archive::MAX_ARCHIVE_BYTES)
            }
            SliceError::ArchiveEntries => {
                write!(f, "a slice archive holds more than {} files", archive::MAX_ARCHIVE_ENTRIES)
            }
            SliceError::UnknownType => f.write_str("a slice type is not BLOOMFILTER or VARHASHLIST"),
        }
    }
}

impl std::error::Error for SliceError {}

/// How a kid's hashes are spread over partitions and chunks (the service
/// picks it by the kid's number of hashes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// One partition (`id` null); chunk = first hex digit.
    Point,
    /// Partition = first hex digit; chunk = second.
    Vector,
    /// Partition = first two hex digits; chunk = third.
    Coordinate,
}

impl Mode {
    /// The service's name.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Point => "POINT",
            Mode::Vector => "VECTOR",
            Mode::Coordinate => "COORDINATE",
        }
    }

    /// Reads a name back.
    pub fn from_name(name: &str) -> Option<Self> {
        [Mode::Point, Mode::Vector, Mode::Coordinate].into_iter().find(|m| m.name() == name)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The gateway's name of a hash type.
pub fn hash_type_name(kind: RevocationHashKind) -> &'static str {
    match kind {
        RevocationHashKind::Uci => "UCI",
        RevocationHashKind::CountryCodeUci => "COUNTRYCODEUCI",
        RevocationHashKind::Signature => "SIGNATURE",
    }
}

/// Reads a hash type name back.
pub fn hash_type_from_name(name: &str) -> Option<RevocationHashKind> {
    [RevocationHashKind::Uci, RevocationHashKind::CountryCodeUci, RevocationHashKind::Signature]
        .into_iter()
        .find(|k| hash_type_name(*k) == name)
}

/// Where a hash lies: partition `x` and `y` (empty when the mode has none)
/// and chunk `cid`, each a lowercase hex digit of the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cell {
    /// Partition `x` (VECTOR, COORDINATE), else `None`.
    pub x: Option<char>,
    /// Partition `y` (COORDINATE), else `None`.
    pub y: Option<char>,
    /// The chunk.
    pub cid: char,
}

/// The lowercase hex digit `i` (0-based) of `hash`.
fn digit(hash: &[u8; 16], i: usize) -> char {
    let b = hash[i / 2];
    let nibble = if i.is_multiple_of(2) { b >> 4 } else { b & 0x0f };
    char::from(b"0123456789abcdef"[usize::from(nibble)])
}

/// The cell of `hash` in `mode` (the service's `getHashEntity`, the app's
/// `isContainsHash`).
pub fn cell(mode: Mode, hash: &[u8; 16]) -> Cell {
    match mode {
        Mode::Point => Cell { x: None, y: None, cid: digit(hash, 0) },
        Mode::Vector => Cell { x: Some(digit(hash, 0)), y: None, cid: digit(hash, 1) },
        Mode::Coordinate => Cell { x: Some(digit(hash, 0)), y: Some(digit(hash, 1)), cid: digit(hash, 2) },
    }
}

/// The two kinds of slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SliceType {
    /// `BLOOMFILTER`.
    Bloom,
    /// `VARHASHLIST`.
    HashList,
}

impl SliceType {
    /// The service's name (also the `X-SLICE-FILTER-TYPE` header value).
    pub fn name(self) -> &'static str {
        match self {
            SliceType::Bloom => "BLOOMFILTER",
            SliceType::HashList => "VARHASHLIST",
        }
    }

    /// Reads a name back.
    pub fn from_name(name: &str) -> Option<Self> {
        [SliceType::Bloom, SliceType::HashList].into_iter().find(|t| t.name() == name)
    }
}

/// A slice, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Slice {
    /// A bloom filter.
    Bloom(BloomFilter),
    /// A hash-prefix list.
    HashList(HashList),
}

impl Slice {
    /// Reads `bytes` as a slice of type `kind`.
    pub fn parse(kind: SliceType, bytes: &[u8]) -> Result<Self, SliceError> {
        Ok(match kind {
            SliceType::Bloom => Slice::Bloom(BloomFilter::parse(bytes)?),
            SliceType::HashList => Slice::HashList(HashList::parse(bytes)?),
        })
    }

    /// Whether the slice may hold `hash`.
    pub fn contains(&self, hash: &[u8; 16]) -> bool {
        self.contains_cached(hash, &mut Vec::new())
    }

    /// [`contains`](Self::contains), a bloom filter's digests of `hash`
    /// kept in `digests` for the next slice asked about the same hash
    /// ([`BloomFilter::contains_cached`]).
    pub fn contains_cached(&self, hash: &[u8; 16], digests: &mut Vec<[u8; 32]>) -> bool {
        match self {
            Slice::Bloom(b) => b.contains_cached(hash, digests),
            Slice::HashList(l) => l.contains(hash),
        }
    }

    /// Its type.
    pub fn kind(&self) -> SliceType {
        match self {
            Slice::Bloom(_) => SliceType::Bloom,
            Slice::HashList(_) => SliceType::HashList,
        }
    }

    /// The false-positive rate it declares.
    pub fn prob_rate(&self) -> f32 {
        match self {
            Slice::Bloom(b) => b.prob_rate(),
            Slice::HashList(l) => l.prob_rate(),
        }
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_the_hex_digits() {
        let mut h = [0u8; 16];
        h[0] = 0xab;
        h[1] = 0xc0;
        assert_eq!(cell(Mode::Point, &h), Cell { x: None, y: None, cid: 'a' });
        assert_eq!(cell(Mode::Vector, &h), Cell { x: Some('a'), y: None, cid: 'b' });
        assert_eq!(cell(Mode::Coordinate, &h), Cell { x: Some('a'), y: Some('b'), cid: 'c' });
        assert_eq!(Mode::from_name("VECTOR"), Some(Mode::Vector));
        assert_eq!(hash_type_from_name("COUNTRYCODEUCI"), Some(RevocationHashKind::CountryCodeUci));
        assert_eq!(SliceType::from_name("VARHASHLIST"), Some(SliceType::HashList));
        assert_eq!(SliceType::from_name("bloom"), None);
    }

    #[test]
    fn slices_of_either_type_answer_membership() {
        let a = [1u8; 16];
        let b = [2u8; 16];
        let bloom = BloomFilter::build(1, 1e-12, [a.as_slice()]).unwrap().to_bytes();
        let list = HashList::write([a.as_slice()], 4, 0.0, false).unwrap();
        for (kind, bytes) in [(SliceType::Bloom, bloom), (SliceType::HashList, list)] {
            let s = Slice::parse(kind, &bytes).unwrap();
            assert!(s.contains(&a) && !s.contains(&b), "{kind:?}");
            assert_eq!(s.kind(), kind);
        }
        assert!(Slice::parse(SliceType::Bloom, b"junk").is_err());
    }
}
