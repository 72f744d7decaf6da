"""Reading a bank statement exported as CSV: date, amount, description (and a bank reference
when there is one). Pure: no Flask, no database; problems are codes with parameters, put into
words by the view.

Vietnamese banks export with Vietnamese or English headers, UTF-8 with or without a BOM,
separated by commas or semicolons, amounts written 1.500.000 or 1,500,000. Debit lines
(negative amounts, or an empty credit column) are skipped: only money received matters here.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from marketplace.dates import NotADate, parse_date
from marketplace.numbers import NotANumber, parse_vnd
from marketplace.orders.rules import MAX_AMOUNT_VND
from marketplace.vietnamese import fold

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000

# Folded header → column. First match wins; more specific names first.
HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("ngay giao dich", "ngay gd", "ngay hach toan", "ngay", "thoi gian", "transaction date", "posting date",
             "value date", "date", "time"),
    "amount": ("so tien ghi co", "ghi co", "so tien", "credit amount", "credit", "amount"),
    "description": ("noi dung giao dich", "noi dung", "dien giai", "mo ta", "description", "details", "narrative",
                    "remarks", "memo"),
    "reference": ("ma giao dich", "so tham chieu", "so but toan", "ma gd", "reference", "transaction id",
                  "ref", "txn id"),
}
REQUIRED = ("date", "amount", "description")


class StatementError(ValueError):
    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class StatementLine:
    number: int  # line in the file (the header is line 1)
    day: str  # ISO date
    amount_vnd: int
    description: str
    reference: str = ""

    @property
    def fingerprint(self) -> str:
        """What makes this bank line itself: its bank reference, else date, amount and text.
        Stored as the payment reference, so the same line never counts twice."""
        basis = self.reference.strip() or f"{self.day}|{self.amount_vnd}|{' '.join(self.description.split())}"
        return "stmt:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]


def _columns(header: list[str]) -> dict[str, int]:
    folded = [fold(h) for h in header]
    found: dict[str, int] = {}
    for column, names in HEADERS.items():
        for name in names:
            if name in folded and folded.index(name) not in found.values():
                found[column] = folded.index(name)
                break
    return found


def parse_statement(data: bytes) -> list[StatementLine]:
    """The credit lines of a statement, or StatementError for a file that cannot be read."""
    if not data or not data.strip():
        raise StatementError("empty")
    if len(data) > MAX_BYTES:
        raise StatementError("too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StatementError("not_utf8") from error
    if "\x00" in text:
        raise StatementError("not_csv")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample.strip() else sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:  # e.g. a cell longer than csv's field limit (128 KiB)
        raise StatementError("not_csv") from error
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise StatementError("empty")
    columns = _columns(rows[0])
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise StatementError("missing_columns", columns=", ".join(missing))
    if len(rows) - 1 > MAX_LINES:
        raise StatementError("too_many_lines", max=MAX_LINES)
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        def cell(name: str, row=row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        raw_amount = cell("amount").replace("+", "")
        try:
            amount = parse_vnd(raw_amount) if raw_amount else None
        except NotANumber as error:
            raise StatementError("bad_amount", line=number, value=raw_amount[:40]) from error
        if amount is not None and amount > MAX_AMOUNT_VND:
            # No bank line is that large: a typo, or a number the database could not hold.
            raise StatementError("bad_amount", line=number, value=raw_amount[:40])
        if amount is None or amount <= 0:
            continue  # a debit, or a line without money received
        raw_day = cell("date")
        try:
            day = parse_date(raw_day.split(" ")[0] if raw_day else raw_day)
        except NotADate as error:
            raise StatementError("bad_date", line=number, value=raw_day[:40]) from error
        if day is None:
            raise StatementError("bad_date", line=number, value="")
        lines.append(StatementLine(number=number, day=day.isoformat(), amount_vnd=amount,
                                   description=cell("description")[:500], reference=cell("reference")[:100]))
    return lines
