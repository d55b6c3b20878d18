//! docs/verdict.md documents every reason code with its class, and nothing
//! that does not exist.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::collections::BTreeMap;

use healthcert_core::model::{Reason, ReasonClass};

#[test]
fn every_reason_code_is_documented_with_its_class() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/verdict.md")).unwrap();
    let mut documented = BTreeMap::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() >= 4
            && let Some(code) = cells[1].strip_prefix('`').and_then(|c| c.strip_suffix('`'))
            && matches!(cells[2], "neutral" | "invalid" | "inconclusive")
        {
            documented.insert(code.to_owned(), cells[2].to_owned());
        }
    }
    for r in Reason::ALL {
        let class = match r.class() {
            ReasonClass::Neutral => "neutral",
            ReasonClass::Invalid => "invalid",
            ReasonClass::Inconclusive => "inconclusive",
        };
        assert_eq!(documented.remove(r.code()).as_deref(), Some(class), "{} in docs/verdict.md", r.code());
    }
    assert!(documented.is_empty(), "documented but not in the code: {documented:?}");
}
