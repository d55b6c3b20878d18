//! The data codewords of a sampled symbol: the modules read in the
//! standard's zig-zag order past the function patterns, unmasked, the
//! blocks de-interleaved and each corrected by Reed–Solomon (GF(256),
//! polynomial 0x11D, first consecutive root α⁰). `quircs` does the same
//! internally but hands back only its own parse of the result; the project
//! parses the segments itself (`segments`), so it redoes this step, on
//! symbols `quircs` has already read (format and correction succeeded).

use quircs::{Code, VERSION_DB};

struct Gf {
    exp: [u8; 512],
    log: [u8; 256],
}

const fn gf() -> Gf {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        exp[i + 255] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11d;
        }
        i += 1;
    }
    Gf { exp, log }
}

static GF: Gf = gf();

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    GF.exp[usize::from(GF.log[usize::from(a)]) + usize::from(GF.log[usize::from(b)])]
}

fn div(a: u8, b: u8) -> Option<u8> {
    if b == 0 {
        return None;
    }
    if a == 0 {
        return Some(0);
    }
    Some(GF.exp[usize::from(GF.log[usize::from(a)]) + 255 - usize::from(GF.log[usize::from(b)])])
}

/// α^e.
fn pow(e: usize) -> u8 {
    GF.exp[e % 255]
}

/// Evaluates a polynomial given lowest degree first.
fn eval_low(p: &[u8], x: u8) -> u8 {
    p.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
}

/// Corrects one block (data then check bytes, highest degree first) in
/// place; `None` when it has more errors than the code corrects.
pub(super) fn correct_block(block: &mut [u8], ecc: usize) -> Option<()> {
    let n = block.len();
    if ecc == 0 || ecc >= n || n > 255 {
        return if ecc == 0 { Some(()) } else { None };
    }
    // Syndromes S_i = r(α^i).
    let syndromes: Vec<u8> = (0..ecc).map(|i| block.iter().fold(0, |acc, &c| mul(acc, pow(i)) ^ c)).collect();
    if syndromes.iter().all(|&s| s == 0) {
        return Some(());
    }
    // Berlekamp–Massey: the error locator Λ, lowest degree first.
    let mut lambda = vec![0u8; ecc + 1];
    let mut prev = vec![0u8; ecc + 1];
    lambda[0] = 1;
    prev[0] = 1;
    let (mut l, mut m, mut b) = (0usize, 1usize, 1u8);
    for k in 0..ecc {
        let mut d = syndromes[k];
        for i in 1..=l {
            d ^= mul(lambda[i], syndromes[k - i]);
        }
        if d == 0 {
            m += 1;
            continue;
        }
        let coef = div(d, b)?;
        let saved = lambda.clone();
        for i in m..=ecc {
            lambda[i] ^= mul(coef, prev[i - m]);
        }
        if 2 * l <= k {
            l = k + 1 - l;
            prev = saved;
            b = d;
            m = 1;
        } else {
            m += 1;
        }
    }
    if 2 * l > ecc {
        return None;
    }
    // Ω = S·Λ mod x^ecc.
    let mut omega = vec![0u8; ecc];
    for (i, o) in omega.iter_mut().enumerate() {
        for j in 0..=i.min(l) {
            *o ^= mul(lambda[j], syndromes[i - j]);
        }
    }
    // Λ' (characteristic 2: the odd terms).
    let deriv: Vec<u8> = (1..=l).map(|i| if i % 2 == 1 { lambda[i] } else { 0 }).collect();
    // Chien search: byte j has locator X = α^(n-1-j).
    let mut found = 0;
    for (j, byte) in block.iter_mut().enumerate() {
        let e = n - 1 - j;
        let x_inv = pow(255 - e % 255);
        if eval_low(&lambda[..=l], x_inv) != 0 {
            continue;
        }
        // Forney, first root α⁰: e = X·Ω(X⁻¹)/Λ'(X⁻¹).
        let magnitude = mul(pow(e), div(eval_low(&omega, x_inv), eval_low(&deriv, x_inv))?);
        *byte ^= magnitude;
        found += 1;
    }
    if found != l {
        return None;
    }
    let clean = (0..ecc).all(|i| block.iter().fold(0, |acc, &c| mul(acc, pow(i)) ^ c) == 0);
    clean.then_some(())
}

fn mask_bit(mask: i32, i: usize, j: usize) -> bool {
    match mask {
        0 => (i + j).is_multiple_of(2),
        1 => i.is_multiple_of(2),
        2 => j.is_multiple_of(3),
        3 => (i + j).is_multiple_of(3),
        4 => (i / 2 + j / 3).is_multiple_of(2),
        5 => i * j % 2 + i * j % 3 == 0,
        6 => (i * j % 2 + i * j % 3).is_multiple_of(2),
        7 => (i * j % 3 + (i + j) % 2).is_multiple_of(2),
        _ => false,
    }
}

