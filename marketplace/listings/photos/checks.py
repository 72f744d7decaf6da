"""Whether an upload is a photo we accept, from its header alone: format, bytes, pixels, sides.

Pure (no Flask, no database). `open_photo` identifies the file without decoding a pixel
(Pillow's `Image.open` is lazy) and refuses what is not a photo we accept or has more pixels
than `PhotoLimits` allow; decoding.py decodes only what it returns. Refusals are
`PhotoRejected(key, …)`, put into words by `rejection_message`.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import pillow_heif
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from marketplace import formatting

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# The only decoders Pillow may even try: GIF, SVG (Pillow has none), PDF, TIFF, BMP, PSD… are
# never parsed. MPO is how Pillow names the JPEGs many Android cameras write (JPEG plus a
# multi-picture index); Pillow's JPEG opener returns it, so it needs no entry of its own here.
DECODERS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
# What cameras write. JPEG is decoded at a reduced scale, so even a 50 MP one costs little; HEIC is
# decoded in full. PNG and WebP are screenshots and edited pictures, decoded in full: a flat-colour
# PNG holds 40 megapixels in 116 KB, so they have a cap of their own.
CAMERA_FORMATS = frozenset({"JPEG", "MPO", "HEIF"})

# Depth maps, thumbnails and auxiliary images of HEIC files are never used: don't parse them.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


@dataclass(frozen=True)
class PhotoLimits:
    """How large a photo may be. Defaults: 12, 48 and 50 MP phone photos (JPEG or HEIC) pass;
    decompression bombs and 6300×6300 PNGs are refused from their header."""

    max_pixels: int = 52_000_000  # JPEG and HEIC (camera photos)
    max_pixels_png_webp: int = 25_000_000  # PNG and WebP, always decoded in full
    max_side: int = 10_000
    max_bytes: int = MAX_UPLOAD_BYTES

    @classmethod
    def from_config(cls, config: Mapping) -> PhotoLimits:
        return cls(max_pixels=round(config["PHOTO_MAX_MEGAPIXELS"] * 1_000_000),
                   max_pixels_png_webp=round(config["PHOTO_MAX_MEGAPIXELS_PNG_WEBP"] * 1_000_000))

    def pixel_cap(self, fmt: str) -> int:
        return self.max_pixels if fmt in CAMERA_FORMATS else self.max_pixels_png_webp

    @property
    def largest(self) -> int:
        return max(self.max_pixels, self.max_pixels_png_webp)


DEFAULT_LIMITS = PhotoLimits()


def apply_pillow_limit(limits: PhotoLimits) -> None:
    """Pillow's own guard (a warning above MAX_IMAGE_PIXELS, an error above twice that, both in
    Image.open) set to the largest photo we accept: it never refuses one we would take, and still
    stops a bomb in any other Pillow path. `inspect_photo` applies the exact, per-format caps."""
    Image.MAX_IMAGE_PIXELS = limits.largest


apply_pillow_limit(DEFAULT_LIMITS)


class PhotoRejected(Exception):
    """The upload is not a photo we accept; `key` is one of PHOTO_MESSAGES. For too many pixels,
    `pixels` and `limit` say how many it has and how many its format may have."""

    def __init__(self, key: str, *, pixels: int | None = None, limit: int | None = None,
                 fmt: str | None = None):
        super().__init__(key)
        self.key = key
        self.pixels = pixels
        self.limit = limit
        self.format = fmt


PHOTO_MESSAGES = {
    "not_a_photo": _l("This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."),
    "too_large": _l("The photo is too large (at most 10 MB)."),
    "too_many_pixels": _l("The photo has too many pixels."),
    "side_too_long": _l("The photo is too long or too tall (at most 10,000 pixels a side)."),
    "damaged": _l("The photo file is damaged or incomplete."),
}


def rejection_message(error: PhotoRejected) -> str:
    """What to tell the person, with the figures when there are any."""
    if error.key == "too_many_pixels" and error.pixels and error.limit:
        found = formatting.number(round(error.pixels / 1_000_000, 1))
        limit = formatting.number(round(error.limit / 1_000_000, 1))
        if error.format in CAMERA_FORMATS:
            return _("The photo has %(found)s megapixels; we take at most %(limit)s. Take it at your "
                     "phone's usual size, or make it smaller.", found=found, limit=limit)
        return _("This PNG or WebP picture has %(found)s megapixels; we take at most %(limit)s for PNG "
                 "and WebP. Send it as a JPEG photo, or make it smaller.", found=found, limit=limit)
    return str(PHOTO_MESSAGES[error.key])


@dataclass(frozen=True)
class PhotoHeader:
    format: str
    width: int
    height: int


def inspect_photo(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> PhotoHeader:
    """Check an upload from its header alone, decoding nothing; raise PhotoRejected otherwise."""
    image = open_photo(data, limits)
    try:
        return PhotoHeader(image.format, image.width, image.height)
    finally:
        image.close()


def open_photo(data: bytes, limits: PhotoLimits) -> Image.Image:
    """Identify the format and size from the header; nothing is decoded yet (Image.open is lazy)."""
    if len(data) > limits.max_bytes:
        raise PhotoRejected("too_large")
    if not data:
        raise PhotoRejected("not_a_photo")
    try:
        image = Image.open(io.BytesIO(data), formats=DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # the warning if made an error
        raise PhotoRejected("too_many_pixels") from None
    except UnidentifiedImageError:
        raise PhotoRejected("not_a_photo") from None
    except Exception as error:  # a header that crashes a parser is a damaged file, whatever it raises
        log.info("photo header unreadable: %r", error)
        raise PhotoRejected("damaged") from None
    try:
        _check_header(image, limits)
    except PhotoRejected:
        image.close()
        raise
    return image


def _check_header(image: Image.Image, limits: PhotoLimits) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoRejected("not_a_photo")
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoRejected("damaged")
    cap = limits.pixel_cap(image.format)
    if width * height > cap:
        raise PhotoRejected("too_many_pixels", pixels=width * height, limit=cap, fmt=image.format)
    if max(width, height) > limits.max_side:
        raise PhotoRejected("side_too_long")
    # Animated PNG and WebP are not photos. Multi-frame JPEG (MPO) and HEIF are: we take the
    # first, primary, image.
    if image.format in {"PNG", "WEBP"} and getattr(image, "is_animated", False):
        raise PhotoRejected("not_a_photo")
