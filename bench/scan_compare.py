#!/usr/bin/env python3
"""Runs healthcert's scanner and zxing-cpp on the same frames, in one run,
and prints per category: decoded/total for both, median and p90 decode time
for both.

A frame counts as decoded only when a code's bytes equal the payload the
manifest expects. Times are from the luma buffer to the payloads, image file
decoding excluded: healthcert's own `decode_us` from `healthcert scan
--json`, and for zxing-cpp the wall time of `zxingcpp.read_barcodes` on the
already-decoded numpy array (QR codes only, its defaults otherwise:
try_rotate, try_downscale, try_invert, local-average binariser).

Each frame is decoded --repeat times (default 3) by both, interleaved per
round, and its time is the median of its runs: a single run on a shared
2-core machine moves the corpus median by 15 %. Decoded/total counts the
first round.

With --zxing-blackbox DIR the frames are instead the photos and scans of
zxing's own QR black-box tests (DIR/qrcode-*/N.png, each with the expected
text in N.txt; a category per folder), as they are (no rotations): a frame
counts as decoded when a code's text equals the .txt file's, or its bytes
equal that text in UTF-8, ISO-8859-1 or Shift_JIS (the text files hold
zxing's charset guess); how many match the text exactly is printed apart.

Usage: scan_compare.py (--frames DIR | --zxing-blackbox DIR) --healthcert PATH [--repeat N]
"""

import argparse
import base64
import json
import os
import statistics
import subprocess
import time

import numpy as np
import zxingcpp
from PIL import Image


def pct(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def expected(fr):
    """What a correct read yields: the generator's payload bytes, or for
    zxing's black-box files the expected text, or its bytes in UTF-8,
    ISO-8859-1 or Shift_JIS (zxing guesses a byte segment's charset where
    ISO/IEC 18004 says ISO-8859-1 without an ECI, so the text files hold its
    guess; the code's bytes are what both scanners must get right)."""
    if "text" not in fr:
        return {base64.b64decode(fr["payload_base64"])}
    wants = {fr["text"]}
    for charset in ("utf-8", "iso-8859-1", "shift_jis"):
        try:
            wants.add(fr["text"].encode(charset))
        except UnicodeEncodeError:
            pass
    return wants


def blackbox_frames(root):
    """zxing's QR black-box images with their expected text, folder by folder."""
    frames = []
    for folder in sorted(d for d in os.listdir(root) if d.startswith("qrcode-")):
        names = [n for n in os.listdir(os.path.join(root, folder)) if n.endswith(".png")]
        for name in sorted(names, key=lambda n: (len(n), n)):
            txt = os.path.join(root, folder, name[: -len(".png")] + ".txt")
            if not os.path.exists(txt):
                continue
            with open(txt, encoding="utf-8", newline="") as f:
                frames.append({"file": f"{folder}/{name}", "category": folder, "text": f.read()})
    return frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames")
    ap.add_argument("--zxing-blackbox", help="zxing's core/src/test/resources/blackbox folder")
    ap.add_argument("--healthcert", required=True)
    ap.add_argument("--misses", action="store_true", help="list the frames ours misses")
    ap.add_argument("--repeat", type=int, default=3, help="runs per frame; times are their median")
    args = ap.parse_args()
    repeat = max(1, args.repeat)
    if args.zxing_blackbox:
        root, frames = args.zxing_blackbox, blackbox_frames(args.zxing_blackbox)
    elif args.frames:
        root = args.frames
        with open(os.path.join(root, "manifest.json")) as f:
            frames = json.load(f)["frames"]
    else:
        raise SystemExit("--frames or --zxing-blackbox is needed")
    paths = [os.path.join(root, fr["file"]) for fr in frames]
    by_path = {path: fr["file"] for path, fr in zip(paths, frames)}

    fmt = zxingcpp.BarcodeFormat.QRCode
    lumas = [np.asarray(Image.open(path).convert("L")) for path in paths]
    ours, theirs = {}, {}
    our_us = {fr["file"]: [] for fr in frames}
    their_us = {fr["file"]: [] for fr in frames}
    for round_ in range(repeat):
        out = subprocess.run([args.healthcert, "scan", "--json", *paths], capture_output=True, text=True)
        if out.returncode not in (0, 1):
            raise SystemExit(f"healthcert scan failed ({out.returncode}): {out.stderr}")
        for line in out.stdout.splitlines():
            j = json.loads(line)
            name = by_path[j["file"]]
            if round_ == 0:
                ours[name] = {base64.b64decode(c["bytes_base64"]) for c in j.get("codes", [])}
                ours[name] |= {c["text"] for c in j.get("codes", []) if c.get("text") is not None}
            our_us[name].append(j["decode_us"])
        for fr, luma in zip(frames, lumas):
            started = time.perf_counter()
            results = zxingcpp.read_barcodes(luma, formats=fmt)
            their_us[fr["file"]].append((time.perf_counter() - started) * 1e6)
            if round_ == 0:
                theirs[fr["file"]] = {bytes(r.bytes) for r in results} | {r.text for r in results}
    ours = {k: (v, statistics.median(our_us[k])) for k, v in ours.items()}
    theirs = {k: (v, statistics.median(their_us[k])) for k, v in theirs.items()}

    cats = []
    for fr in frames:
        if fr["category"] not in cats:
            cats.append(fr["category"])
    rows = []
    total = {"n": 0, "o": 0, "z": 0, "ot": [], "zt": []}
    misses = []
    text_exact = [0, 0]
    for cat in cats + ["all"]:
        sel = [fr for fr in frames if cat == "all" or fr["category"] == cat]
        o = z = 0
        ot, zt = [], []
        for fr in sel:
            wants = expected(fr)
            got, us = ours.get(fr["file"], (set(), float("nan")))
            zgot, zus = theirs[fr["file"]]
            o += bool(wants & got)
            if not wants & got:
                misses.append(fr["file"] + ("  (zxing-cpp: ok)" if wants & zgot else ""))
            if "text" in fr and cat == "all":
                text_exact[0] += fr["text"] in got
                text_exact[1] += fr["text"] in zgot
            ot.append(us)
            z += bool(wants & zgot)
            zt.append(zus)
        rows.append((cat, len(sel), o, z, statistics.median(ot), pct(ot, 0.9), statistics.median(zt), pct(zt, 0.9)))

    print("| category | frames | healthcert decoded | zxing-cpp decoded | healthcert median µs | zxing-cpp median µs | healthcert p90 µs | zxing-cpp p90 µs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cat, n, o, z, om, op, zm, zp in rows:
        name = f"**{cat}**" if cat == "all" else cat
        print(f"| {name} | {n} | {o}/{n} | {z}/{n} | {om:.0f} | {zm:.0f} | {op:.0f} | {zp:.0f} |")
    if any("text" in fr for fr in frames):
        print(f"\ntext exactly as expected (the other frames above have the right bytes under another charset): "
              f"healthcert {text_exact[0]}/{len(frames)}, zxing-cpp {text_exact[1]}/{len(frames)}")
    if args.misses:
        print("\nmissed by healthcert (of " + str(len(frames)) + "):")
        for m in sorted(set(misses)):
            print("  " + m)


if __name__ == "__main__":
    main()
