"""Scans of certificates and code decisions: checking an upload, keeping its file, and who opens it.

A scan is a PDF or a photo (JPEG, PNG, WebP, HEIC). What it is is judged from its content, never
from its name: a PDF must start as one, end as one and have a sane number of pages; a photo goes
through the listing photos' checks and decoding (handed in by the app factory as an
`ImageReader`, since credentials sit below listings) and is kept only as the WebP they re-encode,
with no metadata (a phone's EXIF carries the farm's GPS position). Refusals are
`ScanRejected(key)` or, for a photo, the photo checks' own message.

Files live under evidence/ in the app's storage (UPLOAD_DIR's folder or bucket; in memory for
tests), named by a random key that is never reused. They are private: `may_open` lets in the
holder organisation's members and staff only. A scan is stored before the credential it belongs
to (its own transaction, so that a form with other problems keeps it); files of a transaction
that does not commit are removed again.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.accounts.permissions import member_or_staff
from marketplace.credentials.models import Certificate, CredentialScan, PlantingCode
from marketplace.storage import LocalStorage, Storage
from marketplace.vietnamese import clean

MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 30  # a certificate with its annexes; a whole book is not a certificate
MAX_NAME = 120
# How much of a PDF's compressed object streams is read to count its pages: enough for any scan.
_MAX_INFLATED = 8 * 1024 * 1024

SCAN_MESSAGES = {
    "too_large": _l("The file is too large (at most 10 MB)."),
    "empty": _l("The file is empty."),
    "not_a_pdf": _l("This file is not a PDF, whatever its name says. Send the PDF itself, or a photo of the paper "
                    "(JPEG, PNG, WebP or HEIC)."),
    "damaged_pdf": _l("The PDF is damaged or incomplete: we cannot find its pages."),
    "too_many_pages": _l("The PDF has more than %(n)d pages. Send only the certificate or decision.",
                         n=MAX_PDF_PAGES),
}


class ScanRejected(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# --- what the file is ----------------------------------------------------------------------------

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
# An object stream's dictionary, up to where its data begins (its keys come in any order).
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b.{0,400}?stream\r?\n", re.S)


def is_pdf_upload(data: bytes, filename: str, mimetype: str | None) -> bool:
    """Treated as a PDF (and checked as one) when its content, its name or its type says so, so that
    an HTML page or a photo renamed .pdf is refused as "not a PDF" rather than read as something else."""
    return data[:5] == b"%PDF-" or filename.lower().endswith(".pdf") or (mimetype or "") == "application/pdf"


def inspect_pdf(data: bytes, *, max_bytes: int = MAX_SCAN_BYTES, max_pages: int = MAX_PDF_PAGES) -> int:
    """The number of pages, or ScanRejected: not a PDF from its first bytes, no end marker (cut
    short), no page found, or more pages than a certificate has."""
    if len(data) > max_bytes:
        raise ScanRejected("too_large")
    if not data:
        raise ScanRejected("empty")
    if not _PDF_HEADER.match(data):
        raise ScanRejected("not_a_pdf")
    if b"%%EOF" not in data[-2048:]:
        raise ScanRejected("damaged_pdf")
    pages = count_pdf_pages(data)
    if pages < 1:
        raise ScanRejected("damaged_pdf")
    if pages > max_pages:
        raise ScanRejected("too_many_pages")
    return pages


def count_pdf_pages(data: bytes) -> int:
    """Page objects, in the file and in its compressed object streams (PDF 1.5 and later keep them
    there). Inflating is bounded, so a zip bomb in a stream costs at most _MAX_INFLATED bytes."""
    pages = len(_PAGE_OBJECT.findall(data))
    budget = _MAX_INFLATED
    for match in _OBJECT_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0 or budget <= 0:
            break
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[match.end():end], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        pages += len(_PAGE_OBJECT.findall(inflated))
    return pages


@dataclass(frozen=True)
class ImageReader:
    """The listing photos' checks and decoding (listings.photos.checks and .decoding), handed in by the
    app factory: `inspect(data, limits)` reads the header only, `process(data, limits)` returns WebP
    renditions ("card", "detail"); both raise `rejected`, which `describe` puts into words."""

    inspect: Callable[[bytes, Any], Any]
    process: Callable[[bytes, Any], Any]
    rejected: type[Exception]
    describe: Callable[[Exception], str]
    limits: Any


@dataclass(frozen=True)
class CheckedScan:
    """An upload that passed: what to store (the PDF as sent, or the photo's WebP renditions)."""

    media: str  # "pdf" or "image"
    filename: str
    files: dict[str, bytes]  # "file" (and for a photo "thumb") → bytes
    size_bytes: int
    pages: int | None = None


def scan_message(error: ScanRejected) -> str:
    return str(SCAN_MESSAGES[error.key])


def check_scan(data: bytes, filename: str, mimetype: str | None, reader: ImageReader) -> CheckedScan:
    """Check and (for a photo) decode an upload; raise ValueError carrying the message to show
    (ScanRejected for a PDF, the reader's `rejected` for a photo; `message_for` words either)."""
    name = clean(filename or "")[:MAX_NAME]
    if len(data) > MAX_SCAN_BYTES:
        raise ScanRejected("too_large")
    if is_pdf_upload(data, name, mimetype):
        pages = inspect_pdf(data)
        return CheckedScan("pdf", name, {"file": data}, len(data), pages)
    reader.inspect(data, reader.limits)
    processed = reader.process(data, reader.limits)
    renditions = processed.renditions
    return CheckedScan("image", name, {"file": renditions["detail"], "thumb": renditions["card"]},
                       len(renditions["detail"]))


def message_for(error: Exception, reader: ImageReader) -> str:
    return scan_message(error) if isinstance(error, ScanRejected) else reader.describe(error)


# --- where the files live --------------------------------------------------------------------------

_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SUFFIXES = {("pdf", "file"): ".pdf", ("image", "file"): ".webp", ("image", "thumb"): "-thumb.webp"}


class StoredScanStore:
    """Scan files in a `marketplace.storage` store (UPLOAD_DIR/evidence/ or the bucket's evidence/),
    named <first two characters of the key>/<key>.pdf, <key>.webp, <key>-thumb.webp."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @staticmethod
    def name(key: str, media: str, part: str) -> str | None:
        if not _KEY.fullmatch(key) or (media, part) not in _SUFFIXES:
            return None
        return f"{key[:2]}/{key}{_SUFFIXES[media, part]}"

    def save(self, key: str, media: str, part: str, data: bytes) -> None:
        name = self.name(key, media, part)
        if name is None:
            raise ValueError(f"bad scan file name {key!r} {media!r} {part!r}")
        self.storage.put(name, data, private=True)  # 0o600 on disk: the web server never serves this folder itself

    def open(self, key: str, media: str, part: str) -> BinaryIO | None:
        name = self.name(key, media, part)
        return self.storage.open(name) if name is not None else None

    def delete(self, key: str) -> None:
        for media, part in _SUFFIXES:
            name = self.name(key, media, part)
            if name is not None:
                self.storage.delete(name)


class FilesystemScanStore(StoredScanStore):
    def __init__(self, root: str | os.PathLike) -> None:
        super().__init__(LocalStorage(root))
        self.root = Path(root)


class MemoryScanStore:
    def __init__(self) -> None:
        self.files: dict[tuple[str, str, str], bytes] = {}

    def save(self, key: str, media: str, part: str, data: bytes) -> None:
        if not _KEY.fullmatch(key) or (media, part) not in _SUFFIXES:
            raise ValueError(f"bad scan file name {key!r} {media!r} {part!r}")
        self.files[(key, media, part)] = bytes(data)

    def open(self, key: str, media: str, part: str) -> BinaryIO | None:
        data = self.files.get((key, media, part))
        return io.BytesIO(data) if data is not None else None

    def delete(self, key: str) -> None:
        for media, part in _SUFFIXES:
            self.files.pop((key, media, part), None)


def init_app(app: Flask, reader: ImageReader, storage: Storage | None) -> None:
    """`storage` is the app's (marketplace.storage); None (UPLOAD_DIR=memory://) keeps scans in memory."""
    app.extensions["scan_store"] = MemoryScanStore() if storage is None else StoredScanStore(storage.within("evidence"))
    app.extensions["scan_reader"] = reader


def scan_store() -> StoredScanStore | MemoryScanStore:
    return current_app.extensions["scan_store"]


def scan_reader() -> ImageReader:
    return current_app.extensions["scan_reader"]


# --- files follow the transaction --------------------------------------------------------------------

_ADDED = "credential_scan_files_added"


@dataclass
class _Added:
    store: Any
    keys: list[str] = field(default_factory=list)


@event.listens_for(Session, "after_commit")
def _keep_after_commit(session: Session) -> None:
    session.info.pop(_ADDED, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_after_rollback(session: Session, transaction) -> None:
    # After a commit the list is gone; anything left means the outermost transaction ended without
    # committing. Savepoints are ignored (an unreachable file is harmless, a missing one is not).
    if transaction.parent is not None or transaction.nested:
        return
    added = session.info.pop(_ADDED, None)
    if added:
        delete_files(added.store, added.keys)


# --- use cases (take the session, flush, never commit) ---------------------------------------------

def store_scan(db: Session, store, checked: CheckedScan, *, organization: Organization, user: User) -> CredentialScan:
    """Keep a checked scan for the organisation, not yet attached to a credential."""
    key = secrets.token_urlsafe(24)
    for part, data in checked.files.items():
        store.save(key, checked.media, part, data)
    db.info.setdefault(_ADDED, _Added(store)).keys.append(key)
    scan = CredentialScan(key=key, organization_id=organization.id, media=checked.media, filename=checked.filename,
                          size_bytes=checked.size_bytes, pages=checked.pages, uploaded_by_id=user.id)
    db.add(scan)
    db.flush()
    return scan


def staged_scan(db: Session, key: str | None, organization: Organization) -> CredentialScan | None:
    """The scan a form carries back by its key, when it is this organisation's; else None."""
    if not key or not _KEY.fullmatch(key):
        return None
    return db.scalar(select(CredentialScan).where(CredentialScan.key == key,
                                                  CredentialScan.organization_id == organization.id))


def scan_by_key(db: Session, key: str) -> CredentialScan | None:
    return db.scalar(select(CredentialScan).where(CredentialScan.key == key)) if _KEY.fullmatch(key) else None


# Packages above credentials that attach scans too (verification: a founding decision's) add a
# function here returning a select of the scan ids they hold, so that those are never "staged".
SCANS_ATTACHED_ELSEWHERE: list = []


def forget_unattached(db: Session, before: datetime) -> list[str]:
    """Delete scans made before `before` that no credential points at (sent with a form that was
    never completed, or replaced by a newer scan); the keys whose files go once this is committed."""
    attached = select(Certificate.scan_id).where(Certificate.scan_id.is_not(None)).union(
        select(PlantingCode.scan_id).where(PlantingCode.scan_id.is_not(None)),
        *(column_of() for column_of in SCANS_ATTACHED_ELSEWHERE))
    stale = list(db.scalars(select(CredentialScan).where(CredentialScan.created_at < before,
                                                         CredentialScan.id.not_in(attached))))
    for scan in stale:
        db.delete(scan)
    db.flush()
    return [scan.key for scan in stale]


def delete_files(store, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except OSError:
            logging.getLogger(__name__).exception("could not delete the files of scan %s", key)


def may_open(user, scan: CredentialScan) -> bool:
    """The holder organisation's members and staff; nobody else, not even other clubs or buyers."""
    return member_or_staff(user, scan.organization_id)
