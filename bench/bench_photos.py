"""What a photo upload costs the server: CPU time and peak memory of checking and re-encoding.

Issue #14 found that 8 PNGs of 6300×6300 pixels (116 KB each, 905 KB in all) cost 22–56 s of CPU
and about 500 MB of memory. This bench makes that upload and real phone photos (12, 48 and 50
megapixel JPEG and HEIC), and runs `marketplace.listings.photos.decoding.process_image` on each
set in a fresh child process, so that the figures are that set's alone:

- CPU: user + system seconds of the child spent on the set (start-up and imports subtracted);
- peak memory: the child's peak resident set, and how much above its size after the imports.

Each photo is also checked from its header alone (`checks.inspect_photo`): what the server does
before any decoding.

    .venv/bin/python bench/bench_photos.py            # about 2 minutes (making 50 MP HEIC files is slow)
    .venv/bin/python bench/bench_photos.py --quick    # the PNG attack and 12 MP photos only

Prints a table; docs/performance.md ("Photo uploads") keeps the figures measured before and after.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def flat_rgb_png(width: int, height: int, colour=(40, 160, 60)) -> bytes:
    """One colour, RGB, compressed at deflate's limit (about 1:1000): how 116 KB hold 40 megapixels."""
    row = b"\x00" + bytes(colour) * width
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


def photo_like(width: int, height: int, seed: int = 7):
    """Smooth texture with some grain: compresses like a photo, not like a flat colour."""
    import random

    from PIL import Image, ImageFilter

    rng = random.Random(seed)  # noqa: S311 - made-up pixels
    small = Image.frombytes("RGB", (64, 48), rng.randbytes(64 * 48 * 3))
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 24).convert("RGB")
    return Image.blend(image, grain, 0.12).filter(ImageFilter.SMOOTH)


def _encode(image, fmt: str, **params) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()  # the HEIF writer
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


# x265's fastest preset: making a 50 MP sample takes seconds rather than minutes; decoding is the same.
HEIC = {"quality": 70, "enc_params": {"preset": "ultrafast"}}
SETS = {
    # name → (files, how many, description)
    "png-attack": ("8 × PNG 6300×6300 (flat colour)", lambda: [flat_rgb_png(6300, 6300)] * 8),
    "jpeg-12mp": ("8 × JPEG 4000×3000 (12 MP phone)",
                  lambda: [_encode(photo_like(4000, 3000), "JPEG", quality=90)] * 8),
    "heic-12mp": ("8 × HEIC 4032×3024 (12 MP iPhone)",
                  lambda: [_encode(photo_like(4032, 3024), "HEIF", **HEIC)] * 8),
    "jpeg-48mp": ("1 × JPEG 8000×6000 (48 MP)", lambda: [_encode(photo_like(8000, 6000), "JPEG", quality=88)]),
    "jpeg-50mp": ("1 × JPEG 8160×6120 (50 MP)", lambda: [_encode(photo_like(8160, 6120), "JPEG", quality=88)]),
    "heic-48mp": ("1 × HEIC 8064×6048 (48 MP iPhone)",
                  lambda: [_encode(photo_like(8064, 6048), "HEIF", **HEIC)]),
    "heic-50mp": ("1 × HEIC 8160×6120 (50 MP)", lambda: [_encode(photo_like(8160, 6120), "HEIF", **HEIC)]),
}
QUICK = ("png-attack", "jpeg-12mp", "heic-12mp")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    # VmHWM, not ru_maxrss: the latter keeps the peak of the parent the child was forked from.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(folder: str) -> None:
    """Process every file of a folder as one upload; print the figures as JSON."""
    import pillow_heif  # noqa: F401 - imported before measuring, as in the app

    from marketplace.listings.photos import checks, decoding

    files = sorted(Path(folder).iterdir())
    blobs = [path.read_bytes() for path in files]
    cpu_before, peak_before, wall_before = _cpu(), _peak_mb(), time.perf_counter()
    outcomes = []
    for data in blobs:
        try:
            checks.inspect_photo(data)
            result = decoding.process_image(data)
            outcomes.append(f"{result.width}×{result.height}")
        except checks.PhotoRejected as refused:
            outcomes.append(f"refused: {refused.key}")
    print(json.dumps({
        "cpu": _cpu() - cpu_before, "wall": time.perf_counter() - wall_before,
        "peak": _peak_mb(), "above": _peak_mb() - peak_before, "outcomes": outcomes,
        "bytes": sum(len(b) for b in blobs),
    }))


def run_set(name: str, cache: Path) -> dict:
    folder = cache / name
    if not folder.exists():
        _description, make = SETS[name]
        building = Path(tempfile.mkdtemp(dir=cache.parent if cache.exists() else None))
        for index, data in enumerate(make()):
            (building / f"{index:02d}").write_bytes(data)
        cache.mkdir(parents=True, exist_ok=True)
        building.rename(folder)
    output = subprocess.run([sys.executable, __file__, "--child", str(folder)], cwd=ROOT, check=True,  # noqa: S603
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "chq-bench-photos"))
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sys.path.insert(0, str(ROOT))
    cache = Path(args.cache)
    names = QUICK if args.quick else tuple(SETS)
    print(f"# {platform.python_version()}, {os.cpu_count()} CPUs, files cached in {cache}")
    print(f"| {'Upload':40} | {'bytes':>10} | {'CPU s':>6} | {'peak MB':>7} | {'+MB':>6} | outcome |")
    print(f"|{'-' * 42}|{'-' * 12}:|{'-' * 7}:|{'-' * 8}:|{'-' * 7}:|---------|")
    for name in names:
        figures = run_set(name, cache)
        outcomes = sorted(set(figures["outcomes"]))
        print(f"| {SETS[name][0]:40} | {figures['bytes']:>10,} | {figures['cpu']:6.2f} | {figures['peak']:7.0f} "
              f"| {figures['above']:6.0f} | {', '.join(outcomes)} |", flush=True)


if __name__ == "__main__":
    main()
