"""process_image: what is accepted, what is refused (and why), and what comes out.

Every image here is made up in memory. Refusals must be PhotoRejected with the right key and
nothing else; accepted photos come out as metadata-free, upright, RGB WebP, never upscaled.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pillow_heif
import pillow_heif.as_plugin
import pytest
from PIL import Image, ImageCms, ImageFile, WebPImagePlugin

from marketplace.listings.photos import checks as photos
from marketplace.listings.photos.checks import (
    DEFAULT_LIMITS,
    MAX_UPLOAD_BYTES,
    PHOTO_MESSAGES,
    PhotoLimits,
    PhotoRejected,
    inspect_photo,
)
from marketplace.listings.photos.decoding import SIZES, process_image
from tests.images import big_png, image_bytes, jpeg_claiming, noise

# An 800×600 HEIC (HEVC) photo, red on the left and blue on the right, with made-up EXIF (a
# description and a GPS position), 2.5 KB. Made once with pillow-heif's x265 encoder:
#   image.save(out, format="HEIF", quality=60, exif=exif.tobytes(), enc_params={"preset": "medium"})
# so that HEIC decoding is tested whether or not this machine's libheif can encode.
HEIC_SAMPLE = Path(__file__).resolve().parents[2] / "data" / "two-halves.heic"

RED, BLUE = (220, 20, 20), (20, 20, 220)
SECRETS = (b"SECRET-DESCRIPTION", b"SECRET-COMMENT", b"SECRET-XMP", b"Canon-SECRET")


def _two_halves(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Red on the left, blue on the right: shows which way a photo was turned."""
    image = Image.new(mode, (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image


def _phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x010E] = "SECRET-DESCRIPTION"
    exif[0x010F] = "Canon-SECRET"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (10.0, 27.0, 30.0), 3: "E", 4: (105.0, 38.0, 1.0)})
    return exif


def _refused(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> str:
    with pytest.raises(PhotoRejected) as caught:
        process_image(data, limits)
    assert caught.value.key in PHOTO_MESSAGES
    return caught.value.key


@pytest.fixture
def nothing_decoded(monkeypatch):
    """Fail the test if any pixel is decoded: refusals from the header must never get that far."""
    def no_decoding(self, *args, **kwargs):
        raise AssertionError(f"{self.format} pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(WebPImagePlugin.WebPImageFile, "load", no_decoding)
    monkeypatch.setattr(pillow_heif.as_plugin._LibHeifImageFile, "load", no_decoding)


def _open_webp(data: bytes) -> Image.Image:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    image.load()
    return image


def _assert_no_metadata(data: bytes) -> None:
    image = _open_webp(data)
    assert not image.getexif()
    assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    # The RIFF chunks a WebP keeps metadata in, and the made-up secrets, are not in the bytes.
    for chunk in (b"EXIF", b"XMP ", b"ICCP", *SECRETS):
        assert chunk not in data


# --- accepted -----------------------------------------------------------------------------------

def test_jpeg_from_a_phone_is_turned_upright_and_loses_exif_and_gps():
    original = _two_halves(600, 400)
    data = image_bytes(original, "JPEG", quality=92, exif=_phone_exif(), comment=b"SECRET-COMMENT",
                 xmp=b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>")
    assert b"SECRET-DESCRIPTION" in data  # the input really carries them

    result = process_image(data)

    assert set(result.renditions) == {"card", "detail"}
    assert (result.width, result.height) == (400, 600)  # turned: portrait now, not upscaled
    detail = _open_webp(result.renditions["detail"])
    assert detail.size == (400, 600)
    assert detail.mode == "RGB"
    # Orientation 6 turns the image clockwise: the left (red) half ends up on top.
    top, bottom = detail.getpixel((200, 100)), detail.getpixel((200, 500))
    assert top[0] > 150 and top[2] < 100, top
    assert bottom[2] > 150 and bottom[0] < 100, bottom
    card = _open_webp(result.renditions["card"])
    assert card.size == (400, 600)  # narrower than 480 already: kept
    for rendition in result.renditions.values():
        _assert_no_metadata(rendition)


def test_large_photo_is_scaled_to_each_width():
    result = process_image(image_bytes(_two_halves(4000, 3000), "JPEG", quality=85))
    assert (result.width, result.height) == (1280, 960)
    assert _open_webp(result.renditions["detail"]).size == (1280, 960)
    assert _open_webp(result.renditions["card"]).size == (480, 360)


def test_small_photo_is_never_upscaled():
    result = process_image(image_bytes(_two_halves(200, 100), "PNG"))
    assert (result.width, result.height) == (200, 100)
    for name in SIZES:
        assert _open_webp(result.renditions[name]).size == (200, 100)


def test_png_with_alpha_is_flattened_on_white():
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))  # transparent black
    image.paste((20, 160, 20, 255), (0, 0, 150, 200))  # opaque green on the left
    result = process_image(image_bytes(image, "PNG"))
    detail = _open_webp(result.renditions["detail"])
    assert detail.mode == "RGB"
    assert all(channel > 240 for channel in detail.getpixel((250, 100)))  # white, not black
    green = detail.getpixel((50, 100))
    assert green[1] > 120 and green[0] < 80
    _assert_no_metadata(result.renditions["detail"])


def test_palette_png_with_transparency_is_flattened_on_white():
    image = Image.new("P", (100, 100), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 50, 100))
    result = process_image(image_bytes(image, "PNG", transparency=0))
    detail = _open_webp(result.renditions["detail"])
    assert all(channel > 240 for channel in detail.getpixel((75, 50)))


