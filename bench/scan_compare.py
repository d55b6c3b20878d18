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

Usage: scan_compare.py --frames DIR --healthcert PATH [--repeat N]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", required=True)
    ap.add_argument("--healthcert", required=True)
    ap.add_argument("--misses", action="store_true", help="list the frames ours misses")
    ap.add_argument("--repeat", type=int, default=3, help="runs per frame; times are their median")
    args = ap.parse_args()
    repeat = max(1, args.repeat)
    with open(os.path.join(args.frames, "manifest.json")) as f:
        frames = json.load(f)["frames"]
    paths = [os.path.join(args.frames, fr["file"]) for fr in frames]

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
            name = os.path.basename(j["file"])
            if round_ == 0:
                ours[name] = {base64.b64decode(c["bytes_base64"]) for c in j.get("codes", [])}
            our_us[name].append(j["decode_us"])
        for fr, luma in zip(frames, lumas):
            started = time.perf_counter()
            results = zxingcpp.read_barcodes(luma, formats=fmt)
            their_us[fr["file"]].append((time.perf_counter() - started) * 1e6)
            if round_ == 0:
                theirs[fr["file"]] = {bytes(r.bytes) for r in results}
    ours = {k: (v, statistics.median(our_us[k])) for k, v in ours.items()}
    theirs = {k: (v, statistics.median(their_us[k])) for k, v in theirs.items()}

    cats = []
    for fr in frames:
        if fr["category"] not in cats:
            cats.append(fr["category"])
    rows = []
    total = {"n": 0, "o": 0, "z": 0, "ot": [], "zt": []}
    misses = []
    for cat in cats + ["all"]:
        sel = [fr for fr in frames if cat == "all" or fr["category"] == cat]
        o = z = 0
        ot, zt = [], []
        for fr in sel:
            want = base64.b64decode(fr["payload_base64"])
            got, us = ours.get(fr["file"], (set(), float("nan")))
            o += want in got
            if want not in got:
                misses.append(fr["file"] + ("  (zxing-cpp: ok)" if want in theirs[fr["file"]][0] else ""))
            ot.append(us)
            zgot, zus = theirs[fr["file"]]
            z += want in zgot
            zt.append(zus)
        rows.append((cat, len(sel), o, z, statistics.median(ot), pct(ot, 0.9), statistics.median(zt), pct(zt, 0.9)))

    print("| category | frames | healthcert decoded | zxing-cpp decoded | healthcert median µs | zxing-cpp median µs | healthcert p90 µs | zxing-cpp p90 µs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cat, n, o, z, om, op, zm, zp in rows:
        name = f"**{cat}**" if cat == "all" else cat
        print(f"| {name} | {n} | {o}/{n} | {z}/{n} | {om:.0f} | {zm:.0f} | {op:.0f} | {zp:.0f} |")
    if args.misses:
        print("\nmissed by healthcert (of " + str(len(frames)) + "):")
        for m in sorted(set(misses)):
            print("  " + m)


if __name__ == "__main__":
    main()
