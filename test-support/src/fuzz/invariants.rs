//! The body of every fuzz target: feed the input to one parser and assert
//! what must hold whatever the input. A violated invariant panics, which
//! libFuzzer (and the stable smoke test) reports as a finding.

use healthcert_core::formats::PrefixPolicy;
use healthcert_core::formats::hcert::{self, decode_cose, schema, transport};
use healthcert_core::formats::icao::{self, jcs, seal};
use healthcert_core::formats::shc::{self, card, fhir, jws, numeric};
use healthcert_core::formats::{Decoded, SignedEnvelope};
use healthcert_core::model::{Outcome, Reason, ReasonClass, Status};
use healthcert_core::picture::{self, PictureLimits};
use healthcert_core::rules::certlogic::{CertLogicLimits, EvalError, Expression, validate};
use healthcert_core::rules::{RuleOutcome, RuleSet, ValueSets};
use healthcert_core::scan::{self as qr, LumaFrame};
use healthcert_core::trust::KeyRef;
use healthcert_core::trust::file::{self, LoadReport};
use healthcert_core::trust::signed_list::{self, ListError};
use healthcert_core::{CheckKind, Error, Limits, Verdict};
use healthcert_core::{text, time_parse};
use serde_json::Value;
use time::OffsetDateTime;

use super::seeds;

/// What every verdict must satisfy, whatever the payload.
pub fn check_verdict(v: &Verdict) {
    let kinds: Vec<CheckKind> = v.checks.iter().map(|c| c.check).collect();
    assert_eq!(kinds, CheckKind::ALL, "every check, in order");
    assert_eq!(v.status, Verdict::status_of(&v.checks), "status is derived from the checks");
    assert_eq!(v.clock, seeds::clock().0, "the verdict records the clock it was given");
    for c in &v.checks {
        match c.outcome {
            // A passing check carries reason ok, or the schema check's one
            // warning: tolerated deviations (neutral, the status unchanged).
            Outcome::Pass => assert!(
                c.reason == Reason::Ok || (c.check == CheckKind::Schema && c.reason == Reason::SchemaDeviation),
                "a passing check carries reason ok (or the schema warning): {c:?}"
            ),
            Outcome::Fail | Outcome::Skipped => assert_ne!(c.reason, Reason::Ok, "{c:?}"),
        }
    }
    let decode = &v.checks[0];
    if decode.outcome == Outcome::Pass {
        assert!(v.certificate.is_some(), "a decoded payload yields a certificate");
        let formats = [hcert::ID, hcert::ddcc::ID, shc::ID, icao::ID, healthcert_core::formats::divoc::ID];
        assert!(formats.contains(&v.format), "{:?}", v.format);
    } else {
        assert_eq!(decode.outcome, Outcome::Fail, "decode is never skipped");
        // A payload that may be a certificate this verifier does not read
        // (or no certificate at all) is "can't tell"; a broken one invalid.
        let status = match decode.reason.class() {
            ReasonClass::Inconclusive => Status::Unknown,
            _ => Status::Invalid,
        };
        assert_eq!(v.status, status, "an undecodable payload: {decode:?}");
        assert!(v.certificate.is_none());
        for c in &v.checks[1..] {
            assert_eq!(
                (c.outcome, c.reason),
                (Outcome::Skipped, Reason::DependencyFailed),
                "a decode failure skips every later check: {c:?}"
            );
        }
    }
    let signature = &v.checks[1];
    assert_eq!(
        signature.outcome == Outcome::Pass,
        v.trust.signer.is_some(),
        "a signer is recorded exactly when the signature verified"
    );
    // Revocation is judged only for a certificate whose signature verified
    // (or not at all).
    if let Some(revocation) = v.check(CheckKind::Revocation)
        && signature.outcome != Outcome::Pass
    {
        assert!(
            revocation.outcome == Outcome::Skipped
                && matches!(revocation.reason, Reason::DependencyFailed | Reason::NotApplicable),
            "revocation without a verified signature: {revocation:?}"
        );
    }
    if v.status == Status::Valid {
        assert!(v.checks.iter().all(|c| c.outcome == Outcome::Pass || c.reason == Reason::NotApplicable));
    }
    serde_json::to_string(v).expect("a verdict always serialises");
}

/// `verify_payload`: arbitrary bytes as a scanned payload.
pub fn verify_payload(data: &[u8]) {
    let v = seeds::verifier().verify_bytes(data, &seeds::clock()).expect("the memory store has no operational faults");
    check_verdict(&v);
}

/// `cose`: arbitrary bytes as a COSE_Sign1 message.
pub fn cose(data: &[u8]) {
    let limits = Limits::DEFAULT;
    match decode_cose(data, &limits) {
        Ok(decoded) => {
            // An EU DCC, or a WHO DDCC data set carried the same way.
            let eu = decoded.format == hcert::ID;
            assert!(eu || decoded.format == hcert::ddcc::ID, "{:?}", decoded.format);
            match &decoded.envelope.key {
                KeyRef::Kid { scheme, kid } => {
                    assert_eq!(*scheme, hcert::SCHEME);
                    assert!(!kid.is_empty(), "an empty kid reads as absent");
                }
                KeyRef::Missing { scheme } => assert_eq!(*scheme, hcert::SCHEME),
                other => panic!("an HC1 envelope names its key by kid: {other:?}"),
            }
            assert!(decoded.envelope.signed_bytes.len() <= data.len() + 64, "Sig_structure is bounded by the input");
            match decoded.document.rules_input() {
                Some(rules) => assert!(eu && rules.payload.is_object(), "the EU DCC is a map"),
                None => assert!(!eu, "the EU DCC has business rules; a WHO DDCC has none"),
            }
            let _ = decoded.document.validity_policy();
            // The document's own steps never panic on what decoded.
            let _ = decoded.document.certificate_type();
            let _ = decoded.document.schema_check(false);
            let _ = decoded.document.schema_check(true);
            let _ = decoded.document.normalize(&decoded.envelope);
        }
        Err(f) => assert_ne!(f.reason, Reason::Ok),
    }
    let decoded = decode_cose(data, &limits).map_err(|f| (hcert::ID, f));
    let v = seeds::verifier().verify_decoded(decoded, &seeds::clock()).expect("no operational fault");
    check_verdict(&v);
}

/// `transport`: the first two bytes choose an inflate cap (0..=4095); the
/// rest is read as text (prefix, base45) and as a zlib stream.
pub fn transport(data: &[u8]) {
    let (cap, rest) = match data {
        [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b]) & 0x0fff), rest),
        _ => (64, data),
    };
    let text = String::from_utf8_lossy(rest);
    for policy in [PrefixPolicy::Required, PrefixPolicy::Optional] {
        match transport::strip_prefix(&text, policy) {
            Ok((body, had_prefix)) => {
                assert_eq!(had_prefix, text.starts_with(transport::PREFIX));
                assert!(had_prefix || policy == PrefixPolicy::Optional, "a missing prefix is refused when required");
                assert!(text.ends_with(body));
                if let Ok(bytes) = transport::base45(body) {
                    assert!(bytes.len() <= body.len(), "base45 shrinks");
                    assert_eq!(base45::encode(&bytes), body, "base45 round-trips");
                }
            }
            Err(f) => assert!(matches!(f.reason, Reason::PrefixMissing | Reason::PrefixUnsupported), "{f:?}"),
        }
    }
    check_inflate(rest, cap);
}

