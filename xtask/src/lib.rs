//! The fixtures generator behind `cargo xtask fixtures`.
//!
//! [`generate`] writes the whole `fixtures/` tree: a test PKI for the
//! user-assigned country `XT` (CSCA, DSCs, their PUBLIC TEST private keys),
//! trust lists in two forms, HC1 payloads with their QR codes, a manifest of
//! the verdict each payload must get at the reference time, and the tree that
//! `healthcert trust serve fixtures/trust` serves (signed German-shaped list,
//! business rules, value sets, a tree of WHO GDHCN DID trust lists, and
//! variants for failure tests). Every byte is
//! derived from fixed labels, so two runs write identical files.

// Build tooling: a failure is a bug in the generator or its inputs, and
// stops it with the reason (the workspace denies these in product code).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod bulk;
mod cases;
pub mod dates;
mod divoc;
pub mod gdhcn;
pub mod hcert;
mod manifest;
pub mod pki;
pub mod qr;
pub mod revocation;
mod rules;
pub mod shc;
mod trustlists;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};

/// The directories [`generate`] owns inside the output directory: files in
/// them that it did not write are removed.
const OWNED_DIRS: [&str; 6] = ["divoc", "hcert", "keys", "shc", "trust", "untrusted"];

/// Every file of the fixtures tree, by path relative to its root.
pub fn render() -> Result<BTreeMap<String, Vec<u8>>> {
    let pki = pki::build()?;
    let cases = cases::build(&pki)?;
    let mut files = BTreeMap::new();

    let mut has_png = Vec::with_capacity(cases.len());
    for c in &cases {
        files.insert(format!("hcert/{}.txt", c.name), format!("{}\n", c.text).into_bytes());
        let png = qr::png(&c.text).with_context(|| format!("QR code of {}", c.name))?;
        has_png.push(png.is_some());
        if let Some(png) = png {
            files.insert(format!("hcert/{}.png", c.name), png);
        }
        if let Some(json) = &c.json {
            files.insert(format!("hcert/{}.json", c.name), json.clone().into_bytes());
        }
    }
    files.insert("manifest.json".into(), manifest::manifest(&cases, &has_png)?);
    files.insert("README.md".into(), manifest::readme(&pki, &cases, &has_png, &rules::readme()?).into_bytes());

    let de_key = pki::Key::p256("de-list-signing")?;
    let rules_key = pki::Key::p256("rules-signing")?;
    for (path, bytes) in
        trustlists::files(&pki, &de_key)?.into_iter().chain(rules::files(&rules_key)?).chain(rules::travel_files()?)
    {
        files.insert(path, bytes);
    }
    let gdhcn_key = pki::Key::p256("gdhcn-signing")?;
    for (path, bytes) in gdhcn::files(&pki, &gdhcn_key)? {
        files.insert(path, bytes);
    }
    files.insert("keys/gdhcn-signing.pk8.pem".into(), gdhcn_key.pkcs8_pem()?.into_bytes());
    files.insert("keys/de-list-signing.pk8.pem".into(), de_key.pkcs8_pem()?.into_bytes());
    files.insert("keys/rules-signing.pk8.pem".into(), rules_key.pkcs8_pem()?.into_bytes());
    files.insert("trust/csca.pem".into(), pki.csca_pem()?.into_bytes());
    files.insert("keys/csca.pk8.pem".into(), pki.csca_key.pkcs8_pem()?.into_bytes());
    let hc1 = |name: &str| cases.iter().find(|c| c.name == name).map(|c| c.text.clone());
    for (path, bytes) in revocation::files(&pki, hc1)? {
        files.insert(path, bytes);
    }
    for (path, bytes) in shc::files(&pki)?.into_iter().chain(divoc::files()?) {
        files.insert(path, bytes);
    }
    for d in &pki.dscs {
        let dir = if d.trusted { "trust/dsc" } else { "untrusted" };
        files.insert(format!("{dir}/{}.pem", d.name), d.pem()?.into_bytes());
        files.insert(format!("keys/{}.pk8.pem", d.name), d.key.pkcs8_pem()?.into_bytes());
    }
    Ok(files)
}

/// Writes the full fixtures tree into `out_dir` (created if needed). Files
/// whose content is unchanged are left alone; stale files in the generated
/// directories (`hcert/`, `keys/`, `trust/`, `untrusted/`) are removed.
pub fn generate(out_dir: &Path) -> Result<()> {
    let files = render()?;
    for (rel, bytes) in &files {
        let path = out_dir.join(rel);
        if fs::read(&path).is_ok_and(|old| old == *bytes) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    for dir in OWNED_DIRS {
        prune(out_dir, Path::new(dir), &files)?;
    }
    Ok(())
}

fn prune(root: &Path, rel: &Path, keep: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let dir = root.join(rel);
    let Ok(entries) = fs::read_dir(&dir) else { return Ok(()) };
    for entry in entries {
        let entry = entry?;
        let rel = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            prune(root, &rel, keep)?;
        } else {
            let key = rel.to_string_lossy().replace('\\', "/");
            if !keep.contains_key(&key) {
                fs::remove_file(root.join(&rel)).with_context(|| format!("removing stale {key}"))?;
            }
        }
    }
    Ok(())
}
