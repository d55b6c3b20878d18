//! Usage errors found after the command line was parsed: a value of the
//! right shape for clap but meaningless (`--at yesterday`, `--country
//! Germany`, `--max-age 3days`, `--source ftp=…`), or a payload argument
//! that names no file. They exit with status 2, as clap's own do, so that a
//! script can tell a mistyped command from an operational fault (1) or a
//! verdict (0, 3, 4).
//!
//! [`message`] words any error for stderr: its chain of causes, each said
//! once.

use std::fmt;

/// A usage error: the message says which argument and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error as an `anyhow::Error`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Whether `e` (or an error it wraps) is a usage error.
pub fn is_usage(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<UsageError>())
}

/// `e` and its causes joined by `: ` (as `{e:#}` does), leaving out a
/// cause whose message the text already holds: the core's errors name their
/// source in their own message and also return it from
/// [`source`](std::error::Error::source), for callers that want it as data.
pub fn message(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let core = healthcert_core::Error::TrustIo { path: "t.json".into(), source: io };
        assert_eq!(message(&anyhow::Error::new(core)), "cannot read trust list t.json: gone");
        let wrapped = anyhow::Error::new(std::io::Error::other("disk full")).context("writing t.db");
        assert_eq!(message(&wrapped), "writing t.db: disk full");
        assert_eq!(format!("{wrapped:#}"), message(&wrapped));
    }
}
