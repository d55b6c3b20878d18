//! Usage errors found after the command line was parsed: a value of the
//! right shape for clap but meaningless (`--at yesterday`, `--country
//! Germany`, `--max-age 3days`, `--source ftp=…`), or a payload argument
//! that names no file. They exit with status 2, as clap's own do, so that a
//! script can tell a mistyped command from an operational fault (1) or a
//! verdict (0, 3, 4).

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