def test_16_bit_grey_png_is_accepted():
    image = Image.new("I;16", (64, 64), 65535)
    result = process_image(image_bytes(image, "PNG"))
    assert all(channel > 240 for channel in _open_webp(result.renditions["card"]).getpixel((10, 10)))


def test_webp_is_accepted_and_re_encoded():
    data = image_bytes(_two_halves(2000, 1000), "WEBP", quality=90, exif=_phone_exif())
    result = process_image(data)
    assert (result.width, result.height) == (1000, 2000)  # WebP's EXIF orientation counts too
    assert _open_webp(result.renditions["card"]).size == (480, 960)
    for rendition in result.renditions.values():
        _assert_no_metadata(rendition)


def test_heic_sample_is_a_real_heic_with_gps():
    data = HEIC_SAMPLE.read_bytes()
    assert data[4:12] == b"ftypheic" and len(data) < 10_000
    assert b"SECRET-DESCRIPTION" in data
    assert inspect_photo(data) == photos.PhotoHeader("HEIF", 800, 600)


def test_heic_is_accepted_and_loses_its_exif():
    result = process_image(HEIC_SAMPLE.read_bytes())
    assert (result.width, result.height) == (800, 600)
    detail = _open_webp(result.renditions["detail"])
    assert detail.getpixel((100, 300))[0] > 150 and detail.getpixel((700, 300))[2] > 150
    assert _open_webp(result.renditions["card"]).size == (480, 360)
    for rendition in result.renditions.values():
        _assert_no_metadata(rendition)


def test_android_multi_picture_jpeg_is_accepted():
    # Many Android cameras write MPO: a JPEG with a second picture inside. Pillow calls it "MPO".
    data = image_bytes(_two_halves(600, 400), "MPO", save_all=True, append_images=[_two_halves(160, 120)])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    result = process_image(data)
    assert (result.width, result.height) == (600, 400)


def test_cmyk_jpeg_becomes_rgb():
    result = process_image(image_bytes(Image.new("CMYK", (100, 100), (0, 255, 255, 0)), "JPEG"))
    detail = _open_webp(result.renditions["detail"])
    assert detail.mode == "RGB" and detail.getpixel((50, 50))[0] > 200


def test_colour_profile_is_applied_and_not_kept():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = image_bytes(_two_halves(300, 200), "JPEG", icc_profile=srgb)
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")
    result = process_image(data)
    _assert_no_metadata(result.renditions["detail"])


def test_broken_colour_profile_does_not_refuse_the_photo():
    result = process_image(image_bytes(_two_halves(300, 200), "PNG", icc_profile=b"not a profile at all"))
    _assert_no_metadata(result.renditions["detail"])


# --- refused ------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    pytest.param(b"<script>alert('xss')</script>", id="script-renamed-jpg"),
    pytest.param(b"<!doctype html><html><body><script src=//evil.example/x.js></script>", id="html"),
    pytest.param(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                 b'<script>alert(1)</script><rect width="10" height="10"/></svg>', id="svg"),
    pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
                 id="pdf"),
    pytest.param(b"\x00" * 1000, id="zeros"),
    pytest.param(b"", id="empty"),
])
def test_what_is_not_a_photo_is_refused(data):
    assert _refused(data) == "not_a_photo"


def test_html_behind_a_jpeg_signature_is_refused_as_damaged():
    # It starts like a JPEG, so it is a broken JPEG rather than "not a photo"; refused either way.
    assert _refused(b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>") == "damaged"


def test_gif_is_refused():
    assert _refused(image_bytes(_two_halves(50, 50), "GIF")) == "not_a_photo"
    frames = [_two_halves(50, 50), noise(50, 50)]
    assert _refused(image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:])) == "not_a_photo"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animations_are_refused(fmt):
    frames = [_two_halves(50, 50), noise(50, 50)]
    data = image_bytes(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(data)).is_animated
    assert _refused(data) == "not_a_photo"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_refused(fmt):
    assert _refused(image_bytes(_two_halves(32, 32), fmt)) == "not_a_photo"


def test_20000_by_20000_png_is_refused_from_its_header(nothing_decoded):
    data = big_png(20_000, 20_000)
    assert len(data) < 200_000
    # Decoding 400 million pixels would take seconds and gigabytes; the header says enough.
    assert _refused(data) == "too_many_pixels"


