"""Photos of listings and organisation pages: checking and re-encoding uploads, storing the files.

Three layers, kept apart:
- `process_image` is pure (no Flask, no database): it decides from the bytes alone whether an
  upload is a photo we accept, and re-encodes it as WebP renditions with no metadata at all
  (a phone's EXIF carries the farm's GPS position). It raises `PhotoRejected(key)`.
- `PhotoStore` keeps the files: `FilesystemPhotoStore` in UPLOAD_DIR, `MemoryPhotoStore` for tests
  (UPLOAD_DIR=memory://). Files are named `<key>-<size>.webp`; a key is never reused, so a file
  never changes and can be cached for a year.
- The services (`add_photo`, `delete_photo`, `reorder`) take the session and flush, never commit.
  Files follow the transaction: new files are removed again if it rolls back, and the files of a
  deleted photo are removed only once the deletion is committed.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

import pillow_heif
from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.listings.models import Listing, Photo
from marketplace.vietnamese import clean

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000
# size name → largest width; never upscaled.
SIZES: dict[str, int] = {"card": 480, "detail": 1280}
WEBP_QUALITY = 80
MAX_LISTING_PHOTOS = 8
MAX_ORGANIZATION_PHOTOS = 12
MAX_ALT = 200

# The only decoders Pillow may even try: GIF, SVG (Pillow has none), PDF, TIFF, BMP, PSD… are
# never parsed. MPO is how Pillow names the JPEGs many Android cameras write (JPEG plus a
# multi-picture index); Pillow's JPEG opener returns it, so it needs no entry of its own here.
DECODERS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})

# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that, in Image.open, from the header.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Depth maps, thumbnails and auxiliary images of HEIC files are never used: don't parse them.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


class PhotoRejected(Exception):
    """The upload is not a photo we accept; `key` is one of PHOTO_MESSAGES."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


PHOTO_MESSAGES = {
    "not_a_photo": _l("This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."),
    "too_large": _l("The photo is too large (at most 10 MB)."),
    "too_many_pixels": _l("The photo has too many pixels."),
    "damaged": _l("The photo file is damaged or incomplete."),
}


@dataclass(frozen=True)
class ProcessedImage:
    renditions: dict[str, bytes]  # size name → WebP bytes
    width: int  # of the "detail" rendition
    height: int


