"""Where uploaded files live — the local disk, memory, or an S3-compatible bucket — behind one small
interface, so that several app hosts can serve the same photos and scans (issue #21).

A `Storage` holds files by name: a relative POSIX path such as `ab/abcdef-card.webp`. Names are
checked here once (no `..`, no absolute path, no empty part), so a name from a URL can never reach
outside the store. The stores of photos and of scans (listings.photos.storage, credentials.evidence)
map their keys to names and add the rules of their own files on top.

- `LocalStorage(root)`: files under a folder, written through a temporary file and a rename (a
  reader never gets half a file): UPLOAD_DIR as it has always been laid out.
- `MemoryStorage()`: a dict, for tests.
- `S3Storage(bucket, prefix, client)`: objects in a bucket (AWS S3, MinIO, Ceph, R2...), chosen by
  `UPLOAD_DIR=s3://bucket/prefix`; the endpoint and keys come from `S3_ENDPOINT_URL`, `AWS_REGION`,
  `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (boto3's usual chain when those are unset).

`storage_from_config(config)` chooses one; it returns None for `memory://`, whose stores keep their
own in-memory twins that tests inspect.
"""

from __future__ import annotations

import io
import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from marketplace.files import open_if_present, write_atomically

MEMORY = "memory://"
S3_SCHEME = "s3://"


class StorageError(OSError):
    """The store could not be reached or refused the request (S3 down, no permission). An OSError,
    as a full disk is, so that callers handle both the same way."""


def checked_name(name: str) -> str | None:
    """The name when it is a safe relative POSIX path, else None."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return name


def _name_or_error(name: str) -> str:
    if checked_name(name) is None:
        raise ValueError(f"bad file name {name!r}")
    return name


class Storage(Protocol):
    def put(self, name: str, data: bytes, *, private: bool = False) -> None: ...
    def get(self, name: str) -> bytes | None: ...
    def open(self, name: str) -> BinaryIO | None: ...
    def exists(self, name: str) -> bool: ...
    def delete(self, name: str) -> None: ...
    def list(self, prefix: str = "") -> Iterator[str]: ...
    def within(self, folder: str) -> Storage: ...


def read_whole(storage: Storage, name: str) -> bytes | None:
    """A file's bytes through the storage's `open` (None when it is not there)."""
    file = storage.open(name)
    if file is None:
        return None
    with file:
        return file.read()


class LocalStorage:
    """Files under `root`; `private` files are written 0o600 (scans of credentials), others 0o644."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def path(self, name: str) -> Path | None:
        return self.root.joinpath(*name.split("/")) if checked_name(name) else None

    def put(self, name: str, data: bytes, *, private: bool = False) -> None:
        write_atomically(self.root.joinpath(*_name_or_error(name).split("/")), data, 0o600 if private else 0o644)

    def get(self, name: str) -> bytes | None:
        return read_whole(self, name)

    def open(self, name: str) -> BinaryIO | None:
        return open_if_present(self.path(name))

    def exists(self, name: str) -> bool:
        path = self.path(name)
        return path is not None and path.is_file()

    def delete(self, name: str) -> None:
        path = self.path(name)
        if path is not None:
            path.unlink(missing_ok=True)

    def list(self, prefix: str = "") -> Iterator[str]:
        """Every file's name (sorted), not the half-written `.upload-*` ones, not links."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            name = path.relative_to(self.root).as_posix()
            if (name.startswith(prefix) and path.is_file() and not path.is_symlink()
                    and not path.name.startswith(".upload-") and checked_name(name)):
                yield name

    def within(self, folder: str) -> LocalStorage:
        return LocalStorage(self.root.joinpath(*_name_or_error(folder).split("/")))


class MemoryStorage:
    def __init__(self, files: dict[str, bytes] | None = None, prefix: str = "") -> None:
        self.files = files if files is not None else {}
        self.prefix = prefix

    def put(self, name: str, data: bytes, *, private: bool = False) -> None:
        self.files[self.prefix + _name_or_error(name)] = bytes(data)

    def get(self, name: str) -> bytes | None:
        return self.files.get(self.prefix + name) if checked_name(name) else None

    def open(self, name: str) -> BinaryIO | None:
        data = self.get(name)
        return io.BytesIO(data) if data is not None else None

    def exists(self, name: str) -> bool:
        return self.get(name) is not None

    def delete(self, name: str) -> None:
        if checked_name(name):
            self.files.pop(self.prefix + name, None)

    def list(self, prefix: str = "") -> Iterator[str]:
        start = self.prefix + prefix
        yield from sorted(name[len(self.prefix):] for name in list(self.files) if name.startswith(start))

    def within(self, folder: str) -> MemoryStorage:
        return MemoryStorage(self.files, f"{self.prefix}{_name_or_error(folder)}/")


class _S3Body(io.RawIOBase):
    """An S3 object's body as a readable file, read in pieces as the response is sent (a scan of
    several megabytes is streamed, not held in memory)."""

    def __init__(self, body) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class S3Storage:
    """Objects named `<prefix><name>` in one bucket. Files are never public in the bucket: the app
    serves them, after its own permission check (a draft listing's photo is not public)."""

    def __init__(self, bucket: str, prefix: str = "", client=None) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client = client

    def __repr__(self) -> str:  # never the keys
        return f"S3Storage({self.bucket!r}, {self.prefix!r})"

    def _key(self, name: str) -> str:
        return self.prefix + _name_or_error(name)

    def _missing(self, error) -> bool:
        code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("NoSuchKey", "404", "NotFound")

    def _call(self, what: str, method: str, **arguments):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **arguments)
        except ClientError as error:
            if self._missing(error) and method in ("get_object", "head_object"):
                return None
            raise StorageError(f"{what} in the bucket {self.bucket}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"{what} in the bucket {self.bucket}: {error}") from error

    def put(self, name: str, data: bytes, *, private: bool = False) -> None:
        # One PUT: S3 makes an object visible whole or not at all, as the rename does on disk.
        self._call(f"could not write {name}", "put_object", Key=self._key(name), Body=bytes(data))

    def get(self, name: str) -> bytes | None:
        return read_whole(self, name)

    def open(self, name: str) -> BinaryIO | None:
        if checked_name(name) is None:
            return None
        response = self._call(f"could not read {name}", "get_object", Key=self.prefix + name)
        if response is None:
            return None
        return io.BufferedReader(_S3Body(response["Body"]), buffer_size=256 * 1024)

    def exists(self, name: str) -> bool:
        if checked_name(name) is None:
            return False
        return self._call(f"could not look for {name}", "head_object", Key=self.prefix + name) is not None

    def delete(self, name: str) -> None:
        if checked_name(name):  # an absent object is no error in S3
            self._call(f"could not delete {name}", "delete_object", Key=self.prefix + name)

    def list(self, prefix: str = "") -> Iterator[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                          Prefix=self.prefix + prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(self.prefix):]
                    if checked_name(name):
                        yield name
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"could not list the bucket {self.bucket}: {error}") from error

    def within(self, folder: str) -> S3Storage:
        return S3Storage(self.bucket, f"{self.prefix}{_name_or_error(folder)}/", self.client)


