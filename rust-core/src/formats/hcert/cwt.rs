//! The CWT claims set (RFC 8392) of an HC1 certificate: `iss` (1), `exp`
//! (4), `iat` (6) and `hcert` (-260) holding the EU DCC under key 1 (hcert
//! spec §3.3).

use std::collections::HashSet;

use minicbor::data::Type;
use time::OffsetDateTime;

use crate::formats::codec::cbor::{CborError, Reader, type_name};
use crate::formats::{Failure, TimeClaim};
use crate::limits::Limits;
use crate::model::Reason;

const CLAIM_ISS: i128 = 1;
const CLAIM_EXP: i128 = 4;
const CLAIM_IAT: i128 = 6;
const CLAIM_HCERT: i128 = -260;
const HCERT_EU_DCC_V1: i128 = 1;

/// The claims HC1 uses.
#[derive(Debug, Clone)]
pub struct Claims {
    /// Issuer country.
    pub iss: Option<String>,
    /// Expiry.
    pub exp: TimeClaim,
    /// Issued at.
    pub iat: TimeClaim,
    /// The EU DCC payload, as JSON.
    pub dcc: serde_json::Value,
}

/// RFC 8392 §2: NumericDate, as in RFC 7519 (may be non-integer); an
/// epoch-time tag (1) around it is tolerated.
fn time_claim(r: &mut Reader<'_>) -> Result<TimeClaim, CborError> {
    if r.peek()? == Type::Tag {
        if r.tag()? != 1 {
            r.skip()?;
            return Ok(TimeClaim::Invalid);
        }
        if r.peek()? == Type::Tag {
            r.skip()?;
            return Ok(TimeClaim::Invalid);
        }
    }
    Ok(r.number()?.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()).map_or(TimeClaim::Invalid, TimeClaim::At))
}

fn is_int(t: Type) -> bool {
    matches!(t, Type::U8 | Type::U16 | Type::U32 | Type::U64 | Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int)
}

/// Reads map entries (definite or indefinite) with `each(reader, key)`,
/// where `key` is `Some` for integer keys; text keys are read and passed as
/// `None`; other keys are refused. Duplicate integer keys are refused.
fn entries(
    r: &mut Reader<'_>,
    what: &str,
    mut each: impl FnMut(&mut Reader<'_>, Option<i128>) -> Result<(), Failure>,
    fail: &impl Fn(CborError) -> Failure,
) -> Result<(), Failure> {
    let t = r.peek().map_err(fail)?;
    if !matches!(t, Type::Map | Type::MapIndef) {
        return Err(Failure::new(Reason::CwtMalformed, format!("the {what} is a {}, not a map", type_name(t))));
    }
    let len = r.map_len().map_err(fail)?;
    // Sets, not lists: a 16 KiB payload holds thousands of keys, and a
    // quadratic duplicate check is a denial of service (fuzz finding).
    let mut seen: HashSet<i128> = HashSet::new();
    let mut seen_text: HashSet<String> = HashSet::new();
    let mut one = |r: &mut Reader<'_>| -> Result<(), Failure> {
        let t = r.peek().map_err(fail)?;
        let key = if is_int(t) {
            let k = r.int().map_err(fail)?;
            if !seen.insert(k) {
                return Err(Failure::new(Reason::CwtMalformed, format!("key {k} appears twice in the {what}")));
            }
            Some(k)
        } else if matches!(t, Type::String | Type::StringIndef) {
            let k = r.text().map_err(fail)?;
            if !seen_text.insert(k) {
                return Err(Failure::new(Reason::CwtMalformed, format!("a text key appears twice in the {what}")));
            }
            None
        } else {
            return Err(Failure::new(Reason::CwtMalformed, format!("a key of the {what} is a {}", type_name(t))));
        };
        each(r, key)
    };
    match len {
        Some(n) => (0..n).try_for_each(|_| one(r)),
        None => {
            while !r.at_break().map_err(fail)? {
                one(r)?;
            }
            Ok(())
        }
    }
}

/// Parses the CWT claims set.
pub fn parse(payload: &[u8], limits: &Limits) -> Result<Claims, Failure> {
    let depth = limits.max_cbor_depth;
    let fail = |e: CborError| e.into_failure(Reason::CwtMalformed, "CWT claims set", depth);
    let mut r = Reader::new(payload, depth);
    let (mut iss, mut exp, mut iat, mut dcc) = (None, TimeClaim::Absent, TimeClaim::Absent, None);
    let mut hcert_seen = false;

    entries(
        &mut r,
        "CWT claims set",
        |r, key| {
            match key {
                Some(CLAIM_ISS) => match r.peek().map_err(fail)? {
                    Type::String | Type::StringIndef => {
                        iss = Some(r.text().map_err(fail)?);
                        Ok(())
                    }
                    t => Err(Failure::new(
                        Reason::CwtMalformed,
                        format!("the iss claim is a {}, not text", type_name(t)),
                    )),
                },
                Some(CLAIM_EXP) => {
                    exp = time_claim(r).map_err(fail)?;
                    Ok(())
                }
                Some(CLAIM_IAT) => {
                    iat = time_claim(r).map_err(fail)?;
                    Ok(())
                }
                Some(CLAIM_HCERT) => {
                    hcert_seen = true;
                    let t = r.peek().map_err(fail)?;
                    if !matches!(t, Type::Map | Type::MapIndef) {
                        return Err(Failure::new(
                            Reason::HcertMalformed,
                            format!("the hcert claim is a {}, not a map", type_name(t)),
                        ));
                    }
                    entries(
                        r,
                        "hcert claim",
                        |r, key| {
                            if key == Some(HCERT_EU_DCC_V1) {
                                let t = r.peek().map_err(fail)?;
                                if !matches!(t, Type::Map | Type::MapIndef) {
                                    return Err(Failure::new(
                                        Reason::HcertMalformed,
                                        format!("the EU DCC is a {}, not a map", type_name(t)),
                                    ));
                                }
                                let json =
                                    r.json(&mut String::new(), super::schema::is_known_key).map_err(|e| match e {
                                        CborError::Invalid(m) => Failure::new(Reason::HcertMalformed, m),
                                        too_deep => fail(too_deep),
                                    })?;
                                dcc = Some(json);
                                Ok(())
                            } else {
                                r.skip().map_err(fail)
                            }
                        },
                        &fail,
                    )
                }
                _ => r.skip().map_err(fail),
            }?;
            Ok(())
        },
        &fail,
    )?;
    r.finish().map_err(fail)?;

    let dcc = dcc.ok_or_else(|| {
        if hcert_seen {
            Failure::new(Reason::HcertMissing, "the hcert claim has no EU DCC (key 1)")
        } else {
            Failure::new(Reason::HcertMissing, "the CWT has no hcert claim (-260)")
        }
    })?;
    Ok(Claims { iss, exp, iat, dcc })
}
