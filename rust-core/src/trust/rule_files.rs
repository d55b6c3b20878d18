//! Business rules and value sets from files: a rule document (the DCC
//! Gateway's JSON, as `/rules/{CC}/{hash}` serves it), a value set document
//! (`{"valueSetId", "valueSetValues"}`, as `/valuesets/{hash}` and the
//! eu-dcc-valuesets repository have them), or a directory tree of them (the
//! layout of dgc-business-rules, `<CC>/<rule>/rule.json`). JSON files that
//! are neither (rule test cases, READMEs as JSON) are counted and ignored;
//! rules that do not compile are skipped and reported.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::file::{SkippedEntry, read_capped};
use super::update::{RuleRecord, SourceId, SourceMeta, Update, ValueSetRecord};
use crate::Error;
use crate::crypto::sha256;
use crate::error::TrustFormatReason;
use crate::rules::{Rule, ValueSets};

/// Deepest directory level walked below the given path.
const MAX_DEPTH: usize = 8;
/// Most JSON files read in one import.
const MAX_FILES: usize = 20_000;
/// Largest rule or value set document read (the largest EU value set is
/// about 40 KiB, the largest rule a few KiB); larger files are skipped
/// unread, so an import allocates at most this much per file.
const MAX_DOCUMENT_BYTES: u64 = 4 << 20;

/// What a rule import found.
#[derive(Debug, Default)]
pub struct RuleFiles {
    /// Usable rules.
    pub rules: Vec<RuleRecord>,
    /// Readable value sets.
    pub value_sets: Vec<ValueSetRecord>,
    /// Rule or value set documents that could not be used, and why.
    pub skipped: Vec<SkippedEntry>,
    /// JSON files that are neither a rule nor a value set.
    pub ignored: usize,
}

impl RuleFiles {
    /// The complete rules and value sets of `source`, as one update.
    pub fn into_update(self, source: SourceId) -> Update {
        Update {
            rules: Some(self.rules),
            value_sets: Some(self.value_sets),
            skipped: self.skipped,
            ..Update::unchanged(source, SourceMeta::default())
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn json_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::TrustIo { path: dir.to_owned(), source };
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).map_err(io)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth < MAX_DEPTH {
                json_files(&path, depth + 1, out)?;
            }
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            if out.len() >= MAX_FILES {
                return Err(Error::TrustFormat {
                    origin: dir.display().to_string(),
                    reason: TrustFormatReason::TooManyFiles { limit: MAX_FILES },
                });
            }
            out.push(path);
        }
    }
    Ok(())
}

/// Reads the rules and value sets of a file or a directory tree.
pub fn load(path: &Path) -> Result<RuleFiles, Error> {
    let mut files = Vec::new();
    if fs::metadata(path).map_err(|source| Error::TrustIo { path: path.to_owned(), source })?.is_dir() {
        json_files(path, 0, &mut files)?;
    } else {
        files.push(path.to_owned());
    }
    let mut found = RuleFiles::default();
    for file in files {
        let origin = file.display().to_string();
        let len = fs::metadata(&file).map_err(|source| Error::TrustIo { path: file.clone(), source })?.len();
        if len > MAX_DOCUMENT_BYTES {
            let reason = format!("{len} bytes is more than the {MAX_DOCUMENT_BYTES}-byte limit");
            found.skipped.push(SkippedEntry { position: origin, reason });
            continue;
        }
        classify(&origin, read_capped(&file)?, &mut found);
    }
    Ok(found)
}

/// Sorts one document into `found`.
pub fn classify(origin: &str, bytes: Vec<u8>, found: &mut RuleFiles) {
    let skip = |reason: String| SkippedEntry { position: origin.to_owned(), reason };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        found.ignored += 1;
        return;
    };
    if value.get("Identifier").is_some() && value.get("Logic").is_some() {
        match Rule::from_value(&value) {
            Ok(rule) => found.rules.push(RuleRecord {
                country: rule.country.clone(),
                identifier: rule.identifier.clone(),
                version: rule.version.clone(),
                hash: hex(&sha256(&bytes)),
                json: bytes,
            }),
            Err(reason) => found.skipped.push(skip(reason)),
        }
    } else if let Some(id) = value.get("valueSetId") {
        let (sets, skipped) = ValueSets::from_json([&bytes]);
        match (id.as_str(), skipped.first()) {
            (Some(id), None) if !sets.is_empty() => {
                found.value_sets.push(ValueSetRecord { id: id.to_owned(), hash: hex(&sha256(&bytes)), json: bytes })
            }
            (_, Some(s)) => found.skipped.push(skip(s.reason.clone())),
            _ => found.skipped.push(skip("a value set without an id or codes".into())),
        }
    } else {
        found.ignored += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"{"Identifier":"VR-XT-0001","Type":"Acceptance","Country":"XT","Version":"1.0.0",
        "SchemaVersion":"1.0.0","Engine":"CERTLOGIC","EngineVersion":"1.0.0","CertificateType":"Vaccination",
        "Description":[{"lang":"en","desc":"d"}],"ValidFrom":"2026-01-01T00:00:00Z","ValidTo":"2030-01-01T00:00:00Z",
        "AffectedFields":["v.0.dn"],"Logic":{"var":"payload.v.0.dn"}}"#;

    #[test]
    fn sorts_rules_value_sets_and_the_rest() {
        let mut found = RuleFiles::default();
        classify("rule.json", RULE.as_bytes().to_vec(), &mut found);
        classify("vs.json", br#"{"valueSetId":"vs","valueSetValues":{"a":{}}}"#.to_vec(), &mut found);
        classify("test.json", br#"{"payload":{},"external":{}}"#.to_vec(), &mut found);
        classify("broken.json", b"{".to_vec(), &mut found);
        classify(
            "bad-rule.json",
            RULE.replace("\"ValidFrom\":\"2026-01-01T00:00:00Z\"", "\"ValidFrom\":\"yesterday\"").into_bytes(),
            &mut found,
        );
        assert_eq!(found.rules.len(), 1);
        assert_eq!((found.rules[0].country.as_str(), found.rules[0].identifier.as_str()), ("XT", "VR-XT-0001"));
        assert_eq!(found.rules[0].hash.len(), 64);
        assert_eq!(found.value_sets.len(), 1);
        assert_eq!(found.ignored, 2);
        assert_eq!(found.skipped.len(), 1, "{:?}", found.skipped);
        assert_eq!(found.skipped[0].position, "bad-rule.json");
    }
}