def s3_client(config: dict):
    """A boto3 S3 client from the app's settings; unset keys fall back to boto3's own chain
    (environment, ~/.aws, an instance role)."""
    # Imported here, not at the top: boto3 takes about half a second to import, which every CLI
    # command and test process would pay; only a site with s3:// storage needs it.
    import boto3
    from botocore.config import Config

    options = {name: config.get(setting) or None for name, setting in (
        ("endpoint_url", "S3_ENDPOINT_URL"), ("region_name", "AWS_REGION"),
        ("aws_access_key_id", "AWS_ACCESS_KEY_ID"), ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"))}
    # Path-style addressing: MinIO and most self-hosted servers have no per-bucket host names.
    settings = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"},
                      connect_timeout=5, read_timeout=30)
    return boto3.session.Session().client("s3", config=settings, **options)


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` → ("bucket", "some/prefix/"); the prefix may be empty."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"not an s3:// address: {url!r}")
    prefix = posixpath.normpath(parts.path.strip("/")) if parts.path.strip("/") else ""
    if prefix and checked_name(prefix) is None:
        raise ValueError(f"bad prefix in {url!r}")
    return parts.netloc, f"{prefix}/" if prefix else ""


def storage_from_config(config: dict) -> Storage | None:
    """The store UPLOAD_DIR names: None for memory://, an S3Storage for s3://…, else a folder."""
    upload_dir = str(config["UPLOAD_DIR"])
    if upload_dir == MEMORY:
        return None
    if upload_dir.startswith(S3_SCHEME):
        bucket, prefix = parse_s3_url(upload_dir)
        return S3Storage(bucket, prefix, s3_client(config))
    return LocalStorage(upload_dir)
