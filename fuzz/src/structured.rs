//! `verify_hc1_structured`: an [`Arbitrary`] model of an HC1 certificate
//! (CWT claims with arbitrary CBOR in `iat`/`exp`/`iss`/`hcert`, DCC fields
//! that are mostly plausible and sometimes anything), wrapped properly
//! (COSE_Sign1 signed with the fuzzing key, zlib, base45, `HC1:`) unless the
//! input asks for a broken envelope or transport. The fuzzer thus spends its
//! time deep in the pipeline: signature, validity, schema, normalisation.
//!
//! Besides the invariants every verdict satisfies, the model predicts the
//! outcome wherever it can and checks the verdict against it:
//! - a well-formed envelope and transport decode, or fail with the reason
//!   the claims call for (duplicate claims, `iss` not text, no `hcert`, a DCC
//!   without JSON form, too deep);
//! - a valid signature by the fuzzing key passes, and so do the issuer and
//!   key-usage checks for a single-group DCC;
//! - the validity check gives the reason `iat`/`exp` call for at the clock;
//! - the decoded DCC is exactly the JSON the model wrote, and the schema
//!   check is what `schema::validate` says of it;
//! - personal data (names, date of birth, certificate id, all carrying a
//!   canary) never reaches a check detail or the verdict's `Debug`.

use arbitrary::{Arbitrary, Result, Unstructured};
use ciborium::Value;
use coset::iana;
use coset::{AsCborValue as _, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate};
use healthcert_core::formats::PrefixPolicy;
use healthcert_core::formats::hcert;
use healthcert_core::model::{Outcome, Reason};
use healthcert_core::{CheckKind, Limits, Verdict};
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::invariants::check_verdict;
use super::seeds::{self, KID, NOW};

/// Written into every personal field; must never show in details or `Debug`.
pub const CANARY: &str = "QZXCANARY";
/// Nesting of arbitrary CBOR items (beyond the core's limit of 16).
const MAX_RAW_DEPTH: usize = 20;

/// An arbitrary CBOR item, nested at most [`MAX_RAW_DEPTH`] levels.
#[derive(Debug, Clone)]
pub struct RawCbor(pub Value);

impl<'a> Arbitrary<'a> for RawCbor {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        raw(u, 0).map(RawCbor)
    }
}

fn raw(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let top = if depth >= MAX_RAW_DEPTH || u.is_empty() { 7 } else { 11 };
    Ok(match u.int_in_range(0..=top)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Integer(u.arbitrary::<i64>()?.into()),
        3 => Value::Integer(u.arbitrary::<u64>()?.into()),
        4 => {
            let n = -1 - i128::from(u.arbitrary::<u64>()?);
            Value::Integer(ciborium::value::Integer::try_from(n).unwrap_or_else(|_| 0.into()))
        }
        5 => Value::Float(u.arbitrary()?),
        6 => Value::Text(u.arbitrary()?),
        7 => Value::Bytes(u.arbitrary::<&[u8]>()?.iter().copied().take(64).collect()),
        8 => {
            let tag = *u.choose(&[0u64, 1, 2, 3, 18, 61, 98, 1004, 55799, 24])?;
            Value::Tag(tag, Box::new(raw(u, depth + 1)?))
        }
        9 => Value::Tag(u.arbitrary()?, Box::new(raw(u, depth + 1)?)),
        10 => {
            let n = u.int_in_range(0..=4)?;
            Value::Array((0..n).map(|_| raw(u, depth + 1)).collect::<Result<_>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=4)?;
            Value::Map((0..n).map(|_| Ok((raw(u, depth + 1)?, raw(u, depth + 1)?))).collect::<Result<_>>()?)
        }
    })
}

/// A time claim (`iat`, `exp`): mostly near the clock.
#[derive(Debug, Clone)]
pub enum TimeInput {
    /// Not in the claims set.
    Absent,
    /// [`NOW`] + seconds.
    Relative(i32),
    /// Any integer.
    Int(i64),
    /// Any float.
    Float(f64),
    /// [`NOW`] + seconds + a fraction, as a float.
    RelativeFloat(i32, u16),
    /// Tag 1 around [`NOW`] + seconds.
    Epoch(i32),
    /// Any tag around [`NOW`] + seconds.
    Tagged(u64, i32),
    /// Text.
    Text(String),
    /// Anything.
    Raw(RawCbor),
}

