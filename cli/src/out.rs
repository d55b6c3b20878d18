//! Writing to stdout and stderr without dying on a closed pipe.
//!
//! `healthcert verify … | head -1` closes the pipe before the verdict is
//! fully written. Rust ignores `SIGPIPE`, so `println!` then panics (exit
//! status 101). Here a broken pipe is remembered and every later write to
//! that stream is skipped: the command finishes its work quietly and exits
//! with the status it would have had (the verdict's, for `verify`). Other
//! write errors (a full disk) are operational errors.

use std::io::{ErrorKind, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout; a closed pipe is not an error (see the module
/// documentation).
pub fn stdout(text: &str) -> std::io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other,
    }
}

/// Writes `value` as one line of JSON to stdout, with the characters that
/// could drive a terminal written as `\uXXXX` escapes
/// ([`healthcert_core::text::json_safe`]): the same document, safe to show.
pub fn json_line<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string(value)?;
    stdout(&format!("{}\n", healthcert_core::text::json_safe(&text)))?;
    Ok(())
}

/// Whether a write to stdout found the pipe closed.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Writes `text` to stderr, ignoring every failure: a diagnostic that
/// cannot be shown must not turn into a panic or change the exit status.
pub fn stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `println!` to stdout through [`stdout`]; evaluates to `io::Result<()>`.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` to stderr through [`stderr`].
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::out::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}
