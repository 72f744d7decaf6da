"""Images made up for photo tests: large in pixels, small in bytes and memory."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def big_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG, compressed row by row: ~50 kB and little memory, whatever its size."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + one bit per pixel
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def noise(width: int, height: int, seed: int = 1) -> Image.Image:
    rng = random.Random(seed)  # noqa: S311 - made-up pixels, not secrets
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def image_bytes(image: Image.Image, fmt: str, **params) -> bytes:
    """image encoded as fmt (JPEG, PNG, WEBP, HEIF …), with Pillow's save parameters."""
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims another size."""
    data = bytearray(image_bytes(noise(64, 48), "JPEG", quality=90))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def camera_jpeg(width: int = 4000, height: int = 3000, *, grain: float = 0.1, quality: int = 92, seed: int = 1) -> bytes:
    """A phone-camera-like JPEG, big in bytes: smooth colour fields with sensor-like grain
    (4000 × 3000: grain 0.1 at quality 92 makes about 5 MB; grain 0.45 at quality 94 just under 10 MB)."""
    base = noise(width // 10, height // 10, seed).resize((width, height), Image.Resampling.BICUBIC)
    return image_bytes(Image.blend(base, noise(width, height, seed + 1), grain), "JPEG", quality=quality)