/// Whether row `i`, column `j` is a function module (finders, separators,
/// format, timing, version, alignment).
fn reserved(version: usize, size: usize, apat: &[i32; 7], i: usize, j: usize) -> bool {
    // Finders with separators and format areas, timing patterns.
    let (top, left) = (i < 9, j < 9);
    let (bottom, right) = (i + 8 >= size, j + 8 >= size);
    if (left && (top || bottom)) || (top && right) || i == 6 || j == 6 {
        return true;
    }
    if version >= 7 && ((i < 6 && j + 11 >= size) || (i + 11 >= size && j < 6)) {
        return true;
    }
    // The alignment centres, read in place: this runs for every module of
    // every decoded code, and a vector per call was most of its cost.
    let centres = &apat[..apat.iter().take_while(|&&p| p != 0).count()];
    let near = |v: usize| centres.iter().position(|&c| usize::try_from(c).is_ok_and(|c| c.abs_diff(v) < 3));
    let (Some(ai), Some(aj)) = (near(i), near(j)) else { return false };
    let last = centres.len() - 1;
    // Not where a finder is: the three corners but the bottom-right.
    let finder_corner = match (ai == 0, aj == 0) {
        (true, true) => true,
        (true, false) => aj == last,
        (false, true) => ai == last,
        (false, false) => false,
    };
    !finder_corner
}

/// Data codewords of a symbol of `version` at `ecc_level` (quircs' index:
/// M 0, L 1, H 2, Q 3).
pub(super) fn data_capacity(version: usize, ecc_level: usize) -> Option<usize> {
    let info = VERSION_DB.get(version)?;
    let total = usize::try_from(info.data_bytes).ok()?;
    let small = info.ecc.get(ecc_level)?;
    let (bs, dw, ns) =
        (usize::try_from(small.bs).ok()?, usize::try_from(small.dw).ok()?, usize::try_from(small.ns).ok()?);
    let large = total.checked_sub(bs * ns)? / (bs + 1);
    Some(dw * ns + (dw + 1) * large)
}

/// The corrected data codewords of `code` (a grid `quircs` decoded with
/// this version, level and mask).
pub(super) fn data_codewords(code: &Code, version: usize, ecc_level: usize, mask: i32) -> Option<Vec<u8>> {
    let info = VERSION_DB.get(version)?;
    let size = usize::try_from(code.size).ok()?;
    if size != 17 + 4 * version {
        return None;
    }
    let bit = |x: usize, y: usize| {
        let p = y * size + x;
        code.cell_bitmap.get(p >> 3).is_some_and(|b| (b >> (p & 7)) & 1 == 1)
    };
    let total = usize::try_from(info.data_bytes).ok()?;
    let mut raw = vec![0u8; total];
    let mut n = 0usize;
    let mut x = size - 1;
    let mut up = true;
    while x > 0 {
        if x == 6 {
            x -= 1;
        }
        for k in 0..size {
            let y = if up { size - 1 - k } else { k };
            for xx in [x, x - 1] {
                if !reserved(version, size, &info.apat, y, xx) {
                    if n / 8 < total && bit(xx, y) != mask_bit(mask, y, xx) {
                        raw[n / 8] |= 0x80 >> (n % 8);
                    }
                    n += 1;
                }
            }
        }
        up = !up;
        if x < 2 {
            break;
        }
        x -= 2;
    }
    let small = info.ecc.get(ecc_level)?;
    let (bs, dw, ns) =
        (usize::try_from(small.bs).ok()?, usize::try_from(small.dw).ok()?, usize::try_from(small.ns).ok()?);
    let large_count = total.checked_sub(bs * ns)? / (bs + 1);
    let blocks = ns + large_count;
    let ecc_offset = dw * blocks + large_count;
    let mut out = Vec::with_capacity(total);
    for i in 0..blocks {
        let (len, data) = if i < ns { (bs, dw) } else { (bs + 1, dw + 1) };
        let mut block = Vec::with_capacity(len);
        for j in 0..data {
            block.push(*raw.get(j * blocks + i)?);
        }
        for j in 0..len - data {
            block.push(*raw.get(ecc_offset + j * blocks + i)?);
        }
        correct_block(&mut block, len - data)?;
        out.extend_from_slice(&block[..data]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes `data` with `ecc` check bytes (the generator ∏(x − αⁱ)).
    fn encode(data: &[u8], ecc: usize) -> Vec<u8> {
        let mut generator = vec![1u8];
        for i in 0..ecc {
            let mut next = vec![0u8; generator.len() + 1];
            for (k, &g) in generator.iter().enumerate() {
                next[k] ^= g;
                next[k + 1] ^= mul(g, pow(i));
            }
            generator = next;
        }
        let mut rem = data.to_vec();
        rem.resize(data.len() + ecc, 0);
        for i in 0..data.len() {
            let c = rem[i];
            if c != 0 {
                for (k, &g) in generator.iter().enumerate() {
                    rem[i + k] ^= mul(g, c);
                }
            }
        }
        let mut out = data.to_vec();
        out.extend_from_slice(&rem[data.len()..]);
        out
    }

    #[test]
    fn corrects_up_to_half_the_check_bytes() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        let good = encode(&data, 16);
        for errors in 0..=8 {
            let mut block = good.clone();
            for e in 0..errors {
                let at = (e * 7 + 3) % block.len();
                block[at] ^= 0x11 + e as u8;
            }
            assert_eq!(correct_block(&mut block, 16), Some(()), "{errors} errors");
            assert_eq!(block, good);
        }
        let mut block = good.clone();
        for e in 0..9 {
            block[e * 5] ^= 0xff;
        }
        assert_ne!(correct_block(&mut block, 16).map(|()| block), Some(good));
    }
}
