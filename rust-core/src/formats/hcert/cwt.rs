//! The CWT claims set (RFC 8392) of an HC1 certificate: `iss` (1), `exp`
//! (4), `iat` (6) and `hcert` (-260) holding the EU DCC under key 1 (hcert
//! spec §3.3).

use ciborium::Value;
use time::OffsetDateTime;

use super::cbor;
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

fn time_claim(v: &Value) -> TimeClaim {
    // RFC 8392 §2: NumericDate, as in RFC 7519 (may be non-integer).
    let secs = match v {
        Value::Tag(1, inner) => return time_claim(inner),
        Value::Integer(i) => i64::try_from(i128::from(*i)).ok(),
        Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(f.trunc() as i64),
        _ => None,
    };
    secs.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()).map_or(TimeClaim::Invalid, TimeClaim::At)
}

fn int_key(k: &Value) -> Option<i128> {
    match k {
        Value::Integer(i) => Some(i128::from(*i)),
        _ => None,
    }
}

/// Parses the CWT claims set.
pub fn parse(payload: &[u8], limits: &Limits) -> Result<Claims, Failure> {
    let value = cbor::parse(payload, limits.max_cbor_depth, Reason::CwtMalformed, "CWT claims set")?;
    let Value::Map(entries) = value else {
        return Err(Failure::new(
            Reason::CwtMalformed,
            format!("the CWT claims set is a {}, not a map", cbor::type_name(&value)),
        ));
    };
    // Duplicate claims, found by sorting the keys' encodings: comparing each
    // key with every earlier one made a 64 KiB claims set of ~16 000
    // distinct keys cost about a second.
    let mut keys: Vec<Vec<u8>> = entries
        .iter()
        .map(|(k, _)| {
            let mut out = Vec::new();
            ciborium::ser::into_writer(k, &mut out).map(|()| out)
        })
        .collect::<Result<_, _>>()
        .map_err(|_| Failure::new(Reason::CwtMalformed, "a claim key cannot be encoded"))?;
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(Failure::new(Reason::CwtMalformed, "a claim appears twice in the CWT"));
    }
    let claim = |key: i128| entries.iter().find(|(k, _)| int_key(k) == Some(key)).map(|(_, v)| v);

    let iss = match claim(CLAIM_ISS) {
        None => None,
        Some(Value::Text(s)) => Some(s.clone()),
        Some(other) => {
            return Err(Failure::new(
                Reason::CwtMalformed,
                format!("the iss claim is a {}, not text", cbor::type_name(other)),
            ));
        }
    };
    let exp = claim(CLAIM_EXP).map_or(TimeClaim::Absent, time_claim);
    let iat = claim(CLAIM_IAT).map_or(TimeClaim::Absent, time_claim);

    let hcert =
        claim(CLAIM_HCERT).ok_or_else(|| Failure::new(Reason::HcertMissing, "the CWT has no hcert claim (-260)"))?;
    let Value::Map(hcert) = hcert else {
        return Err(Failure::new(
            Reason::HcertMalformed,
            format!("the hcert claim is a {}, not a map", cbor::type_name(hcert)),
        ));
    };
    let dcc = hcert
        .iter()
        .find(|(k, _)| int_key(k) == Some(HCERT_EU_DCC_V1))
        .map(|(_, v)| v)
        .ok_or_else(|| Failure::new(Reason::HcertMissing, "the hcert claim has no EU DCC (key 1)"))?;
    if !matches!(dcc, Value::Map(_)) {
        return Err(Failure::new(
            Reason::HcertMalformed,
            format!("the EU DCC is a {}, not a map", cbor::type_name(dcc)),
        ));
    }
    let dcc = cbor::to_json(dcc, &mut String::new()).map_err(|e| Failure::new(Reason::HcertMalformed, e))?;
    Ok(Claims { iss, exp, iat, dcc })
}
