"""Uploads that would run away (a lying zip, JSON nested very deep, too many rows) are refused
with a ReaderError, inside a request as the import page reads them (the readers themselves are
unit-tested in tests/unit/imports/test_readers.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from marketplace.imports import readers


def test_a_zip_whose_checksum_lies_is_refused_not_a_crash(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("listings.csv", "ref,product\nr,xoài\n")
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):  # local and central headers
        at = data.index(signature) + offset
        data[at:at + 4] = b"\x00\x00\x00\x00"
    with app.test_request_context(), pytest.raises(readers.ReaderError):
        readers.read_upload("x.zip", io.BytesIO(bytes(data)))


def test_json_nested_very_deep_is_refused_not_a_crash(app):
    with app.test_request_context(), pytest.raises(readers.ReaderError):
        readers.read_upload("x.json", io.BytesIO(b"[" * 200_000 + b"]" * 200_000))


def test_more_rows_than_the_cap_are_refused(app, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    with app.test_request_context(), pytest.raises(readers.ReaderError):
        readers.rows_from_table([["ref"], ["a"], ["b"], ["c"], ["d"]])
    assert len(readers.rows_from_table([["ref"], ["a"], ["b"], ["c"]])) == 3