/// The inflate invariants for one stream and cap.
pub fn check_inflate(data: &[u8], cap: usize) {
    match transport::inflate(data, cap) {
        Ok(out) => {
            assert!(out.len() <= cap, "inflated {} bytes past the {cap}-byte cap", out.len());
            assert!(
                out.capacity() <= cap.saturating_add(1).max(64),
                "allocated {} for a {cap}-byte cap",
                out.capacity()
            );
            // Decompressing again with a roomier cap gives the same bytes.
            assert_eq!(transport::inflate(data, cap.saturating_mul(2).max(1)).ok().as_deref(), Some(&out[..]));
        }
        Err(f) => {
            assert!(matches!(f.reason, Reason::NotCompressed | Reason::ZlibInvalid | Reason::InflatedTooLarge), "{f:?}")
        }
    }
}

/// `trust_list`: arbitrary bytes as a trust-list file.
pub fn trust_list(data: &[u8]) {
    let mut report = LoadReport::default();
    let result = file::parse("fuzz", data, &mut report);
    let trimmed = data.trim_ascii_start();
    let json = trimmed.starts_with(b"[") || trimmed.starts_with(b"{");
    let signers = match result {
        Ok(s) => s,
        Err(e) => {
            assert!(json, "only a JSON document can fail as a whole");
            assert!(matches!(e, Error::TrustFormat { .. }), "{e:?}");
            assert_eq!(report, LoadReport::default(), "a refused document loads nothing");
            return;
        }
    };
    assert_eq!(signers.len(), report.loaded, "every loaded signer is returned");
    for s in &signers {
        // A certificate, or a registry's bare key (a DIVOC issuer's PEM
        // public key, an SHC JWK) as the file gave it.
        assert!(s.material.is_some(), "file signers keep their material");
    }
    for s in &report.skipped {
        assert!(s.position.starts_with("fuzz"), "positions name the origin: {s:?}");
        assert!(!s.reason.is_empty());
    }
    let total = report.loaded + report.skipped.len();
    if json {
        if let Some(expected) = json_signer_entries(trimmed) {
            assert_eq!(total, expected, "every DSC entry is loaded or reported");
        }
    } else if let Some(text) = std::str::from_utf8(trimmed).ok().filter(|t| t.contains("-----BEGIN CERTIFICATE-----")) {
        assert_eq!(total, pem_blocks(text), "every PEM block is loaded or reported");
    } else {
        assert_eq!(total, 1, "a DER file is one certificate");
    }
    jwks(data);
}

/// The same bytes as a SMART Health Card issuer's JWKS: every key is loaded
/// (scheme `shc`, the given issuer, its JWK kept) or reported.
fn jwks(data: &[u8]) {
    const ISSUER: &str = "https://issuer.fuzz.test";
    let mut report = LoadReport::default();
    let Ok(keys) = file::parse_jwks("fuzz", data, ISSUER, &mut report) else {
        assert_eq!(report, LoadReport::default(), "a refused set loads nothing");
        return;
    };
    assert_eq!(keys.len(), report.loaded);
    for k in &keys {
        assert_eq!((k.scheme, k.issuer.as_deref()), (shc::SCHEME, Some(ISSUER)));
        assert!(matches!(k.material, Some(healthcert_core::trust::KeyMaterial::Jwk(_))));
        assert_eq!(k.public_key.describe(), "P-256");
    }
    let listed =
        serde_json::from_slice::<Value>(data.trim_ascii_start()).ok().and_then(|v| v["keys"].as_array().map(Vec::len));
    assert_eq!(Some(report.loaded + report.skipped.len()), listed, "every key is loaded or reported");
    assert!(file::is_jwks(data), "what loads as a JWKS is one");
}

/// `signed_list`: arbitrary bytes as a whole signed list (never accepted
/// unless its signature verifies with the pinned key), and as the body of a
/// list the harness signs with that key (then only the content decides).
pub fn signed_list(data: &[u8]) {
    let key = seeds::list_key();
    if let Ok(list) = signed_list::parse("fuzz", data, &key) {
        // Only reachable with a real signature: the input is a seed.
        let body = &data[data.iter().position(|b| *b == b'\n').expect("a signature line") + 1..];
        assert!(body.trim_ascii_start().starts_with(b"{"), "an accepted list has a JSON object body");
        check_signed(body, &list);
    }
    let signed = seeds::sign_list(data);
    match signed_list::parse("fuzz", &signed, &key) {
        Ok(list) => check_signed(data, &list),
        Err(e @ ListError::BadContent(_)) => assert!(!e.to_string().is_empty()),
        Err(e) => panic!("a body signed with the pinned key was refused as {e:?}"),
    }
}

fn check_signed(body: &[u8], list: &signed_list::SignedList) {
    for s in &list.skipped {
        assert!(s.position.starts_with("fuzz"), "positions name the origin: {s:?}");
    }
    for r in &list.signers {
        assert!(!r.material.bytes().is_empty(), "a listed signer keeps its certificate");
    }
    if let Some(expected) = json_signer_entries(body.trim_ascii_start()) {
        assert_eq!(list.signers.len() + list.skipped.len(), expected, "every DSC entry is loaded or reported");
    }
}

/// The entries of a trust-list JSON document that are signers (no
/// `certificateType`, or `DSC`), counted independently of the loader; `None`
/// when the document has entries that are not objects (the loader also reads
/// entries written as arrays, which this count does not model).
fn json_signer_entries(bytes: &[u8]) -> Option<usize> {
    let doc: Value = serde_json::from_slice(bytes).ok()?;
    let entries = match &doc {
        Value::Array(a) => a,
        Value::Object(o) => o.get("certificates")?.as_array()?,
        _ => return None,
    };
    let mut n = 0;
    for e in entries {
        let o = e.as_object()?;
        match o.get("certificateType") {
            Some(Value::String(t)) if !t.eq_ignore_ascii_case("DSC") => {}
            _ => n += 1,
        }
    }
    Some(n)
}

/// PEM blocks as the loader sees them: each BEGIN line starts one, and a
/// BEGIN without END ends the scan.
fn pem_blocks(text: &str) -> usize {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut n = 0;
    let mut rest = text;
    while let Some(i) = rest.find(BEGIN) {
        n += 1;
        let body = &rest[i + BEGIN.len()..];
        match body.find(END) {
            Some(j) => rest = &body[j..],
            None => break,
        }
    }
    n
}

/// `time_parse`: arbitrary text as a date or date-time.
pub fn time_parse(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let strict = time_parse::rfc3339(s);
    let date = time_parse::full_date(s);
    let lenient = time_parse::lenient(s);
    if let Some(t) = strict {
        assert_eq!(lenient, Some(t), "RFC 3339 {s:?} reads the same leniently");
        assert!(date.is_none());
    }
    if let Some(d) = date {
        assert_eq!(lenient, Some(d.midnight().assume_utc()), "a full date is midnight UTC");
    }
    for t in [strict, lenient].into_iter().flatten() {
        check_formatting(t);
    }
}

/// An instant a parser accepted formats as RFC 3339 that reads back as the
/// same instant, to the second.
fn check_formatting(t: OffsetDateTime) {
    let text = time_parse::format_utc(t);
    let back = time_parse::rfc3339(&text);
    let whole = t.unix_timestamp();
    assert_eq!(back.map(OffsetDateTime::unix_timestamp), Some(whole), "{text:?} reads back as the same second");
}

