"""Image files for the tests, made on the spot: good ones, and hostile ones."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(width=60, height=40, image_format="PNG", colour=(30, 90, 160), **save_options):
    picture = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    picture.save(out, format=image_format, **save_options)
    return out.getvalue()


def upload(content, name="diagram.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_claiming_size(width, height):
    """A tiny PNG whose header says it is `width` x `height` pixels: a
    decompression bomb's calling card, made without the memory of one."""
    data = bytearray(image_bytes(1, 1))
    # The IHDR chunk: length (4) and type (4) at byte 8, then its data and CRC.
    start = 16
    data[start : start + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : start + 13]))
    data[start + 13 : start + 17] = struct.pack(">I", crc)
    return bytes(data)


def truncated_jpeg():
    picture = Image.effect_noise((400, 300), 60).convert("RGB")
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=90)
    whole = out.getvalue()
    return whole[: len(whole) // 2]


def jpeg_with_gps_and_rotation(width=40, height=20):
    """A photo with a GPS position, a camera name and "rotate 90°" in its EXIF."""
    exif = Image.Exif()
    exif[0x0110] = "Test camera"  # Model
    exif[0x0112] = 6  # Orientation: the camera was turned; show rotated 90° clockwise
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPSInfo
    return image_bytes(width, height, "JPEG", exif=exif.tobytes())


HTML_NAMED_PNG = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def stored_files(folder):
    """Every file under `folder`, relative to it."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
