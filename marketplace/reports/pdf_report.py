"""The report as a PDF (ReportLab, the library #13 chose for the fair catalog): A4 landscape, the
title, unit, period and as-of day, then the plan's sections as tables whose cells wrap. DejaVu
Sans is embedded (marketplace/static/fonts/, as fairs/catalog_pdf.py and traceability/label_pdf.py
register it), so every Vietnamese diacritic prints right on any machine."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab's markup; nothing is parsed

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from marketplace.fairs.catalog_pdf import BOLD, FONT, register_fonts
from marketplace.reports.document import ReportDocument
from marketplace.reports.document import Table as DocTable

PAGE = landscape(A4)
MARGIN = 12 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=10)
    return {
        "body": base,
        "bold": ParagraphStyle("bold", parent=base, fontName=BOLD),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=14, leading=18, alignment=TA_CENTER),
        "center": ParagraphStyle("center", parent=base, fontSize=10, leading=13, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=5 * mm,
                             spaceAfter=2 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=3 * mm,
                             spaceAfter=1.5 * mm),
    }


def pdf_bytes(document: ReportDocument) -> bytes:
    register_fonts()
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=document.heading, author="Chợ Hội Quán", lang="vi")

    def p(text, style: str = "body") -> Paragraph:
        return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), styles[style])

    story: list = [p(document.heading.upper(), "title"), p(document.unit_name, "center"),
                   p(document.as_of_line, "center")]
    if document.filed_line:
        story.append(p(document.filed_line, "center"))
    if document.note:
        story.append(p(f"Ghi chú: {document.note}", "center"))
    story.append(Spacer(1, 4 * mm))
    for heading, tables in document.sections:
        story.append(p(heading, "h1"))
        for table in tables:
            story.append(p(table.heading, "h2"))
            story.append(_table(table, p))
    doc.build(story, onFirstPage=_footer(document), onLaterPages=_footer(document))
    return out.getvalue()


def _table(table: DocTable, p) -> Table:
    width = PAGE[0] - 2 * MARGIN
    total = sum(table.widths)
    widths = [width * w / total for w in table.widths]
    data = [[p(name, "bold") for name in table.columns]]
    if table.rows:
        data += [[p(_shown(value)) for value in row] for row in table.rows]
    else:
        data.append([p(table.empty)] + [""] * (len(table.columns) - 1))
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBD6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if not table.rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    if table.totals is not None:
        data.append([p(_shown(value), "bold") for value in table.totals])
    # splitInRow: a row taller than a page (a long answer, a long list of experts) continues on the
    # next page instead of stopping the whole document with a LayoutError.
    return Table(data, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(style))


def _shown(value):
    """A number as Vietnamese write it: 152.500.000."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return value


def _footer(document: ReportDocument):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, 6 * mm, f"{document.heading} — {document.unit_name} — {document.as_of_line}")
        canvas.drawRightString(PAGE[0] - MARGIN, 6 * mm, f"Trang {doc.page}")
        canvas.restoreState()
    return draw
