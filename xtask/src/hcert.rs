//! Building HC1 payloads: the DCC (as CBOR), the CWT claims set, the
//! COSE_Sign1 envelope, and the transport layers (zlib, base45, `HC1:`).
//!
//! [`Cert`] holds every knob a fixture case turns; its defaults make a
//! well-formed certificate that verifies at the reference time.

use std::io::Write as _;

use anyhow::{Context as _, Result};
pub use ciborium::Value;
use coset::{CborSerializable as _, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _, iana};
use sha2::{Digest as _, Sha256};

use crate::dates::{Instant, at};
use crate::pki::{COUNTRY, Dsc, Key, ORGANISATION};

/// The issuer name carried in every DCC entry (`is`).
pub const ISSUER: &str = ORGANISATION;

/// A text CBOR item.
pub fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// A CBOR map with text keys, in the given order.
pub fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (text(k), v)).collect())
}

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

/// A unique vaccination certificate identifier for `label`. The check
/// character is a Luhn mod 36 over the letters and digits after `URN:UVCI:`;
/// it is illustrative, not taken from a national implementation.
pub fn uvci(label: &str) -> String {
    let opaque: String = Sha256::digest(label.as_bytes())[..10].iter().map(|b| format!("{b:02X}")).collect();
    let body = format!("01:{COUNTRY}:HCT/{opaque}");
    const SET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let n = SET.len();
    let (mut sum, mut factor) = (0usize, 2usize);
    for c in body.bytes().rev().filter(u8::is_ascii_alphanumeric) {
        let code = SET.iter().position(|s| *s == c).unwrap_or(0) * factor;
        sum += code / n + code % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    let check = SET[(n - sum % n) % n] as char;
    format!("URN:UVCI:{body}#{check}")
}

/// The holder name group (`nam`): obviously fictional.
fn nam(given: &str) -> Value {
    map(vec![
        ("fn", text("Testperson")),
        ("fnt", text("TESTPERSON")),
        ("gn", text(given)),
        ("gnt", text(&given.to_uppercase())),
    ])
}

fn dcc(given: &str, group: &'static str, entries: Vec<Value>) -> Vec<(&'static str, Value)> {
    vec![("ver", text("1.3.0")), ("nam", nam(given)), ("dob", text("1964-08-12")), (group, Value::Array(entries))]
}

/// One vaccination entry (Comirnaty, dose 2 of 2).
pub fn vaccination_entry(label: &str) -> Value {
    map(vec![
        ("tg", text("840539006")),
        ("vp", text("J07BX03")),
        ("mp", text("EU/1/20/1528")),
        ("ma", text("ORG-100030215")),
        ("dn", int(2)),
        ("sd", int(2)),
        ("dt", text("2026-05-20")),
        ("co", text(COUNTRY)),
        ("is", text(ISSUER)),
        ("ci", text(&uvci(label))),
    ])
}

/// One test entry (NAA/PCR, not detected).
pub fn test_entry(label: &str) -> Value {
    map(vec![
        ("tg", text("840539006")),
        ("tt", text("LP6464-4")),
        ("nm", text("Roche LightCycler qPCR")),
        ("sc", text("2026-05-31T08:15:00Z")),
        ("tr", text("260415000")),
        ("tc", text("Test centre XT-1")),
        ("co", text(COUNTRY)),
        ("is", text(ISSUER)),
        ("ci", text(&uvci(label))),
    ])
}

/// One recovery entry.
pub fn recovery_entry(label: &str) -> Value {
    map(vec![
        ("tg", text("840539006")),
        ("fr", text("2026-04-20")),
        ("co", text(COUNTRY)),
        ("is", text(ISSUER)),
        ("df", text("2026-05-01")),
        ("du", text("2026-10-17")),
        ("ci", text(&uvci(label))),
    ])
}

/// A DCC payload: `ver`, `nam`, `dob` and one group, as a list of entries so
/// that cases can edit it before it becomes a map.
pub fn vaccination(label: &str) -> Vec<(&'static str, Value)> {
    dcc("Erika", "v", vec![vaccination_entry(label)])
}

/// A test DCC.
pub fn test(label: &str) -> Vec<(&'static str, Value)> {
    dcc("Jonas", "t", vec![test_entry(label)])
}

/// A recovery DCC.
pub fn recovery(label: &str) -> Vec<(&'static str, Value)> {
    dcc("Mira", "r", vec![recovery_entry(label)])
}

/// How the COSE_Sign1 is tagged.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    /// Tag 18 (the usual form).
    Sign1Tag,
    /// No tag.
    Untagged,
    /// CWT tag 61 around tag 18.
    CwtTag,
}

/// How the signature is produced.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Sig {
    /// The COSE encoding (`r || s` for ECDSA).
    Cose,
    /// ECDSA in ASN.1 DER (wrong for COSE).
    Der,
    /// The COSE signature with one bit of byte 10 flipped.
    Flipped,
}

/// Everything a case may change about a certificate.
pub struct Cert<'a> {
    /// Signs the certificate.
    pub key: &'a Key,
    /// The declared algorithm (`None`: no `alg` in the protected header).
    pub alg: Option<iana::Algorithm>,
    /// The kid in the protected header.
    pub kid_protected: Option<Vec<u8>>,
    /// The kid in the unprotected header.
    pub kid_unprotected: Option<Vec<u8>>,
    /// The `iss` claim.
    pub iss: Option<Value>,
    /// The `iat` claim.
    pub iat: Option<Instant>,
    /// The `exp` claim.
    pub exp: Option<Instant>,
    /// The DCC (`None`: no hcert claim at all).
    pub dcc: Option<Value>,
    /// Claims appended after the standard ones.
    pub extra_claims: Vec<(Value, Value)>,
    /// The tagging of the COSE message.
    pub wrap: Wrap,
    /// The signature form.
    pub sig: Sig,
}

