"""Reading import files into rows: a .xlsx workbook, a folder (or .zip) of CSV files, a .json document.

Every reader returns the same shape, `{sheet: [(row_number, {column: value})]}`:
- sheet and column names in lower snake_case ("Org Ref", "org-ref", "orgRef" → "org_ref"), so a
  header typed by hand still matches; columns with an empty header are dropped;
- row numbers as a person sees them in the spreadsheet: the header is row 1, the first data row 2
  (in JSON, the 1-based index of the object in its array);
- rows whose cells are all empty are skipped (their numbers are not reused);
- text trimmed and NFC-normalised, empty text as None, whole floats from Excel as int (so a code
  typed as 29869 reads "29869", not "29869.0"), a date-time at midnight as a date.
Which sheets and columns mean something is the services' business, not the readers'.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import IO, Any

from flask_babel import gettext as _

from marketplace.vietnamese import fold, nfc

Row = tuple[int, dict[str, Any]]
Sheets = dict[str, list[Row]]

# A .zip of CSV files is unpacked in memory: refuse archives that would not fit sensibly.
MAX_ZIP_MEMBERS = 50
MAX_ZIP_UNCOMPRESSED = 64 * 1024 * 1024
# Rows in one sheet: a province's season is tens of thousands; a file of millions is a mistake or
# an attack (an 8 KB zip of a 2-million-line CSV took 82 s and 256 MB before it was refused).
MAX_ROWS = 100_000


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_]+")


class ReaderError(ValueError):
    """The file cannot be read at all; `message` is for the person, already translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _too_many_rows() -> ReaderError:
    return ReaderError(_("A sheet has more than %(n)d rows: split the file.", n=MAX_ROWS))


def normalize_name(text: object) -> str:
    """A sheet or column name in lower snake_case, accents removed: "Commune Code" → "commune_code"."""
    if text is None:
        return ""
    spaced = _CAMEL.sub(" ", str(text))
    return _SEPARATORS.sub("_", fold(spaced)).strip("_")


def clean_value(value: Any) -> Any:
    if isinstance(value, str):
        value = nfc(value).strip()
        return value or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, datetime) and value.time() == time(0, 0) and value.tzinfo is None:
        return value.date()
    return value


def _is_empty(values: Iterable[Any]) -> bool:
    return all(v is None or v == "" or v == [] for v in values)


def rows_from_table(records: Iterable[Iterable[Any]]) -> list[Row]:
    """Rows from a header line and data lines (a worksheet or a CSV file)."""
    iterator = iter(records)
    header = next(iterator, None)
    if header is None:
        return []
    columns = [normalize_name(clean_value(cell)) for cell in header]
    rows: list[Row] = []
    for number, record in enumerate(iterator, start=2):
        if number > MAX_ROWS + 1:
            raise _too_many_rows()
        cells = [clean_value(cell) for cell in record]
        values: dict[str, Any] = {}
        for name, cell in zip(columns, cells, strict=False):
            if name and name not in values:  # the first of two same-named columns wins
                values[name] = cell
        for name in columns:  # a short line still has every column, as in a spreadsheet
            if name:
                values.setdefault(name, None)
        if not _is_empty(values.values()):
            rows.append((number, values))
    return rows


def _add_sheet(sheets: Sheets, name: str, rows: list[Row]) -> None:
    key = normalize_name(name)
    if key:
        sheets.setdefault(key, []).extend(rows)


# .xlsx ------------------------------------------------------------------------------------

def read_xlsx(source: str | Path | IO[bytes]) -> Sheets:
    from openpyxl import load_workbook  # imported here: only imports need it

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ReaderError(_("This is not an Excel workbook (.xlsx) that we can read.")) from error
    sheets: Sheets = {}
    try:
        for worksheet in workbook.worksheets:
            # Some programs write a wrong size in the sheet's header; read-only mode would trust it
            # and stop early. Without it, every stored row is read.
            worksheet.reset_dimensions()
            _add_sheet(sheets, worksheet.title, rows_from_table(worksheet.iter_rows(values_only=True)))
    except Exception as error:  # noqa: BLE001 - sheets are parsed lazily, while iterating
        raise ReaderError(_("This is not an Excel workbook (.xlsx) that we can read.")) from error
    finally:
        workbook.close()  # read-only mode keeps the file open until closed
    return sheets


