"""The worker's job for staged photos: those never attached go once their time is up."""

from __future__ import annotations

from flask import Flask

from marketplace import db, worker
from marketplace.db import utcnow
from marketplace.listings.photos import services, staging
from marketplace.listings.photos.storage import delete_quietly

FORGET_EVERY = 900.0  # seconds


def forget_expired_staged_photos() -> int:
    keys = staging.forget_expired(db.session, utcnow())
    db.session.commit()
    delete_quietly(services.photo_store(), keys)  # files only once no row can point at them
    return len(keys)


def init_app(app: Flask) -> None:
    worker.register(app, "staged photos", forget_expired_staged_photos, every=FORGET_EVERY, order=85)
