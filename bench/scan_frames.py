#!/usr/bin/env python3
"""Renders a corpus of camera-like frames of certificate QR codes.

Every frame is 1280x720 grey, holding one QR code of a certificate-sized
payload, damaged the way phone cameras damage it. Categories, each at three
graded severities (1 mild .. 3 hard):

  clean          no damage beyond a little sensor noise; sizes vary
  rotation       rotated in the image plane
  perspective    the paper or screen held at an angle
  blur           out of focus (Gaussian)
  motion_blur    the hand moved (a line kernel)
  noise          sensor noise in poor light
  glare          a bright specular spot washing out part of the code
  shadow         a light gradient across the code (hand, phone shadow)
  low_contrast   faded print, dim screen
  jpeg           heavy JPEG compression (the frame is written as .jpg)
  small_modules  the code far from the camera (few pixels per module)
  inverted       light modules on a dark ground (dark-mode screens)
  clutter        a busy background: text, boxes, lines, fake finder squares

Payloads cycle through three kinds: HC1 (EU DCC, "HC1:" + base45 text of
400-700 characters, alphanumeric mode, EC level Q), SHC ("shc:/" + digits,
numeric mode, EC level L) and DIVOC-sized binary (1000-1600 random bytes,
byte mode, EC level L).

Deterministic: the same seed gives the same frames. Writes the frames and
manifest.json (file, category, severity, kind, expected payload as base64)
to the output directory.

Usage: scan_frames.py --out DIR [--per-severity N] [--seed S]
"""

import argparse
import base64
import io
import json
import math
import os

import numpy as np
import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFilter

W, H = 1280, 720
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

CATEGORIES = [
    "clean",
    "rotation",
    "perspective",
    "blur",
    "motion_blur",
    "noise",
    "glare",
    "shadow",
    "low_contrast",
    "jpeg",
    "small_modules",
    "inverted",
    "clutter",
]


def payload(kind, rng):
    if kind == "hc1":
        n = int(rng.integers(400, 701)) - 4
        text = "HC1:" + "".join(B45[i] for i in rng.integers(0, 45, n))
        return text.encode(), qrcode.constants.ERROR_CORRECT_Q
    if kind == "shc":
        n = int(rng.integers(700, 1190)) // 2 * 2
        digits = "".join(str(d) for d in rng.integers(0, 10, n))
        return ("shc:/" + digits).encode(), qrcode.constants.ERROR_CORRECT_L
    n = int(rng.integers(1000, 1601))
    data = b"PK\x03\x04" + rng.integers(0, 256, n - 4, dtype=np.uint8).tobytes()
    return data, qrcode.constants.ERROR_CORRECT_L


def modules(data, ec):
    q = qrcode.QRCode(error_correction=ec, border=0)
    if data.startswith(b"shc:/"):
        # SMART Health Cards: a byte segment "shc:/" then a numeric segment.
        q.add_data(qrcode.util.QRData(data[:5], mode=qrcode.util.MODE_8BIT_BYTE))
        q.add_data(qrcode.util.QRData(data[5:], mode=qrcode.util.MODE_NUMBER))
    elif data.startswith(b"HC1:"):
        q.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_ALPHA_NUM))
    else:
        q.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE))
    q.make(fit=True)
    return np.array(q.get_matrix(), dtype=bool)