# CSV --------------------------------------------------------------------------------------

def _decode_csv(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM; others do not
    except UnicodeDecodeError as error:
        raise ReaderError(_("%(file)s is not UTF-8 text: save it as “CSV UTF-8”.", file=name)) from error


def rows_from_csv(text: str, name: str) -> list[Row]:
    try:
        return rows_from_table(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:  # a NUL byte, a cell past the csv module's size limit
        raise ReaderError(_("%(file)s is not a CSV file that we can read.", file=name)) from error


def read_csv_folder(folder: str | Path) -> Sheets:
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"
                   and not p.name.startswith("."))
    if not files:
        raise ReaderError(_("There are no CSV files in this folder."))
    sheets: Sheets = {}
    for path in files:
        _add_sheet(sheets, path.stem, rows_from_csv(_decode_csv(path.read_bytes(), path.name), path.name))
    return sheets


def read_csv_zip(source: str | Path | IO[bytes]) -> Sheets:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise ReaderError(_("This is not a ZIP file that we can read.")) from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()
                   and PurePosixPath(m.filename).suffix.lower() == ".csv"
                   and not PurePosixPath(m.filename).name.startswith(".")
                   and "__MACOSX" not in PurePosixPath(m.filename).parts]
        if not members:
            raise ReaderError(_("There are no CSV files in this ZIP file."))
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
            raise ReaderError(_("This ZIP file is too large to import."))
        sheets: Sheets = {}
        for member in sorted(members, key=lambda m: m.filename):
            path = PurePosixPath(member.filename)
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:  # a size or CRC that lies
                raise ReaderError(_("This is not a ZIP file that we can read.")) from error
            text = _decode_csv(data, path.name)
            _add_sheet(sheets, path.stem, rows_from_csv(text, path.name))
    return sheets


# JSON -------------------------------------------------------------------------------------

def rows_from_json(document: Any) -> Sheets:
    if not isinstance(document, dict):
        raise ReaderError(_("The JSON document must be an object with one array of rows per sheet."))
    sheets: Sheets = {}
    for name, items in document.items():
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ReaderError(_("In the JSON document, %(sheet)s must be an array of objects.", sheet=name))
        if len(items) > MAX_ROWS:
            raise _too_many_rows()
        rows: list[Row] = []
        for number, item in enumerate(items, start=1):
            values: dict[str, Any] = {}
            for key, value in item.items():
                column = normalize_name(key)
                if column and column not in values:
                    values[column] = ([clean_value(v) for v in value] if isinstance(value, list)
                                      else clean_value(value))
            if not _is_empty(values.values()):
                rows.append((number, values))
        _add_sheet(sheets, name, rows)
    return sheets


def read_json(source: str | Path | IO[bytes]) -> Sheets:
    try:
        if isinstance(source, str | Path):
            data = Path(source).read_bytes()
        else:
            data = source.read()
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # RecursionError: [[[[… nested deep
        raise ReaderError(_("This is not a JSON document that we can read.")) from error
    return rows_from_json(document)


# Dispatch ---------------------------------------------------------------------------------

SUFFIXES = (".xlsx", ".json", ".zip")


def _unsupported() -> ReaderError:
    return ReaderError(_("Give a .xlsx workbook, a .json document, a .zip of CSV files or a folder of "
                         "CSV files."))


def read_path(path: str | Path) -> Sheets:
    """A workbook, JSON document, ZIP of CSV files or folder of CSV files, by what the path is."""
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path)
    if not path.is_file():
        raise ReaderError(_("There is no file or folder at %(path)s.", path=str(path)))
    return _read_by_suffix(path.suffix.lower(), path)


def read_upload(filename: str, stream: IO[bytes]) -> Sheets:
    """An uploaded file, by its name's suffix (the browser's content type is not trusted)."""
    data = io.BytesIO(stream.read())
    return _read_by_suffix(PurePosixPath(filename or "").suffix.lower(), data)


def _read_by_suffix(suffix: str, source) -> Sheets:
    if suffix == ".xlsx":
        return read_xlsx(source)
    if suffix == ".json":
        return read_json(source)
    if suffix == ".zip":
        return read_csv_zip(source)
    raise _unsupported()


def display_value(value: Any) -> str:
    """A cell's value as a person would read it back in a report."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time(0, 0) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(display_value(v) for v in value)
    return str(value)
