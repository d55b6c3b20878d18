//! Hostile pictures given to `healthcert verify` and `healthcert scan`: each
//! is refused from its header with the limit it broke, in a small process.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::PathBuf;
use std::process::Command;

fn healthcert(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_healthcert")).args(args).output().expect("run healthcert")
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("healthcert-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("write");
    path
}

/// A JPEG header declaring `w`×`h` grey pixels, a scan header and a few
/// bytes of data: a few hundred bytes.
fn tiny_jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut out = vec![0xff, 0xd8];
    let mut seg = |marker: u8, body: &[u8]| {
        out.extend_from_slice(&[0xff, marker]);
        out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(body);
    };
    seg(0xdb, &[[0u8].as_slice(), &[1; 64]].concat());
    let mut frame = vec![8];
    frame.extend_from_slice(&h.to_be_bytes());
    frame.extend_from_slice(&w.to_be_bytes());
    frame.extend_from_slice(&[1, 1, 0x11, 0]);
    seg(0xc0, &frame);
    seg(0xda, &[1, 1, 0, 0, 63, 0]);
    out.extend_from_slice(&[0; 100]);
    out.extend_from_slice(&[0xff, 0xd9]);
    out
}

#[test]
fn a_picture_declaring_20000_by_20000_pixels_is_refused_by_its_limit() {
    let file = temp("huge.jpg", &tiny_jpeg(20_000, 20_000));
    let f = file.display().to_string();
    for args in [vec!["verify", f.as_str()], vec!["scan", f.as_str()]] {
        let out = healthcert(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains("declares 20000x20000 pixels") && err.contains("16384 pixels a side"), "{args:?}: {err}");
    }
    // Within the size limits but far too little data for 6 000 × 6 000.
    let file = temp("short.jpg", &tiny_jpeg(6_000, 6_000));
    let out = healthcert(&["verify", &file.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated"), "{err}");
}

/// A batch with a broken file: every file gets its line (an error object for
/// the broken one, with --json), the files after it are still scanned, and
/// the exit status says one failed.
#[test]
fn a_broken_file_does_not_sink_the_batch() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let good = fixtures.join("hcert/valid-vaccination.png").display().to_string();
    let broken = temp("broken.png", b"\x89PNG\r\n\x1a\n not a picture").display().to_string();
    let missing = std::env::temp_dir().join("healthcert-no-such-file.png").display().to_string();
    let out = healthcert(&["scan", "--json", &good, &broken, &missing, &good]);
    assert_eq!(out.status.code(), Some(1), "one file failed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    for (line, file) in lines.iter().zip([&good, &broken, &missing, &good]) {
        assert_eq!(line["file"].as_str(), Some(file.as_str()));
    }
    assert!(lines[0]["payloads"][0].as_str().unwrap().starts_with("HC1:"));
    assert!(lines[1]["error"].as_str().unwrap().contains("decoding"), "{}", lines[1]);
    assert!(lines[2]["error"].is_string() && lines[2].get("payloads").is_none(), "{}", lines[2]);
    assert_eq!(lines[3]["payloads"], lines[0]["payloads"], "scanned after the failures");

    // As text: the good files on stdout, each failure on stderr.
    let out = healthcert(&["scan", &good, &broken, &good]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).matches("HC1:").count(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&broken));
}

/// GIF and WebP files scan like PNG and JPEG (the committed seed pictures
/// of the `picture` fuzz target, one QR code each); a bitmap (BMP) is
/// refused with the list of what is read.
#[test]
fn gif_and_webp_files_scan() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/picture");
    let files: Vec<String> = ["qr.gif", "qr-animated.gif", "qr-lossless.webp", "qr-lossy.webp"]
        .iter()
        .map(|f| seeds.join(f).display().to_string())
        .collect();
    let bmp = temp("picture.bmp", b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0").display().to_string();
    let mut args = vec!["scan", "--json"];
    args.extend(files.iter().map(String::as_str));
    args.push(&bmp);
    let out = healthcert(&args);
    assert_eq!(out.status.code(), Some(1), "the BMP failed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    for line in &lines[..4] {
        assert_eq!(line["payloads"][0].as_str(), Some("HC1:6BFOXN%TS3DH"), "{line}");
    }
    assert!(lines[4]["error"].as_str().unwrap().contains("not a PNG, JPEG, GIF or WebP picture"), "{}", lines[4]);
}
