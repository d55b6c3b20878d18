//! Model → HC1 text: the claims set as CBOR with the JSON the DCC maps to
//! (built side by side, with what decoding them must give), the COSE_Sign1
//! envelope and the transport layers, broken where the input asks.

use ciborium::Value;
use coset::iana;
use coset::{AsCborValue as _, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate};
use healthcert_core::model::Reason;
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::input::*;
use super::oracle::Expect;
use crate::fuzz::seeds::{self, KID, NOW};

impl TimeInput {
    /// The claim as CBOR (`None`: absent).
    pub(super) fn value(&self) -> Option<Value> {
        let rel = |n: i32| Value::Integer((NOW + i64::from(n)).into());
        Some(match self {
            TimeInput::Absent => return None,
            TimeInput::Relative(n) => rel(*n),
            TimeInput::Int(i) => Value::Integer((*i).into()),
            TimeInput::Float(f) => Value::Float(*f),
            TimeInput::RelativeFloat(n, frac) => {
                Value::Float((NOW + i64::from(*n)) as f64 + f64::from(*frac) / 65_536.0)
            }
            TimeInput::Epoch(n) => Value::Tag(1, Box::new(rel(*n))),
            TimeInput::Tagged(t, n) => Value::Tag(*t, Box::new(rel(*n))),
            TimeInput::Text(s) => Value::Text(s.clone()),
            TimeInput::Raw(v) => v.0.clone(),
        })
    }
}

/// What the model knows of the encoded claims.
pub(super) struct Built {
    /// The claims set.
    pub(super) claims: Value,
    /// What decoding the claims gives.
    pub(super) decode: Expect,
    /// The DCC as JSON, when the model can tell.
    pub(super) json: Option<Json>,
    /// Whether text from the input (not the canary slots) holds the canary.
    pub(super) canary_elsewhere: bool,
}

/// Builds CBOR and the JSON it maps to, side by side.
#[derive(Default)]
struct Builder {
    /// Set when some part has no predictable JSON form.
    unknown: bool,
    /// Set when some part has definitely no JSON form.
    no_json: bool,
    canary_elsewhere: bool,
}

const VERSIONS: [&str; 12] =
    ["1.0.0", "1.0.1", "1.1.0", "1.2.0", "1.2.1", "1.3.0", "1.3.1", "1.3.2", "1.3.3", "1.4.0", "2.0.0", "0.9.9"];
const V_FIELDS: [&str; 10] = ["tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"];
const T_FIELDS: [&str; 11] = ["tg", "tt", "nm", "ma", "sc", "dr", "tr", "tc", "co", "is", "ci"];
const R_FIELDS: [&str; 7] = ["tg", "fr", "co", "is", "df", "du", "ci"];
const NAME_FIELDS: [&str; 4] = ["fn", "fnt", "gn", "gnt"];

fn good(name: &str) -> (Value, Json) {
    let text = |s: &str| (Value::Text(s.to_owned()), Json::String(s.to_owned()));
    match name {
        "dn" => (Value::Integer(1.into()), Json::from(1)),
        "sd" => (Value::Integer(2.into()), Json::from(2)),
        "tg" => text("840539006"),
        "vp" => text("1119349007"),
        "mp" => text("EU/1/20/1528"),
        "ma" => text("ORG-100030215"),
        "dt" => text("2026-05-01"),
        "co" => text("XT"),
        "is" => text("healthcert fuzz issuer"),
        "ci" => text(&format!("URN:UVCI:01:XT:{CANARY}#1")),
        "tt" => text("LP6464-4"),
        "nm" => text("Roche LightCycler qPCR"),
        "sc" => text("2026-08-31T10:27:15Z"),
        "dr" => text("2026-08-31T12:00:00+02:00"),
        "tr" => text("260415000"),
        "tc" => text("Test centre"),
        "fr" => text("2026-06-01"),
        "df" => text("2026-06-12"),
        "du" => text("2026-12-01"),
        "fn" | "gn" => text("Qzxcanary"),
        "fnt" | "gnt" => text(CANARY),
        "dob" => text("1964-08-12"),
        _ => text("x"),
    }
}

