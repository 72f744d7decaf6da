"""The test database, as plain functions: a fresh SQLite file or PostgreSQL schema per run,
migrated and loaded with the reference data (places, taxonomy).

The fixtures that use these live with the tests that need a database: tests/integration/conftest.py
(the suite's `app`, each test rolled back) and tests/browser/conftest.py (the live server's app).
Tests that need a database of their own, where every request commits (races, write locks, backups),
open one with `own_database_app`. tests/unit never touches any of this.

`make test` runs the suite on a fresh SQLite file, then again with
MARKETPLACE_TEST_DATABASE_URL set to TEST_DATABASE_URL (PostgreSQL in CI).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import text

from marketplace import create_app, db, schema

POSTGRES_URL = os.environ.get("MARKETPLACE_TEST_DATABASE_URL", "")
TEST_PASSWORD = "correct-horse-battery"


def _postgres_schema_url(url: str, schema_name: str) -> str:
    """The same PostgreSQL database, with a private schema first on the search path."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema_name}"


def reset_postgres_schema(url: str, schema_name: str) -> str:
    """Create an empty schema for this run; drop those left by runs that were killed."""
    if not re.fullmatch(r"[a-z0-9_]+", schema_name):
        raise ValueError(schema_name)
    engine = db.make_engine(url)
    with engine.begin() as connection:
        leftovers = connection.scalars(text(
            "SELECT nspname FROM pg_namespace WHERE nspname ~ '^chq_[a-z]+_[0-9]+$'")).all()
        for name in leftovers:
            pid = int(name.rsplit("_", 1)[1])
            if name == schema_name or not _process_alive(pid):
                connection.execute(text(f"DROP SCHEMA {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema_name}"))
    engine.dispose()
    return _postgres_schema_url(url, schema_name)


def drop_postgres_schema(url: str, schema_name: str) -> None:
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema_name} CASCADE"))
    engine.dispose()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fresh_database_url(tmp_path_factory, name: str) -> str:
    """A new, empty database for this run: a SQLite file, or a fresh PostgreSQL schema.

    PostgreSQL schemas are named per process, so that two runs on one server never collide.
    """
    if POSTGRES_URL:
        return reset_postgres_schema(POSTGRES_URL, postgres_schema_name(name))
    return f"sqlite:///{tmp_path_factory.mktemp(name) / 'test.db'}"


def postgres_schema_name(name: str) -> str:
    return f"chq_{name}_{os.getpid()}"


def forget_database(name: str) -> None:
    """Drop this run's PostgreSQL schema (SQLite files go with pytest's temporary folder)."""
    if POSTGRES_URL:
        drop_postgres_schema(POSTGRES_URL, postgres_schema_name(name))


def make_test_app(database_url: str, **overrides) -> Flask:
    config = {
        "APP_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url,
        "MAIL_URL": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_IDENTIFIER_RATE_LIMIT": "1000 per minute",
        "SERVER_NAME": "localhost",
        "PUBLIC_URL": "http://localhost",
        "SEARCH_INDEX_DIR": "memory://",
        "UPLOAD_DIR": "memory://",
    }
    config.update(overrides)
    return create_app(config)


def prepare_database(app: Flask) -> None:
    """Migrate to head and load the reference data (places, taxonomy), committed once."""
    schema.upgrade(db.get_engine(app))
    with app.app_context():
        schema.load_reference_data(db.session)
        db.session.commit()


@contextmanager
def own_database_app(tmp_path_factory, name: str, **config) -> Iterator[Flask]:
    """An app on a fresh, migrated database of its own, where every request commits for real;
    disposed of (and its PostgreSQL schema dropped) afterwards. name keeps runs apart: lower-case
    letters only, one per module."""
    app = make_test_app(fresh_database_url(tmp_path_factory, name), **config)
    prepare_database(app)
    try:
        yield app
    finally:
        db.get_engine(app).dispose()
        forget_database(name)
