//! EC public keys with explicit curve parameters (RFC 3279 §2.3.5
//! `ECParameters` instead of a named-curve OID), as some ICAO country
//! signing CAs carry them: read as P-256, P-384 or P-521 when the
//! parameters are exactly that curve's (prime, `a`, `b`, base point,
//! order; the optional seed and cofactor are not compared), refused
//! otherwise (brainpool and other curves).

use x509_cert::der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use x509_cert::der::{Decode as _, Reader as _, SliceReader, Tag, Tagged as _};

/// A named curve the parameters may equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Curve {
    P256,
    P384,
    P521,
}

struct Params {
    p: &'static str,
    a: &'static str,
    b: &'static str,
    g: &'static str,
    n: &'static str,
}

// SEC 2 / FIPS 186-4 domain parameters (big-endian hex, leading zeros
// stripped), as `openssl ecparam -param_enc explicit` writes them.
const P256: Params = Params {
    p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    a: "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
    b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
    g: "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
    n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
};
const P384: Params = Params {
    p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    a: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc",
    b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
    g: "04aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab73617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
    n: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
};
const P521: Params = Params {
    p: "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    a: "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc",
    b: "51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
    g: "0400c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
    n: "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
};

const PRIME_FIELD: &str = "1.2.840.10045.1.1";

/// Lowercase hex of an unsigned big-endian integer, leading zeros dropped.
fn hex(bytes: &[u8]) -> String {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let mut s: String = bytes[start..].iter().map(|b| format!("{b:02x}")).collect();
    // The constants keep the leading zero nibble of P-521's 0x01….
    if s.len() % 2 == 1 {
        s.insert(0, '0');
    }
    s
}

struct Read {
    p: String,
    a: String,
    b: String,
    g: String,
    n: String,
}

fn read(der: &[u8]) -> Option<Read> {
    let mut r = SliceReader::new(der).ok()?;
    let read = r
        .sequence(|s| {
            let _version = UintRef::decode(s)?;
            let (field, p) =
                s.sequence(|f| Ok((ObjectIdentifier::decode(f)?, UintRef::decode(f)?.as_bytes().to_vec())))?;
            let (a, b) = s.sequence(|c| {
                let a = OctetStringRef::decode(c)?.as_bytes().to_vec();
                let b = OctetStringRef::decode(c)?.as_bytes().to_vec();
                if c.peek_tag().ok() == Some(Tag::BitString) {
                    BitStringRef::decode(c)?;
                }
                Ok((a, b))
            })?;
            let g = OctetStringRef::decode(s)?.as_bytes().to_vec();
            let n = UintRef::decode(s)?.as_bytes().to_vec();
            // The optional cofactor (and anything after) is not compared.
            let rest = s.remaining_len();
            s.read_slice(rest)?;
            Ok((field, p, a, b, g, n))
        })
        .ok()?;
    r.finish(()).ok()?;
    let (field, p, a, b, g, n) = read;
    (field.to_string() == PRIME_FIELD).then(|| Read { p: hex(&p), a: hex(&a), b: hex(&b), g: hex(&g), n: hex(&n) })
}

/// The named curve explicit `ECParameters` (the DER of the SPKI algorithm
/// parameters) describe, if they are exactly one of P-256, P-384, P-521.
pub(super) fn named_curve(params: &AnyRef<'_>) -> Option<Curve> {
    if params.tag() != Tag::Sequence {
        return None;
    }
    let der = x509_cert::der::Encode::to_der(params).ok()?;
    let got = read(&der)?;
    [(Curve::P256, P256), (Curve::P384, P384), (Curve::P521, P521)].into_iter().find_map(|(curve, c)| {
        (got.p == c.p && got.a == c.a && got.b == c.b && got.g == c.g && got.n == c.n).then_some(curve)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn explicit_p256_parameters_are_p256_and_others_are_not() {
        // `openssl ecparam -name prime256v1 -param_enc explicit -outform DER`
        // (with its seed and cofactor).
        let der = decode_hex(concat!(
            "3081f7020101302c06072a8648ce3d0101022100ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
            "305b0420ffffffff00000001000000000000000000000000fffffffffffffffffffffffc04205ac635d8aa3a93e7b3ebbd557698",
            "86bc651d06b0cc53b0f63bce3c3e27d2604b031500c49d360886e704936a6678e1139d26b7819f7e900441046b17d1f2e12c4247",
            "f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb64068",
            "37bf51f5022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551020101"
        ));
        let any = AnyRef::from_der(&der).unwrap();
        assert_eq!(named_curve(&any), Some(Curve::P256));
        // One bit of b changed: another curve.
        let mut other = der.clone();
        let at = other.windows(4).position(|w| w == [0x5a, 0xc6, 0x35, 0xd8]).unwrap();
        other[at] ^= 1;
        assert_eq!(named_curve(&AnyRef::from_der(&other).unwrap()), None);
        // A named-curve OID is not explicit parameters.
        let oid = decode_hex("06082a8648ce3d030107");
        assert_eq!(named_curve(&AnyRef::from_der(&oid).unwrap()), None);
        assert_eq!(hex(&[0, 0, 1, 0xff]), "01ff");
    }
}
