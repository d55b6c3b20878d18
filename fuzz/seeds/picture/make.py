"""Writes the committed seed pictures of the `picture` fuzz target (and of
healthcert-core's picture tests): one small QR code (`HC1:6BFOXN%TS3DH`,
2 pixels a module) in each PNG, JPEG, GIF and WebP layout the decoder handles, and the
issue's 335-byte JPEG declaring 20 000 x 20 000 pixels.

Run with the scan bench's venv (Pillow, qrcode):
    target/tools/scanbench/bin/python fuzz/seeds/picture/make.py
"""
import io, os, struct
import qrcode
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
qr = qrcode.QRCode(box_size=2, border=4, error_correction=qrcode.constants.ERROR_CORRECT_L)
qr.add_data("HC1:6BFOXN%TS3DH")
grey = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")

def save(name, img, **kw):
    img.save(os.path.join(here, name), **kw)

save("qr-grey.png", grey, optimize=True)
save("qr-rgb-icc.png", Image.merge("RGB", [grey] * 3), icc_profile=b"\0" * 200)
rgba = Image.new("RGBA", grey.size, (0, 0, 0, 0))
rgba.putalpha(grey.point(lambda v: 255 - v))
save("qr-rgba-transparent.png", rgba)
save("qr-palette.png", grey.convert("P"))
save("qr-grey-16bit.png", grey.point(lambda v: v * 257, "I").convert("I;16"))
save("qr-baseline-420.jpg", Image.merge("RGB", [grey] * 3), quality=90, subsampling=2)
save("qr-progressive.jpg", Image.merge("RGB", [grey] * 3), quality=90, progressive=True)
save("qr-grey.jpg", grey, quality=90)
save("qr-cmyk.jpg", Image.merge("RGB", [grey] * 3).convert("CMYK"), quality=90)
exif = Image.Exif()
exif[0x010E] = "seed"
save("qr-444-exif.jpg", Image.merge("RGB", [grey] * 3), quality=95, subsampling=0, exif=exif.tobytes())
save("qr.gif", grey.convert("P"))
save("qr-animated.gif", grey.convert("P"), save_all=True, append_images=[Image.new("P", grey.size, 0)], duration=100)
save("qr-lossless.webp", grey, lossless=True)
save("qr-lossy.webp", Image.merge("RGB", [grey] * 3), quality=90)

def seg(marker, body):
    return bytes([0xff, marker]) + struct.pack(">H", len(body) + 2) + body
j = b"\xff\xd8" + seg(0xe0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
j += seg(0xdb, b"\0" + bytes([1] * 64))
j += seg(0xc0, b"\x08" + struct.pack(">HH", 20000, 20000) + b"\x01\x01\x11\x00")
j += seg(0xc4, bytes([0x00, 1] + [0] * 15 + [0]))
j += seg(0xc4, bytes([0x10, 1] + [0] * 15 + [0]))
j += seg(0xda, b"\x01\x01\x00\x00\x3f\x00")
j += b"\0" * (335 - len(j) - 2) + b"\xff\xd9"
open(os.path.join(here, "huge-20000.jpg"), "wb").write(j)
for f in sorted(os.listdir(here)):
    print(f, os.path.getsize(os.path.join(here, f)))
