"""Decoding an accepted photo and re-encoding it as WebP renditions with no metadata.

Pure (no Flask, no database). JPEG is decoded at a reduced scale (libjpeg's 1/2, 1/4, 1/8), the
others in full and shrunk before anything else is done with them; the photo is turned upright,
brought to sRGB and flattened on white, and nothing of the original's metadata travels (a
phone's EXIF carries the farm's GPS position). Refusals are checks.PhotoRejected.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageCms

from marketplace.listings.photos.checks import DEFAULT_LIMITS, PhotoLimits, PhotoRejected, open_photo

log = logging.getLogger(__name__)

# size name → largest width; never upscaled.
SIZES: dict[str, int] = {"card": 480, "detail": 1280}
WEBP_QUALITY = 80

_TRANSPOSE = {  # EXIF orientation → the turn that shows the photo upright (as ImageOps.exif_transpose)
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class ProcessedImage:
    renditions: dict[str, bytes]  # size name → WebP bytes
    width: int  # of the "detail" rendition
    height: int


def process_image(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> ProcessedImage:
    """Check an upload from its content alone and re-encode it; raise PhotoRejected otherwise."""
    image = open_photo(data, limits)
    try:
        return _renditions(_decode(image))
    finally:
        image.close()


def _decode(image: Image.Image) -> Image.Image:
    """Decode every pixel (a truncated file fails here), upright, in sRGB RGB, at most the detail
    width: shrunk first, so that turning, colour conversion and flattening work on few pixels."""
    detail = SIZES["detail"]
    try:
        if image.format in {"JPEG", "MPO"}:
            # libjpeg can decode at 1/2, 1/4 or 1/8 scale, still reading the whole file; asking for
            # at least detail×detail keeps enough pixels whichever way EXIF turns the photo.
            image.draft("RGB", (detail, detail))
        image.load()
        icc_profile = image.info.get("icc_profile")
        turn = _TRANSPOSE.get(image.getexif().get(ExifTags.Base.Orientation, 1))
        small = _shrink(_resizable(image), detail, turned=turn in _SWAPS)
        if turn is not None:
            small = small.transpose(turn)
        return _flatten(_to_srgb(small, icc_profile))
    except PhotoRejected:
        raise
    except Image.DecompressionBombError:
        raise PhotoRejected("too_many_pixels") from None
    except Exception as error:  # truncated or corrupt data: OSError, SyntaxError, ValueError…
        log.info("photo data unreadable: %r", error)
        raise PhotoRejected("damaged") from None


_SWAPS = frozenset({Image.Transpose.TRANSPOSE, Image.Transpose.ROTATE_270, Image.Transpose.TRANSVERSE,
                    Image.Transpose.ROTATE_90})


def _resizable(image: Image.Image) -> Image.Image:
    """A mode Pillow resizes with a real filter: palette and 1-bit images only resize by nearest
    neighbour, and 16-bit grey is brought to 8 bits (the WebP has 8 bits anyway)."""
    if image.mode in {"I", "I;16", "I;16L", "I;16B", "I;16N"}:  # 16-bit grey PNG
        return image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode == "PA":
        return image.convert("RGBA")
    if image.mode == "1":
        return image.convert("L")
    return image


def _shrink(image: Image.Image, max_width: int, *, turned: bool) -> Image.Image:
    """At most max_width wide once upright (a photo EXIF turns a quarter has its width as height)."""
    upright_width = image.height if turned else image.width
    if upright_width <= max_width:
        return image
    scale = max_width / upright_width
    if turned:
        size = (max(1, round(image.width * scale)), max_width)
    else:
        size = (max_width, max(1, round(image.height * scale)))
    # reducing_gap: a cheap box reduction first, then Lanczos over at least 3× the target.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert from an embedded colour profile (Display P3 on iPhones) to sRGB, if we can."""
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparent areas look the same on every page and in every viewer."""
    if image.mode in {"RGBA", "LA", "La", "RGBa"}:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _renditions(image: Image.Image) -> ProcessedImage:
    renditions: dict[str, bytes] = {}
    source = image
    detail_size = image.size
    # Largest first, each made from the one before: cheaper, and just as sharp.
    for name, max_width in sorted(SIZES.items(), key=lambda item: -item[1]):
        if source.width > max_width:
            height = max(1, round(source.height * max_width / source.width))
            source = source.resize((max_width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        if name == "detail":
            detail_size = source.size
        renditions[name] = _encode_webp(source)
    return ProcessedImage(renditions=renditions, width=detail_size[0], height=detail_size[1])


def _encode_webp(image: Image.Image) -> bytes:
    # Metadata never travels: info is cleared and none is passed to the encoder.
    image.info.clear()
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4, exif=b"", xmp=b"", icc_profile=None)
    return out.getvalue()