def background(rng, clutter, level):
    """A paper/desk-like ground, or a busy one for the clutter category."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    base = 150 + 40 * rng.random()
    ground = base + 25 * np.sin(xx / (200 + 300 * rng.random()) + rng.random() * 6) * np.cos(yy / 350)
    img = Image.fromarray(np.clip(ground, 0, 255).astype(np.uint8), "L")
    if clutter:
        d = ImageDraw.Draw(img)
        for _ in range(30 * level):
            x, y = int(rng.integers(0, W)), int(rng.integers(0, H))
            w, h = int(rng.integers(5, 200)), int(rng.integers(5, 120))
            shade = int(rng.integers(0, 256))
            r = rng.random()
            if r < 0.35:
                d.rectangle([x, y, x + w, y + h], fill=shade)
            elif r < 0.6:
                d.line([x, y, x + w, y + h * (1 if rng.random() < 0.5 else -1)], fill=shade,
                       width=int(rng.integers(1, 6)))
            elif r < 0.8:
                d.text((x, y), "".join(B45[i] for i in rng.integers(0, 45, 12)), fill=shade)
            else:
                # A finder-like square (1:1:3:1:1), the decoys a detector must reject.
                s = int(rng.integers(3, 8))
                d.rectangle([x, y, x + 7 * s, y + 7 * s], fill=20)
                d.rectangle([x + s, y + s, x + 6 * s, y + 6 * s], fill=235)
                d.rectangle([x + 2 * s, y + 2 * s, x + 5 * s, y + 5 * s], fill=20)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
    return img


def place(mat, rng, module_px, angle_deg, persp):
    """Code corners in the frame: a square of the code's side (quiet zone
    included), rotated, its corners pushed by `persp` of the side, and put
    at a random place where it fits."""
    n = mat.shape[0] + 8
    side = n * module_px
    pts = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]]) * side
    pts = pts + rng.uniform(-persp, persp, (4, 2)) * side
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    pts = pts @ rot.T
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = hi - lo
    cx = rng.uniform(-lo[0] + 4, W - hi[0] - 4) if span[0] < W - 8 else W / 2
    cy = rng.uniform(-lo[1] + 4, H - hi[1] - 4) if span[1] < H - 8 else H / 2
    return pts + [cx, cy]


def homography(src, dst):
    """The 3x3 map taking the four `src` points to the four `dst` points."""
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    h = np.linalg.solve(np.array(a, float), np.array(dst, float).reshape(8))
    return np.append(h, 1).reshape(3, 3)


def render(mat, corners, dark, light, bg):
    """Draws the code (quiet zone of 4 modules) with its corners at `corners`,
    sampling the module grid at 3x3 points per output pixel (anti-aliased)."""
    n = mat.shape[0] + 8
    grid = np.zeros((n, n), bool)
    grid[4:-4, 4:-4] = mat
    # Frame pixel -> module coordinates.
    h = homography(corners, [[0, 0], [n, 0], [n, n], [0, n]])
    x0, y0 = np.floor(corners.min(axis=0)).astype(int)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, W), min(y1, H)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    cover = np.zeros(xx.shape)
    inside = np.zeros(xx.shape)
    for dy in (-1 / 3, 0, 1 / 3):
        for dx in (-1 / 3, 0, 1 / 3):
            px, py = xx + 0.5 + dx, yy + 0.5 + dy
            w = h[2, 0] * px + h[2, 1] * py + h[2, 2]
            u = (h[0, 0] * px + h[0, 1] * py + h[0, 2]) / w
            v = (h[1, 0] * px + h[1, 1] * py + h[1, 2]) / w
            ok = (u >= 0) & (u < n) & (v >= 0) & (v < n)
            ui = np.clip(u.astype(int), 0, n - 1)
            vi = np.clip(v.astype(int), 0, n - 1)
            cover += ok & grid[vi, ui]
            inside += ok
    cover /= 9
    inside /= 9
    out = np.asarray(bg, np.float64).copy()
    region = out[y0:y1, x0:x1]
    code = light + (dark - light) * cover
    out[y0:y1, x0:x1] = region * (1 - inside) + code * inside
    return out


def damage(img, cat, sev, rng, module_px):
    if cat == "blur":
        sigma = module_px * [0.35, 0.5, 0.65][sev - 1]
        img = gaussian(img, sigma)
    elif cat == "motion_blur":
        length = module_px * [0.8, 1.3, 1.8][sev - 1]
        img = motion(img, length, rng.uniform(0, math.pi))
    elif cat == "noise":
        img = img + rng.normal(0, [18, 32, 45][sev - 1], img.shape)
    elif cat == "glare":
        cy, cx = rng.uniform(0.3, 0.7) * H, rng.uniform(0.3, 0.7) * W
        r = [90, 130, 170][sev - 1]
        yy, xx = np.mgrid[0:H, 0:W]
        spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        img = img + spot * [150, 190, 230][sev - 1]
    elif cat == "shadow":
        a = rng.uniform(0, 2 * math.pi)
        yy, xx = np.mgrid[0:H, 0:W]
        t = ((xx - W / 2) * math.cos(a) + (yy - H / 2) * math.sin(a)) / (W / 2)
        low = [0.45, 0.3, 0.18][sev - 1]
        img = img * (low + (1 - low) * np.clip((t + 1) / 2, 0, 1))
    elif cat == "small_modules":
        img = gaussian(img, 0.5)
    if cat != "noise":
        img = img + rng.normal(0, 3, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def gaussian(img, sigma):
    return np.asarray(Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "L")
                      .filter(ImageFilter.GaussianBlur(sigma)), np.float64)


def motion(img, length, angle):
    steps = max(2, int(math.ceil(length)) * 2)
    acc = np.zeros_like(img)
    for i in range(steps):
        t = (i / (steps - 1) - 0.5) * length
        dx, dy = int(round(t * math.cos(angle))), int(round(t * math.sin(angle)))
        acc += np.roll(np.roll(img, dy, axis=0), dx, axis=1)
    return acc / steps


def frame(cat, sev, idx, seed):
    rng = np.random.default_rng([seed, CATEGORIES.index(cat), sev, idx])
    kind = ["hc1", "shc", "divoc"][idx % 3]
    data, ec = payload(kind, rng)
    mat = modules(data, ec)
    n = mat.shape[0] + 8
    # A phone held to fill about half to most of the frame height.
    module_px = rng.uniform(0.5, 0.9) * H / n
    angle = rng.uniform(-6, 6)
    persp = 0.01
    dark, light = rng.uniform(10, 50), rng.uniform(190, 240)
    if cat == "clean":
        module_px = rng.uniform(0.35, 0.95) * H / n
    elif cat == "rotation":
        angle = [rng.uniform(10, 25), rng.uniform(30, 60), rng.uniform(60, 180)][sev - 1] * rng.choice([-1, 1])
    elif cat == "perspective":
        persp = [0.06, 0.1, 0.14][sev - 1]
    elif cat == "low_contrast":
        mid = rng.uniform(80, 170)
        gap = [40, 24, 14][sev - 1]
        dark, light = mid - gap / 2, mid + gap / 2
    elif cat == "small_modules":
        module_px = [2.6, 2.2, 1.8][sev - 1]
    elif cat == "inverted":
        dark, light = light, dark
        angle = rng.uniform(-20, 20) * sev
    module_px = max(module_px, 1.5)
    corners = place(mat, rng, module_px, angle, persp)
    bg = background(rng, cat == "clutter", sev)
    img = render(mat, corners, dark, light, bg)
    img = gaussian(img, 0.4)  # the lens
    img = damage(img, cat, sev, rng, module_px)
    pic = Image.fromarray(img, "L")
    buf = io.BytesIO()
    if cat == "jpeg":
        pic.save(buf, "JPEG", quality=[35, 20, 10][sev - 1])
        ext = "jpg"
    else:
        pic.save(buf, "PNG", compress_level=1)
        ext = "png"
    name = f"{cat}-{sev}-{idx:02d}.{ext}"
    return name, buf.getvalue(), {
        "file": name,
        "category": cat,
        "severity": sev,
        "kind": kind,
        "modules": int(mat.shape[0]),
        "module_px": round(float(module_px), 2),
        "payload_base64": base64.b64encode(data).decode(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-severity", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="a single category")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    for cat in CATEGORIES:
        if args.only and cat != args.only:
            continue
        for sev in (1, 2, 3):
            for idx in range(args.per_severity):
                name, data, entry = frame(cat, sev, idx, args.seed)
                with open(os.path.join(args.out, name), "wb") as f:
                    f.write(data)
                manifest.append(entry)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"seed": args.seed, "frames": manifest}, f, indent=1)
    print(f"{len(manifest)} frames in {args.out}")


if __name__ == "__main__":
    main()
