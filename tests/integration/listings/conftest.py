"""What the listing tests share: the app's photo store, emptied before and after each test."""

from __future__ import annotations

import pytest

from marketplace.listings.photos.storage import MemoryPhotoStore


@pytest.fixture
def store(app) -> MemoryPhotoStore:
    store = app.extensions["photo_store"]
    assert isinstance(store, MemoryPhotoStore)  # the test app runs with UPLOAD_DIR=memory://
    store.files.clear()
    yield store
    store.files.clear()
