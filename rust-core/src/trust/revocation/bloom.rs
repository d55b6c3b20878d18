//! The bloom-filter slice of the DGCA revocation distribution service, bit
//! for bit as the service writes it (`BloomFilterImpl.java`, which the
//! service and the DGCA apps embed alike).
//!
//! Layout, big-endian (Java `DataOutputStream`):
//!
//! ```text
//! u16 version (1) | i8 k | u8 usedHashFunction (0) | f32 probRate
//! | i32 definedElementAmount | i32 currentElementAmount | i32 dataLength
//! | dataLength × i32 bit words
//! ```
//!
//! `m = dataLength · 32` bits. The index of hash `i` (`0 ≤ i < k`) is
//! `SHA-256(element ‖ byte(i))` read as a *signed* big-endian 256-bit
//! integer (Java `new BigInteger(h)`), taken mod `m` with a non-negative
//! remainder (`BigInteger.mod`); bits run most significant first in each
//! word, which in the byte stream is byte `idx / 8`, mask `0x80 >> idx % 8`.
//! An element is present when all `k` bits are set.
//!
//! The remainder needs no big integers: the 32 bytes are folded into a
//! remainder mod `m` (`m` < 2³⁷ under [`MAX_SLICE_BYTES`](super::MAX_SLICE_BYTES)),
//! and a negative value (top bit set) subtracts `2²⁵⁶ mod m`.

use super::{MAX_BLOOM_K, MAX_SLICE_BYTES, SliceError};

/// Header length in bytes, before the bit words.
const HEADER_LEN: usize = 2 + 1 + 1 + 4 + 4 + 4 + 4;

/// A bloom-filter slice, read and checked; lookups read `k` bytes.
#[derive(Clone, PartialEq)]
pub struct BloomFilter {
    /// `k`, the number of hash functions.
    k: u8,
    /// The false-positive rate the slice declares.
    prob_rate: f32,
    /// The elements it was built for (`definedElementAmount`).
    defined: i32,
    /// The elements inserted (`currentElementAmount`).
    current: i32,
    /// The bit words, as bytes (big-endian words: bit order is byte order).
    bits: Vec<u8>,
    /// `2^256 mod m`, for the negative (signed) hash values.
    wrap: u64,
}

impl std::fmt::Debug for BloomFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BloomFilter")
            .field("k", &self.k)
            .field("prob_rate", &self.prob_rate)
            .field("elements", &self.current)
            .field("bits", &(self.bits.len() * 8))
            .finish()
    }
}

/// `bytes` (big-endian, unsigned) mod `m`, for `0 < m < 2^32` (a filter
/// has at most `8 · MAX_SLICE_BYTES` = 2^27 bits): four bytes at a time in
/// `u64` (`r < m`, so `r · 2^32 + chunk < 2^64`).
fn fold_mod(bytes: &[u8], m: u64) -> u64 {
    let head = bytes.len() % 4;
    let r = bytes[..head].iter().fold(0u64, |r, &b| ((r << 8) | u64::from(b)) % m);
    bytes[head..]
        .chunks_exact(4)
        .fold(r, |r, c| ((r << 32) | u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))) % m)
}

/// `SHA-256(element ‖ byte(i))`.
fn digest(element: &[u8], i: u8) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(element);
    ctx.update(&[i]);
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// The bit index of hash `i` of `element` in a filter of `m` bits, whose
/// `2^256 mod m` is `wrap`.
fn index(element: &[u8], i: u8, m: u64, wrap: u64) -> u64 {
    index_of(&digest(element, i), m, wrap)
}

/// The bit index of the digest `h` in a filter of `m` bits.
fn index_of(h: &[u8; 32], m: u64, wrap: u64) -> u64 {
    let unsigned = fold_mod(h, m);
    if h[0] & 0x80 == 0 {
        unsigned
    } else {
        // value = unsigned − 2^256, so value mod m = (unsigned − wrap) mod m.
        (unsigned + m - wrap) % m
    }
}

