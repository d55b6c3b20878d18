//! The input model: [`Hc1Input`] and its parts, each an [`Arbitrary`] type
//! that mostly makes plausible values and sometimes anything.

use arbitrary::{Arbitrary, Result, Unstructured};
use ciborium::Value;

/// Written into every personal field; must never show in details or `Debug`.
pub const CANARY: &str = "QZXCANARY";
/// Nesting of arbitrary CBOR items (beyond the core's limit of 16).
pub const MAX_RAW_DEPTH: usize = 20;

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
    /// [`NOW`](crate::hc1::NOW) + seconds.
    Relative(i32),
    /// Any integer.
    Int(i64),
    /// Any float.
    Float(f64),
    /// [`NOW`](crate::hc1::NOW) + seconds + a fraction, as a float.
    RelativeFloat(i32, u16),
    /// Tag 1 around [`NOW`](crate::hc1::NOW) + seconds.
    Epoch(i32),
    /// Any tag around [`NOW`](crate::hc1::NOW) + seconds.
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
    pub(super) slots: [Slot; 11],
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
    pub(super) ver: VerInput,
    pub(super) nam: NameInput,
    pub(super) dob: Slot,
    pub(super) groups: GroupsInput,
    pub(super) extra: Option<(String, OddValue)>,
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
    pub(super) v: Option<GroupInput>,
    pub(super) t: Option<GroupInput>,
    pub(super) r: Option<GroupInput>,
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
    pub(super) iss: IssInput,
    pub(super) iat: TimeInput,
    pub(super) exp: TimeInput,
    pub(super) hcert: HcertInput,
    pub(super) extra: Vec<(i16, RawCbor)>,
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
    pub(super) tag: TagChoice,
    pub(super) alg: AlgChoice,
    pub(super) kid: KidChoice,
    pub(super) signature: SignatureChoice,
    pub(super) detached: bool,
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
    pub(super) prefix: PrefixChoice,
    pub(super) level: u8,
    pub(super) zlib: bool,
    pub(super) edit: TextEdit,
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
    pub(super) claims: ClaimsInput,
    pub(super) envelope: Option<EnvelopeTweaks>,
    pub(super) transport: Option<TransportTweaks>,
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

/// Whether `s` holds the [`CANARY`], in any case.
pub(super) fn contains_canary(s: &str) -> bool {
    s.to_uppercase().contains(CANARY)
}

/// Whether a text below `v` holds the [`CANARY`].
pub(super) fn raw_has_canary(v: &Value) -> bool {
    match v {
        Value::Text(s) => contains_canary(s),
        Value::Tag(_, inner) => raw_has_canary(inner),
        Value::Array(a) => a.iter().any(raw_has_canary),
        Value::Map(m) => m.iter().any(|(k, v)| raw_has_canary(k) || raw_has_canary(v)),
        _ => false,
    }
}
