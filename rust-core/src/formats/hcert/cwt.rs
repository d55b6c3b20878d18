//! The CWT claims set (RFC 8392) of an HC1 certificate: `iss` (1), `exp`
//! (4), `iat` (6) and `hcert` (-260) holding the EU DCC under key 1 (hcert
//! spec §3.3), or a WHO DDCC data set under key 3 (DDCC:VS) or 4 (DDCC:TR)
//! (WHO SMART Trust). A payload that is a bare DDCC map, with no claims at
//! all, is read as that data set (see [`super::ddcc`]).

use std::collections::HashSet;

use minicbor::data::Type;
use time::OffsetDateTime;

use super::ddcc::{self, HCERT_DDCC_TR, HCERT_DDCC_VS};
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
    /// The health certificate, as JSON.
    pub content: Content,
}

/// What the `hcert` claim (or a bare payload) holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// The EU DCC (`hcert` key 1).
    EuDcc(serde_json::Value),
    /// A WHO DDCC data set: under `hcert` key 3 (DDCC:VS) or 4 (DDCC:TR),
    /// or (`None`) the bare payload.
    WhoDdcc {
        /// The data set.
        data: serde_json::Value,
        /// The `hcert` key it was found under.
        key: Option<i128>,
    },
}

impl Content {
    /// The EU DCC, if that is what it holds.
    pub fn eu_dcc(&self) -> Option<&serde_json::Value> {
        match self {
            Content::EuDcc(v) => Some(v),
            Content::WhoDdcc { .. } => None,
        }
    }
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
    let mut ddcc: Option<(serde_json::Value, i128)> = None;
    let mut hcert_seen = false;
    let mut text_keys = false;

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
                            let (what, known_key): (&str, fn(&str) -> bool) = match key {
                                Some(HCERT_EU_DCC_V1) => ("EU DCC", super::schema::is_known_key),
                                Some(HCERT_DDCC_VS | HCERT_DDCC_TR) => ("WHO DDCC data set", ddcc::is_known_key),
                                _ => return r.skip().map_err(fail),
                            };
                            let t = r.peek().map_err(fail)?;
                            if !matches!(t, Type::Map | Type::MapIndef) {
                                return Err(Failure::new(
                                    Reason::HcertMalformed,
                                    format!("the {what} is a {}, not a map", type_name(t)),
                                ));
                            }
                            let json = r.json(&mut String::new(), known_key).map_err(|e| match e {
                                CborError::Invalid(m) => Failure::new(Reason::HcertMalformed, m),
                                too_deep => fail(too_deep),
                            })?;
                            match key {
                                Some(HCERT_EU_DCC_V1) => dcc = Some(json),
                                Some(k) if ddcc.is_none() => ddcc = Some((json, k)),
                                _ => {
                                    return Err(Failure::new(
                                        Reason::HcertMalformed,
                                        "the hcert claim holds both a DDCC:VS and a DDCC:TR data set",
                                    ));
                                }
                            }
                            Ok(())
                        },
                        &fail,
                    )
                }
                None => {
                    text_keys = true;
                    r.skip().map_err(fail)
                }
                _ => r.skip().map_err(fail),
            }?;
            Ok(())
        },
        &fail,
    )?;
    r.finish().map_err(fail)?;

    let content = match (dcc, ddcc) {
        // Key 1 is the EU DCC, whatever else the claim holds.
        (Some(dcc), _) => Content::EuDcc(dcc),
        (None, Some((data, key))) => Content::WhoDdcc { data, key: Some(key) },
        (None, None) if hcert_seen => {
            return Err(Failure::new(Reason::HcertMissing, "the hcert claim has no EU DCC (key 1) or WHO DDCC (3, 4)"));
        }
        (None, None) => {
            let bare = if text_keys && iss.is_none() && exp == TimeClaim::Absent && iat == TimeClaim::Absent {
                crate::formats::codec::cbor::json(payload, depth, ddcc::is_known_key).ok().filter(ddcc::looks_like_ddcc)
            } else {
                None
            };
            match bare {
                Some(data) => Content::WhoDdcc { data, key: None },
                None => return Err(Failure::new(Reason::HcertMissing, "the CWT has no hcert claim (-260)")),
            }
        }
    };
    Ok(Claims { iss, exp, iat, content })
}
