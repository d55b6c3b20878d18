//! `healthcert scan`: its arguments, and the QR codes found in each picture,
//! printed as text or JSON.

use std::path::PathBuf;

use anyhow::Context as _;
use base64::Engine as _;

use healthcert_cli::{errln, input, out, outln, picture};
use healthcert_core::text::{display, display_bounded};

use crate::exit;

/// Find and decode the QR codes in pictures (PNG, JPEG, GIF, WebP).
///
/// Prints each file's payloads; with --json, one object per file:
/// {"file", "payloads": [text, …], "decode_us", "codes": [{"text",
/// "text_error", "bytes_base64", "corners", "version", "ecc_level",
/// "segments": [{"mode", "char_count", "eci"}], "structured_append",
/// "fnc1"}]}, where decode_us is the time from luma plane to payloads
/// (image file decoding excluded). A file that cannot be read or decoded
/// gets its own line ({"file", "error"} with --json) and the others are
/// still scanned; the exit status is then 1. Reads PNG, JPEG, GIF (the
/// first frame) and WebP (lossy, lossless; the first frame).
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Picture files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print one JSON object per file instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `scan`: exit status 0 when some file held a code and every file
/// could be read, 1 otherwise.
pub(crate) fn run(args: Args) -> anyhow::Result<u8> {
    let Args { files, json } = args;
    let mut found_any = false;
    let mut failed = false;
    // One scanner for every file, as a camera stream keeps one.
    // Still pictures get the still-picture budget, not a camera frame's.
    let mut scanner = healthcert_core::scan::Scanner::new();
    scanner.set_time_budget(Some(picture::PICTURE_BUDGET));
    for file in files {
        let scanned = (|| -> anyhow::Result<_> {
            let bytes = input::read_file(&file)?;
            let luma = picture::luma(&bytes).with_context(|| format!("decoding {}", file.display()))?;
            let started = std::time::Instant::now();
            let codes = scanner.scan(&luma.frame())?;
            Ok((codes, started.elapsed().as_micros()))
        })();
        let (codes, decode_us) = match scanned {
            Ok(scanned) => scanned,
            Err(e) => {
                // This file's own line; the batch goes on.
                failed = true;
                let error = format!("{e:#}");
                if json {
                    out::json_line(&serde_json::json!({"file": file.display().to_string(), "error": error}))?;
                } else {
                    errln!("error: {}: {}", display(&file.display().to_string()), display_bounded(&error, 1024));
                }
                continue;
            }
        };
        found_any |= !codes.is_empty();
        if json {
            let line = serde_json::json!({
                "file": file.display().to_string(),
                "payloads": codes.iter().filter_map(|c| c.text.clone()).collect::<Vec<_>>(),
                "decode_us": decode_us,
                "codes": codes.iter().map(|c| serde_json::json!({
                    "text": c.text,
                    "text_error": c.text_error.map(|e| e.to_string()),
                    "bytes_base64": base64::engine::general_purpose::STANDARD.encode(&c.bytes),
                    "corners": c.corners.iter().map(|(x, y)| [x, y]).collect::<Vec<_>>(),
                    "version": c.version,
                    "ecc_level": c.ecc_level.name(),
                    "segments": c.segments.iter().map(|s| serde_json::json!({
                        "mode": s.mode.name(),
                        "char_count": s.char_count,
                        "eci": s.eci,
                    })).collect::<Vec<_>>(),
                    "structured_append": c.structured_append.map(|a| serde_json::json!({
                        "index": a.index, "total": a.total, "parity": a.parity,
                    })),
                    "fnc1": c.fnc1.map(|f| match f {
                        healthcert_core::scan::Fnc1::First => serde_json::json!({"position": "first"}),
                        healthcert_core::scan::Fnc1::Second { application_indicator } => serde_json::json!({
                            "position": "second", "application_indicator": application_indicator,
                        }),
                    }),
                })).collect::<Vec<_>>(),
            });
            out::json_line(&line)?;
        } else {
            // The payloads are escaped like any text from outside: a QR code
            // can hold escape sequences.
            outln!("{}: {} code(s) in {decode_us} µs", display(&file.display().to_string()), codes.len())?;
            for c in &codes {
                match &c.text {
                    Some(t) => outln!("{}", display_bounded(t, 8192))?,
                    None => match c.text_error {
                        Some(e) => outln!("(no text: {e}; {} bytes)", c.bytes.len())?,
                        None => outln!("(binary, {} bytes)", c.bytes.len())?,
                    },
                }
            }
        }
    }
    Ok(if found_any && !failed { exit::VALID } else { exit::ERROR })
}