fn be_i32(b: &[u8], at: usize) -> i32 {
    i32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl BloomFilter {
    /// Reads a slice; anything but a well-formed version-1 filter with
    /// `1 ≤ k ≤` [`MAX_BLOOM_K`] and a non-empty bit array that the slice
    /// holds exactly is refused.
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
        let k = bytes[2] as i8;
        if k < 1 || k as u8 > MAX_BLOOM_K {
            return Err(SliceError::HashCount(k));
        }
        if bytes[3] != 0 {
            return Err(SliceError::HashFunction(bytes[3]));
        }
        let prob_rate = f32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        if !(prob_rate > 0.0 && prob_rate < 1.0) {
            return Err(SliceError::ProbRate);
        }
        let defined = be_i32(bytes, 8);
        let current = be_i32(bytes, 12);
        let words = be_i32(bytes, 16);
        if defined < 0 || current < 0 {
            return Err(SliceError::Counts);
        }
        let words = usize::try_from(words).map_err(|_| SliceError::Counts)?;
        if words == 0 || bytes.len() - HEADER_LEN != words * 4 {
            return Err(SliceError::Length);
        }
        let bits = bytes[HEADER_LEN..].to_vec();
        let m = words as u64 * 32;
        Ok(BloomFilter { k: k as u8, prob_rate, defined, current, bits, wrap: wrap_of(m) })
    }

    /// Whether `element` may be in the set (all `k` bits set).
    pub fn contains(&self, element: &[u8]) -> bool {
        let m = self.bits.len() as u64 * 8;
        (0..self.k).all(|i| {
            let idx = index(element, i, m, self.wrap);
            self.bits.get((idx / 8) as usize).is_some_and(|b| b & (0x80 >> (idx % 8)) != 0)
        })
    }

    /// [`contains`](Self::contains) with the digests `SHA-256(element ‖ i)`
    /// kept in `digests` (filled as needed): several filters asked for the
    /// same element (the slices of one cell) hash it once. `digests` must
    /// only ever hold digests of this `element`.
    pub fn contains_cached(&self, element: &[u8], digests: &mut Vec<[u8; 32]>) -> bool {
        let m = self.bits.len() as u64 * 8;
        (0..self.k).all(|i| {
            if digests.len() <= usize::from(i) {
                digests.push(digest(element, i));
            }
            let idx = index_of(&digests[usize::from(i)], m, self.wrap);
            self.bits.get((idx / 8) as usize).is_some_and(|b| b & (0x80 >> (idx % 8)) != 0)
        })
    }

    /// The false-positive rate the slice declares.
    pub fn prob_rate(&self) -> f32 {
        self.prob_rate
    }

    /// The number of hash functions.
    pub fn k(&self) -> u8 {
        self.k
    }

    /// The elements inserted, as the slice says.
    pub fn elements(&self) -> usize {
        usize::try_from(self.current).unwrap_or(0)
    }

    /// The number of bits.
    pub fn bits(&self) -> u64 {
        self.bits.len() as u64 * 8
    }

    /// A filter sized as the service sizes it for `n` elements at
    /// `prob_rate`, holding `elements` (fixtures, the loopback service).
    ///
    /// The service's construction, quirk included: `m = ceil(n·ln p /
    /// ln(1/2^ln 2))`, `bytes = m/8 + 1`, `ints = bytes/4 + bytes%4` (not a
    /// ceiling), `m = ints·32`, `k = max(1, round(m/n·ln 2))`. `n` is at
    /// least 1; `k` is capped at [`MAX_BLOOM_K`]; so is the size, at
    /// [`MAX_SLICE_BYTES`] (then `Err`).
    pub fn build<'a>(
        n: usize,
        prob_rate: f32,
        elements: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, SliceError> {
        if !(prob_rate > 0.0 && prob_rate < 1.0) {
            return Err(SliceError::ProbRate);
        }
        let n = n.max(1);
        let p = f64::from(prob_rate);
        let ln2 = std::f64::consts::LN_2;
        let m = ((n as f64 * p.ln()) / (1.0 / 2f64.powf(ln2)).ln()).ceil();
        if !m.is_finite() || m < 0.0 || m > (MAX_SLICE_BYTES * 8) as f64 {
            return Err(SliceError::TooLarge { len: MAX_SLICE_BYTES + 1 });
        }
        let bytes = m as usize / 8 + 1;
        let ints = bytes / 4 + bytes % 4;
        if HEADER_LEN + ints * 4 > MAX_SLICE_BYTES || i32::try_from(ints).is_err() {
            return Err(SliceError::TooLarge { len: HEADER_LEN + ints * 4 });
        }
        let m = ints as u64 * 32;
        let k = ((m as f64 / n as f64) * ln2).round().max(1.0).min(f64::from(MAX_BLOOM_K)) as u8;
        let mut filter = BloomFilter {
            k,
            prob_rate,
            defined: i32::try_from(n).unwrap_or(i32::MAX),
            current: 0,
            bits: vec![0; ints * 4],
            wrap: wrap_of(m),
        };
        for e in elements {
            filter.insert(e);
        }
        Ok(filter)
    }

    /// Sets the `k` bits of `element`.
    pub fn insert(&mut self, element: &[u8]) {
        let m = self.bits.len() as u64 * 8;
        for i in 0..self.k {
            let idx = index(element, i, m, self.wrap);
            if let Some(b) = self.bits.get_mut((idx / 8) as usize) {
                *b |= 0x80 >> (idx % 8);
            }
        }
        self.current = self.current.saturating_add(1);
    }

    /// The slice bytes, as the service writes them.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + self.bits.len());
        out.extend_from_slice(&1u16.to_be_bytes());
        out.push(self.k);
        out.push(0);
        out.extend_from_slice(&self.prob_rate.to_be_bytes());
        out.extend_from_slice(&self.defined.to_be_bytes());
        out.extend_from_slice(&self.current.to_be_bytes());
        out.extend_from_slice(&i32::try_from(self.bits.len() / 4).unwrap_or(i32::MAX).to_be_bytes());
        out.extend_from_slice(&self.bits);
        out
    }

    /// The bit words as the Java `int[]` holds them (tests).
    pub fn words(&self) -> Vec<i32> {
        self.bits.chunks_exact(4).map(|w| i32::from_be_bytes([w[0], w[1], w[2], w[3]])).collect()
    }
}