/// `text`: the first byte is a field limit (0–255 characters), the rest any
/// bytes as text (UTF-8, lossily). What [`text::display_bounded`] returns
/// never holds a character a terminal acts on ([`text::is_unsafe`]: no
/// control, line break, bidi control or invisible format character), keeps
/// at most the limit of characters (each escaped in at most 9) plus the
/// count of the rest, and is the text itself when that is short and safe;
/// [`text::json_safe`] of serialized JSON holding the text as a key and as a
/// value has no such character either and parses back to the same document.
pub fn text(data: &[u8]) {
    let Some((&max, rest)) = data.split_first() else { return };
    let max = usize::from(max);
    let s = String::from_utf8_lossy(rest);
    let shown = text::display_bounded(&s, max);
    assert!(!shown.chars().any(text::is_unsafe), "display leaves nothing a terminal acts on: {shown:?}");
    assert!(shown.chars().count() <= max * 9 + 40, "display is bounded by the limit");
    if s.chars().count() <= max && !s.chars().any(text::is_unsafe) {
        assert_eq!(shown, s, "short, safe text is shown as it is");
    }
    let t: &str = &s;
    let doc = serde_json::json!({ t: [t, {"k": t}] });
    let Ok(json) = serde_json::to_string(&doc) else { return };
    let safe = text::json_safe(&json);
    assert!(!safe.chars().any(text::is_unsafe), "json_safe leaves nothing a terminal acts on");
    let back: Value = serde_json::from_str(&safe).expect("json_safe keeps a JSON document");
    assert_eq!(back, doc, "json_safe keeps the same document");
}

/// `schema`: arbitrary bytes as a JSON document (serde_json bounds nesting
/// at 128 levels).
pub fn schema(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<Value>(data) {
        schema_value(&v);
    }
}

/// Characters no schema message is written with: a payload string holding
/// one of them that shows up in a violation is a leak of payload data.
fn is_marker(c: char) -> bool {
    !c.is_ascii() || matches!(c, '#' | '~' | '@' | '!' | '&' | '`' | '\\' | '"')
}

fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k);
            strings(x, out);
        }),
        _ => {}
    }
}

/// The schema invariants for one JSON value.
pub fn schema_value(v: &Value) {
    let result = schema::validate(v);
    match &result {
        Ok(ok) => {
            assert_eq!(Some(ok.declared.as_str()), v.get("ver").and_then(Value::as_str));
            assert!(ok.rules.starts_with("1."), "{ok:?}");
        }
        Err(e) => {
            assert!(!e.violations.is_empty(), "a refusal says why");
            match e.reason {
                Reason::SchemaVersionInvalid => assert!(e.rules.is_none()),
                Reason::SchemaInvalid => assert!(e.rules.is_some()),
                other => panic!("unexpected schema reason {other:?}"),
            }
            let text: Vec<String> = e.violations.iter().map(ToString::to_string).collect();
            for viol in &e.violations {
                assert!(viol.path.is_empty() || viol.path.starts_with('/'), "{viol:?}");
                assert!(!viol.message.is_empty());
            }
            let mut payload = Vec::new();
            strings(v, &mut payload);
            for s in payload.into_iter().filter(|s| s.chars().count() >= 2 && s.chars().any(is_marker)) {
                assert!(!text.iter().any(|t| t.contains(s)), "a violation repeats payload text: {text:?}");
            }
        }
    }
    // Tolerance only turns violations into deviations: what the letter
    // accepts, tolerance accepts (noting at most unknown fields); what
    // tolerance refuses, the letter refuses for the same reason.
    let tolerant = schema::validate_tolerant(v);
    match (&result, &tolerant) {
        (Ok(strict), Ok(t)) => {
            assert_eq!((&strict.declared, strict.rules), (&t.declared, t.rules));
            assert!(t.deviations.iter().all(|d| d.message.contains("does not define")), "{t:?}");
        }
        (Ok(strict), Err(t)) => panic!("tolerance refused what the letter accepts: {strict:?} {t:?}"),
        (Err(strict), Err(t)) => assert_eq!(strict.reason, t.reason),
        (Err(_), Ok(_)) => {}
    }
    if let Ok(t) = &tolerant {
        let text: Vec<String> = t.deviations.iter().map(ToString::to_string).collect();
        let mut payload = Vec::new();
        strings(v, &mut payload);
        for s in payload.into_iter().filter(|s| s.chars().count() >= 2 && s.chars().any(is_marker)) {
            assert!(!text.iter().any(|t| t.contains(s)), "a deviation repeats payload text: {text:?}");
        }
    }
    // Properties the schema does not name are allowed: adding one changes nothing.
    if let Some(obj) = v.as_object()
        && !obj.contains_key("zz_fuzz_extra")
    {
        let mut more = obj.clone();
        more.insert("zz_fuzz_extra".into(), serde_json::json!({"x": [1, "y"]}));
        assert_eq!(schema::validate(&Value::Object(more)), result, "an unknown property changed the result");
    }
}

/// `scan`: a camera frame: width and height (u16, little-endian), extra
/// stride bytes (0–7), then the luma plane.
pub fn scan(data: &[u8]) {
    let [w0, w1, h0, h1, extra, plane @ ..] = data else { return };
    let width = usize::from(u16::from_le_bytes([*w0, *w1]));
    let height = usize::from(u16::from_le_bytes([*h0, *h1]));
    let stride = width + usize::from(*extra % 8);
    let frame = LumaFrame { data: plane, width, height, stride };
    // No time budget: the same frame must give the same codes.
    let mut scanner = qr::Scanner::new();
    scanner.set_time_budget(None);
    let result = scanner.scan(&frame);
    match (&result, frame.validate()) {
        (Ok(_), Ok(())) => {}
        (Err(e), Err(v)) => assert_eq!(*e, v, "the error is the geometry's"),
        (r, v) => panic!("scan gave {r:?} for a frame whose geometry check gave {v:?}"),
    }
    let Ok(codes) = result else { return };
    check_codes(&codes);
    // Bytes past the width of each row are padding: laid out again with a
    // different stride and other padding, the frame scans the same (small
    // frames only: scanning dominates the cost of this target).
    if width * height <= 4_096 {
        let stride2 = width + 5;
        let mut copy = vec![0xa5u8; stride2 * height];
        for y in 0..height {
            copy[y * stride2..y * stride2 + width].copy_from_slice(&plane[y * stride..y * stride + width]);
        }
        let again = scanner.scan(&LumaFrame { data: &copy, width, height, stride: stride2 }).expect("valid geometry");
        assert_eq!(again, codes, "row padding changed what was scanned");
    }
    // A crop chosen by the input: inside the frame it scans, outside it is
    // an error, never a panic; its codes' corners are in frame pixels.
    let (cx, cy) = (usize::from(*extra) % width.max(1), usize::from(*w1) % height.max(1));
    let crop = qr::Crop { x: cx, y: cy, width: width - cx + usize::from(*h1 % 2), height: height - cy };
    match scanner.scan_in(&frame, Some(crop)) {
        Ok(found) => assert!(crop.x + crop.width <= width, "a crop past the edge scanned: {found:?}"),
        Err(qr::FrameError::CropOutside { .. }) => assert!(crop.x + crop.width > width),
        Err(e) => panic!("crop error {e:?} for a valid frame"),
    }
}

