"""SQLite's single write lock, probed from a second connection: for tests that a page or a job
does its slow work (reading a file, matching) without holding it. They need a database of their
own, outside the suite's outer transaction (which holds the lock for the whole test)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from flask import Flask

from marketplace import db
from tests.database import POSTGRES_URL, own_database_app

only_on_sqlite = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's single write lock")


def own_app_fixture(name: str):
    """A module-scoped fixture of an app on a database of its own (see own_database_app)."""
    @pytest.fixture(scope="module")
    def own_app(tmp_path_factory) -> Iterator[Flask]:
        with own_database_app(tmp_path_factory, name) as app:
            yield app

    return own_app


def another_writer_gets_in(app: Flask) -> bool:
    """Whether a second connection can take the write lock at once, as a page saving would."""
    connection = sqlite3.connect(db.get_engine(app).url.database, timeout=0.2, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


def probe_while_called(monkeypatch: pytest.MonkeyPatch, app: Flask, module, name: str) -> list[bool]:
    """Replace module.name with a wrapper that first probes whether another writer gets in (see
    another_writer_gets_in), then calls the real one. Returns the list each call appends to."""
    probes: list[bool] = []
    real = getattr(module, name)

    def probing(*args, **kwargs):
        probes.append(another_writer_gets_in(app))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, probing)
    return probes