impl<'a> Arbitrary<'a> for TimeInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=15)? {
            0..=6 => TimeInput::Relative(u.arbitrary()?),
            7 => TimeInput::Absent,
            8 => TimeInput::Int(u.arbitrary()?),
            9 => TimeInput::Float(u.arbitrary()?),
            10 => TimeInput::RelativeFloat(u.arbitrary()?, u.arbitrary()?),
            11 | 12 => TimeInput::Epoch(u.arbitrary()?),
            13 => TimeInput::Tagged(u.arbitrary()?, u.arbitrary()?),
            14 => TimeInput::Text(u.arbitrary()?),
            _ => TimeInput::Raw(u.arbitrary()?),
        })
    }
}

impl TimeInput {
    fn value(&self) -> Option<Value> {
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

/// The `iss` claim: mostly `XT`.
#[derive(Debug, Clone)]
pub enum IssInput {
    /// `XT`.
    Xt,
    /// Not in the claims set.
    Absent,
    /// Any text.
    Text(String),
    /// Anything.
    Raw(RawCbor),
}

impl<'a> Arbitrary<'a> for IssInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=9)? {
            0..=6 => IssInput::Xt,
            7 => IssInput::Absent,
            8 => IssInput::Text(u.arbitrary()?),
            _ => IssInput::Raw(u.arbitrary()?),
        })
    }
}

/// One DCC property: mostly a plausible value, sometimes anything.
#[derive(Debug, Clone)]
pub enum Slot {
    /// The plausible value for the property (personal fields carry the canary).
    Good,
    /// Absent.
    Absent,
    /// Something else.
    Odd(OddValue),
}

impl<'a> Arbitrary<'a> for Slot {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=15)? {
            0..=10 => Slot::Good,
            11 => Slot::Absent,
            _ => Slot::Odd(u.arbitrary()?),
        })
    }
}

/// A property value other than the plausible one.
#[derive(Debug, Clone, Arbitrary)]
pub enum OddValue {
    /// The canary in a shape (case, repetition, non-ASCII, `<`).
    Canary(u8),
    /// Any text.
    Text(String),
    /// A plausible date shifted by days, as text.
    Date(i16),
    /// A date-time shifted by seconds, as text.
    DateTime(i32),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// Tag 1004 (RFC 8943 full-date) around a date: unwrapped to the text.
    DateTag(i16),
    /// Tag 1 around an epoch time: becomes an RFC 3339 string.
    EpochTag(i32),
    /// Anything.
    Raw(RawCbor),
}

/// A group entry: one slot per property of the group.
#[derive(Debug, Clone, Arbitrary)]
pub struct EntryInput {
    slots: [Slot; 11],
}

/// A group (`v`, `t`, `r`): mostly one entry.
#[derive(Debug, Clone)]
pub enum GroupInput {
    /// One entry.
    One(Box<EntryInput>),
    /// Several entries (at most 3 are used).
    Many(Vec<EntryInput>),
    /// `null`.
    Null,
    /// Anything.
    Raw(RawCbor),
}

impl<'a> Arbitrary<'a> for GroupInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=9)? {
            0..=5 => GroupInput::One(u.arbitrary()?),
            6 | 7 => GroupInput::Many(u.arbitrary()?),
            8 => GroupInput::Null,
            _ => GroupInput::Raw(u.arbitrary()?),
        })
    }
}

/// The person's name: mostly the four fields.
#[derive(Debug, Clone)]
pub enum NameInput {
    /// `fn`, `fnt`, `gn`, `gnt`.
    Fields([Slot; 4]),
    /// Absent.
    Absent,
    /// Anything.
    Raw(RawCbor),
}

impl<'a> Arbitrary<'a> for NameInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=9)? {
            0..=7 => NameInput::Fields(u.arbitrary()?),
            8 => NameInput::Absent,
            _ => NameInput::Raw(u.arbitrary()?),
        })
    }
}

/// The EU DCC.
#[derive(Debug, Clone, Arbitrary)]
pub struct DccInput {
    ver: VerInput,
    nam: NameInput,
    dob: Slot,
    groups: GroupsInput,
    extra: Option<(String, OddValue)>,
}

/// The schema version: mostly a known release.
#[derive(Debug, Clone)]
pub enum VerInput {
    /// A known release (or a neighbour).
    Known(u8),
    /// Absent.
    Absent,
    /// Any text.
    Text(String),
    /// A number.
    Int(i64),
}

