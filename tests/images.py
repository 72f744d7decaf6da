"""Images made up for photo tests: large in pixels, small in bytes and memory."""

from __future__ import annotations

import struct
import zlib


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def big_png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG, compressed row by row: ~50 kB and little memory, whatever its size."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + one bit per pixel
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))
