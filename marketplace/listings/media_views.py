"""Serving photo files: /media/<key>-<size>.webp.

A key is random and never reused, and its files never change, so browsers and proxies may keep
the photos everyone may see for good (`immutable`): a chair's phone on a slow connection downloads
each photo once. A draft listing's photos are its organisation's own: served only to its members
and staff (privately cached, checked again on every use), and 404 to anyone else, as if absent;
a staged photo (sent ahead of its listing form) only to the person who sent it.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, send_file
from flask_login import current_user

from marketplace import db
from marketplace.access import public
from marketplace.accounts.permissions import member_or_staff
from marketplace.listings.photos.services import photo_audience, photo_store

bp = Blueprint("media", __name__)

ONE_YEAR = 31_536_000


@bp.route("/media/<key>-<any(card, detail):size>.webp")
@public
def photo(key: str, size: str):
    audience = photo_audience(db.session, key)
    if audience is None:
        abort(404)
    # Decided before anyone is looked up: a public photo's answer is the same for every visitor.
    private_to = audience.private_to
    if private_to is not None and not member_or_staff(current_user, private_to):
        abort(404)
    if audience.uploader_only is not None:  # a staged photo: its sender's alone, not even staff's
        private_to = audience.uploader_only
        if not current_user.is_authenticated or current_user.id != audience.uploader_only:
            abort(404)
    etag = f"{key}-{size}"  # a photo's bytes never change under its key
    if request.if_none_match.contains(etag):
        # Unchanged: answered before the file is opened (from a bucket, that open is a whole GET).
        response = Response(status=304)
        response.set_etag(etag)
    else:
        file = photo_store().open(key, size)
        if file is None:
            abort(404)
        response = send_file(file, mimetype="image/webp", etag=etag, conditional=True,
                             max_age=ONE_YEAR if private_to is None else 0)
    if private_to is None:
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    else:
        # Kept by the person's own browser only, and asked again each time (a 304 when unchanged).
        response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