impl<'a> Arbitrary<'a> for VerInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=9)? {
            0..=6 => VerInput::Known(u.arbitrary()?),
            7 => VerInput::Absent,
            8 => VerInput::Text(u.arbitrary()?),
            _ => VerInput::Int(u.arbitrary()?),
        })
    }
}

/// Which groups the DCC has.
#[derive(Debug, Clone)]
pub struct GroupsInput {
    v: Option<GroupInput>,
    t: Option<GroupInput>,
    r: Option<GroupInput>,
}

impl<'a> Arbitrary<'a> for GroupsInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut g = GroupsInput { v: None, t: None, r: None };
        match u.int_in_range(0u8..=9)? {
            // Mostly exactly one group, as real certificates have.
            0..=5 => {
                let one = Some(u.arbitrary()?);
                match u.int_in_range(0u8..=2)? {
                    0 => g.v = one,
                    1 => g.t = one,
                    _ => g.r = one,
                }
            }
            6 => {}
            _ => {
                g.v = u.arbitrary()?;
                g.t = u.arbitrary()?;
                g.r = u.arbitrary()?;
            }
        }
        Ok(g)
    }
}

/// The `hcert` claim.
#[derive(Debug, Clone)]
pub enum HcertInput {
    /// `{1: DCC}` plus other entries.
    Map(Box<DccInput>, Vec<(i8, RawCbor)>),
    /// `{1: anything}`.
    RawDcc(RawCbor),
    /// Not in the claims set.
    Absent,
    /// Anything.
    Raw(RawCbor),
}

impl<'a> Arbitrary<'a> for HcertInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=15)? {
            0..=12 => {
                HcertInput::Map(Box::new(u.arbitrary()?), if u.ratio(1u8, 8)? { u.arbitrary()? } else { Vec::new() })
            }
            13 => HcertInput::RawDcc(u.arbitrary()?),
            14 => HcertInput::Absent,
            _ => HcertInput::Raw(u.arbitrary()?),
        })
    }
}

/// The CWT claims set.
#[derive(Debug, Clone)]
pub struct ClaimsInput {
    iss: IssInput,
    iat: TimeInput,
    exp: TimeInput,
    hcert: HcertInput,
    extra: Vec<(i16, RawCbor)>,
}

impl<'a> Arbitrary<'a> for ClaimsInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(ClaimsInput {
            iss: u.arbitrary()?,
            iat: u.arbitrary()?,
            exp: u.arbitrary()?,
            hcert: u.arbitrary()?,
            extra: if u.ratio(1u8, 8)? { u.arbitrary()? } else { Vec::new() },
        })
    }
}

/// Ways to break the COSE envelope.
#[derive(Debug, Clone, Arbitrary)]
pub struct EnvelopeTweaks {
    tag: TagChoice,
    alg: AlgChoice,
    kid: KidChoice,
    signature: SignatureChoice,
    detached: bool,
}

/// Tags around the COSE_Sign1 array.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum TagChoice {
    /// 18.
    Sign1,
    /// None.
    Untagged,
    /// 61(18(…)).
    CwtSign1,
    /// 61(…).
    Cwt,
    /// 98 (COSE_Sign).
    Sign,
    /// 18(18(…)).
    Twice,
    /// Any.
    Other(u64),
}

/// The `alg` header.
#[derive(Debug, Clone, Arbitrary)]
pub enum AlgChoice {
    /// ES256, protected.
    Es256,
    /// ES256, unprotected.
    Es256Unprotected,
    /// ES384.
    Es384,
    /// PS256.
    Ps256,
    /// EdDSA (not accepted).
    EdDsa,
    /// None.
    Missing,
    /// A text label.
    Text(String),
}

/// Where the key identifier goes.
#[derive(Debug, Clone, Arbitrary)]
pub enum KidChoice {
    /// Protected.
    Protected,
    /// Unprotected.
    Unprotected,
    /// Protected, and another one unprotected.
    Both(Vec<u8>),
    /// Neither.
    Missing,
    /// Another kid, protected.
    Other(Vec<u8>),
}

/// The signature bytes.
#[derive(Debug, Clone, Arbitrary)]
pub enum SignatureChoice {
    /// ES256 by the fuzzing key.
    Valid,
    /// Valid with one bit flipped.
    Flipped(u16, u8),
    /// Valid, truncated.
    Truncated(u8),
    /// Any bytes.
    Bytes(Vec<u8>),
}

