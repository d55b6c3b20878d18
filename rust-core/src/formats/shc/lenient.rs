//! Lenient typed reading of JSON: only the members a verifier reads are
//! kept, straight from the text, without building a `serde_json::Value`.
//!
//! Every value is read through `deserialize_any`, as `serde_json::Value`
//! reads it, so the same documents are refused with the same messages
//! (invalid UTF-8, a lone surrogate escape, a number out of range, serde's
//! recursion limit), whatever part of them is kept. A member of an object
//! is read when its key is known, else dropped ([`Skip`]); a later
//! duplicate key replaces an earlier one, as in `Value`. A member of the
//! wrong JSON type reads as [`Field::Other`]: present, not of that type.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

/// A JSON value read and dropped: nothing is kept.
pub(crate) struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_none<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

/// A member as read: absent, present with another JSON type, or kept.
#[derive(Clone, Default, PartialEq)]
pub(crate) enum Field<T> {
    /// Not in the object.
    #[default]
    Absent,
    /// Present, of another JSON type (`null` included).
    Other,
    /// Present, of the expected type.
    Is(T),
}

impl<T> Field<T> {
    /// The value, when it has the expected type.
    pub(crate) fn get(&self) -> Option<&T> {
        match self {
            Field::Is(t) => Some(t),
            Field::Absent | Field::Other => None,
        }
    }

    /// Whether the member is there, whatever its type.
    pub(crate) fn is_present(&self) -> bool {
        !matches!(self, Field::Absent)
    }
}

impl Field<String> {
    /// The text, when the member is a string.
    pub(crate) fn text(&self) -> Option<String> {
        self.get().cloned()
    }

    /// The text, borrowed.
    pub(crate) fn as_str(&self) -> Option<&str> {
        self.get().map(String::as_str)
    }
}

/// What a type keeps of a JSON value; whatever it does not keep (the
/// defaults) is read and dropped, and the member reads as
/// [`Field::Other`].
pub(crate) trait Shape: Sized {
    /// From a JSON string.
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    /// From a JSON number.
    fn from_number(_: Number) -> Option<Self> {
        None
    }
    /// From a JSON object.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        SkipVisitor.visit_map(map).map(|_| None)
    }
    /// From a JSON array.
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Option<Self>, A::Error> {
        SkipVisitor.visit_seq(seq).map(|_| None)
    }
}

impl<'de, T: Shape> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor(PhantomData))
    }
}

struct FieldVisitor<T>(PhantomData<T>);

fn field<T>(kept: Option<T>) -> Field<T> {
    kept.map_or(Field::Other, Field::Is)
}

