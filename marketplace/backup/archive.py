"""The backup archive: a tar file (gzip-compressed unless its name ends in .tar) holding

    database/<file>    the database dump (SQLite: a copy of the database file; PostgreSQL: pg_dump's
                       custom format)
    photos/<path>      every photo file of UPLOAD_DIR, at its path inside it
    manifest.json      written last: format version, app version and revision, schema revision,
                       creation time, the dump's size and SHA-256, every table's row count and
                       checksum, and every photo file with its size and SHA-256

An archive is written under a temporary name beside its destination and renamed when complete, so
a file with the final name is always a whole backup. Reading extracts every member into a staging
folder and checks it against the manifest before anything is restored; a member the manifest does
not name, a path that could leave the folder, or a link, is refused.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import tarfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

FORMAT = "cho-hoi-quan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
_PART = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be used; the message says why, for the person restoring."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # inside the archive's part (database/ or photos/), POSIX separators
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "bytes": self.size, "sha256": self.sha256}


class _HashingReader:
    """Hashes what tarfile reads from a file while it copies it into the archive."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def safe_relative(path: str) -> PurePosixPath | None:
    """The path if every part is a plain name (no '..', no absolute path, no hidden part)."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or not all(_PART.fullmatch(part) for part in pure.parts):
        return None
    return pure


class ArchiveWriter:
    """Writes an archive under a temporary name; `commit` gives it its name (never over an existing
    file unless `replace`), and leaving without committing removes it."""

    def __init__(self, destination: Path, *, replace: bool) -> None:
        self.destination = destination
        self.replace = replace
        self.partial = destination.parent / f".{destination.name}.partial-{secrets.token_hex(4)}"
        # Only the owner may read it: the archive holds people's names, phone numbers and password hashes.
        self._file = os.fdopen(os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        # PATH.tar: no compression, for sites with many photos (WebP and PostgreSQL's dump are already
        # compressed, and gzip would spend most of the backup's time on them); anything else: gzip.
        if destination.name.endswith(".tar"):
            self._tar = tarfile.open(fileobj=self._file, mode="w", format=tarfile.PAX_FORMAT)
        else:
            self._tar = tarfile.open(fileobj=self._file, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT)
        self.size = 0

    def add_file(self, arcname: str, source: Path) -> FileEntry:
        with open(source, "rb") as stream:
            info = self._tar.gettarinfo(arcname=arcname, fileobj=stream)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o644
            reader = _HashingReader(stream)
            self._tar.addfile(info, reader)
        return FileEntry(path=arcname.split("/", 1)[1], size=reader.size, sha256=reader.digest.hexdigest())

    def add_bytes(self, arcname: str, data: bytes) -> None:
        info = tarfile.TarInfo(arcname)
        info.size = len(data)
        info.mode = 0o644
        info.mtime = int(time.time())
        self._tar.addfile(info, io.BytesIO(data))

    def commit(self) -> None:
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.size = self.partial.stat().st_size
        if self.replace:
            os.replace(self.partial, self.destination)
        else:
            try:
                os.link(self.partial, self.destination)  # fails if a file took the name meanwhile
            finally:
                self.partial.unlink(missing_ok=True)
        _fsync_folder(self.destination.parent)

    def abort(self) -> None:
        for closing in (self._tar.close, self._file.close):
            with contextlib.suppress(Exception):  # already failing; the partial file goes anyway
                closing()
        self.partial.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@dataclass
class Unpacked:
    """An archive extracted into `folder` and checked against its manifest."""

    folder: Path
    manifest: dict
    database_file: Path
    photos: list[FileEntry] = field(default_factory=list)

    def photo_path(self, entry: FileEntry) -> Path:
        return self.folder / "photos" / entry.path


def unpack(archive: Path, folder: Path) -> Unpacked:
    """Extract `archive` into `folder` and check every file against the manifest; ArchiveError
    when the archive is corrupt, truncated, of another format, or a file differs from the manifest."""
    seen: dict[str, FileEntry] = {}
    manifest_data = None
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            try:
                for member in tar:
                    if member.name == MANIFEST and member.isfile():
                        if member.size > MAX_MANIFEST_BYTES:
                            raise ArchiveError("the manifest is too large to be one of ours")
                        manifest_data = tar.extractfile(member).read()
                    else:
                        _extract(tar, member, folder, seen)
            except ArchiveError:
                _drain(tar)  # garbage from a damaged stream reads as odd members: say "corrupt" first
                raise
            # tarfile stops quietly at a header it cannot read; reading the compressed stream to
            # its end makes gzip check its length and CRC, so damage anywhere is caught.
            _drain(tar)
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveError(f"the archive is corrupt or truncated ({error})") from error
    except FileNotFoundError as error:
        raise ArchiveError(f"no such file: {archive}") from error
    if manifest_data is None:
        raise ArchiveError("the archive has no manifest.json: it is not a backup made by `marketplace backup`, "
                           "or it was cut short")
    manifest = _read_manifest(manifest_data)
    return _check_against(manifest, seen, folder)


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, folder: Path, seen: dict[str, FileEntry]) -> None:
    name = member.name
    part, _, rest = name.partition("/")
    relative = safe_relative(rest) if part in ("database", "photos") else None
    if relative is None or not member.isfile():
        raise ArchiveError(f"unexpected member in the archive: {name!r}")
    if name in seen:
        raise ArchiveError(f"the archive holds {name!r} twice")
    target = folder / part / Path(*relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tar.extractfile(member) as source, open(target, "xb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    seen[name] = FileEntry(path=str(relative), size=size, sha256=digest.hexdigest())


def _drain(tar: tarfile.TarFile) -> None:
    while tar.fileobj.read(_CHUNK):
        pass


def _read_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise ArchiveError(f"the manifest is not valid JSON ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("the manifest is not one of ours (no 'format': 'cho-hoi-quan-backup')")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(f"backup format version {manifest.get('format_version')!r} is not one this version of "
                           f"the app reads ({FORMAT_VERSION}): restore it with the version that wrote it")
    for key, kind in (("database", dict), ("tables", dict), ("photos", list)):
        if not isinstance(manifest.get(key), kind):
            raise ArchiveError(f"the manifest lacks {key!r}")
    return manifest


def _entry(raw, where: str) -> FileEntry:
    try:
        return FileEntry(path=str(raw["path"]), size=int(raw["bytes"]), sha256=str(raw["sha256"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ArchiveError(f"the manifest's entry for {where} is malformed") from error


def _check_against(manifest: dict, seen: dict[str, FileEntry], folder: Path) -> Unpacked:
    problems = []
    expected: dict[str, FileEntry] = {}
    database = _entry(manifest["database"], "the database")
    expected[f"database/{database.path}"] = database
    photos = [_entry(raw, "a photo") for raw in manifest["photos"]]
    for photo in photos:
        if safe_relative(photo.path) is None:
            raise ArchiveError(f"the manifest names an unsafe photo path: {photo.path!r}")
        expected[f"photos/{photo.path}"] = photo
    for name, want in expected.items():
        got = seen.get(name)
        if got is None:
            problems.append(f"{name}: missing from the archive")
        elif (got.size, got.sha256) != (want.size, want.sha256):
            problems.append(f"{name}: {got.size} bytes, SHA-256 {got.sha256[:12]}…; the manifest says "
                            f"{want.size} bytes, {want.sha256[:12]}…")
    problems += [f"{name}: in the archive but not in the manifest" for name in seen.keys() - expected.keys()]
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise ArchiveError("the archive does not match its manifest:\n  " + "\n  ".join(shown))
    return Unpacked(folder=folder, manifest=manifest, database_file=folder / "database" / database.path,
                    photos=photos)


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
