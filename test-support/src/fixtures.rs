//! The committed fixtures (`fixtures/`, written by `cargo xtask fixtures`)
//! and trust-store material built from them: the fixture directory, its
//! reference time (never the wall clock), the committed DSCs, synthetic
//! signer certificates for scale, and the records and updates the store
//! tests apply.

use std::path::{Path, PathBuf};

use healthcert_core::trust::update::{SignerChange, SignerRecord, SourceMeta};
use healthcert_core::trust::{SourceId, SourceKind, Update, kid_of};
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::serial_number::SerialNumber;

/// The repository's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// Where the external test data lies (it may be absent):
/// `$HEALTHCERT_TESTDATA`, else `../shared/testdata` beside the repository
/// (see its README). It is read there, never copied into the repository.
pub fn testdata_root() -> PathBuf {
    std::env::var_os("HEALTHCERT_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata"))
}

/// A file or folder of the external test data ([`testdata_root`]), or
/// `None` after saying plainly on stderr that it is absent: a test then
/// returns early instead of failing on a machine without the data.
pub fn external(relative: &str) -> Option<PathBuf> {
    let path = testdata_root().join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("SKIPPED: external test data {} is absent (set HEALTHCERT_TESTDATA)", path.display());
        None
    }
}

/// A fresh temporary folder, and the path of a trust database in it (not
/// created: the test opens it as it needs).
pub fn temp_database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.db");
    (dir, path)
}

/// A copy of `dir/`'s files and folders in a fresh temporary directory,
/// which a test may change (a served trust directory, say).
pub fn copy_dir(dir: &Path) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let out = tempfile::tempdir().unwrap();
    copy(dir, out.path());
    out
}

/// `reference_time` of fixtures/manifest.json.
pub fn reference_time() -> OffsetDateTime {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("manifest.json")).unwrap()).unwrap();
    healthcert_core::time_parse::rfc3339(manifest["reference_time"].as_str().unwrap()).unwrap()
}

/// The committed DSCs (fixtures/trust/dsc/*.pem) as `(file stem, DER)`.
pub fn dscs() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("trust/dsc"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "fixture DSCs missing");
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let der = healthcert_core::crypto::pem_certificates(&text).remove(0).unwrap();
            (f.file_stem().unwrap().to_string_lossy().into_owned(), der)
        })
        .collect()
}

/// The DER of the committed DSC `fixtures/trust/dsc/<name>.pem`.
pub fn dsc(name: &str) -> Vec<u8> {
    dscs().into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no fixture {name}")).1
}

/// An HC1 signer record of `der` (country XT, kid from the certificate).
pub fn record(der: &[u8]) -> SignerRecord {
    SignerRecord::x509(healthcert_core::formats::hcert::SCHEME, kid_of(der), Some("XT".into()), der.to_vec())
}

/// A source of `kind` at `location`.
pub fn source(kind: SourceKind, location: &str) -> SourceId {
    SourceId { kind, location: location.into() }
}

/// The DGCA gateway source the store tests sync from.
pub fn dgca() -> SourceId {
    source(SourceKind::Dgca, "https://dgca.example/")
}

/// A signer update of `source` issued at `issued`.
pub fn signers(source: SourceId, change: SignerChange, issued: OffsetDateTime) -> Update {
    Update {
        signers: change,
        meta: SourceMeta { etag: None, resume_token: None, list_issued_at: Some(issued) },
        ..Update::unchanged(source, SourceMeta::default())
    }
}

/// An update of `source` that replaces its signers with `ders`.
pub fn replace(source: SourceId, ders: &[Vec<u8>], issued: OffsetDateTime) -> Update {
    signers(source, SignerChange::Replace(ders.iter().map(|d| record(d)).collect()), issued)
}

/// `n` distinct, parseable signer certificates: a fixture DSC with serial
/// numbers `(series, i)` (its signature no longer matches, which a trust
/// store does not check: sources verify their lists before applying them).
pub fn synthetic(series: u8, n: u32) -> Vec<Vec<u8>> {
    let base = Certificate::from_der(&dsc("dsc-ec-all")).unwrap();
    (0..n)
        .map(|i| {
            let mut cert = base.clone();
            let mut serial = vec![0x01, series];
            serial.extend_from_slice(&i.to_be_bytes());
            cert.tbs_certificate.serial_number = SerialNumber::new(&serial).unwrap();
            cert.to_der().unwrap()
        })
        .collect()
}

/// The contents of the files with extension `ext` directly under `dir`,
/// sorted by name (none when `dir` does not exist).
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == ext)).collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}
