"""Photo use cases: adding (checked, re-encoded, stored), deleting and ordering the photos of a
listing or an organisation page, who may see one, the web upload in three steps, and the app's
photo store and limits.

Services take the session and flush, never commit. The web upload checks headers, room and the
budget (`check_uploads`, then the view commits), decodes with no transaction open
(`decode_each`), then stores the photos in a transaction of its own (`add_processed_photo`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.listings import rules
from marketplace.listings.models import Listing, Photo, StagedPhoto
from marketplace.listings.photos.budget import claim_upload_budget
from marketplace.listings.photos.checks import (
    DEFAULT_LIMITS,
    PhotoLimits,
    PhotoRejected,
    apply_pillow_limit,
    inspect_photo,
    rejection_message,
)
from marketplace.listings.photos.decoding import ProcessedImage, process_image
from marketplace.listings.photos.storage import (
    PhotoStore,
    delete_quietly,
    make_store,
    pending_files,
    save_with_files,
)
from marketplace.storage import Storage
from marketplace.vietnamese import clean

MAX_LISTING_PHOTOS = 8
MAX_ORGANIZATION_PHOTOS = 12
MAX_ALT = 200
MAX_NAME = 80  # of a file name quoted in a message


# --- the app's store and limits -----------------------------------------------------------------

def init_app(app: Flask, storage: Storage | None) -> None:
    """`storage` is the app's (marketplace.storage); None (UPLOAD_DIR=memory://) keeps photos in memory."""
    app.extensions["photo_store"] = make_store(storage)
    limits = PhotoLimits.from_config(app.config)
    app.extensions["photo_limits"] = limits
    apply_pillow_limit(limits)


def photo_limits() -> PhotoLimits:
    return current_app.extensions["photo_limits"]


def photo_store() -> PhotoStore:
    return current_app.extensions["photo_store"]


# --- photos of a listing or an organisation page ------------------------------------------------

def _siblings(listing: Listing | None, organization: Organization):
    if listing is not None:
        return Photo.listing_id == listing.id
    return (Photo.organization_id == organization.id) & Photo.listing_id.is_(None)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, fields={"photos": [message]})


def _next_position(db: Session, organization: Organization, listing: Listing | None, adding: int = 1) -> int:
    """Lock the parent row (PostgreSQL; SQLite's writes are serialised anyway), so that two uploads
    at once cannot both pass the limit; refuse when `adding` more would not fit."""
    if listing is not None and listing.organization_id != organization.id:
        raise PermissionDenied(_("You do not have permission to do that."))
    if listing is not None:
        db.execute(select(Listing.id).where(Listing.id == listing.id).with_for_update())
    else:
        db.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    count, last = db.execute(
        select(func.count(Photo.id), func.max(Photo.position)).where(_siblings(listing, organization))
    ).one()
    if listing is not None and count + adding > MAX_LISTING_PHOTOS:
        raise _refuse(_("A listing can have at most %(n)d photos.", n=MAX_LISTING_PHOTOS))
    if listing is None and count + adding > MAX_ORGANIZATION_PHOTOS:
        raise _refuse(_("An organisation page can have at most %(n)d photos.", n=MAX_ORGANIZATION_PHOTOS))
    return 0 if last is None else last + 1


@dataclass(frozen=True)
class PhotoAudience:
    private_to: int | None  # the organisation whose members (and staff) alone may see it; None: anyone
    uploader_only: int | None = None  # a staged photo: the one user who sent it, and nobody else


def photo_audience(db: Session, key: str) -> PhotoAudience | None:
    """Who may see the photo with this key (None: there is no such photo). An organisation page's
    photos and those of listings anyone may see are public; a draft listing's are not; a staged
    photo (not yet on any listing) is its uploader's alone."""
    row = db.execute(select(Photo.organization_id, Listing.status)
                     .outerjoin(Listing, Listing.id == Photo.listing_id).where(Photo.key == key)).first()
    if row is None:
        uploader = db.scalar(select(StagedPhoto.user_id).where(StagedPhoto.key == key))
        return None if uploader is None else PhotoAudience(private_to=None, uploader_only=uploader)
    organization_id, status = row
    public = status is None or rules.shown_to_everyone(status)
    return PhotoAudience(private_to=None if public else organization_id)


def add_photo(db: Session, store: PhotoStore, *, organization: Organization, listing: Listing | None = None,
              data: bytes, alt: str = "", user: User | None = None,
              limits: PhotoLimits = DEFAULT_LIMITS) -> Photo:
    """Check, re-encode and store an upload as the last photo of a listing or an organisation page,
    all inside the caller's transaction (the demo, tests). The web upload decodes with no
    transaction open instead: `check_uploads`, `decode_each`, then `add_processed_photo`."""
    _next_position(db, organization, listing)  # a full listing is refused before any decoding
    try:
        processed = process_image(data, limits)
    except PhotoRejected as error:
        raise _refuse(rejection_message(error)) from error
    return add_processed_photo(db, store, organization=organization, listing=listing, processed=processed,
                               alt=alt, user=user)


def add_processed_photo(db: Session, store: PhotoStore, *, organization: Organization,
                        listing: Listing | None = None, processed: ProcessedImage, alt: str = "",
                        user: User | None = None) -> Photo:
    """Store an already re-encoded photo as the last of a listing or an organisation page."""
    position = _next_position(db, organization, listing)
    key = secrets.token_urlsafe(16)
    photo = Photo(organization_id=organization.id, listing_id=listing.id if listing is not None else None,
                  key=key, width=processed.width, height=processed.height,
                  position=position, alt=clean(alt)[:MAX_ALT],
                  uploaded_by_id=user.id if user is not None else None)
    save_with_files(db, store, key, processed.renditions, photo)
    if listing is not None and "photos" in listing.__dict__:
        listing.photos.append(photo)  # keep an already loaded collection current
    return photo


