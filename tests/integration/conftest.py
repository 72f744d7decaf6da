"""Integration tests: the app, one migrated database per run (SQLite, or PostgreSQL when
MARKETPLACE_TEST_DATABASE_URL is set), and every test inside a transaction that is rolled back,
so tests never see each other's data. The database itself is made by tests/database.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.extensions import limiter
from marketplace.mail import MemoryMailer
from tests.clients import app_session
from tests.database import forget_database, fresh_database_url, make_test_app, prepare_database
from tests.factories import make_club


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[Flask]:
    app = make_test_app(fresh_database_url(tmp_path_factory, "suite"),
                        SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("search_index")))
    prepare_database(app)
    yield app
    db.get_engine(app).dispose()
    forget_database("suite")


@pytest.fixture(autouse=True)
def _isolated_database(app: Flask) -> Iterator[None]:
    """Bind the app's session to a connection whose outer transaction is rolled back after."""
    engine = db.get_engine(app)
    registry = db.get_registry(app)
    connection = engine.connect()
    outer = connection.begin()
    registry.remove()
    registry.configure(bind=connection, join_transaction_mode="create_savepoint")
    limiter.reset()
    mailer = app.extensions["mailer"]
    if isinstance(mailer, MemoryMailer):
        mailer.outbox.clear()
    try:
        yield
    finally:
        registry.remove()
        registry.configure(bind=engine)
        outer.rollback()
        connection.close()


@pytest.fixture
def session(app: Flask):
    """The app's session inside an app context: for service and model tests.

    Flask 3.1 reuses this app context for test-client requests made while it is pushed, so `g`
    (the signed-in user, the locale, the CSRF token) carries over between those requests and
    between clients. Tests with several users or sign-in/sign-out set up their data in
    tests.clients.app_session(app) and make their requests after it.
    """
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> list:
    return app.extensions["mailer"].outbox


@pytest.fixture
def club(app: Flask) -> tuple[Organization, User]:
    """A club and its chair, made in their own app context so requests come after (see
    tests.clients.app_session). Modules that need more around the club define their own `club`."""
    with app_session(app):
        return make_club()
