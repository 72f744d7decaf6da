"""Serving photo files: /media/<key>-<size>.webp, cached for a year.

A key is random and never reused, and its files never change, so browsers and proxies may keep
them for good (`immutable`): a chair's phone on a slow connection downloads each photo once.
The route reads the store only, not the database: knowing the key is what lets one see the photo.
"""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from marketplace.access import public
from marketplace.listings.photos import photo_store

bp = Blueprint("media", __name__)

ONE_YEAR = 31_536_000


@bp.route("/media/<key>-<any(card, detail):size>.webp")
@public
def photo(key: str, size: str):
    file = photo_store().open(key, size)
    if file is None:
        abort(404)
    response = send_file(file, mimetype="image/webp", etag=f"{key}-{size}", conditional=True,
                         max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
