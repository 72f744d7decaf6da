"""The backup service's rarer ways (test_backup.py has the round trip with demo data and photos):
photos kept in memory (UPLOAD_DIR=memory://, as in development), a folder given for the archive,
photos with nowhere to go, a manifest without a schema revision, and a database that reads back
differently from what was loaded. Each says what happened and changes nothing it should not.
Called as services, on a small committed database of their own (SQLite, or a PostgreSQL schema)."""

from __future__ import annotations

import json

import pytest
from flask import Flask

import tests.database as suite
from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.backup import databases
from marketplace.backup import services as backups
from marketplace.backup.checksums import TableSum
from tests.integration.cli.test_backup import rewrite

NAME = "backupedges"


@pytest.fixture(scope="module")
def small_app(tmp_path_factory) -> Flask:
    """Not `app`: the suite's autouse fixture holds a transaction open on that one."""
    app = suite.make_test_app(suite.fresh_database_url(tmp_path_factory, NAME))
    suite.prepare_database(app)
    with app.app_context():
        accounts.create_organization(db.session, kind="club", name="Hội quán sao lưu", commune_code="30244")
        db.session.commit()
        db.get_registry(app).remove()
    yield app
    db.get_engine(app).dispose()
    suite.forget_database(NAME)


@pytest.fixture
def engine(small_app):
    return db.get_engine(small_app)


@pytest.fixture
def backup(engine, tmp_path):
    """A backup of the small database, with its photos in memory (none in the archive)."""
    return backups.create_backup(engine, backups.MEMORY, tmp_path / "small.tar.gz")


def test_photos_in_memory_round_trip_with_the_database_alone(engine, backup):
    assert backup.photos == [] and backup.vanished_photos == []
    assert backup.tables["organizations"].rows == 1
    before = databases.current_sums(engine)

    report = backups.restore_backup(engine, backups.MEMORY, backup.path, force=True)

    assert (report.photos_written, report.photos_unchanged, report.other_files) == (0, 0, 0)
    assert report.tables == before == databases.current_sums(engine)


def test_a_folder_given_for_the_archive_is_refused_with_a_name_to_use(engine, tmp_path):
    with pytest.raises(backups.BackupFailed, match="is a folder: give the archive's file name") as refused:
        backups.create_backup(engine, backups.MEMORY, tmp_path)
    assert str(tmp_path / "chq-backup.tar.gz") in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_photos_with_nowhere_to_go_are_refused_before_anything_changes(engine, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "photo-key-0123456789-large.webp").write_bytes(b"RIFF....WEBP")
    with_photos = backups.create_backup(engine, str(uploads), tmp_path / "with-photos.tar.gz")
    assert [entry.path for entry in with_photos.photos] == ["ab/photo-key-0123456789-large.webp"]
    before = databases.current_sums(engine)

    with pytest.raises(backups.BackupFailed, match="UPLOAD_DIR is memory://.*Nothing was restored"):
        backups.restore_backup(engine, backups.MEMORY, with_photos.path, force=True)
    assert databases.current_sums(engine) == before


def test_a_manifest_without_a_schema_revision_is_refused(engine, backup, tmp_path):
    edited = tmp_path / "no-revision.tar.gz"

    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema"] = "0020"  # not the object this version writes
        return json.dumps(manifest).encode()

    rewrite(backup.path, edited, change)
    before = databases.current_sums(engine)

    with pytest.raises(backups.BackupFailed, match="schema revision None is unknown.*Nothing was restored"):
        backups.restore_backup(engine, backups.MEMORY, edited, force=True)
    assert databases.current_sums(engine) == before


def test_a_database_that_reads_back_unlike_the_backup_is_said_loudly(engine, backup, monkeypatch):
    """The load went through, yet what the database gives back differs (a disk or driver fault):
    the restore fails naming the table, and says not to use the database."""
    real = databases.current_sums

    def read_back_wrong(target_engine):
        sums = real(target_engine)
        sums["organizations"] = TableSum(rows=sums["organizations"].rows, sha256="0" * 64)
        return sums

    monkeypatch.setattr(databases, "current_sums", read_back_wrong)
    with pytest.raises(backups.BackupFailed, match="RESTORE FAILED AFTER LOADING") as failed:
        backups.restore_backup(engine, backups.MEMORY, backup.path, force=True)
    assert "organizations" in str(failed.value) and "Do not use it" in str(failed.value)
    monkeypatch.undo()
    assert databases.current_sums(engine) == backup.tables  # the load itself was whole
