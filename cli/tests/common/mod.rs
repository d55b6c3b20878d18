//! What the CLI tests share: running the built `healthcert` binary and
//! reading its output. (Each test crate uses what it needs.)
#![allow(dead_code, clippy::unwrap_used, clippy::panic, unreachable_pub)]

use std::process::{Command, Output, Stdio};

/// Runs `healthcert args…` with an empty stdin.
pub fn healthcert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_healthcert")).args(args).stdin(Stdio::null()).output().unwrap()
}

/// Its stderr, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Its stdout, which must be one JSON document.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}
