//! `cargo xtask fixtures [--out DIR]`: regenerates the committed test
//! fixtures (default: `<workspace>/fixtures`).
//!
//! `cargo xtask bulk-trust --count N --out DIR`: writes a served trust
//! directory with N signer certificates, for benchmarks (not committed).

// Build tooling: a failure is a bug in the generator or its inputs, and
// stops it with the reason (the workspace denies these in product code).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask fixtures [--out DIR]\n       cargo xtask bulk-trust --count N --out DIR";

fn usage(msg: &str) -> ExitCode {
    eprintln!("{msg}\n{USAGE}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(task) = args.next() else { return usage("no task given") };
    let mut out = None;
    let mut count = None;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(dir)) => out = Some(PathBuf::from(dir)),
            ("--count", Some(n)) if task == "bulk-trust" => match n.parse::<usize>() {
                Ok(n) => count = Some(n),
                Err(_) => return usage(&format!("--count {n:?} is not a number")),
            },
            _ => return usage(&format!("unexpected argument {arg:?}")),
        }
    }
    let result = match task.as_str() {
        "fixtures" => {
            // xtask/ sits directly in the workspace root.
            let out = out.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("fixtures"));
            xtask::generate(&out).map(|()| format!("fixtures written to {}", out.display()))
        }
        "bulk-trust" => {
            let (Some(count), Some(out)) = (count, out) else { return usage("bulk-trust needs --count and --out") };
            xtask::bulk::generate(count, &out).map(|()| {
                format!(
                    "{count} signer certificates written to {} (serve it with `healthcert trust serve`)",
                    out.display()
                )
            })
        }
        _ => return usage(&format!("unknown task {task:?}")),
    };
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
