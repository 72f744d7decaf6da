"""Readers: .xlsx, a folder or ZIP of CSV files, JSON → {sheet: [(row_number, {column: value})]}."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

import pytest

from marketplace.imports import readers
from marketplace.imports.readers import ReaderError, normalize_name
from tests.sheets import xlsx_bytes


@pytest.mark.parametrize(("raw", "expected"), [
    ("org_ref", "org_ref"),
    ("Org Ref", "org_ref"),
    ("  ORG-REF  ", "org_ref"),
    ("orgRef", "org_ref"),
    ("Price (VND)", "price_vnd"),
    ("commune__code", "commune_code"),
    ("Mã xã", "ma_xa"),
    ("Planting Codes", "planting_codes"),
    (None, ""),
    ("", ""),
])
def test_names_are_lower_snake_case(raw, expected):
    assert normalize_name(raw) == expected


def _xlsx(path, sheets: dict[str, list[list]]):
    path.write_bytes(xlsx_bytes(sheets))
    return path


def test_xlsx_rows_are_numbered_as_in_the_spreadsheet(tmp_path):
    path = _xlsx(tmp_path / "data.xlsx", {
        "Organizations": [
            ["Ref", "Commune Code", None, "Founded On", "Extra column"],
            ["hq-a", 29869.0, "no header", datetime(2020, 5, 1), "x"],
            [None, None, None, None, None],  # an empty row: skipped, its number not reused
            ["  hq-b  ", "30244", None, None],  # a short row still has every column
        ],
        "Empty": [],
    })
    sheets = readers.read_xlsx(path)
    assert set(sheets) == {"organizations", "empty"}
    assert sheets["empty"] == []
    rows = sheets["organizations"]
    assert [number for number, _ in rows] == [2, 4]
    first = rows[0][1]
    assert first == {"ref": "hq-a", "commune_code": 29869, "founded_on": date(2020, 5, 1),
                     "extra_column": "x"}
    assert rows[1][1]["ref"] == "hq-b"
    assert rows[1][1]["commune_code"] == "30244"
    assert rows[1][1]["extra_column"] is None


def test_xlsx_keeps_numbers_that_are_not_whole(tmp_path):
    path = _xlsx(tmp_path / "n.xlsx", {"listings": [["quantity", "price_vnd"], [1.234, 38000.0]]})
    (_, values), = readers.read_xlsx(path)["listings"]
    assert values == {"quantity": 1.234, "price_vnd": 38000}


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(ReaderError):
        readers.read_xlsx(path)


def test_csv_folder_with_and_without_bom(tmp_path):
    (tmp_path / "organizations.csv").write_bytes(
        "\ufeffRef,Name,Tourism\nhq-a,Hội quán Xoài,có\n,,\nhq-b,\"Hội quán, có dấu phẩy\",không\n".encode())
    (tmp_path / "Planting Codes.csv").write_text("org_ref;code\n", encoding="utf-8")
    (tmp_path / "listings.csv").write_text("ref,org_ref,quantity\nl-1,hq-a,\"2,5\"\nl-2,hq-b\n",
                                           encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    sheets = readers.read_path(tmp_path)
    assert set(sheets) == {"organizations", "planting_codes", "listings"}
    assert sheets["organizations"] == [
        (2, {"ref": "hq-a", "name": "Hội quán Xoài", "tourism": "có"}),
        (4, {"ref": "hq-b", "name": "Hội quán, có dấu phẩy", "tourism": "không"}),
    ]
    assert sheets["listings"] == [(2, {"ref": "l-1", "org_ref": "hq-a", "quantity": "2,5"}),
                                  (3, {"ref": "l-2", "org_ref": "hq-b", "quantity": None})]


def test_csv_must_be_utf8(tmp_path):
    (tmp_path / "organizations.csv").write_bytes("ref,name\nhq-a,Hôi quán\n".encode("latin-1"))
    with pytest.raises(ReaderError):
        readers.read_path(tmp_path)


def test_folder_without_csv(tmp_path):
    with pytest.raises(ReaderError):
        readers.read_path(tmp_path)


def test_zip_of_csv_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/organizations.csv", "\ufeffref,name\nhq-a,Hội quán A\n")
        archive.writestr("__MACOSX/export/._organizations.csv", "junk")
        archive.writestr("export/readme.md", "ignored")
    buffer.seek(0)
    sheets = readers.read_upload("data.zip", buffer)
    assert sheets == {"organizations": [(2, {"ref": "hq-a", "name": "Hội quán A"})]}


def test_json_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({
        "Organizations": [{"Ref": "hq-a", "Members": 45.0}, {"ref": None, "name": "  "},
                          {"ref": "hq-b", "orgRef": "x"}],
        "listings": [{"ref": "l-1", "certificates": ["A-1", " B-2 "]}],
    }, ensure_ascii=False), encoding="utf-8")
    sheets = readers.read_path(path)
    assert sheets["organizations"] == [(1, {"ref": "hq-a", "members": 45}),
                                       (3, {"ref": "hq-b", "org_ref": "x"})]
    assert sheets["listings"] == [(1, {"ref": "l-1", "certificates": ["A-1", "B-2"]})]


@pytest.mark.parametrize("document", ["[1, 2]", '{"organizations": {"ref": "a"}}', '{"organizations": [1]}',
                                      "not json"])
def test_json_of_the_wrong_shape(tmp_path, document):
    path = tmp_path / "bad.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(ReaderError):
        readers.read_path(path)


def test_paths_that_cannot_be_read(tmp_path):
    with pytest.raises(ReaderError):
        readers.read_path(tmp_path / "missing.xlsx")
    other = tmp_path / "data.ods"
    other.write_bytes(b"x")
    with pytest.raises(ReaderError):
        readers.read_path(other)
    with pytest.raises(ReaderError):
        readers.read_upload("data.csv", io.BytesIO(b"ref\n"))


def test_display_value():
    assert readers.display_value(None) == ""
    assert readers.display_value(date(2027, 8, 31)) == "31/08/2027"
    assert readers.display_value(["a", "b"]) == "a;b"
    assert readers.display_value(12.5) == "12.5"
