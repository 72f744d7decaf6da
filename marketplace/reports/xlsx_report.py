"""The report as an Excel workbook (openpyxl): a sheet per table of the document ("Tổng hợp",
"Chỉ tiêu", "Theo xã", "Hoạt động", "Hoạt động trên sàn", "Xúc tiến thương mại", "Khó khăn kiến
nghị", "Hồ sơ"). Numbers are numbers in their cells (sums work), the header row is bold and
frozen, columns are wide enough to read, and the totals row closes each table in bold. The title
lines head the summary sheet."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from marketplace.reports.document import ReportDocument, Table

HEADER_FILL = PatternFill("solid", fgColor="DDEBD6")
BOLD = Font(bold=True)


def workbook_bytes(document: ReportDocument) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in document.tables():
        sheet = book.create_sheet(table.sheet[:31])
        top = _title(sheet, document) if table is document.summary else 1
        _table(sheet, table, top)
    book.properties.title = document.heading
    book.properties.creator = "Chợ Hội Quán"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(sheet, document: ReportDocument) -> int:
    """The title lines above the summary table; returns the row its header goes on."""
    lines = [document.heading.upper(), document.unit_name, document.as_of_line]
    if document.filed_line:
        lines.append(document.filed_line)
    if document.note:
        lines.append(f"Ghi chú: {document.note}")
    for row, line in enumerate(lines, 1):
        cell = _put(sheet, row, 1, line)
        cell.font = Font(bold=row == 1, size=13 if row == 1 else 11)
    return len(lines) + 2


def _table(sheet, table: Table, top: int) -> None:
    for column, (name, width) in enumerate(zip(table.columns, table.widths, strict=True), 1):
        cell = sheet.cell(row=top, column=column, value=name)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    rows = table.rows or [[table.empty] + [None] * (len(table.columns) - 1)]
    for offset, values in enumerate(rows, 1):
        for column, value in enumerate(values, 1):
            cell = _put(sheet, top + offset, column, value)
            cell.alignment = Alignment(wrap_text=isinstance(value, str), vertical="top")
    if table.totals is not None:
        row = top + len(rows) + 1
        for column, value in enumerate(table.totals, 1):
            cell = _put(sheet, row, column, value)
            cell.font = BOLD
    sheet.auto_filter.ref = None


def _put(sheet, row: int, column: int, value):
    """A cell holding the value: text stays text even when it starts with "=" (a name someone
    typed is never a formula), numbers stay numbers, an empty text leaves the cell empty. Control
    characters a workbook cannot hold are dropped (a report filed before they were refused may carry
    them)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=None if value == "" else value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell
