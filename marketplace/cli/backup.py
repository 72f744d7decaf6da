"""Commands for backups: backup, restore (which rebuilds the search index)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace import db
from marketplace.backup import services as backups
from marketplace.cli.common import fail
from marketplace.search import services as search
from marketplace.storage import S3Storage, Storage


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Write a backup of the database and the photos to one archive file (e.g. chq-2026-12-05.tar.gz).

    Safe while the server and the worker run: the database is copied from one consistent snapshot.
    The archive's manifest records every table's row count and checksum and every photo's SHA-256;
    the search index is not included (`restore` rebuilds it)."""
    try:
        report = backups.create_backup(db.get_engine(current_app), current_app.config["UPLOAD_DIR"], path,
                                       force=force, bucket=_bucket())
    except backups.BackupFailed as error:
        fail(f"backup not written: {error}")
    rows = sum(table.rows for table in report.tables.values())
    click.echo(f"backup written: {report.path} ({_size(report.archive_bytes)})")
    click.echo(f"database: {report.backend}, schema revision {report.revision}, {len(report.tables)} tables, "
               f"{rows} rows")
    click.echo(f"photo files: {len(report.photos)} ({_size(sum(p.size for p in report.photos))})")
    if report.vanished_photos:
        click.echo(f"photos deleted while the backup ran (not in it): {len(report.vanished_photos)}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup written by `marketplace backup`, then rebuild the search index.

    Stop the web server and the worker first. The archive is checked against its manifest before
    anything is touched; a database holding data is replaced only with --force. After loading,
    every table is compared with the manifest's count and checksum: any difference is an error."""
    engine = db.get_engine(current_app)
    db.get_registry(current_app).remove()
    try:
        report = backups.restore_backup(engine, current_app.config["UPLOAD_DIR"], path, force=force,
                                        bucket=_bucket())
    except backups.BackupFailed as error:
        fail(f"restore failed: {error}")
    rows = sum(table.rows for table in report.tables.values())
    if report.replaced_tables:
        click.echo(f"replaced the data that was there ({len(report.replaced_tables)} tables held rows)")
    click.echo(f"restored the {report.backend} database of {report.created_at}: {len(report.tables)} tables, "
               f"{rows} rows, every count and checksum as in the backup")
    for name, table in report.tables.items():
        if table.rows:
            click.echo(f"  {name}: {table.rows}")
    if report.upgraded_to:
        click.echo(f"schema upgraded from {report.revision} to {report.upgraded_to}")
    click.echo(f"photo files: {report.photos_written} written, {report.photos_unchanged} already there"
               + (f"; {report.other_files} other files in UPLOAD_DIR left as they were" if report.other_files else ""))
    try:
        count = search.reindex(db.session, search.backend(), commit=db.session.commit)
    except Exception as error:  # noqa: BLE001 - the data is back; say what is left to do
        db.session.rollback()
        fail(f"the database and photos are restored, but the search index was not rebuilt ({error}): "
             f"run `marketplace search reindex`")
    click.echo(f"search index rebuilt: {count} documents")


def _bucket() -> Storage | None:
    """The shared bucket when UPLOAD_DIR=s3://…: photos are read from and restored into it."""
    storage = current_app.extensions.get("storage")
    return storage if isinstance(storage, S3Storage) else None


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)