def process_image(data: bytes) -> ProcessedImage:
    """Check an upload from its content alone and re-encode it; raise PhotoRejected otherwise."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected("too_large")
    if not data:
        raise PhotoRejected("not_a_photo")
    # Image.MAX_IMAGE_PIXELS warns rather than refuses between 1× and 2×: make that an error too.
    # The explicit size check below is the guard that matters (catch_warnings is process-wide).
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data)
        try:
            return _renditions(_decode(image))
        finally:
            image.close()


def _open(data: bytes) -> Image.Image:
    """Identify the format from the header; nothing is decoded yet (Image.open is lazy)."""
    try:
        image = Image.open(io.BytesIO(data), formats=DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("too_many_pixels") from None
    except UnidentifiedImageError:
        raise PhotoRejected("not_a_photo") from None
    except Exception as error:  # a header that crashes a parser is a damaged file, whatever it raises
        log.info("photo header unreadable: %r", error)
        raise PhotoRejected("damaged") from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise PhotoRejected("not_a_photo")
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise PhotoRejected("damaged")
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        image.close()
        raise PhotoRejected("too_many_pixels")
    # Animated PNG and WebP are not photos. Multi-frame JPEG (MPO) and HEIF are: we take the
    # first, primary, image.
    if image.format in {"PNG", "WEBP"} and getattr(image, "is_animated", False):
        image.close()
        raise PhotoRejected("not_a_photo")
    return image


def _decode(image: Image.Image) -> Image.Image:
    """Decode every pixel (a truncated file fails here), upright and in sRGB RGB."""
    detail = SIZES["detail"]
    try:
        if image.format in {"JPEG", "MPO"}:
            # libjpeg can decode at 1/2, 1/4 or 1/8 scale, still reading the whole file; asking for
            # at least detail×detail keeps enough pixels whichever way EXIF turns the photo.
            image.draft("RGB", (detail, detail))
        image.load()
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        return _flatten(_to_srgb(upright, icc_profile))
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("too_many_pixels") from None
    except Exception as error:  # truncated or corrupt data: OSError, SyntaxError, ValueError…
        log.info("photo data unreadable: %r", error)
        raise PhotoRejected("damaged") from None


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
    if image.mode in {"I", "I;16", "I;16L", "I;16B", "I;16N"}:  # 16-bit grey PNG
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in {"RGBA", "LA", "PA", "La", "RGBa"}:
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


# --- storage ------------------------------------------------------------------------------------

_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _check_name(key: str, size_name: str) -> bool:
    return bool(_KEY.fullmatch(key)) and size_name in SIZES


class PhotoStore(Protocol):
    def save(self, key: str, size_name: str, data: bytes) -> None: ...
    def open(self, key: str, size_name: str) -> BinaryIO | None: ...
    def delete(self, key: str) -> None: ...


class FilesystemPhotoStore:
    """Files under root/<first two characters of the key>/<key>-<size>.webp."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def path(self, key: str, size_name: str) -> Path | None:
        if not _check_name(key, size_name):
            return None
        return self.root / key[:2] / f"{key}-{size_name}.webp"

    def save(self, key: str, size_name: str, data: bytes) -> None:
        target = self.path(key, size_name)
        if target is None:
            raise ValueError(f"bad photo file name {key!r} {size_name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never gets half a file.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str, size_name: str) -> BinaryIO | None:
        target = self.path(key, size_name)
        if target is None:
            return None
        try:
            return open(target, "rb")  # the response closes it
        except (FileNotFoundError, NotADirectoryError):
            return None

    def delete(self, key: str) -> None:
        for size_name in SIZES:
            target = self.path(key, size_name)
            if target is not None:
                target.unlink(missing_ok=True)


class MemoryPhotoStore:
    def __init__(self) -> None:
        self.files: dict[tuple[str, str], bytes] = {}

    def save(self, key: str, size_name: str, data: bytes) -> None:
        if not _check_name(key, size_name):
            raise ValueError(f"bad photo file name {key!r} {size_name!r}")
        self.files[(key, size_name)] = bytes(data)

    def open(self, key: str, size_name: str) -> BinaryIO | None:
        data = self.files.get((key, size_name))
        return io.BytesIO(data) if data is not None else None

    def delete(self, key: str) -> None:
        for size_name in SIZES:
            self.files.pop((key, size_name), None)


def make_store(upload_dir: str) -> PhotoStore:
    if upload_dir == "memory://":
        return MemoryPhotoStore()
    return FilesystemPhotoStore(upload_dir)


def init_app(app: Flask) -> None:
    app.extensions["photo_store"] = make_store(app.config["UPLOAD_DIR"])


def photo_store() -> PhotoStore:
    return current_app.extensions["photo_store"]


# --- files follow the transaction ---------------------------------------------------------------

_PENDING = "photo_files_pending"


@dataclass
class _PendingFiles:
    store: PhotoStore
    added: list[str] = field(default_factory=list)  # remove if the transaction does not commit
    removed: list[str] = field(default_factory=list)  # remove once it commits


def _pending(db: Session, store: PhotoStore) -> _PendingFiles:
    # Keyed by store too, in case one session ever serves two stores.
    pending: dict[int, _PendingFiles] = db.info.setdefault(_PENDING, {})
    return pending.setdefault(id(store), _PendingFiles(store))


def _delete_quietly(store: PhotoStore, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except OSError:
            log.exception("could not delete the files of photo %s", key)


@event.listens_for(Session, "after_commit")
def _files_after_commit(session: Session) -> None:
    for pending in session.info.pop(_PENDING, {}).values():
        _delete_quietly(pending.store, pending.removed)


@event.listens_for(Session, "after_transaction_end")
def _files_after_rollback(session: Session, transaction) -> None:
    # After a commit the list is already gone; anything left means the outermost transaction
    # ended without committing (rollback or close). Nested savepoints are ignored: keeping files
    # too long only leaves an unreachable file, deleting too early would break a photo.
    if transaction.parent is not None or transaction.nested:
        return
    for pending in session.info.pop(_PENDING, {}).values():
        _delete_quietly(pending.store, pending.added)


# --- services -----------------------------------------------------------------------------------

def _siblings(listing: Listing | None, organization: Organization):
    if listing is not None:
        return Photo.listing_id == listing.id
    return (Photo.organization_id == organization.id) & Photo.listing_id.is_(None)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, fields={"photos": [message]})


def add_photo(db: Session, store: PhotoStore, *, organization: Organization, listing: Listing | None = None,
              data: bytes, alt: str = "", user: User | None = None) -> Photo:
    """Check, re-encode and store an upload as the last photo of a listing or an organisation page."""
    if listing is not None and listing.organization_id != organization.id:
        raise PermissionDenied(_("You do not have permission to do that."))
    # Lock the parent row (PostgreSQL; SQLite's writes are serialised anyway), so that two
    # uploads at once cannot both pass the limit.
    if listing is not None:
        db.execute(select(Listing.id).where(Listing.id == listing.id).with_for_update())
    else:
        db.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    count, last = db.execute(
        select(func.count(Photo.id), func.max(Photo.position)).where(_siblings(listing, organization))
    ).one()
    if listing is not None and count >= MAX_LISTING_PHOTOS:
        raise _refuse(_("A listing can have at most %(n)d photos.", n=MAX_LISTING_PHOTOS))
    if listing is None and count >= MAX_ORGANIZATION_PHOTOS:
        raise _refuse(_("An organisation page can have at most %(n)d photos.", n=MAX_ORGANIZATION_PHOTOS))
    try:
        processed = process_image(data)
    except PhotoRejected as error:
        raise _refuse(str(PHOTO_MESSAGES[error.key])) from error

    key = secrets.token_urlsafe(16)
    photo = Photo(organization_id=organization.id, listing_id=listing.id if listing is not None else None,
                  key=key, width=processed.width, height=processed.height,
                  position=0 if last is None else last + 1, alt=clean(alt)[:MAX_ALT],
                  uploaded_by_id=user.id if user is not None else None)
    # Files first: a row must never point at files that are not there.
    try:
        for size_name, webp in processed.renditions.items():
            store.save(key, size_name, webp)
        db.add(photo)
        db.flush()
    except BaseException:
        if photo in db:
            db.expunge(photo)
        _delete_quietly(store, [key])
        raise
    _pending(db, store).added.append(key)
    if listing is not None and "photos" in listing.__dict__:
        listing.photos.append(photo)  # keep an already loaded collection current
    return photo


def delete_photo(db: Session, store: PhotoStore, photo: Photo) -> None:
    """Delete the row now; the files go once that is committed (a rollback keeps the photo whole)."""
    key = photo.key
    if photo.listing is not None and "photos" in photo.listing.__dict__:
        photo.listing.photos.remove(photo)
    db.delete(photo)
    db.flush()
    pending = _pending(db, store)
    if key in pending.added:  # added and deleted in one transaction: nothing to keep
        pending.added.remove(key)
        _delete_quietly(store, [key])
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


def add_uploaded(db: Session, listing: Listing, files, user: User | None) -> list[Photo]:
    """The photos picked in a listing form (werkzeug FileStorage objects; empty inputs skipped)."""
    added = []
    for upload in files or []:
        if not upload or not upload.filename:
            continue
        data = upload.stream.read(MAX_UPLOAD_BYTES + 1)  # one byte over is enough to refuse it
        added.append(add_photo(db, photo_store(), organization=listing.organization, listing=listing,
                               data=data, alt=listing.title, user=user))
    return added
