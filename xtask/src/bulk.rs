//! `cargo xtask bulk-trust --count N --out DIR`: a served trust directory
//! with N signer certificates, for benchmarks of sync and of stores. Not
//! committed.
//!
//! Every DSC is issued by the fixtures CSCA; the key of DSC `i` is derived
//! from the label `bulk-dsc-<i>`, so the output is deterministic. The
//! directory holds `trustlist.json`, `de/trustlist` (signed with the fixtures
//! list-signing key) and the same `rules/` tree as `fixtures/trust`, so
//! `healthcert trust serve DIR` serves it in every protocol.

use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::dates::at;
use crate::pki::{self, COUNTRY, Key};
use crate::trustlists::{DE_ISSUED_AT, DSC_TIMESTAMP, Entry, de_list, dgca_json};

/// The trust-list entries of `count` fresh DSCs, in order.
pub fn entries(count: usize) -> Result<Vec<Entry>> {
    let (csca_key, _, csca_name) = pki::csca()?;
    let validity = (at(2026, 1, 1), at(2036, 1, 1));
    (0..count)
        .map(|i| {
            let key = Key::p256(&format!("bulk-dsc-{i}"))?;
            let n = u32::try_from(i).context("count too large")?;
            let mut serial = vec![0x20];
            serial.extend_from_slice(&n.to_be_bytes());
            let cn = format!("DSC bulk {i}");
            let der = pki::issue_dsc((&csca_key, &csca_name), &serial, &cn, &key, validity, &[])?;
            Ok(Entry::dsc(&der, COUNTRY, DSC_TIMESTAMP))
        })
        .collect()
}

/// Writes the served directory for `count` DSCs into `out` (created if
/// needed; existing files of the same names are overwritten).
pub fn generate(count: usize, out: &Path) -> Result<()> {
    let entries = entries(count)?;
    let de_key = Key::p256("de-list-signing")?;
    let rules_key = Key::p256("rules-signing")?;
    let mut files = vec![
        ("trustlist.json".to_owned(), dgca_json(&entries)?),
        ("de/trustlist".to_owned(), de_list(&entries, DE_ISSUED_AT, &de_key)?),
        ("de/list-signing-key.pem".to_owned(), de_key.public_pem()?.into_bytes()),
    ];
    for (path, bytes) in crate::rules::files(&rules_key)? {
        let rel = path.strip_prefix("trust/").unwrap_or(&path).to_owned();
        files.push((rel, bytes));
    }
    for (rel, bytes) in files {
        let path = out.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
