//! PLACEHOLDER — being written (DCC schema rules per version).

use std::fmt;

use serde_json::Value;

use crate::model::Reason;

/// A payload that follows its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// The version the payload declares (`ver`).
    pub declared: String,
    /// The schema release whose rules were applied.
    pub rules: &'static str,
}

/// One way a payload breaks its schema. Never contains payload values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending place (`/v/0/dt`).
    pub path: String,
    /// What rule it breaks (`does not match the date format`).
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{path}: {}", self.message)
    }
}

/// Why a payload does not follow its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// [`Reason::SchemaInvalid`] or [`Reason::SchemaVersionInvalid`].
    pub reason: Reason,
    /// The schema release whose rules were applied, if one could be chosen.
    pub rules: Option<&'static str>,
    /// Every violation found.
    pub violations: Vec<Violation>,
}

/// Validates a DCC payload against the rules of the schema version it declares.
pub fn validate(dcc: &Value) -> Result<Validated, SchemaError> {
    let _ = dcc;
    Ok(Validated { declared: String::new(), rules: "placeholder" })
}
