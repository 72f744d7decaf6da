"""Photo limits as the app sees them: refusals named in the reader's language, and the limits the
app starts with (how photos are checked and decoded is unit-tested in tests/unit/listings/test_photos.py)."""

from __future__ import annotations

import pytest
from PIL import Image

from marketplace.listings.photos.checks import DEFAULT_LIMITS, PhotoRejected, inspect_photo, rejection_message
from tests.images import big_png, jpeg_claiming


def test_refusals_name_the_figures_in_vietnamese(app):
    with app.test_request_context("/"):
        with pytest.raises(PhotoRejected) as png:
            inspect_photo(big_png(6300, 6300))
        with pytest.raises(PhotoRejected) as jpeg:
            inspect_photo(jpeg_claiming(9248, 6936))
        png_message, jpeg_message = rejection_message(png.value), rejection_message(jpeg.value)
    assert "39,7" in png_message and "25" in png_message and "PNG" in png_message
    assert "64,1" in jpeg_message and "52" in jpeg_message
    assert "megapixel" in png_message and "megapixels" not in png_message  # translated


def test_pillow_s_own_limit_is_the_largest_cap(app):
    """Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that: never below our caps."""
    assert app.extensions["photo_limits"] == DEFAULT_LIMITS
    assert Image.MAX_IMAGE_PIXELS == DEFAULT_LIMITS.largest == 52_000_000
