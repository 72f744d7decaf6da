"""Every table's row count and a SHA-256 of its rows, read the same way at backup and at restore.

Rows are read raw (the driver's values, no SQLAlchemy type processing, so a value the models would
not parse is still counted) and written as one canonical JSON line each: columns by name, times in
UTC, bytes in hex, JSON with sorted keys. Tables with an integer primary key are read in key
order; any other table is sorted line by line, so the order never depends on a collation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.sql import sqltypes


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


def canonical(value):
    """A JSON-ready form of a raw column value that is the same after a dump and a load."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "hex:" + bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def table_sums(connection: Connection) -> dict[str, TableSum]:
    """Counts and checksums of every table in the connection's schema (PostgreSQL: the first of
    the search path), read inside the connection's current transaction."""
    inspector = inspect(connection)
    return {name: _table_sum(connection, inspector, name) for name in sorted(inspector.get_table_names())}


def _table_sum(connection: Connection, inspector, name: str) -> TableSum:
    quote = connection.dialect.identifier_preparer.quote
    columns = {column["name"]: column["type"] for column in inspector.get_columns(name)}
    key = inspector.get_pk_constraint(name).get("constrained_columns") or []
    ordered_by_key = bool(key) and all(isinstance(columns.get(c), sqltypes.Integer) for c in key)
    sql = f"SELECT * FROM {quote(name)}"  # noqa: S608  # nosec B608  # a reflected table name, quoted
    if ordered_by_key:
        sql += " ORDER BY " + ", ".join(quote(c) for c in key)
    result = connection.exec_driver_sql(sql)
    names = list(result.keys())
    order = sorted(range(len(names)), key=lambda i: names[i])
    digest = hashlib.sha256(json.dumps([names[i] for i in order]).encode() + b"\n")

    def lines():
        for row in result:
            yield json.dumps([canonical(row[i]) for i in order], ensure_ascii=False).encode() + b"\n"

    count = 0
    for line in (lines() if ordered_by_key else sorted(lines())):
        digest.update(line)
        count += 1
    return TableSum(rows=count, sha256=digest.hexdigest())


def differences(expected: dict[str, TableSum], actual: dict[str, TableSum]) -> list[str]:
    """One line per table that is missing, extra, or has other rows than expected."""
    found = []
    for name in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(name), actual.get(name)
        if got is None:
            found.append(f"{name}: missing")
        elif want is None:
            found.append(f"{name}: not in the backup ({got.rows} rows)")
        elif want.rows != got.rows:
            found.append(f"{name}: {got.rows} rows, the backup has {want.rows}")
        elif want.sha256 != got.sha256:
            found.append(f"{name}: {got.rows} rows as expected, but their contents differ (checksum)")
    return found
