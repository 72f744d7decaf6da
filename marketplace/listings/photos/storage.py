"""Where photo files live, and how they follow the database transaction.

`PhotoStore` is the interface: `StoredPhotoStore` keeps files in the app's storage
(`marketplace.storage`: UPLOAD_DIR as a folder — `FilesystemPhotoStore` — or an S3 bucket),
`MemoryPhotoStore` in memory for tests (UPLOAD_DIR=memory://). Files are named
`<key>-<size>.webp`; a key is never reused, so a file never changes and can be cached for a
year. New files are removed again if the transaction that added them does not commit; the files
of a deleted photo are removed only once the deletion is committed (`pending_files`).
"""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.listings.photos.decoding import SIZES
from marketplace.storage import LocalStorage, Storage

log = logging.getLogger(__name__)

_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _check_name(key: str, size_name: str) -> bool:
    return bool(_KEY.fullmatch(key)) and size_name in SIZES


class PhotoStore(Protocol):
    def save(self, key: str, size_name: str, data: bytes) -> None: ...
    def open(self, key: str, size_name: str) -> BinaryIO | None: ...
    def delete(self, key: str) -> None: ...


class StoredPhotoStore:
    """Photo files in a `marketplace.storage` store (a folder or an S3 bucket), named
    <first two characters of the key>/<key>-<size>.webp."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @staticmethod
    def name(key: str, size_name: str) -> str | None:
        return f"{key[:2]}/{key}-{size_name}.webp" if _check_name(key, size_name) else None

    def save(self, key: str, size_name: str, data: bytes) -> None:
        name = self.name(key, size_name)
        if name is None:
            raise ValueError(f"bad photo file name {key!r} {size_name!r}")
        self.storage.put(name, data)

    def open(self, key: str, size_name: str) -> BinaryIO | None:
        name = self.name(key, size_name)
        return self.storage.open(name) if name is not None else None

    def delete(self, key: str) -> None:
        for size_name in SIZES:
            name = self.name(key, size_name)
            if name is not None:
                self.storage.delete(name)


class FilesystemPhotoStore(StoredPhotoStore):
    """Files under root/<first two characters of the key>/<key>-<size>.webp (UPLOAD_DIR's layout)."""

    def __init__(self, root: str | os.PathLike) -> None:
        super().__init__(LocalStorage(root))
        self.root = Path(root)

    def path(self, key: str, size_name: str) -> Path | None:
        name = self.name(key, size_name)
        return self.storage.path(name) if name is not None else None


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


def make_store(storage: Storage | None) -> PhotoStore:
    """The photo store over the app's storage (`marketplace.storage.storage_from_config`); None
    (UPLOAD_DIR=memory://) gives the in-memory twin whose files tests read."""
    if storage is None:
        return MemoryPhotoStore()
    if isinstance(storage, LocalStorage):
        return FilesystemPhotoStore(storage.root)
    return StoredPhotoStore(storage)


# --- files follow the transaction ---------------------------------------------------------------

_PENDING = "photo_files_pending"


@dataclass
class PendingFiles:
    store: PhotoStore
    added: list[str] = field(default_factory=list)  # remove if the transaction does not commit
    removed: list[str] = field(default_factory=list)  # remove once it commits


def pending_files(db: Session, store: PhotoStore) -> PendingFiles:
    """The files this session's transaction added and removed in this store."""
    # Keyed by store too, in case one session ever serves two stores.
    pending: dict[int, PendingFiles] = db.info.setdefault(_PENDING, {})
    return pending.setdefault(id(store), PendingFiles(store))


def save_with_files(db: Session, store: PhotoStore, key: str, renditions: dict[str, bytes], row) -> None:
    """Write a photo's files, then add its row; the files go again if the row cannot be added or the
    transaction does not commit. Files first: a row must never point at files that are not there."""
    try:
        for size_name, webp in renditions.items():
            store.save(key, size_name, webp)
        db.add(row)
        db.flush()
    except BaseException:
        if row in db:
            db.expunge(row)
        delete_quietly(store, [key])
        raise
    pending_files(db, store).added.append(key)


def delete_quietly(store: PhotoStore, keys: list[str]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except OSError:
            log.exception("could not delete the files of photo %s", key)


@event.listens_for(Session, "after_commit")
def _files_after_commit(session: Session) -> None:
    for pending in session.info.pop(_PENDING, {}).values():
        delete_quietly(pending.store, pending.removed)


@event.listens_for(Session, "after_transaction_end")
def _files_after_rollback(session: Session, transaction) -> None:
    # After a commit the list is already gone; anything left means the outermost transaction
    # ended without committing (rollback or close). Nested savepoints are ignored: keeping files
    # too long only leaves an unreachable file, deleting too early would break a photo.
    if transaction.parent is not None or transaction.nested:
        return
    for pending in session.info.pop(_PENDING, {}).values():
        delete_quietly(pending.store, pending.added)
