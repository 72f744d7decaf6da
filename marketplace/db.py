"""The database: declarative base, engine set-up per backend, and the request-scoped session.

Services receive a session and only flush; the view (or the CLI command) that called them
commits once. The session is removed at the end of every request and rolled back on error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import DateTime, ForeignKey, MetaData, create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedColumn,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)
from sqlalchemy.pool import StaticPool
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


class IdMixin:
    """An integer primary key named id, the table's first column."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def references(target: str, *, ondelete: str | None = None, **options) -> MappedColumn:
    """A column holding a foreign key to `target` ("table.column"). `ondelete` is what the database
    does to this row when that one goes (CASCADE, SET NULL; by default it refuses to delete it);
    `options` as for mapped_column (index=True, unique=True, primary_key=True)."""
    return mapped_column(ForeignKey(target, ondelete=ondelete), **options)


def _current_session() -> Session:
    return current_app.extensions["db_sessions"]()


# The current app's request-scoped session. Each app keeps its own registry, so that two apps
# in one process (the test suite and the live server the browser tests drive) never share one.
session: Session = LocalProxy(_current_session)  # type: ignore[assignment]


def normalize_url(url: str) -> URL:
    """postgresql:// means psycopg 3 here (the driver we install), not SQLAlchemy's psycopg2."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs to be safe under concurrency."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and ignores SAVEPOINT semantics; take
    # it over so that SQLAlchemy's transactions (and nested savepoints in tests) are real.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # IMMEDIATE takes the write lock up front: a transaction that reads then writes
        # cannot fail half-way with "database is locked" when another writer got there first.
        # Safe requests (GET, HEAD) only read, so they begin DEFERRED and never queue.
        read_only = _reading.get() or (not _writing.get() and has_request_context()
                                       and request.method in ("GET", "HEAD", "OPTIONS"))
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


_reading: ContextVar[bool] = ContextVar("reading", default=False)
_writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside write, even in a GET request (opening a thread marks it read):
    on SQLite they begin IMMEDIATE, so the write cannot fail half-way on a stale read snapshot.
    Commit the request's read transaction before entering."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside only read (or write in a fresh transaction of their own): on
    SQLite they begin DEFERRED, so a long read such as a search rebuild never holds the write lock."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    registry = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
    app.extensions["db_sessions"] = registry

    @app.teardown_appcontext
    def remove_session(exc: BaseException | None) -> None:
        if exc is not None:
            registry.rollback()
        registry.remove()


def get_engine(app: Flask) -> Engine:
    return app.extensions["db_engine"]


def get_registry(app: Flask) -> scoped_session:
    return app.extensions["db_sessions"]


@contextmanager
def one_at_a_time(app: Flask, name: str) -> Iterator[bool]:
    """Whether this process may run `name` now, while no other process (of any host) runs it.

    On PostgreSQL a session-level advisory lock held on a connection of its own for the block:
    several hosts each run a worker against one database, and work that is platform-wide (matching
    the change log, alerts, reminders) must be done by one of them at a time, or two would read the
    same rows and tell people twice. Yields False when another process holds it (try again next
    round). SQLite serves one host, whose single worker needs no lock: always True.
    """
    engine = get_engine(app)
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = "chq-worker:" + name
    with engine.connect() as connection:
        got = connection.exec_driver_sql("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).scalar()
        connection.commit()
        try:
            yield bool(got)
        finally:
            if got:
                connection.exec_driver_sql("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
                connection.commit()
