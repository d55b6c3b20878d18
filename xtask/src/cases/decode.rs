//! Payloads that do not decode: transport, COSE, CWT and CBOR failures.

use anyhow::Result;
use ciborium::Value;

use super::Cases;
use crate::hcert::{self, cbor, map, text};

pub(super) fn add(c: &mut Cases<'_>) -> Result<()> {
    let vsigner = "dsc-ec-vaccination";
    let vacc = hcert::vaccination;

    let case = c.draft("invalid-truncated", vsigner, vacc);
    let full = case.cert.hc1()?;
    let body = &full["HC1:".len()..];
    let keep = body.len() / 2 / 3 * 3; // still valid base45: the zlib stream ends early
    let truncated = format!("HC1:{}", &body[..keep]);
    c.add_text(
        case,
        "The HC1 text cut in half (at a base45 group boundary): the zlib stream is truncated.",
        &[("decode", "ZLIB_INVALID")],
        truncated,
    );

    let mut case = c.draft("invalid-zlib-bomb", vsigner, vacc);
    case.cert.extra_claims.push((Value::Integer((-65537).into()), Value::Bytes(vec![0; 1 << 20])));
    c.add(
        case,
        "A signed CWT padded with a 1 MiB claim: about 2 KB of text that inflates far beyond the 64 KiB limit.",
        &[("decode", "INFLATED_TOO_LARGE")],
    )?;

    let case = c.draft("invalid-not-compressed", vsigner, vacc);
    let uncompressed = format!("HC1:{}", base45::encode(case.cert.cose()?));
    c.add_text(
        case,
        "The COSE message is base45-encoded without zlib compression.",
        &[("decode", "NOT_COMPRESSED")],
        uncompressed,
    );

    let case = c.draft("invalid-base45", vsigner, vacc);
    let lower = format!("HC1:{}", case.cert.hc1()?["HC1:".len()..].to_ascii_lowercase());
    c.add_text(
        case,
        "The base45 text is lowercased (lowercase letters are not in the base45 alphabet).",
        &[("decode", "BASE45_INVALID")],
        lower,
    );

    let case = c.draft("invalid-prefix-unsupported", vsigner, vacc);
    let hc2 = case.cert.hc1()?.replacen("HC1:", "HC2:", 1);
    c.add_text(
        case,
        "Context identifier HC2: (a future version) instead of HC1:.",
        &[("decode", "PREFIX_UNSUPPORTED")],
        hc2,
    );

    let case = c.draft("invalid-cose-malformed", vsigner, vacc);
    let protected = cbor(&Value::Map(vec![
        (Value::Integer(1.into()), Value::Integer((-7).into())),
        (Value::Integer(4.into()), Value::Bytes(c.pki.dsc(vsigner).kid())),
    ]))?;
    let three = Value::Array(vec![Value::Bytes(protected), Value::Map(vec![]), Value::Bytes(case.cert.claims()?)]);
    let cose = cbor(&Value::Tag(18, Box::new(three)))?;
    c.add_text(
        case,
        "The COSE_Sign1 array has 3 items (the signature is missing).",
        &[("decode", "COSE_MALFORMED")],
        hcert::hc1(&cose),
    );

    let mut case = c.draft("invalid-cwt-malformed", vsigner, vacc);
    case.cert.iss = Some(Value::Integer(380.into()));
    c.add(case, "The iss claim is an integer, not text.", &[("decode", "CWT_MALFORMED")])?;

    let mut case = c.draft("invalid-hcert-missing", vsigner, vacc);
    case.cert.dcc = None;
    c.add(case, "The CWT has no hcert claim (-260).", &[("decode", "HCERT_MISSING")])?;

    let mut deep = text("deep");
    for _ in 0..24 {
        deep = Value::Array(vec![deep]);
    }
    let mut case = c.draft("invalid-cbor-too-deep", vsigner, vacc);
    case.dcc().push((text("xt"), map(vec![("nested", deep)])));
    c.add(
        case,
        "The DCC carries an extra property nested 25 levels deep (beyond the CBOR depth limit of 16).",
        &[("decode", "CBOR_TOO_DEEP")],
    )?;
    Ok(())
}
