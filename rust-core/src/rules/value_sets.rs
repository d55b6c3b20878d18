//! Value sets as rules see them: `external.valueSets`, an object from value
//! set identifier to the array of its codes
//! (`{"vaccines-covid-19-names": ["EU/1/20/1528", …], …}`).

use serde_json::{Map, Value};

/// Largest value set document accepted, in bytes (the largest EU value set,
/// the test manufacturers, is about 40 KiB).
const MAX_DOCUMENT_BYTES: usize = 4 << 20;

/// The value sets available to rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSets {
    /// Always a JSON object of arrays of code strings.
    sets: Value,
}

impl Default for ValueSets {
    fn default() -> Self {
        ValueSets { sets: Value::Object(Map::new()) }
    }
}

/// A value set document that could not be read, by its position in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedValueSet {
    /// Position of the document in the input (0-based).
    pub position: usize,
    /// Why it was skipped.
    pub reason: String,
}

impl ValueSets {
    /// No value sets.
    pub fn new() -> Self {
        Self::default()
    }

    /// From value set documents as the DGCA business-rule service and the
    /// trust store keep them: `{"valueSetId": id, "valueSetValues": {code:
    /// {…}, …}}`; the codes are the keys of `valueSetValues`. A document that
    /// cannot be read is skipped and reported.
    pub fn from_json<I, B>(documents: I) -> (ValueSets, Vec<SkippedValueSet>)
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        let (sets, skipped) = super::read_documents(documents, |position, doc| {
            let parsed = if doc.len() > MAX_DOCUMENT_BYTES {
                Err(format!("larger than {MAX_DOCUMENT_BYTES} bytes"))
            } else {
                serde_json::from_slice::<Value>(doc).map_err(|e| format!("not JSON: {e}"))
            };
            let entry = parsed.and_then(|v| {
                let id = v.get("valueSetId").and_then(Value::as_str).ok_or("no valueSetId")?.to_owned();
                let values = v.get("valueSetValues").and_then(Value::as_object).ok_or("no valueSetValues object")?;
                Ok((id, Value::Array(values.keys().map(|k| Value::String(k.clone())).collect())))
            });
            entry.map_err(|reason| SkippedValueSet { position, reason })
        });
        (ValueSets { sets: Value::Object(sets.into_iter().collect::<Map<_, _>>()) }, skipped)
    }

    /// From the object rules see (`{id: [code, …]}`), as the business-rule
    /// test data writes it. Entries that are not arrays of strings are
    /// dropped; `None` when `value` is not an object.
    pub fn from_map(value: &Value) -> Option<ValueSets> {
        let map = value.as_object()?;
        let sets = map
            .iter()
            .filter_map(|(id, codes)| {
                let codes = codes.as_array()?;
                codes.iter().all(Value::is_string).then(|| (id.clone(), Value::Array(codes.clone())))
            })
            .collect();
        Some(ValueSets { sets: Value::Object(sets) })
    }

    /// The codes of value set `id`.
    pub fn codes(&self, id: &str) -> Option<impl Iterator<Item = &str>> {
        Some(self.sets.get(id)?.as_array()?.iter().filter_map(Value::as_str))
    }

    /// How many value sets there are.
    pub fn len(&self) -> usize {
        self.sets.as_object().map_or(0, Map::len)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The object rules see as `external.valueSets`.
    pub fn as_json(&self) -> &Value {
        &self.sets
    }
}
