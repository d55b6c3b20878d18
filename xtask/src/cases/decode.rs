//! Payloads that do not decode: transport, COSE, CWT and CBOR failures.

use anyhow::Result;
use ciborium::Value;

use super::Cases;
use crate::hcert::{self, cbor, map, text};

pub(super) fn add(c: &mut Cases<'_>) -> Result<()> {
    let vsigner = "dsc-ec-vaccination";
    let vacc = hcert::vaccination;
    let valid_text = |c: &Cases<'_>, label: &str| c.new_cert(vsigner, vacc(label)).hc1();

    let full = valid_text(c, "invalid-truncated")?;
    let body = &full["HC1:".len()..];
    let keep = body.len() / 2 / 3 * 3; // still valid base45: the zlib stream ends early
    c.raw(
        "invalid-truncated",
        "The HC1 text cut in half (at a base45 group boundary): the zlib stream is truncated.",
        Some(vsigner),
        &[("decode", "ZLIB_INVALID")],
        format!("HC1:{}", &body[..keep]),
        None,
    );

    let mut cert = c.new_cert(vsigner, vacc("invalid-zlib-bomb"));
    cert.extra_claims.push((Value::Integer((-65537).into()), Value::Bytes(vec![0; 1 << 20])));
    c.cert(
        "invalid-zlib-bomb",
        "A signed CWT padded with a 1 MiB claim: about 2 KB of text that inflates far beyond the 64 KiB limit.",
        vsigner,
        &[("decode", "INFLATED_TOO_LARGE")],
        &cert,
    )?;

    let cose = c.new_cert(vsigner, vacc("invalid-not-compressed")).cose()?;
    c.raw(
        "invalid-not-compressed",
        "The COSE message is base45-encoded without zlib compression.",
        Some(vsigner),
        &[("decode", "NOT_COMPRESSED")],
        format!("HC1:{}", base45::encode(&cose)),
        None,
    );

    let full = valid_text(c, "invalid-base45")?;
    let lower = format!("HC1:{}", full["HC1:".len()..].to_ascii_lowercase());
    c.raw(
        "invalid-base45",
        "The base45 text is lowercased (lowercase letters are not in the base45 alphabet).",
        Some(vsigner),
        &[("decode", "BASE45_INVALID")],
        lower,
        None,
    );

    let full = valid_text(c, "invalid-prefix-unsupported")?;
    c.raw(
        "invalid-prefix-unsupported",
        "Context identifier HC2: (a future version) instead of HC1:.",
        Some(vsigner),
        &[("decode", "PREFIX_UNSUPPORTED")],
        full.replacen("HC1:", "HC2:", 1),
        None,
    );

    let cert = c.new_cert(vsigner, vacc("invalid-cose-malformed"));
    let protected = cbor(&Value::Map(vec![
        (Value::Integer(1.into()), Value::Integer((-7).into())),
        (Value::Integer(4.into()), Value::Bytes(c.pki.dsc(vsigner).kid())),
    ]))?;
    let three = Value::Array(vec![Value::Bytes(protected), Value::Map(vec![]), Value::Bytes(cert.claims()?)]);
    let cose = cbor(&Value::Tag(18, Box::new(three)))?;
    c.raw(
        "invalid-cose-malformed",
        "The COSE_Sign1 array has 3 items (the signature is missing).",
        Some(vsigner),
        &[("decode", "COSE_MALFORMED")],
        hcert::hc1(&cose),
        None,
    );

    let mut cert = c.new_cert(vsigner, vacc("invalid-cwt-malformed"));
    cert.iss = Some(Value::Integer(380.into()));
    c.cert(
        "invalid-cwt-malformed",
        "The iss claim is an integer, not text.",
        vsigner,
        &[("decode", "CWT_MALFORMED")],
        &cert,
    )?;

    let mut cert = c.new_cert(vsigner, vacc("invalid-hcert-missing"));
    cert.dcc = None;
    c.cert(
        "invalid-hcert-missing",
        "The CWT has no hcert claim (-260).",
        vsigner,
        &[("decode", "HCERT_MISSING")],
        &cert,
    )?;

    let mut deep = text("deep");
    for _ in 0..24 {
        deep = Value::Array(vec![deep]);
    }
    let mut dcc = vacc("invalid-cbor-too-deep");
    dcc.push(("xt", map(vec![("nested", deep)])));
    let cert = c.new_cert(vsigner, dcc);
    c.cert(
        "invalid-cbor-too-deep",
        "The DCC carries an extra property nested 25 levels deep (beyond the CBOR depth limit of 16).",
        vsigner,
        &[("decode", "CBOR_TOO_DEEP")],
        &cert,
    )?;
    Ok(())
}
