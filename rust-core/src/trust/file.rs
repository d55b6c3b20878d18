//! Trust lists from files: the DGCA trust-list JSON shape (an array of
//! `{kid, country, rawData}` entries, bare or under `"certificates"`), a
//! multi-format registry ([`registry`](super::registry)), PEM or DER
//! certificates, or a directory of such files.
//!
//! An entry that cannot be used (garbage base64, not a certificate, an
//! unsupported key) is skipped and reported; the rest of the list loads.

use std::fs;
use std::path::Path;

use crate::crypto::pem_certificates;
use crate::formats::codec::base64;
use serde::Deserialize;

use super::{MemoryStore, SignerKey};
use crate::Error;
use crate::error::TrustFormatReason;

/// Largest trust-list file read, in bytes.
pub const MAX_TRUST_FILE_LEN: u64 = 128 * 1024 * 1024;

/// An entry of a trust list that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
pub struct SkippedEntry {
    /// Where in the input: `file.json entry 3`, `dir/bad.pem`.
    pub position: String,
    /// Why it was skipped.
    pub reason: String,
}

/// What loading a trust list did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Signer keys loaded.
    pub loaded: usize,
    /// Entries skipped.
    pub skipped: Vec<SkippedEntry>,
}

/// `{"certificates": [...]}`; a bare list is read as `Vec<Entry>`. (Not an
/// untagged enum: serde's errors would lose their line and column.)
#[derive(Deserialize)]
struct Wrapped {
    certificates: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    kid: Option<String>,
    country: Option<String>,
    raw_data: Option<String>,
    certificate_type: Option<String>,
}

/// Parses a trust list held in memory. `origin` names it in reports.
pub fn parse(origin: &str, bytes: &[u8], report: &mut LoadReport) -> Result<Vec<SignerKey>, Error> {
    parse_entries(origin, bytes, report)
        .map_err(|e| Error::TrustFormat { origin: origin.to_owned(), reason: TrustFormatReason::NotTrustListJson(e) })
}

/// [`parse`], failing only with serde's error for a JSON document that is
/// not a trust list.
pub(crate) fn parse_entries(
    origin: &str,
    bytes: &[u8],
    report: &mut LoadReport,
) -> Result<Vec<SignerKey>, serde_json::Error> {
    let trimmed = bytes.trim_ascii_start();
    let mut signers = Vec::new();
    let mut add =
        |position: String, der: Result<Vec<u8>, String>, kid: Option<Vec<u8>>, country: Option<String>| match der
            .and_then(|der| SignerKey::from_der(crate::formats::hcert::SCHEME, &der, kid, country).map_err(|e| e.0))
        {
            Ok(s) => {
                signers.push(s);
                report.loaded += 1;
            }
            Err(reason) => report.skipped.push(SkippedEntry { position, reason }),
        };
    if trimmed.starts_with(b"[") || trimmed.starts_with(b"{") {
        let entries: Vec<Entry> = if trimmed.starts_with(b"[") {
            serde_json::from_slice(trimmed)?
        } else {
            let value: serde_json::Value = serde_json::from_slice(trimmed)?;
            if super::registry::is_registry(&value) {
                let keys = super::registry::signers(origin, &value, report);
                signers.extend(keys);
                return Ok(signers);
            }
            drop(value);
            // Read again for serde's line and column in errors.
            serde_json::from_slice::<Wrapped>(trimmed)?.certificates
        };
        for (i, entry) in entries.into_iter().enumerate() {
            let position = format!("{origin} entry {i}");
            if entry.certificate_type.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("DSC")) {
                continue; // CSCA and upload certificates are not signers.
            }
            let der = entry
                .raw_data
                .as_deref()
                .ok_or_else(|| "entry has no rawData".to_owned())
                .and_then(|r| base64::decode_lenient(r).ok_or_else(|| "rawData is not base64".to_owned()));
            let (der, kid) = match entry.kid.as_deref().map(|k| base64::decode_lenient(k).ok_or(())) {
                Some(Err(())) => (Err("kid is not base64".to_owned()), None),
                Some(Ok(k)) => (der, Some(k)),
                None => (der, None),
            };
            add(position, der, kid, entry.country);
        }
    } else if let Ok(text) = std::str::from_utf8(trimmed)
        && text.contains("-----BEGIN CERTIFICATE-----")
    {
        for (i, der) in pem_certificates(text).into_iter().enumerate() {
            add(format!("{origin} certificate {i}"), der, None, None);
        }
    } else {
        add(origin.to_owned(), Ok(bytes.to_vec()), None, None);
    }
    Ok(signers)
}

/// Reads a trust file, refusing one larger than [`MAX_TRUST_FILE_LEN`].
pub fn read_capped(path: &Path) -> Result<Vec<u8>, Error> {
    let io = |source| Error::TrustIo { path: path.to_owned(), source };
    let len = fs::metadata(path).map_err(io)?.len();
    if len > MAX_TRUST_FILE_LEN {
        return Err(Error::TrustFormat {
            origin: path.display().to_string(),
            reason: TrustFormatReason::TooLarge { len, limit: MAX_TRUST_FILE_LEN },
        });
    }
    fs::read(path).map_err(io)
}

/// Loads a trust list from a file or a directory of certificate files
/// (`.pem`, `.crt`, `.cer`, `.der`, `.json`).
pub fn load(path: &Path) -> Result<(MemoryStore, LoadReport), Error> {
    let (signers, report) = load_signers(path)?;
    let mut store = MemoryStore::new(path.display().to_string());
    for s in signers {
        store.insert(s);
    }
    Ok((store, report))
}

/// The signer keys of a file or a directory of certificate files, as
/// [`load`] reads them, in file order.
pub fn load_signers(path: &Path) -> Result<(Vec<SignerKey>, LoadReport), Error> {
    let mut report = LoadReport::default();
    let mut signers = Vec::new();
    let meta = fs::metadata(path).map_err(|source| Error::TrustIo { path: path.to_owned(), source })?;
    if meta.is_dir() {
        let mut files: Vec<_> = fs::read_dir(path)
            .map_err(|source| Error::TrustIo { path: path.to_owned(), source })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "pem" | "crt" | "cer" | "der" | "json"))
            })
            .collect();
        files.sort();
        for file in files {
            let bytes = read_capped(&file)?;
            signers.extend(parse(&file.display().to_string(), &bytes, &mut report)?);
        }
    } else {
        let bytes = read_capped(path)?;
        signers.extend(parse(&path.display().to_string(), &bytes, &mut report)?);
    }
    Ok((signers, report))
}
