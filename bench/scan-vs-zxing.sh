#!/usr/bin/env bash
# Side by side: healthcert's QR scanner and zxing-cpp on the same camera-like
# frames, in one run. Creates a venv under target/tools/scanbench (zxing-cpp,
# numpy, Pillow, qrcode from PyPI), renders the frame corpus with
# bench/scan_frames.py into target/scan-frames (deterministic; kept between
# runs), builds the release CLI and prints the per-category table; then the
# same table for the real photos and scans of zxing's QR black-box tests
# (zxing+zxing/core/src/test/resources/blackbox under the test data, read
# where they lie; skipped with a line saying so when absent).
#
#   bash bench/scan-vs-zxing.sh [--misses] [--repeat N]   (default 3 runs per frame, median)
#
# FRAMES=DIR and SEED=N override the corpus directory and its seed;
# CORPUS=synthetic or CORPUS=zxing runs one corpus only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}
venv=$target/tools/scanbench
frames=${FRAMES:-$target/scan-frames}
seed=${SEED:-1}

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "zxing-cpp==3.1.1" "numpy==2.4.6" "pillow==13.0.0" "qrcode==8.2"
fi
if [ ! -f "$frames/manifest.json" ]; then
    "$venv/bin/python" bench/scan_frames.py --out "$frames" --seed "$seed"
fi
cargo build --quiet --release -p healthcert-cli
corpus=${CORPUS:-both}
blackbox="${HEALTHCERT_TESTDATA:-$root/../shared/testdata}/zxing+zxing/core/src/test/resources/blackbox"
echo "load: $(uptime | sed 's/.*load average/load average/'); commit $(git rev-parse --short HEAD)"
if [ "$corpus" != zxing ]; then
    echo "synthetic corpus ($frames):"
    "$venv/bin/python" bench/scan_compare.py --frames "$frames" --healthcert "$target/release/healthcert" "$@"
fi
if [ "$corpus" != synthetic ]; then
    if [ -d "$blackbox" ]; then
        echo "zxing's QR black-box photos ($blackbox):"
        "$venv/bin/python" bench/scan_compare.py --zxing-blackbox "$blackbox" --healthcert "$target/release/healthcert" "$@"
    else
        echo "SKIPPED: zxing's black-box photos absent ($blackbox)"
    fi
fi
