"""No write lock while photos are decoded (issue #14: on SQLite an 8-photo upload held the write
lock for 35–56 s and an order POST failed after 30 s).

The upload runs in a thread against an app on a database of its own (SQLite file, or a PostgreSQL
schema), with the decoder held on an Event. While it is held, another connection must be able to
write: on SQLite `BEGIN IMMEDIATE` with a short timeout; on PostgreSQL `FOR UPDATE NOWAIT` on the
rows the upload locks (the user's, the listing's). Then the decoder is let go and the photo is stored.
"""

from __future__ import annotations

import io
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from marketplace import db
from marketplace.listings.models import Photo, PhotoUploadClaim
from marketplace.listings.photos import services as photos
from tests.clients import app_session, post, signed_in
from tests.database import own_database_app
from tests.factories import make_listing, make_org, make_user

HOLD = 30  # seconds any side waits for the other before the test fails


@pytest.fixture(scope="module")
def lock_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "photolock", PHOTO_UPLOADS_PER_HOUR=10) as app:
        yield app


@pytest.fixture
def held_decoder(monkeypatch):
    """process_image that says when it starts and waits to be let go."""
    started, release = threading.Event(), threading.Event()
    real = photos.process_image

    def held(data, limits=photos.DEFAULT_LIMITS):
        started.set()
        assert release.wait(HOLD), "the test never let the decoder go"
        return real(data, limits)

    monkeypatch.setattr(photos, "process_image", held)
    yield started, release
    release.set()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 140, 40)).save(out, format="JPEG")
    return out.getvalue()


def _market(app: Flask):
    with app_session(app):
        club = make_org("club", name="Hội quán khoá ghi")
        chair = make_user("seller", club)
        listing = make_listing(club)
    return chair, listing


def _upload_in_thread(app: Flask, chair, listing, photo_count: int) -> tuple[threading.Thread, list]:
    client = signed_in(app, chair)
    results: list = []

    def upload() -> None:
        try:
            response = post(client, f"/listings/{listing.id}/edit", {
                "product": "xoài", "quantity": "1000", "unit": "kg", "price_vnd": "38000",
                "available_from": listing.available_from.isoformat(),
                "available_to": listing.available_to.isoformat(),
                "photos": [(io.BytesIO(_jpeg()), f"{n}.jpg") for n in range(photo_count)],
            }, content_type="multipart/form-data")
            results.append(response.status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results.append(error)

    thread = threading.Thread(target=upload, name="photo-upload")
    thread.start()
    return thread, results


def _another_writer_gets_in(app: Flask, chair, listing) -> None:
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database, timeout=0.5, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")  # "database is locked" if the upload held the lock
            connection.execute("UPDATE listings SET description = description WHERE id = ?", (listing.id,))
            connection.execute("COMMIT")
        finally:
            connection.close()
        return
    with db.get_engine(app).connect() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '500ms'"))
        connection.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"), {"id": chair.id})
        connection.execute(text("SELECT id FROM listings WHERE id = :id FOR UPDATE NOWAIT"), {"id": listing.id})
        connection.rollback()


@contextmanager
def _upload_held_while_decoding(app: Flask, held_decoder, photo_count: int) -> Iterator[tuple]:
    """A chair uploads photo_count photos to a new listing, in a thread; the block runs while the
    decoder holds the upload (yields the chair and the listing). Then the decoder is let go, and
    the upload must have succeeded."""
    started, release = held_decoder
    chair, listing = _market(app)
    thread, results = _upload_in_thread(app, chair, listing, photo_count)
    try:
        assert started.wait(HOLD), f"the upload never reached the decoder: {results}"
        yield chair, listing
    finally:
        release.set()
        thread.join(HOLD)
    assert results == [302]


def _stored_photos(app: Flask, listing) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count(Photo.id)).where(Photo.listing_id == listing.id))


def test_another_connection_can_write_while_a_photo_is_decoded(lock_app, held_decoder):
    with _upload_held_while_decoding(lock_app, held_decoder, 1) as (chair, listing):
        _another_writer_gets_in(lock_app, chair, listing)
    assert _stored_photos(lock_app, listing) == 1


def test_the_budget_is_claimed_before_decoding_so_an_overlapping_upload_cannot_pass_it(lock_app, held_decoder):
    """Budget 10: while 8 photos are being decoded, the same chair's 3 more (another tab) are refused
    at once (and are not held up by the first upload either)."""
    with _upload_held_while_decoding(lock_app, held_decoder, 8) as (chair, listing):
        other_tab, other_results = _upload_in_thread(lock_app, chair, listing, 3)
        other_tab.join(HOLD)
        assert other_results == [422]
    assert _stored_photos(lock_app, listing) == 8
    with app_session(lock_app) as session:
        claimed = session.scalars(select(PhotoUploadClaim.photos).where(PhotoUploadClaim.user_id == chair.id))
        assert list(claimed) == [8]
