//! JSON Web Keys (RFC 7517, RFC 7518 §6.2): elliptic-curve public keys as
//! SMART Health Cards issuers publish them, and their RFC 7638 thumbprints.

use serde_json::Value;

use super::{KeyError, PublicKey, sha256};
use crate::formats::codec::base64;

/// Largest JWK accepted, in bytes of JSON.
pub const MAX_JWK_LEN: usize = 8 * 1024;

fn member<'a>(jwk: &'a Value, name: &str) -> Result<&'a str, KeyError> {
    jwk.get(name).and_then(Value::as_str).ok_or_else(|| KeyError(format!("the JWK has no text member {name}")))
}

fn coordinate(jwk: &Value, name: &str, len: usize) -> Result<Vec<u8>, KeyError> {
    let bytes = base64::decode_url(member(jwk, name)?, len)
        .map_err(|_| KeyError(format!("the JWK member {name} is not base64url of at most {len} bytes")))?;
    if bytes.len() != len {
        return Err(KeyError(format!("the JWK member {name} is {} bytes, not {len}", bytes.len())));
    }
    Ok(bytes)
}

impl PublicKey {
    /// Reads an elliptic-curve public JWK (`kty` `EC`, `crv` `P-256` or
    /// `P-384`, `x`, `y`). A JWK holding a private key (`d`) is refused: a
    /// trust list must never carry one.
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        if jwk.get("d").is_some() {
            return Err(KeyError("the JWK holds a private key".into()));
        }
        match member(jwk, "kty")? {
            "EC" => {}
            "RSA" => return Err(KeyError("RSA JWKs are not supported".into())),
            _ => return Err(KeyError("the JWK's key type is not supported".into())),
        }
        let p384 = match member(jwk, "crv")? {
            "P-256" => false,
            "P-384" => true,
            _ => return Err(KeyError("the JWK's curve is not supported".into())),
        };
        let len = if p384 { 48 } else { 32 };
        let mut point = vec![0x04];
        point.extend(coordinate(jwk, "x", len)?);
        point.extend(coordinate(jwk, "y", len)?);
        if p384 { PublicKey::p384_from_sec1(&point) } else { PublicKey::p256_from_sec1(&point) }
    }
}

/// The RFC 7638 thumbprint of an elliptic-curve JWK: base64url of the
/// SHA-256 of `{"crv":…,"kty":…,"x":…,"y":…}` (required members only, in
/// lexicographic order, no whitespace). SMART Health Cards require an
/// issuer key's `kid` to be this value.
pub fn jwk_thumbprint(jwk: &Value) -> Result<String, KeyError> {
    let mut canonical = serde_json::Map::new();
    for name in ["crv", "kty", "x", "y"] {
        canonical.insert(name.to_owned(), Value::String(member(jwk, name)?.to_owned()));
    }
    // Inserted in lexicographic order, so the text is the same whether or
    // not serde_json preserves insertion order; it writes no whitespace.
    let text = serde_json::to_string(&canonical).map_err(|e| KeyError(e.to_string()))?;
    Ok(base64::encode_url(&sha256(text.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7515 appendix A.3's P-256 key (public part).
    fn rfc7515_key() -> Value {
        serde_json::json!({
            "kty": "EC", "crv": "P-256",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
        })
    }

    #[test]
    fn reads_ec_keys_and_refuses_others() {
        assert_eq!(PublicKey::from_jwk(&rfc7515_key()).unwrap().describe(), "P-256");
        let mut private = rfc7515_key();
        private["d"] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI".into();
        assert!(PublicKey::from_jwk(&private).is_err());
        let mut short = rfc7515_key();
        short["x"] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE".into();
        assert!(PublicKey::from_jwk(&short).is_err());
        let mut curve = rfc7515_key();
        curve["crv"] = "P-521".into();
        assert!(PublicKey::from_jwk(&curve).is_err());
        assert!(PublicKey::from_jwk(&serde_json::json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"})).is_err());
    }

    #[test]
    fn thumbprint_ignores_other_members_and_their_order() {
        let a = jwk_thumbprint(&rfc7515_key()).unwrap();
        let mut b = rfc7515_key();
        b["kid"] = "anything".into();
        b["use"] = "sig".into();
        assert_eq!(jwk_thumbprint(&b).unwrap(), a);
        assert_eq!(a.len(), 43, "base64url of 32 bytes, unpadded");
    }
}
