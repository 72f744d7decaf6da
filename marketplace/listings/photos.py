"""Photos of listings and organisation pages: checking and re-encoding uploads, storing the files.

Four layers, kept apart:
- `inspect_photo` and `process_image` are pure (no Flask, no database). `inspect_photo` reads only
  the header (Pillow's `Image.open` is lazy) and refuses, before a single pixel is decoded, what is
  not a photo we accept or has more pixels than `PhotoLimits` allow. `process_image` decodes what
  passed — JPEG at a reduced scale (libjpeg's 1/2, 1/4, 1/8), the others in full and shrunk before
  anything else is done with them — and re-encodes it as WebP renditions with no metadata at all
  (a phone's EXIF carries the farm's GPS position). Both raise `PhotoRejected(key, …)`.
- `PhotoStore` keeps the files: `FilesystemPhotoStore` in UPLOAD_DIR, `MemoryPhotoStore` for tests
  (UPLOAD_DIR=memory://). Files are named `<key>-<size>.webp`; a key is never reused, so a file
  never changes and can be cached for a year.
- The upload budget (`claim_upload_budget`): photos a user may have decoded per hour, counted in
  `photo_upload_claims` under a lock on the user's row, so that simultaneous uploads cannot pass it.
- The services (`add_photo`, `add_processed_photo`, `delete_photo`, `reorder`) take the session and
  flush, never commit. Files follow the transaction: new files are removed again if it rolls back,
  and the files of a deleted photo are removed only once the deletion is committed.

Decoding takes seconds, and on SQLite a POST holds the write lock from its first query to its
commit; so the web upload (`check_uploads`, then `decode_uploads`) claims the budget and commits
before decoding, and writes the photos in a transaction of their own afterwards (views.py).
"""

from __future__ import annotations

import io
import logging
import math
import os
import re
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

import pillow_heif
from flask import Flask, current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.dates import as_utc
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.listings import rules
from marketplace.listings.models import Listing, Photo, PhotoUploadClaim
from marketplace.vietnamese import clean

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# size name → largest width; never upscaled.
SIZES: dict[str, int] = {"card": 480, "detail": 1280}
WEBP_QUALITY = 80
MAX_LISTING_PHOTOS = 8
MAX_ORGANIZATION_PHOTOS = 12
MAX_ALT = 200
MAX_NAME = 80  # of a file name quoted in a message

# The only decoders Pillow may even try: GIF, SVG (Pillow has none), PDF, TIFF, BMP, PSD… are
# never parsed. MPO is how Pillow names the JPEGs many Android cameras write (JPEG plus a
# multi-picture index); Pillow's JPEG opener returns it, so it needs no entry of its own here.
DECODERS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
# What cameras write. JPEG is decoded at a reduced scale, so even a 50 MP one costs little; HEIC is
# decoded in full. PNG and WebP are screenshots and edited pictures, decoded in full: a flat-colour
# PNG holds 40 megapixels in 116 KB, so they have a cap of their own.
CAMERA_FORMATS = frozenset({"JPEG", "MPO", "HEIF"})

# Depth maps, thumbnails and auxiliary images of HEIC files are never used: don't parse them.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