impl<'a> Cert<'a> {
    /// A certificate signed by `dsc` with its natural algorithm and the kid
    /// in the protected header, valid 2026-06-01..2035-06-01.
    pub fn new(dsc: &'a Dsc, dcc: Vec<(&'static str, Value)>) -> Self {
        let alg = match dsc.key {
            Key::P256(_) => iana::Algorithm::ES256,
            Key::P384(_) => iana::Algorithm::ES384,
            Key::Rsa(_) => iana::Algorithm::PS256,
        };
        Cert {
            key: &dsc.key,
            alg: Some(alg),
            kid_protected: Some(dsc.kid()),
            kid_unprotected: None,
            iss: Some(text(COUNTRY)),
            iat: Some(at(2026, 6, 1)),
            exp: Some(at(2035, 6, 1)),
            dcc: Some(map(dcc)),
            extra_claims: Vec::new(),
            wrap: Wrap::Sign1Tag,
            sig: Sig::Cose,
        }
    }

    /// The CWT claims set, CBOR-encoded.
    pub fn claims(&self) -> Result<Vec<u8>> {
        let mut claims = Vec::new();
        if let Some(iss) = &self.iss {
            claims.push((int(1), iss.clone()));
        }
        if let Some(exp) = self.exp {
            claims.push((int(4), int(exp.unix_timestamp())));
        }
        if let Some(iat) = self.iat {
            claims.push((int(6), int(iat.unix_timestamp())));
        }
        if let Some(dcc) = &self.dcc {
            claims.push((int(-260), Value::Map(vec![(int(1), dcc.clone())])));
        }
        claims.extend(self.extra_claims.iter().cloned());
        cbor(&Value::Map(claims))
    }

    /// The signed COSE_Sign1 message.
    pub fn sign1(&self) -> Result<CoseSign1> {
        let mut protected = HeaderBuilder::new();
        if let Some(alg) = self.alg {
            protected = protected.algorithm(alg);
        }
        if let Some(kid) = &self.kid_protected {
            protected = protected.key_id(kid.clone());
        }
        let mut unprotected = HeaderBuilder::new();
        if let Some(kid) = &self.kid_unprotected {
            unprotected = unprotected.key_id(kid.clone());
        }
        let builder = CoseSign1Builder::new()
            .protected(protected.build())
            .unprotected(unprotected.build())
            .payload(self.claims()?);
        let mut msg = builder.build();
        let tbs = msg.tbs_data(&[]);
        msg.signature = match self.sig {
            Sig::Cose | Sig::Flipped => self.key.sign(&tbs),
            Sig::Der => self.key.sign_der(&tbs).context("DER signatures need a P-256 key")?,
        };
        if self.sig == Sig::Flipped {
            msg.signature[10] ^= 0x01;
        }
        Ok(msg)
    }

    /// The COSE message bytes, tagged as [`Wrap`] says.
    pub fn cose(&self) -> Result<Vec<u8>> {
        let msg = self.sign1()?;
        let to_err = |e: coset::CoseError| anyhow::anyhow!("COSE encoding: {e:?}");
        match self.wrap {
            Wrap::Sign1Tag => msg.to_tagged_vec().map_err(to_err),
            Wrap::Untagged => msg.to_vec().map_err(to_err),
            Wrap::CwtTag => {
                use coset::AsCborValue as _;
                let inner = msg.to_cbor_value().map_err(to_err)?;
                cbor(&Value::Tag(61, Box::new(Value::Tag(18, Box::new(inner)))))
            }
        }
    }

    /// The HC1 text.
    pub fn hc1(&self) -> Result<String> {
        Ok(hc1(&self.cose()?))
    }
}

/// CBOR-encodes a value.
pub fn cbor(v: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).context("CBOR encoding")?;
    Ok(out)
}

/// zlib (RFC 1950) at level 9.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(9));
    e.write_all(data).expect("writing to a Vec");
    e.finish().expect("writing to a Vec")
}

/// `HC1:` + base45(zlib(cose)).
pub fn hc1(cose: &[u8]) -> String {
    format!("HC1:{}", base45::encode(zlib(cose)))
}

/// The DCC of a certificate as pretty JSON, keys in CBOR order (independent
/// of serde_json's map features). `None` when it has no JSON form.
pub fn dcc_json(dcc: &Value) -> Option<String> {
    fn write(v: &Value, indent: usize, out: &mut String) -> Option<()> {
        let pad = |n: usize| "  ".repeat(n);
        match v {
            Value::Text(s) => out.push_str(&serde_json::to_string(s).ok()?),
            Value::Integer(i) => out.push_str(&i128::from(*i).to_string()),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Null => out.push_str("null"),
            Value::Array(items) if items.is_empty() => out.push_str("[]"),
            Value::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    write(item, indent + 1, out)?;
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push(']');
            }
            Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
            Value::Map(entries) => {
                out.push_str("{\n");
                for (i, (k, item)) in entries.iter().enumerate() {
                    let Value::Text(k) = k else { return None };
                    out.push_str(&pad(indent + 1));
                    out.push_str(&serde_json::to_string(k).ok()?);
                    out.push_str(": ");
                    write(item, indent + 1, out)?;
                    out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
                }
                out.push_str(&pad(indent));
                out.push('}');
            }
            _ => return None,
        }
        Some(())
    }
    let mut out = String::new();
    write(dcc, 0, &mut out)?;
    out.push('\n');
    Some(out)
}