fn date_text(days: i16) -> String {
    let base = time::macros::date!(2026 - 05 - 01);
    let d = base.checked_add(time::Duration::days(i64::from(days))).unwrap_or(base);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

impl Builder {
    fn text(&mut self, s: &str) -> (Value, Json) {
        self.canary_elsewhere |= contains_canary(s);
        (Value::Text(s.to_owned()), Json::String(s.to_owned()))
    }

    fn raw(&mut self, v: &RawCbor) -> (Value, Json) {
        self.canary_elsewhere |= raw_has_canary(&v.0);
        self.unknown = true;
        (v.0.clone(), Json::Null)
    }

    fn odd(&mut self, o: &OddValue) -> (Value, Json) {
        match o {
            OddValue::Canary(shape) => {
                let s = match shape % 6 {
                    0 => CANARY.to_owned(),
                    1 => CANARY.to_lowercase(),
                    2 => CANARY.repeat(usize::from(shape / 6 % 12) + 1),
                    3 => format!("Ä{CANARY}"),
                    4 => format!("{CANARY}<<{CANARY}"),
                    _ => format!("{CANARY} {CANARY}"),
                };
                (Value::Text(s.clone()), Json::String(s))
            }
            OddValue::Text(s) => self.text(s),
            OddValue::Date(days) => self.text(&date_text(*days)),
            OddValue::DateTime(secs) => {
                let t =
                    OffsetDateTime::from_unix_timestamp(NOW + i64::from(*secs)).unwrap_or(OffsetDateTime::UNIX_EPOCH);
                self.text(&healthcert_core::time_parse::format_utc(t))
            }
            OddValue::Int(i) => (Value::Integer((*i).into()), Json::from(*i)),
            OddValue::Float(f) => match serde_json::Number::from_f64(*f) {
                Some(n) => (Value::Float(*f), Json::Number(n)),
                None => {
                    self.no_json = true;
                    (Value::Float(*f), Json::Null)
                }
            },
            OddValue::Null => (Value::Null, Json::Null),
            OddValue::Bool(b) => (Value::Bool(*b), Json::Bool(*b)),
            OddValue::DateTag(days) => {
                let s = date_text(*days);
                (Value::Tag(1004, Box::new(Value::Text(s.clone()))), Json::String(s))
            }
            OddValue::EpochTag(secs) => {
                let t =
                    OffsetDateTime::from_unix_timestamp(NOW + i64::from(*secs)).unwrap_or(OffsetDateTime::UNIX_EPOCH);
                let n = t.unix_timestamp();
                (
                    Value::Tag(1, Box::new(Value::Integer(n.into()))),
                    Json::String(healthcert_core::time_parse::format_utc(t)),
                )
            }
            OddValue::Raw(v) => self.raw(v),
        }
    }

    fn slot(&mut self, name: &str, slot: &Slot) -> Option<(Value, Json)> {
        match slot {
            Slot::Good => Some(good(name)),
            Slot::Absent => None,
            Slot::Odd(o) => Some(self.odd(o)),
        }
    }

    fn object(&mut self, names: &[&str], slots: &[Slot]) -> (Value, Json) {
        let mut map = Vec::new();
        let mut obj = serde_json::Map::new();
        for (name, slot) in names.iter().zip(slots) {
            if let Some((c, j)) = self.slot(name, slot) {
                map.push((Value::Text((*name).to_owned()), c));
                obj.insert((*name).to_owned(), j);
            }
        }
        (Value::Map(map), Json::Object(obj))
    }

    fn group(&mut self, names: &[&str], g: &GroupInput) -> (Value, Json) {
        let entries: Vec<&EntryInput> = match g {
            GroupInput::One(e) => vec![e.as_ref()],
            GroupInput::Many(v) => v.iter().take(3).collect(),
            GroupInput::Null => return (Value::Null, Json::Null),
            GroupInput::Raw(v) => return self.raw(v),
        };
        let (c, j): (Vec<Value>, Vec<Json>) = entries.into_iter().map(|e| self.object(names, &e.slots)).unzip();
        (Value::Array(c), Json::Array(j))
    }

    fn dcc(&mut self, d: &DccInput) -> (Value, Json) {
        let mut map: Vec<(Value, Value)> = Vec::new();
        let mut obj = serde_json::Map::new();
        let mut put = |b: &mut Builder, key: &str, (c, j): (Value, Json)| {
            map.push((Value::Text(key.to_owned()), c));
            if obj.insert(key.to_owned(), j).is_some() {
                b.no_json = true; // a duplicate key has no JSON form
            }
        };
        match &d.ver {
            VerInput::Known(i) => {
                let s = VERSIONS[usize::from(*i) % VERSIONS.len()];
                put(self, "ver", (Value::Text(s.into()), Json::String(s.into())));
            }
            VerInput::Absent => {}
            VerInput::Text(s) => {
                let v = self.text(s);
                put(self, "ver", v);
            }
            VerInput::Int(i) => put(self, "ver", (Value::Integer((*i).into()), Json::from(*i))),
        }
        match &d.nam {
            NameInput::Fields(slots) => {
                let v = self.object(&NAME_FIELDS, slots);
                put(self, "nam", v);
            }
            NameInput::Absent => {}
            NameInput::Raw(r) => {
                let v = self.raw(r);
                put(self, "nam", v);
            }
        }
        if let Some(v) = self.slot("dob", &d.dob) {
            put(self, "dob", v);
        }
        for (key, names, group) in
            [("v", &V_FIELDS[..], &d.groups.v), ("t", &T_FIELDS[..], &d.groups.t), ("r", &R_FIELDS[..], &d.groups.r)]
        {
            if let Some(g) = group {
                let v = self.group(names, g);
                put(self, key, v);
            }
        }
        if let Some((key, value)) = &d.extra {
            self.canary_elsewhere |= contains_canary(key);
            let v = self.odd(value);
            put(self, key, v);
        }
        (Value::Map(map), Json::Object(obj))
    }
}

/// Nesting depth as the CBOR reader counts it (arrays, maps and tags).
fn depth(v: &Value) -> usize {
    match v {
        Value::Tag(_, inner) => 1 + depth(inner),
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Map(m) => 1 + m.iter().map(|(k, v)| depth(k).max(depth(v))).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether a map below `v` (or `v` itself) has a key twice.
fn has_duplicate_keys(v: &Value) -> bool {
    match v {
        Value::Tag(_, inner) => has_duplicate_keys(inner),
        Value::Array(a) => a.iter().any(has_duplicate_keys),
        Value::Map(m) => {
            m.iter().enumerate().any(|(i, (k, _))| m[..i].iter().any(|(earlier, _)| earlier == k))
                || m.iter().any(|(k, v)| has_duplicate_keys(k) || has_duplicate_keys(v))
        }
        _ => false,
    }
}

/// Whether a bignum (tag 2 or 3 around a byte string) occurs.
fn has_bignum(v: &Value) -> bool {
    match v {
        Value::Tag(2 | 3, inner) if matches!(**inner, Value::Bytes(_)) => true,
        Value::Tag(_, inner) => has_bignum(inner),
        Value::Array(a) => a.iter().any(has_bignum),
        Value::Map(m) => m.iter().any(|(k, v)| has_bignum(k) || has_bignum(v)),
        _ => false,
    }
}

impl ClaimsInput {
    pub(super) fn build(&self) -> Built {
        let mut b = Builder::default();
        let mut entries: Vec<(Value, Value)> = Vec::new();
        let key = |k: i64| Value::Integer(k.into());
        // What cwt::parse checks, in its order: duplicates, iss, hcert.
        let mut iss_bad = false;
        match &self.iss {
            IssInput::Xt => entries.push((key(1), Value::Text("XT".into()))),
            IssInput::Absent => {}
            IssInput::Text(s) => {
                b.canary_elsewhere |= contains_canary(s);
                entries.push((key(1), Value::Text(s.clone())));
            }
            IssInput::Raw(r) => {
                b.canary_elsewhere |= raw_has_canary(&r.0);
                iss_bad = !matches!(r.0, Value::Text(_));
                entries.push((key(1), r.0.clone()));
            }
        }
        for (k, t) in [(6, &self.iat), (4, &self.exp)] {
            if let TimeInput::Raw(r) = t {
                b.canary_elsewhere |= raw_has_canary(&r.0);
            }
            if let TimeInput::Text(s) = t {
                b.canary_elsewhere |= contains_canary(s);
            }
            if let Some(v) = t.value() {
                entries.push((key(k), v));
            }
        }
        let mut hcert_outcome: Option<Option<Reason>> = Some(None);
        let mut json = None;
        match &self.hcert {
            HcertInput::Map(dcc, extra) => {
                let (c, j) = b.dcc(dcc);
                let mut m = vec![(key(1), c)];
                for (k, v) in extra {
                    b.canary_elsewhere |= raw_has_canary(&v.0);
                    m.push((key(i64::from(*k)), v.0.clone()));
                }
                entries.push((key(-260), Value::Map(m)));
                if b.no_json {
                    hcert_outcome = Some(Some(Reason::HcertMalformed));
                } else if b.unknown || extra.iter().any(|(k, _)| matches!(k, 3 | 4)) {
                    // Keys 3 and 4 are WHO DDCC data sets, parsed (and
                    // possibly refused) beside the EU DCC: not modelled.
                    hcert_outcome = None;
                } else {
                    json = Some(j);
                }
            }
            HcertInput::RawDcc(r) => {
                b.canary_elsewhere |= raw_has_canary(&r.0);
                hcert_outcome = if matches!(r.0, Value::Map(_)) { None } else { Some(Some(Reason::HcertMalformed)) };
                entries.push((key(-260), Value::Map(vec![(key(1), r.0.clone())])));
            }
            HcertInput::Absent => hcert_outcome = Some(Some(Reason::HcertMissing)),
            HcertInput::Raw(r) => {
                b.canary_elsewhere |= raw_has_canary(&r.0);
                hcert_outcome = match &r.0 {
                    Value::Map(_) => None,
                    _ => Some(Some(Reason::HcertMalformed)),
                };
                entries.push((key(-260), r.0.clone()));
            }
        }
        for (k, v) in &self.extra {
            b.canary_elsewhere |= raw_has_canary(&v.0);
            entries.push((key(i64::from(*k)), v.0.clone()));
        }
        let keys: Vec<&Value> = entries.iter().map(|(k, _)| k).collect();
        let duplicate = keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k));
        let claims = Value::Map(entries);
        // Tags 2 and 3 around bytes may read back as integers, or fail as
        // too large: the model does not follow them.
        let mut unknown = has_bignum(&claims);
        // Past 16 levels (the limit; the exact count differs by one between
        // readers), unless a reader skips that part without descending.
        let deep = depth(&claims) > 15;
        let mut maybe = Vec::new();
        if deep {
            maybe.push(Reason::CborTooDeep);
        }
        if let Value::Map(m) = &claims
            && m.iter().any(|(k, v)| has_duplicate_keys(k) || has_duplicate_keys(v))
        {
            maybe.extend([Reason::CwtMalformed, Reason::HcertMalformed]);
        }
        let mut definite = Vec::new();
        if duplicate || iss_bad {
            definite.push(Reason::CwtMalformed);
        }
        match hcert_outcome {
            Some(Some(r)) => definite.push(r),
            Some(None) => {}
            None => unknown = true,
        }
        let decode = match (definite.is_empty(), unknown) {
            (false, true) => Expect::Fail(None),
            (false, false) => {
                definite.extend(maybe);
                Expect::Fail(Some(definite))
            }
            (true, true) => Expect::Unknown,
            (true, false) if maybe.is_empty() => Expect::Pass,
            (true, false) => Expect::PassOr(maybe),
        };
        Built { claims, decode, json, canary_elsewhere: b.canary_elsewhere }
    }
}

fn header_with_alg(alg: &AlgChoice) -> (coset::Header, coset::Header) {
    let mut protected = HeaderBuilder::new().build();
    let mut unprotected = HeaderBuilder::new().build();
    let assigned = |a| Some(RegisteredLabelWithPrivate::Assigned(a));
    match alg {
        AlgChoice::Es256 => protected.alg = assigned(iana::Algorithm::ES256),
        AlgChoice::Es256Unprotected => unprotected.alg = assigned(iana::Algorithm::ES256),
        AlgChoice::Es384 => protected.alg = assigned(iana::Algorithm::ES384),
        AlgChoice::Ps256 => protected.alg = assigned(iana::Algorithm::PS256),
        AlgChoice::EdDsa => protected.alg = assigned(iana::Algorithm::EdDSA),
        AlgChoice::Missing => {}
        AlgChoice::Text(t) => protected.alg = Some(RegisteredLabelWithPrivate::Text(t.clone())),
    }
    (protected, unprotected)
}

/// The COSE_Sign1 bytes for `payload`.
pub(super) fn envelope(payload: Vec<u8>, tweaks: Option<&EnvelopeTweaks>) -> Vec<u8> {
    let Some(t) = tweaks else {
        return seeds::cose(payload);
    };
    let (mut protected, mut unprotected) = header_with_alg(&t.alg);
    match &t.kid {
        KidChoice::Protected => protected.key_id = KID.to_vec(),
        KidChoice::Unprotected => unprotected.key_id = KID.to_vec(),
        KidChoice::Both(other) => {
            protected.key_id = KID.to_vec();
            unprotected.key_id = other.clone();
        }
        KidChoice::Missing => {}
        KidChoice::Other(k) => protected.key_id = k.clone(),
    }
    let builder = CoseSign1Builder::new().protected(protected).unprotected(unprotected);
    let mut msg = if t.detached {
        builder.create_detached_signature(&payload, &[], seeds::sign).build()
    } else {
        builder.payload(payload).create_signature(&[], seeds::sign).build()
    };
    match &t.signature {
        SignatureChoice::Valid => {}
        SignatureChoice::Flipped(at, bit) => {
            let n = msg.signature.len();
            if n > 0 {
                msg.signature[usize::from(*at) % n] ^= 1 << (bit % 8);
            }
        }
        SignatureChoice::Truncated(n) => msg.signature.truncate(usize::from(*n)),
        SignatureChoice::Bytes(b) => msg.signature = b.clone(),
    }
    let Ok(mut value) = msg.to_cbor_value() else {
        return Vec::new();
    };
    let tags: &[u64] = match t.tag {
        TagChoice::Sign1 => &[18],
        TagChoice::Untagged => &[],
        TagChoice::CwtSign1 => &[18, 61],
        TagChoice::Cwt => &[61],
        TagChoice::Sign => &[98],
        TagChoice::Twice => &[18, 18],
        TagChoice::Other(x) => return seeds::cbor(&Value::Tag(x, Box::new(value))),
    };
    for tag in tags {
        value = Value::Tag(*tag, Box::new(value));
    }
    seeds::cbor(&value)
}

pub(super) fn transport(cose: &[u8], tweaks: Option<&TransportTweaks>) -> String {
    let Some(t) = tweaks else {
        return seeds::hc1(cose);
    };
    let body = if t.zlib { seeds::zlib_level(cose, u32::from(t.level % 10)) } else { cose.to_vec() };
    let prefix = match &t.prefix {
        PrefixChoice::Hc1 => "HC1:".to_owned(),
        PrefixChoice::Missing => String::new(),
        PrefixChoice::Hc2 => "HC2:".to_owned(),
        PrefixChoice::Text(s) => s.clone(),
    };
    let mut text = format!("{prefix}{}", base45::encode(body));
    match t.edit {
        TextEdit::Keep => {}
        TextEdit::Truncate(n) => {
            let cut = text.char_indices().nth(usize::from(n)).map_or(text.len(), |(i, _)| i);
            text.truncate(cut);
        }
        TextEdit::Insert(at, c) => {
            let at = text.char_indices().nth(usize::from(at)).map_or(text.len(), |(i, _)| i);
            text.insert(at, c);
        }
        TextEdit::Whitespace => text = format!(" \n{text}\t "),
    }
    text
}
