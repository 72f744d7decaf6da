"""Dumping and loading the database, one class per backend, behind one small interface.

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`) copies the database page by
  page inside one read transaction, so the copy is consistent while the server and the worker
  write (WAL lets them go on). Loading uses the same API the other way: the live file's pages are
  replaced in one write transaction.
- PostgreSQL: the schema the URL uses (the first of its search path) is dumped by `pg_dump` in its
  custom format, from a snapshot our own REPEATABLE READ transaction exports, so the checksums in
  the manifest describe exactly the rows in the dump. Loading turns the dump into SQL with
  `pg_restore` and runs it with `psql` in one transaction that first empties the target schema:
  it lands whole or not at all. A dump of schema A loads into schema B too (A is renamed to B
  inside that transaction), so the test suite's private schemas and `public` both work.
The password of DATABASE_URL reaches the PostgreSQL tools through PGPASSWORD, never their command
line, and no URL is printed.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and psql, run with argument lists, never a shell
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, Connection, Engine

from marketplace.backup.checksums import TableSum, table_sums

# What `marketplace init-db` writes into a new database: places, the product taxonomy and the
# schema's revision. A database holding rows in no other table holds nothing a restore would lose.
REFERENCE_TABLES = frozenset({"alembic_version", "provinces", "communes", "place_sources", "categories",
                              "products", "varieties"})
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class DatabaseError(Exception):
    """Dumping or loading failed; the message says why, for the operator."""


@dataclass(frozen=True)
class Dumped:
    tables: dict[str, TableSum]
    revision: str | None
    details: dict  # backend-specific facts the restore needs (PostgreSQL: the schema's name)


def revision_of(connection: Connection) -> str | None:
    """The schema's Alembic revision (read directly: Alembic's own reader logs at INFO)."""
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def tables_with_data(engine: Engine) -> list[str]:
    """Tables other than the reference data that hold at least one row."""
    with engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        names = sorted(set(inspect(connection).get_table_names()) - REFERENCE_TABLES)
        return [name for name in names
                if connection.exec_driver_sql(f"SELECT 1 FROM {quote(name)} LIMIT 1")  # noqa: S608  # nosec B608  # a reflected name, quoted
                .first() is not None]


def current_sums(engine: Engine) -> dict[str, TableSum]:
    with engine.connect() as connection, connection.begin():
        return table_sums(connection)


class SqliteDatabase:
    backend = "sqlite"
    dump_name = "database.sqlite3"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        database = engine.url.database
        if database in (None, "", ":memory:") or database.startswith("file:"):
            raise DatabaseError("DATABASE_URL names an in-memory SQLite database: there is nothing to back up "
                                "or restore into")
        self.path = Path(database)

    def dump(self, target: Path) -> Dumped:
        if not self.path.is_file():
            raise DatabaseError(f"the database file {self.path} does not exist")
        source = sqlite3.connect(self.path, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        except sqlite3.Error as error:
            raise DatabaseError(f"SQLite could not copy the database: {error}") from error
        finally:
            copy.close()
            source.close()
        return self._read_copy(target)

    def _read_copy(self, path: Path) -> Dumped:
        engine = create_engine(URL.create("sqlite", database=str(path)))
        try:
            with engine.connect() as connection, connection.begin():
                check = connection.exec_driver_sql("PRAGMA quick_check").scalar()
                if check != "ok":
                    raise DatabaseError(f"the database copy fails SQLite's check: {check}")
                return Dumped(tables=table_sums(connection), revision=revision_of(connection), details={})
        except DatabaseError:
            raise
        except Exception as error:
            raise DatabaseError(f"the database copy cannot be read ({error})") from error
        finally:
            engine.dispose()

    def check_dump(self, dump: Path, details: dict) -> Dumped:
        """What the extracted dump holds, read before anything is replaced."""
        return self._read_copy(dump)

    def load(self, dump: Path, details: dict, expected_rows: dict[str, int]) -> None:
        self.engine.dispose()  # no pooled connection keeps the old schema cached
        self.path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump)
        live = sqlite3.connect(self.path, timeout=30)
        try:
            source.backup(live)  # one write transaction: all the pages, or (on error) none
        except sqlite3.Error as error:
            raise DatabaseError(f"SQLite could not load the backup: {error}") from error
        finally:
            live.close()
            source.close()
        self.engine.dispose()


class PostgresDatabase:
    backend = "postgresql"
    dump_name = "database.pgdump"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        for tool in ("pg_dump", "pg_restore", "psql"):
            if shutil.which(tool) is None:
                raise DatabaseError(f"{tool} is not installed (Debian/Ubuntu: apt install postgresql-client, "
                                    f"the same major version as the server or newer)")

    def _tool_environment(self) -> tuple[str, dict[str, str]]:
        """A libpq connection URI without the password, and an environment carrying it."""
        url = self.engine.url
        environment = dict(os.environ)
        if url.password:
            environment["PGPASSWORD"] = str(url.password)
        uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        return uri, environment

    def _run(self, arguments: list[str], what: str) -> str:
        uri, environment = self._tool_environment()
        command = [arg.replace("{uri}", uri) for arg in arguments]
        result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603  # nosec B603  # our argv
        if result.returncode != 0:
            detail = "\n".join(result.stderr.strip().splitlines()[-8:])
            raise DatabaseError(f"{what} failed (exit status {result.returncode}):\n{detail}")
        return result.stdout

    def schema_name(self, connection: Connection) -> str:
        name = connection.exec_driver_sql("SELECT current_schema()").scalar()
        if name is None:
            raise DatabaseError("the schema DATABASE_URL's search path names does not exist: create it first")
        if not _SCHEMA_NAME.fullmatch(name):
            raise DatabaseError(f"schema name {name!r} is not one the backup tools handle (letters, digits, _)")
        return name

    def dump(self, target: Path) -> Dumped:
        with self.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
                schema = self.schema_name(connection)
                # pg_dump reads the same snapshot as the checksums below, while this transaction is open.
                self._run(["pg_dump", "--dbname={uri}", f"--snapshot={snapshot}", f'--schema="{schema}"',
                           "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], "pg_dump")
                return Dumped(tables=table_sums(connection), revision=revision_of(connection),
                              details={"schema": schema})

    def check_dump(self, dump: Path, details: dict) -> None:
        self._run(["pg_restore", "--list", str(dump)], "reading the dump (pg_restore --list)")
        return None

    def load(self, dump: Path, details: dict, expected_rows: dict[str, int]) -> None:
        """Load the dump in one transaction that also checks every table's row count before it
        commits (the checksums are compared after, by the caller)."""
        source = details.get("schema")
        if not isinstance(source, str) or not _SCHEMA_NAME.fullmatch(source):
            raise DatabaseError("the manifest does not name the dumped schema")
        with self.engine.connect() as connection:
            target = self.schema_name(connection)
            if source != target and connection.exec_driver_sql(
                    "SELECT 1 FROM pg_namespace WHERE nspname = %(name)s", {"name": source}).first():
                raise DatabaseError(f"the backup is of schema {source!r}, which exists in this database beside "
                                    f"{target!r}: restore into {source!r} (DATABASE_URL's search_path) or drop it")
        self.engine.dispose()
        folder = dump.parent
        listing = self._run(["pg_restore", "--list", str(dump)], "pg_restore --list")
        # The schema itself already exists (it is emptied, not dropped: its owner and grants stay).
        kept = [line for line in listing.splitlines() if not _schema_entry(line)]
        (folder / "restore.list").write_text("\n".join(kept) + "\n")
        script = folder / "restore.sql"
        self._run(["pg_restore", f"--use-list={folder / 'restore.list'}", "--no-owner", "--no-privileges",
                   f"--file={script}", str(dump)], "pg_restore")
        (folder / "before.sql").write_text(_emptying_sql(target) + (
            f'ALTER SCHEMA "{target}" RENAME TO "{source}";\n' if source != target else ""))
        (folder / "after.sql").write_text(_counting_sql(source, expected_rows) + (
            f'ALTER SCHEMA "{source}" RENAME TO "{target}";\n' if source != target else ""))
        self._run(["psql", "--dbname={uri}", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                   "--single-transaction", f"--file={folder / 'before.sql'}", f"--file={script}",
                   f"--file={folder / 'after.sql'}"], "loading the dump (psql)")


def _schema_entry(line: str) -> bool:
    """pg_restore --list lines for the schema object itself: `12; 2615 16386 SCHEMA - name owner`
    (and its comment or grants)."""
    if line.startswith(";"):
        return False
    description = line.split(" ", 3)[3] if line.count(" ") >= 3 else ""
    return description.startswith(("SCHEMA ", "COMMENT - SCHEMA ", "ACL - SCHEMA "))


def _counting_sql(schema: str, expected_rows: dict[str, int]) -> str:
    """SQL that fails (so the whole load rolls back) when a table has other rows than expected."""
    checks = []
    for name, rows in sorted(expected_rows.items()):
        if not _SCHEMA_NAME.fullmatch(name):
            raise DatabaseError(f"the manifest names a table {name!r} the backup tools do not handle")
        checks.append(f"""  IF (SELECT count(*) FROM "{schema}"."{name}") <> {int(rows)} THEN
    RAISE EXCEPTION 'table {name}: not {int(rows)} rows as in the backup; nothing was changed';
  END IF;""")  # noqa: S608  # nosec B608  # names matched _SCHEMA_NAME
    return "DO $counts$\nBEGIN\n" + "\n".join(checks) + "\nEND\n$counts$;\n"


def _emptying_sql(schema: str) -> str:
    """SQL that drops every table, view, sequence, type and routine in `schema` (a checked name)."""
    return f"""SET lock_timeout = '60s';
SET client_min_messages = warning;
DO $empty$
DECLARE item record;
BEGIN
  FOR item IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = '{schema}' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c') LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
                   CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                        WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' WHEN 'c' THEN 'TYPE'
                        ELSE 'TABLE' END,
                   '{schema}', item.relname);
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = '{schema}' LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.signature);
  END LOOP;
  FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname = '{schema}' AND t.typtype IN ('e', 'd', 'r') LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I.%I CASCADE', '{schema}', item.typname);
  END LOOP;
END
$empty$;
"""  # noqa: S608  # nosec B608  # schema matched _SCHEMA_NAME (letters, digits, _)


def for_engine(engine: Engine) -> SqliteDatabase | PostgresDatabase:
    backend = engine.dialect.name
    if backend == "sqlite":
        return SqliteDatabase(engine)
    if backend == "postgresql":
        return PostgresDatabase(engine)
    raise DatabaseError(f"backups of {backend} databases are not supported (SQLite and PostgreSQL are)")