/// Ways to break the transport layers.
#[derive(Debug, Clone, Arbitrary)]
pub struct TransportTweaks {
    prefix: PrefixChoice,
    level: u8,
    zlib: bool,
    edit: TextEdit,
}

/// The context prefix.
#[derive(Debug, Clone, Arbitrary)]
pub enum PrefixChoice {
    /// `HC1:`.
    Hc1,
    /// None.
    Missing,
    /// `HC2:`.
    Hc2,
    /// Any text.
    Text(String),
}

/// An edit of the final text.
#[derive(Debug, Clone, Arbitrary)]
pub enum TextEdit {
    /// None.
    Keep,
    /// Keep the first n characters.
    Truncate(u16),
    /// Insert a character.
    Insert(u16, char),
    /// Surround with whitespace.
    Whitespace,
}

/// One structured input: the claims, and (one time in four each) a broken
/// envelope or transport.
#[derive(Debug, Clone)]
pub struct Hc1Input {
    claims: ClaimsInput,
    envelope: Option<EnvelopeTweaks>,
    transport: Option<TransportTweaks>,
}

impl<'a> Arbitrary<'a> for Hc1Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Hc1Input {
            claims: u.arbitrary()?,
            envelope: if u.ratio(1u8, 4)? { Some(u.arbitrary()?) } else { None },
            transport: if u.ratio(1u8, 4)? { Some(u.arbitrary()?) } else { None },
        })
    }
}

// ---------------------------------------------------------------------------
// Building the payload, and what the model predicts of it

/// What the model predicts of decoding the claims.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Decodes.
    Pass,
    /// Decodes, or is refused with one of these reasons: for nesting past
    /// the limit in a part a streaming reader may skip without descending,
    /// and for duplicate keys in a nested map, which a reader may ignore
    /// (RFC 8949 §5.6 leaves it to the application) or refuse.
    PassOr(Vec<Reason>),
    /// Refused, with one of these reasons (`None`: any). Several problems
    /// may be present; which one a reader meets first is its own business.
    Fail(Option<Vec<Reason>>),
    /// The model cannot tell.
    Unknown,
}