def attach_staged(db: Session, *, organization: Organization, listing: Listing,
                  staged: Sequence[StagedPhoto], alt: str = "", user: User | None = None) -> list[Photo]:
    """Make these staged photos (already checked to be `user`'s own: `staging.staged_photos`) the
    last photos of the listing: same key, same files, so nothing is sent or decoded again."""
    if not staged:
        return []
    position = _next_position(db, organization, listing, adding=len(staged))
    attached = []
    for offset, waiting in enumerate(staged):
        photo = Photo(organization_id=organization.id, listing_id=listing.id, key=waiting.key,
                      width=waiting.width, height=waiting.height, position=position + offset,
                      alt=clean(alt)[:MAX_ALT], uploaded_by_id=user.id if user is not None else None)
        db.delete(waiting)
        db.flush()  # the staged row goes first: the job that forgets staged photos checks photo keys
        db.add(photo)
        attached.append(photo)
    db.flush()
    if "photos" in listing.__dict__:
        listing.photos.extend(attached)
    return attached


def delete_photo(db: Session, store: PhotoStore, photo: Photo) -> None:
    """Delete the row now; the files go once that is committed (a rollback keeps the photo whole)."""
    key = photo.key
    if photo.listing is not None and "photos" in photo.listing.__dict__:
        photo.listing.photos.remove(photo)
    db.delete(photo)
    db.flush()
    pending = pending_files(db, store)
    if key in pending.added:  # added and deleted in one transaction: nothing to keep
        pending.added.remove(key)
        delete_quietly(store, [key])
    else:
        pending.removed.append(key)


def reorder(db: Session, *, organization: Organization, listing: Listing | None = None,
            photo_ids: Sequence[int]) -> list[Photo]:
    """Put these photos first, in this order; the others keep their order after them.

    Ids that are not photos of this listing (or page) are ignored: a form that is a little out of
    date (a photo deleted in another tab) still works.
    """
    photos = list(db.scalars(select(Photo).where(_siblings(listing, organization))
                             .order_by(Photo.position, Photo.id)))
    by_id = {photo.id: photo for photo in photos}
    chosen: list[Photo] = []
    for photo_id in photo_ids:
        photo = by_id.pop(photo_id, None)
        if photo is not None:
            chosen.append(photo)
    ordered = chosen + [photo for photo in photos if photo.id in by_id]
    for position, photo in enumerate(ordered):
        photo.position = position
    db.flush()
    if listing is not None and "photos" in listing.__dict__:
        listing.photos.sort(key=lambda photo: photo.position)
    return ordered


# --- the web upload: check and claim, decode with no transaction open, then store ---------------

@dataclass(frozen=True)
class Upload:
    name: str  # as the person's device named it, cleaned: for messages only
    data: bytes


def read_uploads(files, limits: PhotoLimits = DEFAULT_LIMITS) -> list[Upload]:
    """The photos picked in a form (werkzeug FileStorage objects; empty inputs skipped)."""
    uploads = []
    for upload in files or []:
        if not upload or not upload.filename:
            continue
        data = upload.stream.read(limits.max_bytes + 1)  # one byte over is enough to refuse it
        uploads.append(Upload(clean(upload.filename)[:MAX_NAME], data))
    return uploads


def _named(upload: Upload, error: PhotoRejected) -> str:
    return _("“%(name)s”: %(problem)s", name=upload.name, problem=rejection_message(error))


def _refuse_all(messages: list[str]) -> ValidationError:
    return ValidationError(" ".join(messages), fields={"photos": messages})


def check_uploads(db: Session, uploads: Sequence[Upload], *, organization: Organization | None,
                  listing: Listing | None, user: User, now: datetime, per_hour: int,
                  limits: PhotoLimits = DEFAULT_LIMITS, kept: int = 0) -> None:
    """Everything that can be known before decoding: each photo's header, room on the listing (with
    `kept` photos the form already carries), and the user's hourly budget, which is claimed here
    (commit it before decoding). Raises ValidationError naming every refused photo; nothing is
    claimed then."""
    problems = []
    for upload in uploads:
        try:
            inspect_photo(upload.data, limits)
        except PhotoRejected as error:
            problems.append(_named(upload, error))
    if problems:
        raise _refuse_all(problems)
    if listing is not None and organization is not None:
        _next_position(db, organization, listing, adding=len(uploads) + kept)
    elif len(uploads) + kept > MAX_LISTING_PHOTOS:
        raise _refuse(_("A listing can have at most %(n)d photos.", n=MAX_LISTING_PHOTOS))
    claim_upload_budget(db, user, len(uploads), now=now, per_hour=per_hour)


def decode_each(uploads: Sequence[Upload], limits: PhotoLimits = DEFAULT_LIMITS,
                ) -> tuple[list[ProcessedImage], list[str]]:
    """Decode and re-encode every photo that can be (no database here: call it with no transaction
    open); the others are named in the messages, so that the good ones need not be sent again."""
    processed, problems = [], []
    for upload in uploads:
        try:
            processed.append(process_image(upload.data, limits))
        except PhotoRejected as error:
            problems.append(_named(upload, error))
    return processed, problems