/// `qr_segments`: a QR data bit stream (corrected data codewords): the
/// first byte picks the version (1–40), the rest is the stream. The parse is
/// an error or a result whose segments account for its bytes, and whose
/// text, when there is one, is no shorter than its digits and letters say.
pub fn qr_segments(data: &[u8]) {
    let [v, stream @ ..] = data else { return };
    let version = v % 40 + 1;
    let Ok(parsed) = qr::segments::parse(version, stream) else { return };
    // Every segment's characters are in the bytes (Kanji and Hanzi as two
    // bytes each); FNC1 `%%` pairs are the one shortening.
    let from_segments: usize = parsed
        .segments
        .iter()
        .map(|s| match s.mode {
            qr::Mode::Kanji | qr::Mode::Hanzi => 2 * s.char_count,
            _ => s.char_count,
        })
        .sum();
    if parsed.fnc1.is_none() {
        assert_eq!(parsed.bytes.len(), from_segments, "bytes and segment counts disagree");
    } else {
        assert!(parsed.bytes.len() <= from_segments);
    }
    // The stream holds what the segments say they take.
    assert!(qr::segments::bits_needed(&parsed.segments, version) <= stream.len() * 8);
    if let Ok(text) = &parsed.text {
        let ascii: usize = parsed
            .segments
            .iter()
            .filter(|s| matches!(s.mode, qr::Mode::Numeric | qr::Mode::Alphanumeric))
            .map(|s| s.char_count)
            .sum();
        if parsed.fnc1.is_none() {
            assert!(text.chars().count() >= ascii, "text shorter than its numeric and alphanumeric data");
        }
    }
    // Parsing is a function of its input.
    assert_eq!(qr::segments::parse(version, stream), Ok(parsed));
}

/// What every list of scanned codes must satisfy.
fn check_codes(codes: &[qr::Code]) {
    assert!(codes.len() <= qr::MAX_CODES, "at most MAX_CODES codes");
    for (i, code) in codes.iter().enumerate() {
        // Text or the reason for none; a payload all in numeric,
        // alphanumeric or UTF-8 byte segments without ECI is its bytes.
        assert_eq!(code.text.is_none(), code.text_error.is_some(), "text or why not");
        let plain = code.fnc1.is_none()
            && code.segments.iter().all(|s| {
                s.eci.is_none() && matches!(s.mode, qr::Mode::Numeric | qr::Mode::Alphanumeric | qr::Mode::Byte)
            });
        if plain && let Ok(utf8) = std::str::from_utf8(&code.bytes) {
            assert_eq!(code.text.as_deref(), Some(utf8), "text is the bytes when UTF-8");
        }
        assert!((1..=40).contains(&code.version), "a version 1–40");
        // Copies of one code at different places are each listed; one
        // symbol is listed once.
        let centre = |c: &qr::Code| {
            let (x, y) = c.corners.iter().fold((0i64, 0i64), |a, p| (a.0 + i64::from(p.0), a.1 + i64::from(p.1)));
            (x / 4, y / 4)
        };
        assert!(
            codes[..i].iter().all(|c| c.bytes != code.bytes || centre(c) != centre(code)),
            "one symbol is listed once"
        );
        if let Some(text) = &code.text
            && text.len() > 8
            && text.chars().any(char::is_alphabetic)
        {
            assert!(!format!("{code:?}").contains(text.as_str()), "a code's Debug shows its payload");
        }
        if code.bytes.starts_with(b"HC1:") {
            verify_payload(&code.bytes);
        }
    }
}

/// Limits for the `picture` target: the defaults' rules at a size that
/// keeps each run fast (the decoding and the checks are the same code).
pub const PICTURE_LIMITS: PictureLimits = PictureLimits {
    max_file_bytes: 1024 * 1024,
    max_side: 1024,
    max_pixels: 512 * 512,
    max_alloc: 8 * 1024 * 1024,
    max_metadata: 64 * 1024,
};

/// `picture`: a PNG or JPEG file as the command line reads it: the limits
/// checked from the headers, decoding to luma, then the scan. A picture
/// whose header fails a limit is never decoded; one that decodes has the
/// size its header declared, within the limits; its codes hold what every
/// scan's must.
pub fn picture(data: &[u8]) {
    let limits = PICTURE_LIMITS;
    let checked = picture::check(data, &limits);
    let decoded = picture::decode(data, &limits);
    if let Err(e) = &decoded {
        assert!(!e.to_string().is_empty());
    }
    let picture = match (checked, decoded) {
        (Err(c), Err(d)) => return assert_eq!(c, d, "decode fails with the header check's error"),
        (Err(c), Ok(p)) => panic!("{p:?} decoded although its header check failed: {c}"),
        (Ok(_), Err(_)) => return,
        (Ok((w, h)), Ok(p)) => {
            assert_eq!((p.width, p.height), (w as usize, h as usize), "the declared size");
            p
        }
    };
    assert_eq!(picture.data.len(), picture.width * picture.height);
    assert!(picture.width <= limits.max_side as usize && picture.height <= limits.max_side as usize);
    assert!((picture.width * picture.height) as u64 <= limits.max_pixels);
    // No time budget: the same picture must give the same codes.
    let mut scanner = qr::Scanner::new();
    scanner.set_time_budget(None);
    let codes = scanner.scan(&picture.frame()).expect("a decoded picture is a valid frame");
    check_codes(&codes);
}