_TRANSPOSE = {  # EXIF orientation → the turn that shows the photo upright (as ImageOps.exif_transpose)
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class PhotoLimits:
    """How large a photo may be. Defaults: 12, 48 and 50 MP phone photos (JPEG or HEIC) pass;
    decompression bombs and 6300×6300 PNGs are refused from their header."""

    max_pixels: int = 52_000_000  # JPEG and HEIC (camera photos)
    max_pixels_png_webp: int = 25_000_000  # PNG and WebP, always decoded in full
    max_side: int = 10_000
    max_bytes: int = MAX_UPLOAD_BYTES

    @classmethod
    def from_config(cls, config: Mapping) -> PhotoLimits:
        return cls(max_pixels=round(config["PHOTO_MAX_MEGAPIXELS"] * 1_000_000),
                   max_pixels_png_webp=round(config["PHOTO_MAX_MEGAPIXELS_PNG_WEBP"] * 1_000_000))

    def pixel_cap(self, fmt: str) -> int:
        return self.max_pixels if fmt in CAMERA_FORMATS else self.max_pixels_png_webp

    @property
    def largest(self) -> int:
        return max(self.max_pixels, self.max_pixels_png_webp)


DEFAULT_LIMITS = PhotoLimits()


def apply_pillow_limit(limits: PhotoLimits) -> None:
    """Pillow's own guard (a warning above MAX_IMAGE_PIXELS, an error above twice that, both in
    Image.open) set to the largest photo we accept: it never refuses one we would take, and still
    stops a bomb in any other Pillow path. `inspect_photo` applies the exact, per-format caps."""
    Image.MAX_IMAGE_PIXELS = limits.largest


apply_pillow_limit(DEFAULT_LIMITS)


class PhotoRejected(Exception):
    """The upload is not a photo we accept; `key` is one of PHOTO_MESSAGES. For too many pixels,
    `pixels` and `limit` say how many it has and how many its format may have."""

    def __init__(self, key: str, *, pixels: int | None = None, limit: int | None = None,
                 fmt: str | None = None):
        super().__init__(key)
        self.key = key
        self.pixels = pixels
        self.limit = limit
        self.format = fmt


PHOTO_MESSAGES = {
    "not_a_photo": _l("This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."),
    "too_large": _l("The photo is too large (at most 10 MB)."),
    "too_many_pixels": _l("The photo has too many pixels."),
    "side_too_long": _l("The photo is too long or too tall (at most 10,000 pixels a side)."),
    "damaged": _l("The photo file is damaged or incomplete."),
}


def rejection_message(error: PhotoRejected) -> str:
    """What to tell the person, with the figures when there are any."""
    if error.key == "too_many_pixels" and error.pixels and error.limit:
        found = format_decimal(round(error.pixels / 1_000_000, 1))
        limit = format_decimal(round(error.limit / 1_000_000, 1))
        if error.format in CAMERA_FORMATS:
            return _("The photo has %(found)s megapixels; we take at most %(limit)s. Take it at your "
                     "phone's usual size, or make it smaller.", found=found, limit=limit)
        return _("This PNG or WebP picture has %(found)s megapixels; we take at most %(limit)s for PNG "
                 "and WebP. Send it as a JPEG photo, or make it smaller.", found=found, limit=limit)
    return str(PHOTO_MESSAGES[error.key])


@dataclass(frozen=True)
class PhotoHeader:
    format: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    renditions: dict[str, bytes]  # size name → WebP bytes
    width: int  # of the "detail" rendition
    height: int


def inspect_photo(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> PhotoHeader:
    """Check an upload from its header alone, decoding nothing; raise PhotoRejected otherwise."""
    image = _open(data, limits)
    try:
        return PhotoHeader(image.format, image.width, image.height)
    finally:
        image.close()


def process_image(data: bytes, limits: PhotoLimits = DEFAULT_LIMITS) -> ProcessedImage:
    """Check an upload from its content alone and re-encode it; raise PhotoRejected otherwise."""
    image = _open(data, limits)
    try:
        return _renditions(_decode(image))
    finally:
        image.close()


def _open(data: bytes, limits: PhotoLimits) -> Image.Image:
    """Identify the format and size from the header; nothing is decoded yet (Image.open is lazy)."""
    if len(data) > limits.max_bytes:
        raise PhotoRejected("too_large")
    if not data:
        raise PhotoRejected("not_a_photo")
    try:
        image = Image.open(io.BytesIO(data), formats=DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # the warning if made an error
        raise PhotoRejected("too_many_pixels") from None
    except UnidentifiedImageError:
        raise PhotoRejected("not_a_photo") from None
    except Exception as error:  # a header that crashes a parser is a damaged file, whatever it raises
        log.info("photo header unreadable: %r", error)
        raise PhotoRejected("damaged") from None
    try:
        _check_header(image, limits)
    except PhotoRejected:
        image.close()
        raise
    return image


def _check_header(image: Image.Image, limits: PhotoLimits) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoRejected("not_a_photo")
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoRejected("damaged")
    cap = limits.pixel_cap(image.format)
    if width * height > cap:
        raise PhotoRejected("too_many_pixels", pixels=width * height, limit=cap, fmt=image.format)
    if max(width, height) > limits.max_side:
        raise PhotoRejected("side_too_long")
    # Animated PNG and WebP are not photos. Multi-frame JPEG (MPO) and HEIF are: we take the
    # first, primary, image.
    if image.format in {"PNG", "WEBP"} and getattr(image, "is_animated", False):
        raise PhotoRejected("not_a_photo")


def _decode(image: Image.Image) -> Image.Image:
    """Decode every pixel (a truncated file fails here), upright, in sRGB RGB, at most the detail
    width: shrunk first, so that turning, colour conversion and flattening work on few pixels."""
    detail = SIZES["detail"]
    try:
        if image.format in {"JPEG", "MPO"}:
            # libjpeg can decode at 1/2, 1/4 or 1/8 scale, still reading the whole file; asking for
            # at least detail×detail keeps enough pixels whichever way EXIF turns the photo.
            image.draft("RGB", (detail, detail))
        image.load()
        icc_profile = image.info.get("icc_profile")
        turn = _TRANSPOSE.get(image.getexif().get(ExifTags.Base.Orientation, 1))
        small = _shrink(_resizable(image), detail, turned=turn in _SWAPS)
        if turn is not None:
            small = small.transpose(turn)
        return _flatten(_to_srgb(small, icc_profile))
    except PhotoRejected:
        raise
    except Image.DecompressionBombError:
        raise PhotoRejected("too_many_pixels") from None
    except Exception as error:  # truncated or corrupt data: OSError, SyntaxError, ValueError…
        log.info("photo data unreadable: %r", error)
        raise PhotoRejected("damaged") from None


_SWAPS = frozenset({Image.Transpose.TRANSPOSE, Image.Transpose.ROTATE_270, Image.Transpose.TRANSVERSE,
                    Image.Transpose.ROTATE_90})


def _resizable(image: Image.Image) -> Image.Image:
    """A mode Pillow resizes with a real filter: palette and 1-bit images only resize by nearest
    neighbour, and 16-bit grey is brought to 8 bits (the WebP has 8 bits anyway)."""
    if image.mode in {"I", "I;16", "I;16L", "I;16B", "I;16N"}:  # 16-bit grey PNG
        return image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode == "PA":
        return image.convert("RGBA")
    if image.mode == "1":
        return image.convert("L")
    return image


def _shrink(image: Image.Image, max_width: int, *, turned: bool) -> Image.Image:
    """At most max_width wide once upright (a photo EXIF turns a quarter has its width as height)."""
    upright_width = image.height if turned else image.width
    if upright_width <= max_width:
        return image
    scale = max_width / upright_width
    if turned:
        size = (max(1, round(image.width * scale)), max_width)
    else:
        size = (max_width, max(1, round(image.height * scale)))
    # reducing_gap: a cheap box reduction first, then Lanczos over at least 3× the target.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


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
    if image.mode in {"RGBA", "LA", "La", "RGBa"}:
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
    limits = PhotoLimits.from_config(app.config)
    app.extensions["photo_limits"] = limits
    apply_pillow_limit(limits)


def photo_limits() -> PhotoLimits:
    return current_app.extensions["photo_limits"]


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


def photo_audience(db: Session, key: str) -> PhotoAudience | None:
    """Who may see the photo with this key (None: there is no such photo). An organisation page's
    photos and those of listings anyone may see are public; a draft listing's are not."""
    row = db.execute(select(Photo.organization_id, Listing.status)
                     .outerjoin(Listing, Listing.id == Photo.listing_id).where(Photo.key == key)).first()
    if row is None:
        return None
    organization_id, status = row
    public = status is None or rules.shown_to_everyone(status)
    return PhotoAudience(private_to=None if public else organization_id)


def add_photo(db: Session, store: PhotoStore, *, organization: Organization, listing: Listing | None = None,
              data: bytes, alt: str = "", user: User | None = None,
              limits: PhotoLimits = DEFAULT_LIMITS) -> Photo:
    """Check, re-encode and store an upload as the last photo of a listing or an organisation page,
    all inside the caller's transaction (the demo, tests). The web upload decodes with no
    transaction open instead: `check_uploads`, `decode_uploads`, then `add_processed_photo`."""
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


# --- the web upload: check and claim, decode with no transaction open, then store -----------------

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


def check_uploads(db: Session, uploads: Sequence[Upload], *, organization: Organization, listing: Listing | None,
                  user: User, now: datetime, per_hour: int, limits: PhotoLimits = DEFAULT_LIMITS) -> None:
    """Everything that can be known before decoding: each photo's header, room on the listing, and
    the user's hourly budget, which is claimed here (commit it before decoding). Raises
    ValidationError naming every refused photo; nothing is claimed then."""
    problems = []
    for upload in uploads:
        try:
            inspect_photo(upload.data, limits)
        except PhotoRejected as error:
            problems.append(_named(upload, error))
    if problems:
        raise _refuse_all(problems)
    if listing is not None:
        _next_position(db, organization, listing, adding=len(uploads))
    elif len(uploads) > MAX_LISTING_PHOTOS:
        raise _refuse(_("A listing can have at most %(n)d photos.", n=MAX_LISTING_PHOTOS))
    claim_upload_budget(db, user, len(uploads), now=now, per_hour=per_hour)


def decode_uploads(uploads: Sequence[Upload], limits: PhotoLimits = DEFAULT_LIMITS) -> list[ProcessedImage]:
    """Decode and re-encode every photo; no database here, so call it with no transaction open."""
    processed, problems = [], []
    for upload in uploads:
        try:
            processed.append(process_image(upload.data, limits))
        except PhotoRejected as error:
            problems.append(_named(upload, error))
    if problems:
        raise _refuse_all(problems)
    return processed


UPLOAD_WINDOW = timedelta(hours=1)


def claim_upload_budget(db: Session, user: User, photos: int, *, now: datetime, per_hour: int) -> None:
    """Count `photos` against what the user has had decoded in the last hour, or refuse them all.

    The user's row is locked first (PostgreSQL; SQLite's writers take turns anyway), so that
    simultaneous uploads are counted one after the other and cannot pass the budget together.
    Refused and deleted photos count too: the work was done."""
    db.execute(select(User.id).where(User.id == user.id).with_for_update())
    since = now - UPLOAD_WINDOW
    db.execute(delete(PhotoUploadClaim).where(PhotoUploadClaim.user_id == user.id,
                                              PhotoUploadClaim.created_at < since))
    used, oldest = db.execute(
        select(func.coalesce(func.sum(PhotoUploadClaim.photos), 0), func.min(PhotoUploadClaim.created_at))
        .where(PhotoUploadClaim.user_id == user.id, PhotoUploadClaim.created_at >= since)
    ).one()
    if used + photos > per_hour:
        free_again = as_utc(oldest) + UPLOAD_WINDOW if oldest is not None else now
        minutes = max(1, math.ceil((free_again - now).total_seconds() / 60))
        left = max(0, per_hour - used)
        if left:
            message = ngettext("You can upload %(num)d more photo this hour (at most %(n)d an hour). Pick fewer, "
                               "or try again in %(minutes)d minutes.",
                               "You can upload %(num)d more photos this hour (at most %(n)d an hour). Pick fewer, "
                               "or try again in %(minutes)d minutes.", left, n=per_hour, minutes=minutes)
        else:
            message = _("You have uploaded %(n)d photos in the last hour, the most we take. Please try again "
                        "in %(minutes)d minutes.", n=per_hour, minutes=minutes)
        raise _refuse(message)
    db.add(PhotoUploadClaim(user_id=user.id, photos=photos, created_at=now))
    db.flush()