/// `2^256 mod m`.
fn wrap_of(m: u64) -> u64 {
    let mut one = [0u8; 33];
    one[0] = 1;
    fold_mod(&one, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `filter-test.json` of the DGCA verifier app: for each case, a filter
    /// for `data.len()` elements at `p`, holding the elements marked
    /// `written`, must have exactly the Java filter's words and answer
    /// `exists` for each element. Its `k` field is stale (1); the real k
    /// follows from the sizing (67, 22, 15, 22).
    #[test]
    fn filter_test_vectors_bit_for_bit() {
        let Some(path) = healthcert_test_support::fixtures::external(
            "eu-digital-green-certificates+dgca-verifier-app-android/branches/dcc/revocation/src/test/resources/filter-test.json",
        ) else {
            return;
        };
        let cases: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let mut ks = Vec::new();
        for case in cases.as_array().unwrap() {
            let p = case["p"].as_f64().unwrap() as f32;
            let data: Vec<&str> = case["data"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
            let written: Vec<bool> = case["written"].as_array().unwrap().iter().map(|w| w == 1).collect();
            let filter_text = crate::formats::codec::base64::decode_lenient(case["filter"].as_str().unwrap()).unwrap();
            let expected: Vec<i32> = serde_json::from_slice(&filter_text).unwrap();
            let exists: Vec<u8> = serde_json::from_str(case["exists"].as_str().unwrap()).unwrap();
            let inserted = data.iter().zip(&written).filter(|(_, w)| **w).map(|(d, _)| d.as_bytes());
            let filter = BloomFilter::build(data.len(), p, inserted).unwrap();
            assert_eq!(filter.words(), expected, "words of {data:?}");
            assert_eq!(case["k"], 1, "the file's k is stale");
            ks.push(filter.k());
            // Through the wire form, as a sync reads it.
            let read = BloomFilter::parse(&filter.to_bytes()).unwrap();
            for (d, e) in data.iter().zip(&exists) {
                assert_eq!(read.contains(d.as_bytes()), *e == 1, "{d} in {data:?}");
                let mut digests = Vec::new();
                assert_eq!(read.contains_cached(d.as_bytes(), &mut digests), *e == 1, "{d} in {data:?}");
                assert_eq!(read.contains_cached(d.as_bytes(), &mut digests), *e == 1, "{d} again");
            }
        }
        assert_eq!(ks, [67, 22, 15, 22]);
    }

    #[test]
    fn the_fold_is_the_remainder() {
        for m in [1u64, 7, 96, 1 << 27, (1 << 32) - 5] {
            for bytes in [&[0xffu8; 33][..], &[1, 2, 3], &[0x80; 32], &[]] {
                let slow = bytes.iter().fold(0u128, |r, &b| ((r << 8) | u128::from(b)) % u128::from(m));
                assert_eq!(u128::from(fold_mod(bytes, m)), slow, "{m} {bytes:?}");
            }
        }
    }

    #[test]
    fn signed_index_matches_big_integer_mod() {
        // A hash with the top bit set is negative: h − 2^256 mod m.
        let m = 96;
        let wrap = wrap_of(m);
        // 2^256 mod 96 = 2^256 mod 32·3: 0 mod 32, 1 mod 3 → 64.
        assert_eq!(wrap, 64);
        let mut h = [0u8; 32];
        h[0] = 0xff;
        h[31] = 0xff;
        // −2^256 + 0xff…ff-with-holes; check against the fold directly.
        let unsigned = fold_mod(&h, m);
        assert_eq!((unsigned + m - wrap) % m, {
            // Signed value mod m computed with i128 over the low 16 bytes:
            // bytes 1..31 are zero, so value = 0xff·2^248 + 0xff − 2^256 = −2^248 + 0xff.
            let low = 0xffi128
                - (fold_mod(
                    &{
                        let mut b = [0u8; 32];
                        b[0] = 1;
                        b
                    },
                    m,
                ) as i128);
            low.rem_euclid(m as i128) as u64
        });
    }

    #[test]
    fn defects_are_typed_errors() {
        let good = BloomFilter::build(10, 1e-6, [b"a".as_slice()]).unwrap().to_bytes();
        assert!(BloomFilter::parse(&good).unwrap().contains(b"a"));
        let with = |at: usize, v: u8| {
            let mut b = good.clone();
            b[at] = v;
            BloomFilter::parse(&b)
        };
        assert_eq!(with(1, 2).err(), Some(SliceError::Version(2)));
        assert_eq!(with(2, 0).err(), Some(SliceError::HashCount(0)));
        assert_eq!(with(2, 0x80).err(), Some(SliceError::HashCount(-128)));
        assert_eq!(with(2, MAX_BLOOM_K + 1).err(), Some(SliceError::HashCount((MAX_BLOOM_K + 1) as i8)));
        assert_eq!(with(3, 1).err(), Some(SliceError::HashFunction(1)));
        assert_eq!(with(4, 0x7f).err(), Some(SliceError::ProbRate), "NaN");
        assert_eq!(with(16, 0x80).err(), Some(SliceError::Counts));
        assert_eq!(BloomFilter::parse(&good[..good.len() - 1]).err(), Some(SliceError::Length));
        assert_eq!(BloomFilter::parse(&good[..10]).err(), Some(SliceError::Truncated));
        assert!(matches!(BloomFilter::parse(&vec![0; MAX_SLICE_BYTES + 1]), Err(SliceError::TooLarge { .. })));
    }
}