/// `trust_protocol`: the parsers of what trust services send
/// (`trust::protocol`). The first byte picks the parser, the rest is the
/// body. Accepted values hold the documented bounds.
pub fn trust_protocol(data: &[u8]) {
    use healthcert_core::trust::protocol;
    let Some((&which, body)) = data.split_first() else { return };
    let plain = |s: &str| {
        !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let country = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase());
    match which % 6 {
        0 => {
            let kid = std::str::from_utf8(body).ok().and_then(|t| t.split('\n').nth(1));
            if let Ok(r) = protocol::dgca_page(body.split(|b| *b == b'\n').next().unwrap_or_default(), kid) {
                assert!(!r.material.bytes().is_empty() && !r.kid.is_empty() && r.kid.len() <= 64, "{r:?}");
            }
        }
        1 => {
            if let Ok(kids) = protocol::dgca_status(body) {
                assert!(kids.len() <= protocol::MAX_ITEMS);
                assert!(kids.iter().all(|k| !k.is_empty() && k.len() <= 64));
            }
        }
        2 => {
            if let Ok(rules) = protocol::rule_list(body) {
                assert!(rules.len() <= protocol::MAX_ITEMS);
                assert!(rules.iter().all(|r| country(&r.country) && plain(&r.hash)));
            }
        }
        3 => {
            if let Ok(sets) = protocol::value_set_list(body) {
                assert!(sets.iter().all(|v| plain(&v.hash) && v.id.len() <= 128));
            }
        }
        4 => {
            if let Ok(codes) = protocol::country_list(body) {
                assert!(codes.iter().all(|c| country(c)));
            }
        }
        _ => {
            let h = protocol::content_hash(body);
            assert!(h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        }
    }
}

/// The personal-data canary of the CertLogic target: the data holds it, no
/// error message or rule result detail may.
pub const CERTLOGIC_CANARY: &str = "QZXCANARY";

/// Operators the generator picks from: every CertLogic operation, and two
/// that are not.
const CERTLOGIC_OPS: [&str; 21] = [
    "var",
    "if",
    "===",
    "and",
    "<",
    ">",
    "<=",
    ">=",
    "in",
    "+",
    "!",
    "after",
    "before",
    "not-after",
    "not-before",
    "plusTime",
    "reduce",
    "extractFromUVCI",
    "dccDateOfBirth",
    "all",
    "!==",
];

/// Strings the generator picks from: date formats (valid, partial, odd),
/// time units, var paths, value-set-like codes, the canary.
const CERTLOGIC_STRINGS: [&str; 24] = [
    "",
    "2021-06-01",
    "2021-06-01T10:20:30Z",
    "2021-02-30T24:00:00.0001+1:30",
    "2004",
    "2004-02",
    "2021-13-45",
    "day",
    "hour",
    "month",
    "year",
    "payload.v.0.dt",
    "external.validationClock",
    "x.0",
    "current",
    "accumulator",
    "x.",
    "01",
    "EU/1/20/1528",
    "URN:UVCI:01:XT:QZXCANARY#1",
    "QZXCANARY",
    "a::c/#/f",
    "1e3",
    "-1",
];

fn arb_string(u: &mut arbitrary::Unstructured<'_>) -> String {
    match u.int_in_range(0..=7u8).unwrap_or(0) {
        0 => u.arbitrary::<String>().unwrap_or_default(),
        _ => CERTLOGIC_STRINGS[u.choose_index(CERTLOGIC_STRINGS.len()).unwrap_or(0)].to_owned(),
    }
}

fn arb_number(u: &mut arbitrary::Unstructured<'_>) -> Value {
    match u.int_in_range(0..=5u8).unwrap_or(0) {
        0 => Value::from(u.arbitrary::<i64>().unwrap_or(0)),
        1 => serde_json::Number::from_f64(u.arbitrary::<f64>().unwrap_or(0.5)).map_or(Value::Null, Value::Number),
        2 => Value::from(1e300),
        _ => Value::from(u.int_in_range(-3..=400i64).unwrap_or(0)),
    }
}

/// A random CertLogic-like expression: mostly well-formed operations with
/// mostly the right operand counts, sometimes anything.
pub fn arb_expression(u: &mut arbitrary::Unstructured<'_>, depth: usize) -> Value {
    if depth > 70 || u.is_empty() {
        return Value::Bool(true);
    }
    match u.int_in_range(0..=15u8).unwrap_or(0) {
        0 => Value::Bool(u.arbitrary().unwrap_or(false)),
        1 => arb_number(u),
        2 => Value::String(arb_string(u)),
        3 => Value::Null,
        4 => {
            let n = u.int_in_range(0..=3usize).unwrap_or(0);
            Value::Array((0..n).map(|_| arb_expression(u, depth + 1)).collect())
        }
        5 | 6 => serde_json::json!({"var": arb_string(u)}),
        _ => {
            let op = CERTLOGIC_OPS[u.choose_index(CERTLOGIC_OPS.len()).unwrap_or(0)];
            let n = match (op, u.int_in_range(0..=4u8).unwrap_or(0)) {
                (_, 0) => u.int_in_range(0..=4usize).unwrap_or(0),
                ("if" | "plusTime" | "reduce", _) => 3,
                ("!" | "dccDateOfBirth", _) => 1,
                ("and" | "<" | ">" | "<=" | ">=" | "after" | "before" | "not-after" | "not-before", k) => {
                    2 + usize::from(k % 2)
                }
                _ => 2,
            };
            let mut operands: Vec<Value> = (0..n).map(|_| arb_expression(u, depth + 1)).collect();
            // Literal operands where the operation wants them, mostly.
            if op == "plusTime" && n == 3 && u.ratio(3, 4u8).unwrap_or(true) {
                operands[1] = arb_number(u);
                operands[2] = Value::String(arb_string(u));
            }
            if op == "extractFromUVCI" && n == 2 && u.ratio(3, 4u8).unwrap_or(true) {
                operands[1] = arb_number(u);
            }
            serde_json::json!({ op: operands })
        }
    }
}

/// Random data for an expression: JSON with the interesting strings.
pub fn arb_data(u: &mut arbitrary::Unstructured<'_>, depth: usize) -> Value {
    if depth > 6 || u.is_empty() {
        return Value::Null;
    }
    match u.int_in_range(0..=7u8).unwrap_or(0) {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary().unwrap_or(false)),
        2 => arb_number(u),
        3 | 4 => Value::String(arb_string(u)),
        5 => {
            let n = u.int_in_range(0..=4usize).unwrap_or(0);
            Value::Array((0..n).map(|_| arb_data(u, depth + 1)).collect())
        }
        _ => {
            let keys = ["x", "payload", "external", "v", "0", "1", "dt", "validationClock", "current", "y"];
            let n = u.int_in_range(0..=4usize).unwrap_or(0);
            let mut m = serde_json::Map::new();
            for _ in 0..n {
                m.insert(keys[u.choose_index(keys.len()).unwrap_or(0)].to_owned(), arb_data(u, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// `certlogic`: a JSON pair `[expression, data]`, or else any bytes as the
/// choices of a random expression and random data.
pub fn certlogic(data: &[u8]) {
    let (expr, input) = match serde_json::from_slice::<Value>(data) {
        Ok(Value::Array(mut pair)) if pair.len() == 2 => {
            let d = pair.pop().unwrap_or(Value::Null);
            (pair.pop().unwrap_or(Value::Null), d)
        }
        _ => {
            let mut u = arbitrary::Unstructured::new(data);
            let e = arb_expression(&mut u, 0);
            (e, arb_data(&mut u, 0))
        }
    };
    certlogic_pair(&expr, &input);
}

/// The CertLogic invariants for one expression and its data: compiling
/// refuses only for the limits; evaluation is deterministic, ends within the
/// step budget, throws only typed errors that never quote the data; an
/// expression the validator finds nothing wrong with never throws
/// `InvalidExpression`; as a rule's logic, every result is well-formed and
/// quotes no data.
pub fn certlogic_pair(expr: &Value, input: &Value) {
    let limits = CertLogicLimits { max_steps: 20_000, ..CertLogicLimits::DEFAULT };
    let issues = validate(expr);
    let Ok(compiled) = Expression::compile_with(expr, &limits) else { return };
    let first = compiled.evaluate(input);
    assert_eq!(first, compiled.evaluate(input), "evaluation is deterministic");
    if let Err(e) = &first {
        assert!(!e.to_string().contains(CERTLOGIC_CANARY), "{e} quotes the data");
        if issues.is_empty() {
            assert!(!matches!(e, EvalError::InvalidExpression { .. }), "valid per the validator, yet {e}: {expr}");
        }
    }
    // As the logic of a rule, on the data as payload (the engine's budget is
    // the default, 50 times this one's: skip inputs that exhaust this one).
    if matches!(first, Err(EvalError::WorkLimit { .. })) {
        return;
    }
    let rule = serde_json::json!({
        "Identifier": "VR-XT-0001", "Type": "Acceptance", "Country": "XT", "Version": "1.0.0",
        "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC", "EngineVersion": "1.0.0", "CertificateType": "General",
        "Description": [{"lang": "en", "desc": "fuzz"}], "ValidFrom": "2021-01-01T00:00:00Z",
        "ValidTo": "2030-01-01T00:00:00Z", "AffectedFields": [], "Logic": expr
    });
    let (set, _) = RuleSet::from_json_rules([serde_json::to_vec(&rule).unwrap_or_default()]);
    let mut payload = input.clone();
    if let Value::Object(m) = &mut payload {
        m.insert("ver".into(), Value::from("1.3.0"));
    }
    let value_sets = ValueSets::from_map(&serde_json::json!({"vaccines-covid-19-names": ["EU/1/20/1528"]}));
    let value_sets = value_sets.unwrap_or_default();
    let ctx = crate::rules::vaccination_context(&payload, "XT", seeds::clock().0, &value_sets);
    for r in set.evaluate(&ctx, "de") {
        assert_eq!(r.description, "fuzz", "English fallback");
        match r.outcome {
            RuleOutcome::Passed => assert!(r.detail.is_none(), "{r:?}"),
            RuleOutcome::Open => assert!(r.detail.is_some(), "an open result says why: {r:?}"),
            RuleOutcome::Failed => {}
        }
        assert!(!r.detail.unwrap_or_default().contains(CERTLOGIC_CANARY), "a rule result quotes the data");
    }
}

/// Reasons a `shc:/` payload's numeric layer, JWS or claims may fail with.
const SHC_DECODE_REASONS: [Reason; 10] = [
    Reason::ShcNumericInvalid,
    Reason::ShcChunkIncomplete,
    Reason::PayloadTooLarge,
    Reason::JwsMalformed,
    Reason::JwsZipMissing,
    Reason::JwsZipUnsupported,
    Reason::JwsSignatureDer,
    Reason::DeflateInvalid,
    Reason::InflatedTooLarge,
    Reason::JwtMalformed,
];

/// `shc`: arbitrary bytes as a SMART Health Card: text through the
/// numeric decoder, the compact JWS and the claims, each layer on its own
/// and the whole verification.
pub fn shc(data: &[u8]) {
    let limits = Limits::DEFAULT;
    let text = String::from_utf8_lossy(data);
    let jws_text = match numeric::decode(&text, limits.max_jws_len) {
        Ok(jws) => {
            let digits = numeric::strip_prefix(&text).expect("a decoded payload has the prefix");
            assert_eq!(jws.len() * 2, digits.len(), "two digits a character");
            assert!(jws.len() <= limits.max_jws_len);
            let again = numeric::encode(&jws).expect("decoded characters are in the numeric alphabet");
            assert_eq!(&again[numeric::PREFIX.len()..], digits, "the numeric form round-trips");
            jws
        }
        Err(e) => {
            assert!(SHC_DECODE_REASONS[..3].contains(&e.reason()), "{e:?}");
            assert!(!e.to_string().is_empty());
            text.clone().into_owned()
        }
    };
    match jws::parse(&jws_text, &limits) {
        Ok(j) => {
            assert!(jws_text.as_bytes().starts_with(&j.signing_input), "the signing input is the text's start");
            assert_eq!(j.signing_input.iter().filter(|b| **b == b'.').count(), 1, "header.payload");
            assert!(j.claims.len() <= limits.max_inflated_len);
            assert!(j.signature.len() <= jws::MAX_SIGNATURE_LEN);
            assert!(j.signature.len() == 64 || !jws::is_der_signature(&j.signature), "DER is refused");
            assert!(j.kid.as_ref().is_none_or(|k| !k.is_empty()));
        }
        Err(f) => assert!(SHC_DECODE_REASONS.contains(&f.reason), "{f:?}"),
    }
    match shc::decode_jws(&jws_text, &limits) {
        Ok(decoded) => check_shc(&decoded, &jws_text),
        Err(f) => assert!(SHC_DECODE_REASONS.contains(&f.reason), "{f:?}"),
    }
    for payload in [&*text, jws_text.as_str()] {
        let v = seeds::verifier().verify(payload, &seeds::clock()).expect("the memory store has no operational faults");
        check_verdict(&v);
    }
    // The same bytes as a health card file: its cards, or a reason.
    match shc::file::credentials(data, &limits) {
        Ok(cards) => assert!(!cards.is_empty() && cards.len() <= shc::file::MAX_CREDENTIALS),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// What a decoded SMART Health Card must satisfy.
fn check_shc(decoded: &Decoded, jws_text: &str) {
    assert_eq!(decoded.format, shc::ID);
    let env = &decoded.envelope;
    match &env.key {
        KeyRef::IssuerKid { scheme, issuer, kid } => {
            assert_eq!(*scheme, shc::SCHEME);
            assert_eq!(Some(issuer.as_str()), env.issuer.as_deref(), "the key is looked up under the card's iss");
            assert!(!issuer.is_empty() && !kid.is_empty());
        }
        KeyRef::Missing { scheme } => assert_eq!(*scheme, shc::SCHEME),
        other => panic!("a SMART Health Card names its key by issuer and kid: {other:?}"),
    }
    assert!(jws_text.as_bytes().starts_with(&env.signed_bytes));
    assert_eq!(env.times.issued_at, env.times.not_before, "nbf is both");
    let doc = decoded.document.as_ref();
    assert!(doc.rules_input().is_none(), "no business rules for SMART Health Cards");
    let policy = doc.validity_policy();
    assert!(!policy.expiry_required && policy.issued_at_required && !policy.within_signer_validity);
    let kind = doc.certificate_type();
    let schema = doc.schema_check(false);
    if schema.outcome == Outcome::Pass {
        assert!(kind.is_ok(), "a card that passes its schema check has a type");
    }
    let cert = doc.normalize(env);
    assert_eq!(cert.kind, kind.ok());
    assert_eq!(cert.issued_at, env.times.issued_at.instant());
    assert!(cert.events.len() <= fhir::MAX_ENTRIES);
}

/// `shc_fhir`: arbitrary bytes as the FHIR bundle of a SMART Health Card
/// (and as its whole `vc` claim): the structure check agrees with the
/// lenient reading, what passes it holds what it promises, the mapping
/// never panics, and a refusal never repeats the bundle's text.
pub fn shc_fhir(data: &[u8]) {
    let Ok(bundle) = serde_json::from_slice::<Value>(data) else { return };
    let lenient = fhir::read_leniently(&bundle);
    match fhir::read(&bundle) {
        Ok(card) => {
            assert!(card == lenient, "a bundle that passes reads the same leniently");
            assert!(card.patients <= 1);
            assert!(card.immunizations.is_empty() || card.patients == 1, "immunizations need their patient");
            for imm in &card.immunizations {
                assert_eq!(imm.status.as_deref(), Some("completed"));
                assert!(imm.vaccine.is_some() && imm.occurrence.is_some());
            }
            assert!(card.observations.iter().all(|o| o.code.is_some()));
            let entries = bundle["entry"].as_array().map_or(0, Vec::len);
            assert!((1..=fhir::MAX_ENTRIES).contains(&entries));
            assert_eq!(
                entries,
                card.patients + card.immunizations.len() + card.observations.len() + card.other_resources
            );
        }
        Err(problem) => {
            assert!(!problem.is_empty());
            let mut payload = Vec::new();
            strings(&bundle, &mut payload);
            for s in payload.into_iter().filter(|s| s.chars().count() >= 2 && s.chars().any(is_marker)) {
                assert!(!problem.contains(s), "a structure problem repeats bundle text: {problem}");
            }
        }
    }
    let holder = fhir::holder(lenient.patient.as_ref());
    if let Some(p) = &lenient.patient {
        assert_eq!(holder.date_of_birth, p.birth_date);
    }
    for imm in &lenient.immunizations {
        let v = fhir::vaccination(imm, Some("https://issuer.fuzz.test"));
        assert_eq!(v.vaccine, imm.vaccine.as_ref().map(fhir::Coding::to_code));
        if let (Some(c), Some(code)) = (&imm.vaccine, &v.vaccine) {
            assert_eq!((&code.code, &code.system), (&c.code, &c.system), "the coding keeps its code system");
        }
        assert_eq!((&v.lot, &v.centre), (&imm.lot_number, &imm.performer));
    }
    for obs in &lenient.observations {
        let t = fhir::test_event(obs, None);
        assert_eq!((t.result.as_ref(), t.sample_collected_at.as_ref()), (obs.value.as_ref(), obs.effective.as_ref()));
    }
    let vc = serde_json::json!({"type": [card::HEALTH_CARD_TYPE], "credentialSubject": {"fhirBundle": bundle}});
    let envelope = SignedEnvelope {
        algorithm: healthcert_core::formats::DeclaredAlgorithm::Missing,
        key: KeyRef::Missing { scheme: shc::SCHEME },
        key_origin: "fuzz",
        signed_bytes: Vec::new(),
        signature: Vec::new(),
        issuer: None,
        times: Default::default(),
    };
    for vc in [vc, bundle] {
        let doc = card::ShcDocument::new(vc);
        use healthcert_core::formats::Document as _;
        let schema = doc.schema_check(false);
        let kind = doc.certificate_type();
        if schema.outcome == Outcome::Pass {
            assert!(kind.is_ok());
        }
        assert!(matches!(schema.outcome, Outcome::Pass | Outcome::Fail));
        let cert = doc.normalize(&envelope);
        assert_eq!(cert.kind, kind.ok());
    }
}

/// Characters no message of the SHC developer validator uses.
fn validate_marker(c: char) -> bool {
    matches!(c, '~' | '@' | '!' | '`' | '\\' | '&')
}

/// `shc_validate`: any bytes as every artefact kind of
/// `formats::shc::validate` (the text; its lines as QR chunks), with a
/// small FHIR schema and the `usa-covid19-immunization` profile: never a
/// panic, a bounded number of diagnostics, stable code names, and no
/// message repeats a JSON string of the input that holds a character the
/// messages never use.
pub fn shc_validate(data: &[u8]) {
    use healthcert_core::formats::shc::validate::{
        Artefact, Code, DataMinimization, Level, Options, Profile, validate as check,
    };
    let text = String::from_utf8_lossy(data);
    let schema = serde_json::json!({
        "oneOf": [{"$ref": "#/definitions/Bundle"}],
        "definitions": {
            "string": {"type": "string", "pattern": "^[ \\r\\n\\t\\S]+$"},
            "Coding": {"properties": {"system": {"$ref": "#/definitions/string"}, "code": {"$ref": "#/definitions/string"},
                                      "display": {"$ref": "#/definitions/string"}}, "additionalProperties": false},
            "CodeableConcept": {"properties": {"coding": {"type": "array", "items": {"$ref": "#/definitions/Coding"}},
                                               "text": {"$ref": "#/definitions/string"}}, "additionalProperties": false},
            "Reference": {"properties": {"reference": {"$ref": "#/definitions/string"}}, "additionalProperties": false},
            "Patient": {"properties": {"resourceType": {"const": "Patient"}, "name": {"type": "array"}}, "additionalProperties": false},
            "Immunization": {"properties": {"resourceType": {"const": "Immunization"}, "status": {"type": "string"},
                "vaccineCode": {"$ref": "#/definitions/CodeableConcept"}, "patient": {"$ref": "#/definitions/Reference"}},
                "required": ["patient", "vaccineCode"]},
            "Bundle": {"properties": {"resourceType": {"const": "Bundle"}, "entry": {"type": "array"}}, "required": ["resourceType"]}
        }
    });
    let options = Options {
        now: OffsetDateTime::from_unix_timestamp(seeds::NOW).expect("the seeds' clock"),
        keys: &[],
        fhir_schema: Some(&schema),
        profile: Profile::UsaCovid19Immunization(DataMinimization {
            must_not_contain: vec!["Patient.name.id".into(), "Immunization.location".into()],
            patterns: vec![("Immunization.status".into(), "completed".into())],
        }),
        exclude: Vec::new(),
        limits: Limits::DEFAULT,
    };
    let mut marked = Vec::new();
    let parsed: Option<Value> = serde_json::from_str(&text).ok();
    if let Some(v) = &parsed {
        strings(v, &mut marked);
    }
    marked.retain(|s| s.chars().count() >= 2 && s.chars().any(validate_marker));
    let chunks: Vec<String> = text.lines().take(64).map(str::to_owned).collect();
    let artefacts = [
        Artefact::FhirBundle(&text),
        Artefact::JwsPayload(&text),
        Artefact::Jws(&text),
        Artefact::QrNumeric(&chunks),
        Artefact::HealthCard { text: &text, file_name: Some("card.json") },
        Artefact::FhirHealthCard(&text),
    ];
    for artefact in artefacts {
        let found = check(artefact, &options);
        assert!(found.len() <= 50_000, "{} diagnostics", found.len());
        for d in &found {
            assert_eq!(Code::from_name(d.code.name()), Some(d.code));
            for s in &marked {
                assert!(!d.message.contains(s), "a message repeats input text: {}", d.message);
            }
        }
        if matches!(artefact, Artefact::FhirBundle(_)) && parsed.is_none() && text.trim().starts_with('{') {
            assert!(found.iter().any(|d| d.level == Level::Fatal || d.level == Level::Error), "not JSON, no finding");
        }
    }
}

/// `icao`: arbitrary bytes as an ICAO VDS-NC seal: the JSON reader, the
/// RFC 8785 canonical form (which must be a fixed point: canonical text
/// read back canonicalizes to itself), the decoder and the verification.
pub fn icao(data: &[u8]) {
    let limits = Limits::DEFAULT;
    let text = String::from_utf8_lossy(data);
    match seal::parse(text.as_bytes(), &limits) {
        Ok(s) => {
            assert!(s.certificate.len() <= seal::MAX_CERTIFICATE_LEN && !s.certificate.is_empty());
            assert!(s.signature.len() <= seal::MAX_SIGNATURE_LEN && !s.signature.is_empty());
            let canonical = jcs::canonical(&s.data).expect("a parsed tree canonicalizes");
            let again = seal::parse_json(&canonical, usize::MAX, 64).expect("canonical JSON reads back");
            assert_eq!(again, s.data, "canonical JSON means the same");
            assert_eq!(jcs::canonical(&again).expect("again"), canonical, "canonical JSON is a fixed point");
        }
        Err(f) => assert_eq!(f.reason, Reason::VdsMalformed, "{f:?}"),
    }
    match icao::decode(&text, &limits) {
        Ok(decoded) => {
            assert_eq!(decoded.format, icao::ID);
            assert!(matches!(&decoded.envelope.key, KeyRef::Embedded { scheme, anchors: Some(a), .. }
                if *scheme == icao::SCHEME && *a == icao::CSCA_SCHEME));
        }
        Err(f) => assert_eq!(f.reason, Reason::VdsMalformed, "{f:?}"),
    }
    let v = seeds::verifier().verify(&text, &seeds::clock()).expect("the memory store has no operational faults");
    check_verdict(&v);
}

/// `divoc`: arbitrary bytes as a DIVOC payload, as text (`B64:…`, or the
/// archive's bytes as ISO-8859-1 characters) and as the bytes of a QR code:
/// the archive reader (entry count and inflated size capped), the
/// credential and proof reader, URDNA2015 over the bundled contexts, and
/// the verification. No member the proof does not sign is shown.
pub fn divoc(data: &[u8]) {
    use healthcert_core::formats::divoc::{self, archive};
    let limits = Limits::DEFAULT;
    match archive::certificate_json(data, &limits) {
        Ok(json) => assert!(json.len() <= limits.max_inflated_len),
        Err(f) => assert!(matches!(f.reason, Reason::DivocArchiveInvalid | Reason::InflatedTooLarge), "{f:?}"),
    }
    let text = String::from_utf8_lossy(data);
    let payloads = [Some(text.into_owned()), healthcert_core::formats::binary_as_text(data)];
    for payload in payloads.into_iter().flatten() {
        match archive::archive_bytes(&payload, &limits) {
            Ok(zip) => assert!(zip.starts_with(archive::ZIP_MAGIC) && zip.len() <= limits.max_payload_len),
            Err(f) => assert!(matches!(f.reason, Reason::DivocArchiveInvalid | Reason::PayloadTooLarge), "{f:?}"),
        }
        match divoc::decode(&payload, &limits) {
            Ok(decoded) => {
                assert_eq!(decoded.format, divoc::ID);
                assert!(
                    matches!(&decoded.envelope.key,
                    KeyRef::Kid { scheme, kid } if *scheme == divoc::SCHEME && !kid.is_empty())
                        || matches!(&decoded.envelope.key, KeyRef::Missing { scheme } if *scheme == divoc::SCHEME)
                );
                // header "." SHA-256 SHA-256
                assert!(decoded.envelope.signed_bytes.len() > 65);
                // Everything shown is in what the proof signs.
                let c = decoded.document.normalize(&decoded.envelope);
                let zip = archive::archive_bytes(&payload, &limits).expect("it decoded");
                let json = archive::certificate_json(&zip, &limits).expect("it decoded");
                let vc: Value = serde_json::from_slice(&json).expect("it decoded");
                let (doc, _) = healthcert_core::jsonld::split_proof(&vc, Value::Null).expect("it decoded");
                let signed = healthcert_core::jsonld::ProofInput {
                    signing_input: Vec::new(),
                    document_nquads: healthcert_core::jsonld::canonical_nquads(&doc).expect("it decoded"),
                };
                let mut shown: Vec<String> = vec![c.holder.name.clone()];
                shown.extend(
                    c.holder
                        .date_of_birth
                        .iter()
                        .filter(|_| !c.extras.iter().any(|e| e.name == "dob.estimated"))
                        .cloned(),
                );
                for e in &c.events {
                    if let healthcert_core::model::Event::Vaccination(v) = e {
                        shown.extend(v.lot.iter().chain(&v.date).chain(&v.certificate_id).cloned());
                        shown.extend(v.brand.iter().map(|b| b.code.clone()));
                    }
                }
                for value in shown.iter().filter(|v| !v.is_empty()) {
                    let iri = format!("<{value}>");
                    assert!(
                        signed.signs_literal(value) || signed.document_nquads.contains(&iri),
                        "a value shown is not signed"
                    );
                }
            }
            Err(f) => assert!(
                matches!(
                    f.reason,
                    Reason::DivocArchiveInvalid
                        | Reason::PayloadTooLarge
                        | Reason::InflatedTooLarge
                        | Reason::CredentialMalformed
                        | Reason::JsonLdContextUnknown
                ),
                "{f:?}"
            ),
        }
    }
    let v = seeds::verifier().verify_bytes(data, &seeds::clock()).expect("the memory store has no operational faults");
    check_verdict(&v);
}

/// `gdhcn_did`: arbitrary bytes as a WHO GDHCN DID trust list, its proof
/// checked with the fixtures' TEST GDHCN signing key ([`seeds::gdhcn_anchor`];
/// the fixtures' documents are accepted seeds). Never a panic; an accepted
/// list accounts for every verification method exactly once (a signer of
/// scheme `hcert` with its certificate, a reference within the length cap,
/// or a skipped entry naming the origin and a reason); a refusal displays.
pub fn gdhcn_did(data: &[u8]) {
    use healthcert_core::trust::gdhcn;
    match gdhcn::parse("fuzz", data, seeds::gdhcn_anchor()) {
        Ok(list) => {
            assert_eq!(list.signers.len() + list.references.len() + list.skipped.len(), list.methods);
            assert!(list.methods <= gdhcn::MAX_METHODS);
            for s in &list.signers {
                assert_eq!(s.scheme, hcert::SCHEME);
                assert!(s.certificate().is_some(), "a GDHCN signer keeps its certificate");
            }
            for (position, reference) in &list.references {
                assert!(position.starts_with("fuzz"), "{position}");
                assert!(reference.len() <= gdhcn::MAX_REFERENCE_LEN);
            }
            for s in &list.skipped {
                assert!(s.position.starts_with("fuzz") && !s.reason.is_empty(), "{s:?}");
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// `jsonld`: arbitrary bytes as JSON (serde_json, nesting ≤ 128), then
/// `jsonld::canonical_nquads`. Never a panic; the N-Quads are lines that
/// each end with ` .`, sorted, within the size cap, and the same document
/// canonicalises to the same text again; a refusal displays.
pub fn jsonld(data: &[u8]) {
    use healthcert_core::jsonld;
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    match jsonld::canonical_nquads(&value) {
        Ok(nquads) => {
            assert!(nquads.is_empty() || nquads.ends_with('\n'), "{nquads:?}");
            let lines: Vec<&str> = nquads.lines().collect();
            assert!(lines.iter().all(|l| l.ends_with(" .")), "{nquads:?}");
            assert!(lines.windows(2).all(|w| w[0] <= w[1]), "canonical N-Quads are sorted: {nquads:?}");
            assert_eq!(jsonld::canonical_nquads(&value).ok().as_deref(), Some(nquads.as_str()), "deterministic");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// `revocation_slice`: arbitrary bytes as a bloom-filter slice, a
/// hash-list slice and a tar.gz slice archive of the EU DCC revocation
/// service (`trust::revocation`); also the bytes as an uncompressed tar.
/// Never a panic; a slice read answers lookups and, for a bloom filter,
/// writes back to the same bytes; a hash list holds each of its entries;
/// an archive read stays within its caps.
pub fn revocation_slice(data: &[u8]) {
    use healthcert_core::trust::revocation::{BloomFilter, HashList, MAX_BLOOM_K, archive};
    let probe: [u8; 16] = std::array::from_fn(|i| data.get(i).copied().unwrap_or(0));
    if let Ok(bloom) = BloomFilter::parse(data) {
        assert!((1..=MAX_BLOOM_K).contains(&bloom.k()), "k within its cap");
        assert_eq!(bloom.to_bytes(), data, "a bloom filter writes back to its bytes");
        let _ = bloom.contains(&probe);
    }
    if let Ok(list) = HashList::parse(data) {
        let _ = list.contains(&probe);
        let size = usize::from(data[10]);
        for entry in data[11..].chunks_exact(size).take(64) {
            let mut hash = [0u8; 16];
            hash[..size].copy_from_slice(entry);
            assert!(list.contains(&hash), "a hash list holds its entries");
        }
    }
    for slices in [archive::read(data), archive::read_tar(data)].into_iter().flatten() {
        assert!(slices.len() <= archive::MAX_ARCHIVE_ENTRIES);
        let total: usize = slices.iter().map(|s| s.bytes.len()).sum();
        assert!(total <= archive::MAX_ARCHIVE_BYTES.max(data.len()));
    }
}
