//! What a business rule said about a certificate, as a verdict lists it.

use serde::Serialize;

/// Acceptance rules are set by the country of arrival; invalidation rules by
/// the country that issued the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
pub enum RuleType {
    /// `"Acceptance"`
    Acceptance,
    /// `"Invalidation"`
    Invalidation,
}

/// A rule's outcome for one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum RuleOutcome {
    /// The logic evaluated to `true`.
    Passed,
    /// The logic evaluated to `false`, or threw, or the certificate's
    /// schema version is older than the rule's.
    Failed,
    /// The rule could not decide: its logic evaluated to something other
    /// than a boolean, it needs a later engine, or the certificate's schema
    /// major version differs from the rule's.
    Open,
}

/// The result of one rule for one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct RuleResult {
    /// The rule's `Identifier`.
    pub identifier: String,
    /// The rule's `Version`.
    pub version: String,
    /// The rule's `Type`.
    pub rule_type: RuleType,
    /// The country that set the rule.
    pub country: String,
    /// Passed, failed or open.
    pub outcome: RuleOutcome,
    /// The rule's description in the requested language, else English.
    pub description: String,
    /// The payload fields the rule reads.
    pub affected_fields: Vec<String>,
    /// Why the rule failed or is open, beyond its description (an
    /// evaluation error, an unsupported engine); no personal data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