impl<'de, T: Shape> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Field<T>, E> {
        Ok(Field::Other)
    }
    fn visit_i64<E>(self, n: i64) -> Result<Field<T>, E> {
        Ok(field(T::from_number(Number::from(n))))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Field<T>, E> {
        Ok(field(T::from_number(Number::from(n))))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Field<T>, E> {
        Ok(field(Number::from_f64(n).and_then(T::from_number)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Field<T>, E> {
        Ok(field(T::from_str(s)))
    }
    fn visit_unit<E>(self) -> Result<Field<T>, E> {
        Ok(Field::Other)
    }
    fn visit_none<E>(self) -> Result<Field<T>, E> {
        Ok(Field::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<T>, A::Error> {
        T::from_seq(seq).map(field)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<T>, A::Error> {
        T::from_map(map).map(field)
    }
}

impl Shape for String {
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

impl Shape for Number {
    fn from_number(n: Number) -> Option<Self> {
        Some(n)
    }
}

/// `Value::as_u64`: a non-negative integer.
impl Shape for u64 {
    fn from_number(n: Number) -> Option<Self> {
        n.as_u64()
    }
}

/// An array's string members, in order (the others dropped).
#[derive(Clone, Default, PartialEq)]
pub(crate) struct Texts(pub(crate) Vec<String>);

impl Shape for Texts {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut texts = Vec::new();
        while let Some(member) = seq.next_element::<Field<String>>()? {
            if let Field::Is(s) = member {
                texts.push(s);
            }
        }
        Ok(Some(Texts(texts)))
    }
}

/// An array's members, each as read.
impl<T: Shape> Shape for Vec<Field<T>> {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = seq.next_element::<Field<T>>()? {
            members.push(member);
        }
        Ok(Some(members))
    }
}

/// An array's first member (the others dropped): `Absent` when it is empty.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct First<T>(pub(crate) Field<T>);

impl<T: Shape> Shape for First<T> {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let first = seq.next_element::<Field<T>>()?.unwrap_or_default();
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Some(First(first)))
    }
}

impl<T> Field<First<T>> {
    /// The array's first member, when the member is an array and that
    /// member has the expected type.
    pub(crate) fn first(&self) -> Option<&T> {
        self.get().and_then(|f| f.0.get())
    }
}

/// Reads an object key as one of `keys` (`None`: another key), without
/// keeping it.
pub(crate) struct Key(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|k| *k == s))
    }
}

/// A struct read from a JSON object: each `"key" => field: Type` is read
/// when present (a later duplicate replacing it), every other member is
/// read and dropped.
macro_rules! json_object {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($(#[$fmeta:meta])* $key:literal => $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Default, PartialEq)]
        $vis struct $name {
            $($(#[$fmeta])* pub(crate) $field: $ty,)*
        }

        impl $crate::formats::shc::lenient::Shape for $name {
            fn from_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
                const KEYS: &[&str] = &[$($key),*];
                let mut object = Self::default();
                while let Some(key) = map.next_key_seed($crate::formats::shc::lenient::Key(KEYS))? {
                    match key {
                        $(Some($key) => object.$field = map.next_value()?,)*
                        _ => {
                            map.next_value::<$crate::formats::shc::lenient::Skip>()?;
                        }
                    }
                }
                Ok(Some(object))
            }
        }
    };
}
pub(crate) use json_object;

/// Reads `value` as `T` (a `serde_json::Value` already parsed: for callers
/// that hold one).
pub(crate) fn from_value<T: Shape>(value: &serde_json::Value) -> Field<T> {
    // Reading a `Value` cannot fail: every visitor takes every JSON type.
    Field::deserialize(value).unwrap_or(Field::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    json_object! {
        struct Probe {
            "a" => a: Field<String>,
            "n" => n: Field<u64>,
            "list" => list: Field<Texts>,
            "first" => first: Field<First<String>>,
        }
    }

    fn read(text: &str) -> Result<Field<Probe>, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn members_are_kept_by_type_and_the_last_duplicate_wins() {
        let p =
            read(r#"{"a":"x","n":3,"list":["p",1,"q",null],"first":["f",2],"other":{"deep":[1,{"x":null}]}}"#).unwrap();
        let Field::Is(p) = p else { panic!("an object") };
        assert_eq!(p.a.as_str(), Some("x"));
        assert_eq!(p.n.get(), Some(&3));
        assert_eq!(p.list.get().map(|t| t.0.clone()), Some(vec!["p".to_owned(), "q".to_owned()]));
        assert_eq!(p.first.first().map(String::as_str), Some("f"));

        let Field::Is(p) = read(r#"{"a":1,"n":-1,"list":"x","first":[]}"#).unwrap() else { panic!() };
        assert!(p.a == Field::Other && p.n == Field::Other && p.list == Field::Other);
        assert!(p.first.is_present() && p.first.first().is_none());
        let Field::Is(p) = read(r#"{"a":"x","a":null,"n":2.0,"n\u0000":1}"#).unwrap() else { panic!() };
        assert!(p.a == Field::Other, "the last duplicate wins, as in Value");
        assert!(p.n == Field::Other, "2.0 is not an unsigned integer (Value::as_u64)");
        let Field::Is(p) = read(r#"{"\u0061":"escaped key"}"#).unwrap() else { panic!() };
        assert_eq!(p.a.as_str(), Some("escaped key"));
        assert!(!Field::<String>::Absent.is_present());
        assert!(read("[1]").unwrap() == Field::Other);
    }

    #[test]
    fn what_value_refuses_is_refused() {
        for bad in [
            r#"{"other":"\ud800"}"#,
            r#"{"other":1e400}"#,
            r#"{"other":[1,}"#,
            r#"{"a":"x"} trailing"#,
            r#"{"other":"\x"}"#,
        ] {
            let value = serde_json::from_str::<serde_json::Value>(bad).unwrap_err();
            let typed = read(bad).err().unwrap_or_else(|| panic!("{bad} is refused"));
            assert_eq!(typed.to_string(), value.to_string(), "{bad}");
        }
        let nested = format!("{{\"other\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(serde_json::from_str::<serde_json::Value>(&nested).is_err());
        assert!(read(&nested).is_err(), "serde's recursion limit holds for dropped members too");
        let bytes = b"{\"other\":\"\xff\"}";
        assert_eq!(
            serde_json::from_slice::<Field<Probe>>(bytes).err().map(|e| e.to_string()),
            serde_json::from_slice::<serde_json::Value>(bytes).err().map(|e| e.to_string())
        );
    }

    #[test]
    fn a_value_reads_the_same() {
        let v = serde_json::json!({"a": "x", "n": 7, "list": ["p", 2], "first": [null, "s"]});
        let Field::Is(p) = from_value::<Probe>(&v) else { panic!() };
        assert_eq!((p.a.as_str(), p.n.get()), (Some("x"), Some(&7)));
        assert!(p.first.get().is_some_and(|f| f.0 == Field::Other));
        assert!(from_value::<Probe>(&serde_json::json!("text")) == Field::Other);
    }
}
