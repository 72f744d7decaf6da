"""Files on the local disk as `marketplace.storage.LocalStorage` keeps them (photos, scans of
credentials): written whole or not at all, opened only when present."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO


def write_atomically(target: Path, data: bytes, mode: int) -> None:
    """Write `data` to `target` through a temporary file and a rename, so that a reader never gets
    half a file; `mode` is the file's permissions (0o600 for a private one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def open_if_present(target: Path | None) -> BinaryIO | None:
    """The file opened for reading (the caller, usually the response, closes it), or None when the
    name was refused or the file is not there."""
    if target is None:
        return None
    try:
        return open(target, "rb")
    except (FileNotFoundError, NotADirectoryError):
        return None
