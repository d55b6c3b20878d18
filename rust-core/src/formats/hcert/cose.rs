//! COSE_Sign1 (RFC 8152 §4.2) as HC1 uses it: tagged (18), untagged, or
//! wrapped in the CWT tag (61, RFC 8392 §6). Read in place: the payload and
//! the protected header are slices of the input, and the `Sig_structure` is
//! built from them once.

use minicbor::data::Type;

use crate::crypto::SignatureAlgorithm;
use crate::formats::codec::cbor::{CborError, Reader, type_name};
use crate::formats::{DeclaredAlgorithm, Failure};
use crate::limits::Limits;
use crate::model::Reason;

const TAG_COSE_SIGN1: u64 = 18;
const TAG_COSE_SIGN: u64 = 98;
const TAG_CWT: u64 = 61;
const LABEL_ALG: i128 = 1;
const LABEL_KID: i128 = 4;

/// A parsed COSE_Sign1 message, reduced to what verification needs.
#[derive(Debug, Clone)]
pub struct Sign1<'a> {
    /// The declared algorithm (protected header, else unprotected).
    pub algorithm: DeclaredAlgorithm,
    /// The key identifier, when present.
    pub kid: Option<Vec<u8>>,
    /// `"COSE protected header"` or `"COSE unprotected header"`.
    pub kid_location: &'static str,
    /// The payload (the CWT claims set).
    pub payload: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
    /// The `Sig_structure` the signature covers (RFC 8152 §4.4).
    pub to_be_signed: Vec<u8>,
}

/// What a header bucket says.
#[derive(Default)]
struct Header {
    alg: Option<DeclaredAlgorithm>,
    kid: Option<Vec<u8>>,
}

fn malformed(detail: impl Into<String>) -> Failure {
    Failure::new(Reason::CoseMalformed, detail)
}

fn algorithm_name(id: i128) -> String {
    let name = match id {
        -8 => "EdDSA",
        -36 => "ES512",
        -38 => "PS384",
        -39 => "PS512",
        -257 => "RS256",
        -258 => "RS384",
        -259 => "RS512",
        _ => return id.to_string(),
    };
    format!("{name} ({id})")
}

/// Reads a header map (RFC 8152 §3): `alg` (1) and `kid` (4); other labels
/// are skipped.
fn header(r: &mut Reader<'_>, which: &str) -> Result<Header, CborError> {
    let mut h = Header::default();
    let t = r.peek()?;
    if !matches!(t, Type::Map | Type::MapIndef) {
        return Err(CborError::Invalid(format!("the {which} header is a {}, not a map", type_name(t))));
    }
    let len = r.map_len()?;
    let mut seen = std::collections::HashSet::new();
    let mut entry = |r: &mut Reader<'_>| -> Result<(), CborError> {
        let label = match r.peek()? {
            Type::String | Type::StringIndef => {
                r.text()?;
                None
            }
            _ => Some(r.int()?),
        };
        if let Some(l) = label
            && !seen.insert(l)
        {
            return Err(CborError::Invalid(format!("label {l} appears twice in the {which} header")));
        }
        match label {
            Some(LABEL_ALG) => {
                h.alg = Some(match r.peek()? {
                    // A text label is the payload's own text: named by its
                    // size, never repeated (it reaches the check's detail).
                    Type::String | Type::StringIndef => {
                        DeclaredAlgorithm::Unsupported(format!("given as a text string of {} bytes", r.text()?.len()))
                    }
                    _ => {
                        let id = r.int()?;
                        i64::try_from(id).ok().and_then(SignatureAlgorithm::from_cose).map_or_else(
                            || DeclaredAlgorithm::Unsupported(algorithm_name(id)),
                            DeclaredAlgorithm::Supported,
                        )
                    }
                });
            }
            Some(LABEL_KID) => h.kid = Some(r.bytes()?.to_vec()),
            _ => r.skip()?,
        }
        Ok(())
    };
    match len {
        Some(n) => (0..n).try_for_each(|_| entry(r))?,
        None => {
            while !r.at_break()? {
                entry(r)?;
            }
        }
    }
    Ok(h)
}