/// What the model knows of the encoded claims.
struct Built {
    /// The claims set.
    claims: Value,
    /// What decoding the claims gives.
    decode: Expect,
    /// The DCC as JSON, when the model can tell.
    json: Option<Json>,
    /// Whether text from the input (not the canary slots) holds the canary.
    canary_elsewhere: bool,
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

fn contains_canary(s: &str) -> bool {
    s.to_uppercase().contains(CANARY)
}

fn raw_has_canary(v: &Value) -> bool {
    match v {
        Value::Text(s) => contains_canary(s),
        Value::Tag(_, inner) => raw_has_canary(inner),
        Value::Array(a) => a.iter().any(raw_has_canary),
        Value::Map(m) => m.iter().any(|(k, v)| raw_has_canary(k) || raw_has_canary(v)),
        _ => false,
    }
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
    fn build(&self) -> Built {
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
                } else if b.unknown {
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
fn envelope(payload: Vec<u8>, tweaks: Option<&EnvelopeTweaks>) -> Vec<u8> {
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

fn transport(cose: &[u8], tweaks: Option<&TransportTweaks>) -> String {
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

/// Expected validity reason from `iat`/`exp` at [`NOW`] (the fuzzing signer
/// has no validity window).
fn expected_validity(iat: Option<Value>, exp: Option<Value>) -> Reason {
    enum T {
        Absent,
        Invalid,
        At(i64),
    }
    fn instant(v: &Value) -> T {
        let secs = match v {
            Value::Tag(1, inner) => return instant(inner),
            Value::Integer(i) => i64::try_from(i128::from(*i)).ok(),
            Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(f.trunc() as i64),
            _ => None,
        };
        match secs.map(OffsetDateTime::from_unix_timestamp) {
            Some(Ok(t)) => T::At(t.unix_timestamp()),
            _ => T::Invalid,
        }
    }
    let read = |v: Option<Value>| v.as_ref().map_or(T::Absent, instant);
    let exp = match read(exp) {
        T::Absent => return Reason::ExpiryMissing,
        T::Invalid => return Reason::TimeClaimInvalid,
        T::At(t) => t,
    };
    let iat = match read(iat) {
        T::Absent => return Reason::IssuedAtMissing,
        T::Invalid => return Reason::TimeClaimInvalid,
        T::At(t) => t,
    };
    if NOW > exp {
        Reason::Expired
    } else if iat > NOW {
        Reason::NotYetValid
    } else {
        Reason::Ok
    }
}

fn reason_of(v: &Verdict, kind: CheckKind) -> Reason {
    v.check(kind).map_or(Reason::Ok, |c| c.reason)
}

/// Builds, verifies and checks one structured input.
pub fn verify_hc1_structured(input: &Hc1Input) {
    let built = input.claims.build();
    let cwt = seeds::cbor(&built.claims);
    let cose = envelope(cwt.clone(), input.envelope.as_ref());
    let text = transport(&cose, input.transport.as_ref());

    let verdict = seeds::verifier().verify(&text, &seeds::clock()).expect("no operational fault");
    check_verdict(&verdict);

    // Personal data stays out of details and Debug.
    if !built.canary_elsewhere {
        for c in &verdict.checks {
            assert!(!contains_canary(&c.detail), "personal data in the {:?} detail: {}", c.check, c.detail);
        }
        assert!(!contains_canary(&format!("{verdict:?}")), "personal data in the verdict's Debug");
    }

    // The model's predictions hold only for a proper envelope and transport
    // within the size limits.
    let limits = Limits::DEFAULT;
    if input.envelope.is_some() || input.transport.is_some() {
        return;
    }
    if text.len() > limits.max_payload_len {
        assert_eq!(verdict.checks[0].reason, Reason::PayloadTooLarge);
        return;
    }
    if cose.len() > limits.max_inflated_len {
        assert_eq!(verdict.checks[0].reason, Reason::InflatedTooLarge);
        return;
    }
    let decode = &verdict.checks[0];
    let passed = decode.outcome == Outcome::Pass;
    let expected = match &built.decode {
        Expect::Pass => passed,
        Expect::PassOr(reasons) => passed || reasons.contains(&decode.reason),
        Expect::Fail(None) => !passed,
        Expect::Fail(Some(reasons)) => reasons.contains(&decode.reason),
        Expect::Unknown => return,
    };
    assert!(expected, "decode gave {} ({}), the model expects {:?}", decode.reason, decode.detail, built.decode);
    if !passed {
        return;
    }

    // A proper envelope: the fuzzing key signed it.
    assert_eq!(verdict.checks[1].outcome, Outcome::Pass, "{:?}", verdict.checks[1]);
    assert_eq!(verdict.checks[2].outcome, Outcome::Pass, "{:?}", verdict.checks[2]);

    let claim = |k: i64| match &built.claims {
        Value::Map(m) => m.iter().find(|(key, _)| *key == Value::Integer(k.into())).map(|(_, v)| v.clone()),
        _ => None,
    };
    assert_eq!(reason_of(&verdict, CheckKind::Validity), expected_validity(claim(6), claim(4)));

    let Some(json) = built.json else { return };
    let decoded = hcert::decode(&text, PrefixPolicy::Required, &limits).expect("decodes as the verdict said");
    let payload = decoded.document.rules_input().map(|i| i.payload);
    assert_eq!(payload, Some(&json), "the DCC decodes to the JSON the model wrote");

    let groups = ["v", "t", "r"].iter().filter(|k| json.get(**k).is_some_and(|g| !g.is_null())).count();
    let key_usage = if groups == 1 { Reason::Ok } else { Reason::CertificateTypeAmbiguous };
    assert_eq!(reason_of(&verdict, CheckKind::KeyUsage), key_usage);
    let schema = if groups != 1 {
        Reason::GroupCount
    } else {
        hcert::schema::validate(&json).err().map_or(Reason::Ok, |e| e.reason)
    };
    assert_eq!(reason_of(&verdict, CheckKind::Schema), schema, "{:?}", verdict.checks[5]);
    let cert = verdict.certificate.as_ref().expect("decoded");
    assert_eq!(cert.schema_version.as_deref(), json.get("ver").and_then(Json::as_str));
}

/// The target body: bytes → [`Hc1Input`] → [`verify_hc1_structured`], read
/// as libFuzzer's `fuzz_target!(|input: Hc1Input| …)` reads them.
pub fn verify_hc1_structured_bytes(data: &[u8]) {
    if let Ok(input) = Hc1Input::arbitrary_take_rest(Unstructured::new(data)) {
        verify_hc1_structured(&input);
    }
}
