"""A4 sheets of lot labels (ReportLab, drawn on the canvas): 3 × 7 labels of 70 × 42 mm each, with
the product, variety, lot code, growing-area code, packing house, harvest and packing dates,
best-before and the QR code of the lot's public trace address. DejaVu Sans is embedded
(marketplace/static/fonts/), so Vietnamese prints right on any printer."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas

from marketplace import formatting, qr

FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
COLUMNS, ROWS = 3, 7
LABEL_W, LABEL_H = A4[0] / COLUMNS, A4[1] / ROWS
QR_SIZE = 27 * mm
PAD = 3 * mm


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@dataclass(frozen=True)
class LabelContent:
    """What each label of a sheet says, in the reader's words (already translated)."""

    product: str
    variety: str
    code: str
    growing_areas: str
    packing_house: str
    harvested_on: date | None
    packed_on: date | None
    best_before: date | None
    url: str  # what the QR code opens (public_url of the trace page, with the scan marker)
    words: dict[str, str]  # lot, area, house, harvested, packed, best_before


def _lines(content: LabelContent, lang: str) -> list[tuple[str, str]]:
    w = content.words
    lines = [(BOLD, content.product)]
    lines.append((BOLD, f"{w['lot']}: {content.code}"))
    if content.growing_areas:
        lines.append((FONT, f"{w['area']}: {content.growing_areas}"))
    if content.packing_house:
        lines.append((FONT, f"{w['house']}: {content.packing_house}"))
    if content.harvested_on:
        lines.append((FONT, f"{w['harvested']}: {formatting.day(content.harvested_on, locale=lang)}"))
    if content.packed_on:
        lines.append((FONT, f"{w['packed']}: {formatting.day(content.packed_on, locale=lang)}"))
    if content.best_before:
        lines.append((FONT, f"{w['best_before']}: {formatting.day(content.best_before, locale=lang)}"))
    return lines


def _label(c, x: float, y: float, content: LabelContent, lines, qr_image: ImageReader) -> None:
    """One label with its lower-left corner at (x, y)."""
    c.drawImage(qr_image, x + PAD, y + LABEL_H - PAD - QR_SIZE, QR_SIZE, QR_SIZE)
    text_x = x + PAD + QR_SIZE + 2 * mm
    width = x + LABEL_W - PAD - text_x
    top = y + LABEL_H - PAD - 7
    for font, text in lines:
        size = 7.5 if font == BOLD else 6.5
        for part in simpleSplit(text, font, size, width)[:2]:
            if top < y + PAD:
                return
            c.setFont(font, size)
            c.drawString(text_x, top, part)
            top -= size + 1.8
    c.setFont(FONT, 5)
    c.drawString(x + PAD, y + PAD, content.url.split("?")[0][:70])


def build(content: LabelContent, count: int, lang: str) -> bytes:
    """A PDF of `count` identical labels, 21 to an A4 page, cut lines in light grey."""
    _register_fonts()
    out = io.BytesIO()
    c = pdf_canvas.Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(f"{content.product} · {content.code}")
    c.setAuthor("Chợ Hội Quán")
    qr_image = ImageReader(io.BytesIO(qr.png(content.url, scale=4)))
    lines = _lines(content, lang)
    per_page = COLUMNS * ROWS
    for n in range(count):
        if n and n % per_page == 0:
            c.showPage()
        slot = n % per_page
        col, row = slot % COLUMNS, slot // COLUMNS
        x, y = col * LABEL_W, A4[1] - (row + 1) * LABEL_H
        c.setStrokeGray(0.85)
        c.setLineWidth(0.3)
        c.rect(x, y, LABEL_W, LABEL_H)
        _label(c, x, y, content, lines, qr_image)
    c.showPage()
    c.save()
    return out.getvalue()