fn bstr_header(out: &mut Vec<u8>, len: usize) {
    let len = len as u64;
    match len {
        0..=23 => out.push(0x40 | len as u8),
        24..=0xff => out.extend([0x58, len as u8]),
        0x100..=0xffff => {
            out.push(0x59);
            out.extend((len as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0x5a);
            out.extend((len as u32).to_be_bytes());
        }
        _ => {
            out.push(0x5b);
            out.extend(len.to_be_bytes());
        }
    }
}

/// `Sig_structure = ["Signature1", body_protected, external_aad = h'', payload]`.
fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(protected.len() + payload.len() + 24);
    out.push(0x84);
    out.push(0x6a);
    out.extend_from_slice(b"Signature1");
    bstr_header(&mut out, protected.len());
    out.extend_from_slice(protected);
    out.push(0x40);
    bstr_header(&mut out, payload.len());
    out.extend_from_slice(payload);
    out
}

/// Parses a COSE_Sign1 structure.
pub fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Sign1<'a>, Failure> {
    let depth = limits.max_cbor_depth;
    let fail = |e: CborError| e.into_failure(Reason::CoseMalformed, "COSE message", depth);
    let mut r = Reader::new(bytes, depth);

    let (mut seen_cwt, mut seen_sign1) = (false, false);
    while r.peek().map_err(fail)? == Type::Tag {
        match r.tag().map_err(fail)? {
            TAG_CWT if !seen_cwt && !seen_sign1 => seen_cwt = true,
            TAG_COSE_SIGN1 if !seen_sign1 => seen_sign1 = true,
            TAG_COSE_SIGN => return Err(malformed("COSE_Sign (several signers) is not used by HC1")),
            other => return Err(malformed(format!("unexpected CBOR tag {other} around the COSE message"))),
        }
    }
    let t = r.peek().map_err(fail)?;
    if t != Type::Array || r.array_len().map_err(fail)? != Some(4) {
        return Err(malformed(format!("COSE_Sign1 must be an array of 4 items, found a {}", type_name(t))));
    }

    let protected = r.bytes().map_err(|_| malformed("the protected header is not a byte string"))?;
    let protected_header = if protected.is_empty() {
        Header::default()
    } else {
        let mut inner = Reader::new(protected, depth);
        let h = header(&mut inner, "protected").map_err(fail)?;
        inner.finish().map_err(fail)?;
        h
    };
    let unprotected = header(&mut r, "unprotected").map_err(fail)?;
    let payload = match r.peek().map_err(fail)? {
        Type::Bytes => r.bytes().map_err(fail)?,
        Type::Null => return Err(malformed("the payload is detached (nil)")),
        t => return Err(malformed(format!("the payload is a {}, not a byte string", type_name(t)))),
    };
    let signature = r.bytes().map_err(|_| malformed("the signature is not a byte string"))?;
    r.finish().map_err(fail)?;

    // RFC 8152 §3.1 allows `alg` in either bucket (protected recommended);
    // the dgc-testdata case CO20 carries it unprotected. The key type limits
    // what a tampered unprotected `alg` could select.
    let algorithm = protected_header.alg.or(unprotected.alg).unwrap_or(DeclaredAlgorithm::Missing);

    // hcert spec §3.3.3: the kid may sit in either header; "if both options
    // are present, the Key Identifier in the protected header MUST be used".
    let (kid, kid_location) = match (protected_header.kid, unprotected.kid) {
        (Some(k), _) if !k.is_empty() => (Some(k), "COSE protected header"),
        (_, Some(k)) if !k.is_empty() => (Some(k), "COSE unprotected header"),
        _ => (None, "none"),
    };

    Ok(Sign1 { algorithm, kid, kid_location, payload, signature, to_be_signed: sig_structure(protected, payload) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sig_structure_matches_rfc_8152() {
        // ["Signature1", h'A10126', h'', h'01']
        assert_eq!(
            sig_structure(&[0xa1, 0x01, 0x26], &[0x01]),
            [
                0x84, 0x6a, b'S', b'i', b'g', b'n', b'a', b't', b'u', b'r', b'e', b'1', 0x43, 0xa1, 0x01, 0x26, 0x40,
                0x41, 0x01
            ]
        );
        let mut h = Vec::new();
        bstr_header(&mut h, 300);
        assert_eq!(h, [0x59, 0x01, 0x2c]);
    }
}
