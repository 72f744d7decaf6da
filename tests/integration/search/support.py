"""Helpers for the search tests that need a real, committed database: other threads and
processes only see what was committed, so these tests cannot use the suite's rolled-back one."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask

from marketplace import db
from tests.database import forget_database, fresh_database_url, make_test_app, prepare_database

PROJECT_ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable


def committed_app(tmp_path_factory, name: str) -> Flask:
    """A new migrated database with the reference data; name is [a-z]+ (PostgreSQL schema)."""
    app = make_test_app(fresh_database_url(tmp_path_factory, name))
    prepare_database(app)
    return app


def close_app(app: Flask, name: str) -> None:
    db.get_registry(app).remove()
    db.get_engine(app).dispose()
    forget_database(name)


def child_environment(app: Flask, index_dir: Path) -> dict[str, str]:
    """The environment for a `marketplace` command run in a child process on app's database."""
    env = dict(os.environ)
    env.update({
        "APP_ENV": "testing",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SEARCH_INDEX_DIR": str(index_dir),
        "MAIL_URL": "memory://",
        "UPLOAD_DIR": "memory://",
        "PYTHONPATH": str(PROJECT_ROOT),
    })
    return env


# The `marketplace` command, run by this interpreter: arguments follow.
MARKETPLACE = [PYTHON, "-c", "from marketplace.cli import main; main(prog_name='marketplace')"]
