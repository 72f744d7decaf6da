"""`marketplace backup` and `restore` with UPLOAD_DIR=s3://…: the photos and scans are read from the
bucket into the archive and put back into a bucket on restore (an S3 server on loopback, moto)."""

from __future__ import annotations

import pytest

from marketplace import db
from marketplace.storage import S3Storage, storage_from_config
from tests import database as suite
from tests.s3server import running_s3_server

NAME = "backupbucket"


@pytest.fixture(scope="module")
def s3():
    with running_s3_server() as server:
        yield server


def _run(app, *args):
    db.get_registry(app).remove()
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def test_backup_and_restore_carry_the_bucket_files(tmp_path_factory, s3):
    folder = tmp_path_factory.mktemp("backup-s3")
    first = s3.make_bucket()
    with suite.own_database_app(tmp_path_factory, NAME, UPLOAD_DIR=f"s3://{first}/site",
                                SEARCH_INDEX_DIR=str(folder / "index"), **s3.settings) as app:
        bucket = app.extensions["storage"]
        assert isinstance(bucket, S3Storage)
        files = {"ab/abcdef-card.webp": b"card", "ab/abcdef-detail.webp": b"detail" * 1000,
                 "evidence/kk/kkkk.pdf": b"%PDF-1.4 scan"}
        for name, data in files.items():
            bucket.put(name, data)

        made = _run(app, "backup", folder / "site.tar.gz")
        assert made.exit_code == 0, made.output
        assert "photo files: 3" in made.output

        # A new bucket, as on a new site: restore fills it.
        second = s3.make_bucket()
        app.extensions["storage"] = storage_from_config({"UPLOAD_DIR": f"s3://{second}/restored", **s3.settings})
        restored = _run(app, "restore", "--force", folder / "site.tar.gz")
        assert restored.exit_code == 0, restored.output
        assert "photo files: 3 written, 0 already there" in restored.output
        for name, data in files.items():
            assert app.extensions["storage"].get(name) == data

        again = _run(app, "restore", "--force", folder / "site.tar.gz")
        assert again.exit_code == 0 and "photo files: 0 written, 3 already there" in again.output
