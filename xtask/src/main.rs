//! `cargo xtask fixtures [--out DIR]`: regenerates the committed test
//! fixtures (default: `<workspace>/fixtures`).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask fixtures [--out DIR]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(task) = args.next() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if task != "fixtures" {
        eprintln!("unknown task {task:?}\n{USAGE}");
        return ExitCode::from(2);
    }
    let mut out = None;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(dir)) => out = Some(PathBuf::from(dir)),
            _ => {
                eprintln!("unexpected argument {arg:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    // xtask/ sits directly in the workspace root.
    let out = out.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("fixtures"));
    match xtask::generate(&out) {
        Ok(()) => {
            println!("fixtures written to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
