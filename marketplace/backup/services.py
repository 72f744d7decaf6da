"""The two use cases behind `marketplace backup` and `marketplace restore`.

They work below the session (a dump needs the database's own tools), so they take the engine and
the folders, and return a report for the command to print. Nothing here prints or reads Flask's
configuration, and no secret setting is read at all: an archive holds data, never the keys.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess  # nosec B404  # git rev-parse for the manifest, an argument list
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from marketplace import schema
from marketplace.backup import archive, checksums, databases
from marketplace.backup.archive import ArchiveError, FileEntry
from marketplace.backup.checksums import TableSum
from marketplace.config import PROJECT_ROOT
from marketplace.storage import S3_SCHEME, Storage

MEMORY = "memory://"


class BackupFailed(Exception):
    """A backup or restore that stopped; the message says why and what state things are in."""


@dataclass
class BackupReport:
    path: Path
    archive_bytes: int
    backend: str
    revision: str | None
    tables: dict[str, TableSum]
    photos: list[FileEntry]
    vanished_photos: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    backend: str
    revision: str | None
    created_at: str
    tables: dict[str, TableSum]
    photos_written: int
    photos_unchanged: int
    other_files: int  # files in UPLOAD_DIR the backup does not have (left in place)
    upgraded_to: str | None = None
    replaced_tables: list[str] = field(default_factory=list)


def app_revision() -> str | None:
    """The git commit the code was installed from, when it runs from a checkout."""
    try:
        result = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],  # noqa: S603, S607  # nosec B603, B607  # fixed argv
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def _app_version() -> str | None:
    try:
        return metadata.version("cho-hoi-quan")
    except metadata.PackageNotFoundError:
        return None


def _inside(path: Path, folder: str) -> bool:
    if not folder or folder == MEMORY or folder.startswith(S3_SCHEME):
        return False
    return path.resolve().is_relative_to(Path(folder).resolve())


def _photo_files(upload_dir: str) -> list[tuple[str, Path]]:
    """Every photo file under UPLOAD_DIR (not the half-written `.upload-*` ones, not links)."""
    if upload_dir == MEMORY:
        return []
    root = Path(upload_dir)
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and archive.safe_relative(relative) is not None:
            found.append((relative, path))
    return found


def _bucket_files(bucket: Storage, work: Path):
    """Every file of a bucket (UPLOAD_DIR=s3://…), each fetched into `work` while it is archived."""
    copy = work / "photo"
    for relative in bucket.list():
        if archive.safe_relative(relative) is None:
            continue
        data = bucket.get(relative)
        if data is None:
            yield relative, work / "vanished"  # deleted since it was listed: add_file finds it missing
            continue
        copy.write_bytes(data)
        yield relative, copy


def create_backup(engine, upload_dir: str, destination: Path, *, force: bool = False,
                  bucket: Storage | None = None) -> BackupReport:
    """Write the database dump, the photos and the manifest into one archive at `destination`.
    With `bucket` (UPLOAD_DIR=s3://…) the photos and scans are read from it, one at a time."""
    destination = Path(destination)
    if _inside(destination, upload_dir):
        raise BackupFailed(f"refusing to write the backup inside UPLOAD_DIR ({upload_dir}): it would back "
                           f"itself up next time and share the disk it is meant to survive")
    if destination.is_dir():
        raise BackupFailed(f"{destination} is a folder: give the archive's file name, e.g. "
                           f"{destination / 'chq-backup.tar.gz'}")
    if destination.exists() and not force:
        raise BackupFailed(f"{destination} already exists: choose another name, or --force to replace it")
    if not destination.parent.is_dir():
        raise BackupFailed(f"the folder {destination.parent} does not exist")
    try:
        database = databases.for_engine(engine)
    except databases.DatabaseError as error:
        raise BackupFailed(str(error)) from error
    with tempfile.TemporaryDirectory(prefix="chq-backup-") as work:
        dump_path = Path(work) / database.dump_name
        try:
            dumped = database.dump(dump_path)
        except databases.DatabaseError as error:
            raise BackupFailed(str(error)) from error
        writer = archive.ArchiveWriter(destination, replace=force)
        try:
            dump_entry = writer.add_file(f"database/{database.dump_name}", dump_path)
            dump_path.unlink()  # the copy is in the archive; free the space before the photos
            photos, vanished = [], []
            for relative, path in (_bucket_files(bucket, Path(work)) if bucket is not None
                                   else _photo_files(upload_dir)):
                try:
                    photos.append(writer.add_file(f"photos/{relative}", path))
                except FileNotFoundError:
                    vanished.append(relative)  # deleted since it was listed: its row went with it
            manifest = {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "app": {"name": "cho-hoi-quan", "version": _app_version(), "revision": app_revision()},
                "schema": {"revision": dumped.revision, "code_head": schema.head_revision()},
                "database": {"backend": database.backend, **dump_entry.as_dict(), **dumped.details},
                "tables": {name: {"rows": s.rows, "sha256": s.sha256} for name, s in dumped.tables.items()},
                "photos": [entry.as_dict() for entry in photos],
            }
            writer.add_bytes(archive.MANIFEST, archive.manifest_bytes(manifest))
            writer.commit()
        except FileExistsError as error:
            writer.abort()
            raise BackupFailed(f"{destination} appeared while the backup was written; nothing replaced") from error
        except BaseException:
            writer.abort()
            raise
    return BackupReport(path=destination, archive_bytes=writer.size, backend=database.backend,
                        revision=dumped.revision, tables=dumped.tables, photos=photos, vanished_photos=vanished)


def _manifest_sums(manifest: dict) -> dict[str, TableSum]:
    try:
        return {str(name): TableSum(rows=int(raw["rows"]), sha256=str(raw["sha256"]))
                for name, raw in manifest["tables"].items()}
    except (KeyError, TypeError, ValueError) as error:
        raise BackupFailed("the manifest's table checksums are malformed") from error


def _known_revision(revision: str | None) -> bool:
    if revision is None:
        return False
    try:
        return ScriptDirectory.from_config(schema.alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def restore_backup(engine, upload_dir: str, source: Path, *, force: bool = False,
                   bucket: Storage | None = None) -> RestoreReport:
    """Check the archive, load the database (replacing one that holds data only with `force`),
    compare every table with the manifest, and put the photos back (into `bucket` when
    UPLOAD_DIR=s3://…). The search index is the caller's to rebuild."""
    try:
        database = databases.for_engine(engine)
    except databases.DatabaseError as error:
        raise BackupFailed(str(error)) from error
    with tempfile.TemporaryDirectory(prefix="chq-restore-") as work:
        try:
            unpacked = archive.unpack(Path(source), Path(work))
        except ArchiveError as error:
            raise BackupFailed(f"{error}. Nothing was restored.") from error
        manifest = unpacked.manifest
        expected = _manifest_sums(manifest)
        backend = manifest["database"].get("backend")
        if backend != database.backend:
            raise BackupFailed(f"this is a backup of a {backend} database and DATABASE_URL points to "
                               f"{database.backend}: restore it into the same kind. Nothing was restored.")
        revision = manifest["schema"].get("revision") if isinstance(manifest.get("schema"), dict) else None
        if not _known_revision(revision):
            raise BackupFailed(f"the backup's schema revision {revision!r} is unknown to this version of the app "
                               f"(a newer one wrote it?): restore it with that version. Nothing was restored.")
        if unpacked.photos and upload_dir == MEMORY:
            raise BackupFailed("UPLOAD_DIR is memory://: the backup's photos would have nowhere to go. "
                               "Nothing was restored.")
        # Before anything is replaced: what the dump itself holds (SQLite can tell without loading it).
        try:
            in_dump = database.check_dump(unpacked.database_file, manifest["database"])
        except databases.DatabaseError as error:
            raise BackupFailed(f"{error}. Nothing was restored.") from error
        if in_dump is not None and (wrong := checksums.differences(expected, in_dump.tables)):
            raise BackupFailed("the database in the archive does not match the manifest's checksums:\n  "
                               + "\n  ".join(wrong) + "\nNothing was restored.")
        if isinstance(database, databases.SqliteDatabase):
            database.path.parent.mkdir(parents=True, exist_ok=True)  # a new server's instance/ folder
        holding = databases.tables_with_data(engine)
        if holding and not force:
            raise BackupFailed("the database already holds data (" + ", ".join(holding[:8])
                               + (" …" if len(holding) > 8 else "") + "): restore into an empty database, or "
                               "--force to replace everything in it. Nothing was restored.")
        try:
            database.load(unpacked.database_file, manifest["database"],
                          {name: table.rows for name, table in expected.items()})
        except databases.DatabaseError as error:
            where = ("The database was left as it was (the load is one transaction)."
                     if database.backend == "postgresql" else
                     "SQLite copies in one transaction, so the database should be as it was; check it "
                     "before use.")
            raise BackupFailed(f"{error}\n{where}") from error
        except Exception as error:
            raise BackupFailed(f"RESTORE STOPPED WHILE LOADING ({type(error).__name__}: {error}): the database may "
                               f"not match the backup. Restore again with --force before using it.") from error
        try:
            loaded = databases.current_sums(engine)
        except Exception as error:
            raise BackupFailed(f"RESTORE NOT CHECKED: the database was loaded but could not be read back to compare "
                               f"({type(error).__name__}: {error}). Restore again with --force before using it.") \
                from error
        wrong = checksums.differences(expected, loaded)
        if wrong:
            raise BackupFailed("RESTORE FAILED AFTER LOADING: the database now differs from the backup:\n  "
                               + "\n  ".join(wrong) + "\nDo not use it: restore again (with --force), "
                               "from this archive on other hardware or from another backup.")
        try:
            written, unchanged = (_restore_to_bucket(unpacked, bucket) if bucket is not None else
                                  _restore_photos(unpacked, Path(upload_dir) if upload_dir != MEMORY else None))
        except OSError as error:
            raise BackupFailed(f"the database was restored and checked, but the photos could not be written to "
                               f"UPLOAD_DIR ({error}): free space or fix permissions, then restore again "
                               f"with --force") from error
    upgraded_to = None
    if revision != schema.head_revision():
        try:
            schema.upgrade(engine)
        except Exception as error:
            raise BackupFailed(f"the database and photos were restored and checked at schema revision {revision}, "
                               f"but upgrading it failed ({error}): run `marketplace init-db`") from error
        upgraded_to = schema.head_revision()
    listed = {entry.path for entry in unpacked.photos}
    present = bucket.list() if bucket is not None else (relative for relative, _path in _photo_files(upload_dir))
    other = sum(1 for relative in present if relative not in listed)
    return RestoreReport(backend=database.backend, revision=revision, created_at=str(manifest.get("created_at")),
                         tables=loaded, photos_written=written, photos_unchanged=unchanged, other_files=other,
                         upgraded_to=upgraded_to, replaced_tables=holding)


def _restore_photos(unpacked: archive.Unpacked, root: Path | None) -> tuple[int, int]:
    """Copy the checked photo files into UPLOAD_DIR; a file already there with the same bytes stays."""
    if root is None:
        return 0, 0
    written = unchanged = 0
    for entry in unpacked.photos:
        target = root / Path(*entry.path.split("/"))
        if target.is_file() and target.stat().st_size == entry.size and _sha256(target) == entry.sha256:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".upload-restore-{target.name}")
        shutil.copyfile(unpacked.photo_path(entry), temporary)
        temporary.chmod(0o644)
        temporary.replace(target)
        written += 1
    return written, unchanged


def _restore_to_bucket(unpacked: archive.Unpacked, bucket: Storage) -> tuple[int, int]:
    """Put the checked photo files into the bucket; an object already there with the same bytes stays."""
    written = unchanged = 0
    for entry in unpacked.photos:
        data = unpacked.photo_path(entry).read_bytes()
        there = bucket.get(entry.path)
        if there is not None and hashlib.sha256(there).hexdigest() == entry.sha256:
            unchanged += 1
            continue
        bucket.put(entry.path, data, private=entry.path.startswith("evidence/"))
        written += 1
    return written, unchanged


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
