"""Spreadsheets made up for import tests: pure (openpyxl only), so tests/unit may use them too."""

from __future__ import annotations

import io

from openpyxl import Workbook


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx workbook with one sheet per entry of sheets, in that order, holding its rows as given."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
