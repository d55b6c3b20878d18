//! The served directory, read as-is and cached until a file changes (its
//! modification time or length), so that tests can rewrite files while the
//! server runs and large lists are not re-read on every request.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Bytes;

/// Largest file served, in bytes.
pub(super) const MAX_FILE_LEN: u64 = 256 * 1024 * 1024;

/// What identifies one version of a file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

/// A file as read, with its stamp.
#[derive(Clone)]
pub(super) struct FileVersion {
    /// Identifies this version.
    pub stamp: Stamp,
    /// The content.
    pub bytes: Bytes,
}

/// The served directory.
pub(super) struct Files {
    root: PathBuf,
    cache: Mutex<HashMap<String, FileVersion>>,
}

impl Files {
    /// Serves files under `root`.
    pub(super) fn new(root: PathBuf) -> Self {
        Files { root, cache: Mutex::new(HashMap::new()) }
    }

    /// The file at `rel` (a `/`-separated path made by this server, never
    /// taken from a request unchecked), or `None` when there is none.
    pub(super) fn read(&self, rel: &str) -> io::Result<Option<FileVersion>> {
        let path = self.root.join(rel);
        let meta = match fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if meta.len() > MAX_FILE_LEN {
            return Err(io::Error::other(format!("{rel}: {} bytes is over the {MAX_FILE_LEN}-byte limit", meta.len())));
        }
        let stamp = Stamp { modified: meta.modified().ok(), len: meta.len() };
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(rel).filter(|v| v.stamp == stamp) {
            return Ok(Some(v.clone()));
        }
        let bytes = match fs::read(&path) {
            Ok(b) => Bytes::from(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        // The stamp is of the metadata read before the content: if the file
        // changed in between, the next request sees a new stamp and reads again.
        let version = FileVersion { stamp, bytes };
        cache.insert(rel.to_owned(), version.clone());
        Ok(Some(version))
    }
}

/// A value derived from one file, recomputed when the file changes.
pub(super) struct Derived<T> {
    slot: Mutex<Option<(Stamp, Arc<T>)>>,
}

impl<T> Default for Derived<T> {
    fn default() -> Self {
        Derived { slot: Mutex::new(None) }
    }
}

impl<T> Derived<T> {
    /// The value for `file`, computing it with `make` if the file changed.
    pub(super) fn get<E>(&self, file: &FileVersion, make: impl FnOnce(&[u8]) -> Result<T, E>) -> Result<Arc<T>, E> {
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((stamp, value)) = slot.as_ref()
            && *stamp == file.stamp
        {
            return Ok(Arc::clone(value));
        }
        let value = Arc::new(make(&file.bytes)?);
        *slot = Some((file.stamp, Arc::clone(&value)));
        Ok(value)
    }
}

/// The segments of a request path naming a file under the served tree, when
/// every segment is safe: non-empty, not `.` or `..`, of ASCII letters,
/// digits, `.`, `-`, `_` and the bytes of `extra`; at most `max_segments`
/// of them and 512 bytes in all. Checked before any file is touched.
pub(super) fn safe_segments<'a>(path: &'a str, extra: &[u8], max_segments: usize) -> Option<Vec<&'a str>> {
    let segments: Vec<&str> = path.split('/').collect();
    let safe = |s: &&str| {
        !s.is_empty()
            && *s != "."
            && *s != ".."
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') || extra.contains(&b))
    };
    (path.len() <= 512 && segments.len() <= max_segments && segments.iter().all(safe)).then_some(segments)
}

/// `rel` under the served tree with `content_type`, or 404 when absent.
pub(super) fn serve(state: &super::AppState, rel: &str, content_type: &'static str) -> axum::response::Response {
    match state.files.read(rel) {
        Ok(Some(f)) => super::http::ok(f.bytes, content_type),
        Ok(None) => super::http::not_found("file"),
        Err(e) => super::http::broken(&e),
    }
}
