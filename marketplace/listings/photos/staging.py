"""Staged photos: sent ahead of their listing form, kept for their uploader until the form is saved.

On a slow network a photo is the slow part of a listing: it is sent once — on its own, as soon as
it is picked (the page's script), or with a form that then had problems (no script) — re-encoded,
stored like any photo, and kept as a `StagedPhoto` of the person who sent it. The form carries its
key back (hidden `photo_token` fields); saving the listing turns it into a `Photo` with the same key
and files (`services.attach_staged`). Only the uploader sees it and only they can attach it. One
never attached goes after `STAGED_FOR` (the worker's job, `forget_expired`), and a person keeps at
most `MAX_STAGED_PER_USER` (the oldest go first). Takes the session, flushes, never commits.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.listings.models import Photo, StagedPhoto
from marketplace.listings.photos.decoding import ProcessedImage
from marketplace.listings.photos.storage import PhotoStore, pending_files, save_with_files

STAGED_FOR = timedelta(hours=12)  # a form left open over lunch, or a day in the field, still works
MAX_STAGED_PER_USER = 32  # four full listings' worth waiting at once
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def stage_photo(db: Session, store: PhotoStore, *, user: User, processed: ProcessedImage,
                now: datetime) -> StagedPhoto:
    """Store a re-encoded photo for `user`, not yet attached to anything."""
    key = secrets.token_urlsafe(16)
    staged = StagedPhoto(key=key, user_id=user.id, width=processed.width, height=processed.height,
                         created_at=now, expires_at=now + STAGED_FOR)
    save_with_files(db, store, key, processed.renditions, staged)
    _keep_the_newest(db, store, user)
    return staged


def _keep_the_newest(db: Session, store: PhotoStore, user: User) -> None:
    older = list(db.scalars(select(StagedPhoto).where(StagedPhoto.user_id == user.id)
                            .order_by(StagedPhoto.created_at.desc(), StagedPhoto.id.desc())
                            .offset(MAX_STAGED_PER_USER)))
    for staged in older:
        db.delete(staged)
        pending_files(db, store).removed.append(staged.key)
    db.flush()


def staged_photos(db: Session, user: User, keys: Iterable[str], *, now: datetime) -> list[StagedPhoto]:
    """The staged photos these keys name that are `user`'s own and not expired, in the keys' order
    (each once). Anything else — another person's key, an expired or made-up one — is left out, so
    that a form a little out of date still works and nobody can attach what they did not send."""
    wanted = list(dict.fromkeys(key for key in keys if isinstance(key, str) and _KEY.fullmatch(key)))
    if not wanted:
        return []
    found = {staged.key: staged for staged in db.scalars(
        select(StagedPhoto).where(StagedPhoto.key.in_(wanted), StagedPhoto.user_id == user.id,
                                  StagedPhoto.expires_at > now))}
    return [found[key] for key in wanted if key in found]


def discard_staged(db: Session, store: PhotoStore, staged: Sequence[StagedPhoto]) -> None:
    """The person took these photos off the form: the row now, the files once that is committed."""
    for photo in staged:
        db.delete(photo)
        pending_files(db, store).removed.append(photo.key)
    db.flush()


def forget_expired(db: Session, now: datetime) -> list[str]:
    """Delete staged photos past their time; the keys whose files may go once this is committed
    (none that a photo uses: attaching keeps the key, and a key is checked again here)."""
    keys = list(db.scalars(select(StagedPhoto.key).where(StagedPhoto.expires_at <= now)))
    if not keys:
        return []
    db.execute(delete(StagedPhoto).where(StagedPhoto.key.in_(keys)))
    in_use = set(db.scalars(select(Photo.key).where(Photo.key.in_(keys))))
    db.flush()
    return [key for key in keys if key not in in_use]