def test_the_6300_by_6300_png_of_the_attack_is_refused_from_its_header(nothing_decoded):
    """Issue #14: 8 such PNGs (116 KB each) cost 22–56 s of CPU and ~500 MB."""
    with pytest.raises(PhotoRejected) as caught:
        inspect_photo(big_png(6300, 6300))
    assert caught.value.key == "too_many_pixels"
    assert (caught.value.pixels, caught.value.limit, caught.value.format) == (6300 * 6300, 25_000_000, "PNG")


@pytest.mark.parametrize(("width", "height", "key"), [
    (7_000, 6_000, "too_many_pixels"),  # 42 MP PNG: above the PNG cap, below the camera cap
    (10_001, 100, "side_too_long"),  # few pixels, one side too long
    (100, 10_001, "side_too_long"),
])
def test_too_many_pixels_or_too_long_a_side_is_refused(width, height, key, nothing_decoded):
    assert _refused(big_png(width, height)) == key


@pytest.mark.parametrize(("width", "height"), [(4032, 3024), (8000, 6000), (8064, 6048), (8160, 6120)])
def test_phone_sizes_pass_the_header_check(width, height, nothing_decoded):
    """12, 48 and 50 MP phones; the JPEG header is made to claim the size (nothing is decoded)."""
    assert inspect_photo(jpeg_claiming(width, height)) == photos.PhotoHeader("JPEG", width, height)


def test_a_jpeg_above_the_camera_cap_is_refused_from_its_header(nothing_decoded):
    with pytest.raises(PhotoRejected) as caught:
        inspect_photo(jpeg_claiming(9248, 6936))  # a 64 MP sensor at full size
    assert caught.value.key == "too_many_pixels" and caught.value.limit == 52_000_000


def test_jpeg_claiming_a_huge_size_is_refused_before_decoding(nothing_decoded):
    assert _refused(jpeg_claiming(20_000, 20_000)) == "too_many_pixels"


def test_heic_is_held_to_the_camera_cap_from_its_header(nothing_decoded):
    small_cap = PhotoLimits(max_pixels=400_000, max_pixels_png_webp=10_000_000)
    with pytest.raises(PhotoRejected) as caught:
        inspect_photo(HEIC_SAMPLE.read_bytes(), small_cap)
    assert (caught.value.key, caught.value.format, caught.value.pixels) == ("too_many_pixels", "HEIF", 480_000)


def test_a_50_megapixel_jpeg_is_accepted_and_decoded_at_a_reduced_scale(monkeypatch):
    data = image_bytes(Image.new("L", (8160, 6120), 128), "JPEG", quality=80)
    decoded_sizes = []
    real_load = ImageFile.ImageFile.load

    def load(self):
        decoded_sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    result = process_image(data)
    assert (result.width, result.height) == (1280, 960)
    assert decoded_sizes[0] == (2040, 1530)  # libjpeg's 1/4 scale: a sixteenth of the pixels


def test_an_exif_turned_photo_is_shrunk_to_its_upright_width():
    image = _two_halves(3000, 2000)  # stored landscape, shown portrait (orientation 6)
    result = process_image(image_bytes(image, "PNG", exif=_phone_exif()))
    assert (result.width, result.height) == (1280, 1920)
    detail = _open_webp(result.renditions["detail"])
    assert detail.getpixel((640, 300))[0] > 150 and detail.getpixel((640, 1600))[2] > 150


def test_largest_accepted_side_is_fine():
    result = process_image(big_png(10_000, 40))
    assert (result.width, result.height) == (1280, 5)


def test_over_10_mb_is_refused_without_looking_inside():
    jpeg = image_bytes(_two_halves(100, 100), "JPEG")
    data = jpeg + b"\x00" * (11 * 1024 * 1024 - len(jpeg))
    assert _refused(data) == "too_large"
    assert _refused(b"\x00" * (MAX_UPLOAD_BYTES + 1)) == "too_large"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_file_is_refused(fmt):
    data = image_bytes(noise(400, 300), fmt, quality=90) if fmt != "PNG" else image_bytes(noise(400, 300), fmt)
    assert _refused(data[: len(data) // 2]) == "damaged"


def test_truncated_heic_is_refused():
    data = HEIC_SAMPLE.read_bytes()
    assert _refused(data[: len(data) // 2]) in {"damaged", "not_a_photo"}


def test_truncated_images_are_not_loaded_anywhere():
    # The truncation check depends on this global staying off (the default).
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_corrupted_bytes_give_only_photo_rejected(fmt):
    original = HEIC_SAMPLE.read_bytes() if fmt == "HEIF" else image_bytes(noise(120, 90), fmt)
    rng = random.Random(fmt)  # noqa: S311 - repeatable corruption, not secrets
    for _ in range(40):
        data = bytearray(original)
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            result = process_image(bytes(data))
        except PhotoRejected as error:
            assert error.key in PHOTO_MESSAGES
        else:
            _open_webp(result.renditions["detail"])


def test_every_refusal_has_a_message():
    assert set(PHOTO_MESSAGES) == {"not_a_photo", "too_large", "too_many_pixels", "side_too_long", "damaged"}
    assert photos.MAX_UPLOAD_BYTES == 10 * 1024 * 1024
