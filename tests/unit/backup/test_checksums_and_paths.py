"""Pure parts of backups: canonical values for checksums, the differences reported, safe paths."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import create_engine

from marketplace.backup import archive, checksums
from marketplace.backup.checksums import TableSum


def test_canonical_values_are_stable_across_drivers():
    hanoi = timezone(timedelta(hours=7))
    moment = datetime(2026, 1, 2, 10, 0, tzinfo=hanoi)
    assert checksums.canonical(moment) == checksums.canonical(moment.astimezone(UTC)) == "2026-01-02T03:00:00+00:00"
    assert checksums.canonical(date(2026, 1, 2)) == "2026-01-02"
    assert checksums.canonical(Decimal("1.50")) == "1.50"
    assert checksums.canonical(b"\x00\xff") == checksums.canonical(memoryview(b"\x00\xff")) == "hex:00ff"
    assert checksums.canonical({"b": 1, "a": [2]}) == '{"a": [2], "b": 1}'
    assert checksums.canonical(0.1) == "0.1"
    assert [checksums.canonical(v) for v in (None, True, 7, "Đồng Tháp")] == [None, True, 7, "Đồng Tháp"]


def _sums(tmp_path, rows, name="t.db"):
    path = tmp_path / name
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("CREATE TABLE tags (label TEXT, weight INTEGER)")  # no primary key: sorted in Python
    connection.executemany("INSERT INTO items VALUES (?, ?)", rows)
    connection.executemany("INSERT INTO tags VALUES (?, ?)", [(name, n) for n, (_, name) in enumerate(rows)])
    connection.commit()
    connection.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as c:
        result = checksums.table_sums(c)
    engine.dispose()
    return result


def test_table_sums_ignore_insertion_order_and_see_one_changed_value(tmp_path):
    rows = [(1, "xoài"), (2, "sầu riêng"), (3, "dừa")]
    forward = _sums(tmp_path, rows, "a.db")
    assert forward["items"].rows == 3
    assert _sums(tmp_path, list(reversed(rows)), "b.db")["items"] == forward["items"]
    changed = _sums(tmp_path, [(1, "xoài"), (2, "sầu riêng"), (3, "dưa")], "c.db")
    assert changed["items"].rows == 3 and changed["items"].sha256 != forward["items"].sha256


def test_differences_name_each_table_and_how():
    a, b = TableSum(2, "a" * 64), TableSum(2, "b" * 64)
    found = checksums.differences({"x": a, "y": a, "z": a}, {"x": a, "y": b, "w": a, "z": TableSum(3, "a" * 64)})
    assert found == ["w: not in the backup (2 rows)", "y: 2 rows as expected, but their contents differ (checksum)",
                     "z: 3 rows, the backup has 2"]
    assert checksums.differences({"x": a}, {}) == ["x: missing"]


@pytest.mark.parametrize("path", ["ab/abc-card.webp", "-x/-xy_z-detail.webp", "database.sqlite3"])
def test_plain_relative_paths_are_safe(path):
    assert archive.safe_relative(path) is not None


@pytest.mark.parametrize("path", ["", "/etc/passwd", "../x", "ab/../../x", "ab/.hidden", "a//b/..", "a\\..\\b"])
def test_paths_that_could_leave_the_folder_are_not(path):
    assert archive.safe_relative(path) is None
