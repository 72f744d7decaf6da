"""The printed catalog: an A4 PDF made with ReportLab from the same CatalogView as the page
(cover, contents, sections, one block per entry with its photo and a QR code that opens its
listing with the catalog as source). DejaVu Sans is embedded (marketplace/static/fonts/, with its
licence), so every Vietnamese diacritic prints right on any machine.

Cached by content hash: `cached_pdf` answers from a file named by the hash of what the PDF shows,
and writes it only when there is none (a change to the catalog or a listing gives a new hash)."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab's markup; nothing is parsed

from filelock import FileLock
from flask_babel import gettext as _
from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from marketplace import formatting, qr
from marketplace.fairs.catalog_labels import CREDENTIAL_KIND_LABELS, ENTRY_STATE_LABELS
from marketplace.fairs.catalog_reading import CatalogView, EntryView

FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PHOTO_WIDTH, QR_WIDTH = 38 * mm, 26 * mm
PHOTO_PIXELS = 360  # printed ~38 mm wide: about 240 dpi
# Images as binary streams, not ASCII85 text: a quarter smaller, and ReportLab's pure-Python
# encoder was half the time of a 300-entry catalog (bench/bench_catalog_pdf.py).
rl_config.useA85 = 0
MAKING_TIMEOUT = 300  # seconds a request waits for another that is making the same PDF


def register_fonts() -> None:
    """DejaVu Sans (every Vietnamese letter), registered once for every PDF the site makes."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#444444")),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontName=BOLD, fontSize=26, leading=32,
                                      alignment=TA_CENTER, spaceAfter=8 * mm),
        "cover": ParagraphStyle("cover", parent=base, fontSize=12, leading=17, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=17, leading=22, spaceBefore=4 * mm,
                             spaceAfter=3 * mm),
        "contents": ParagraphStyle("contents", parent=base, fontName=BOLD, fontSize=17, leading=22,
                                   spaceAfter=3 * mm),
        "url": ParagraphStyle("url", parent=base, fontSize=8, leading=10, alignment=TA_CENTER,
                              textColor=colors.HexColor("#444444")),
        "entry": ParagraphStyle("entry", parent=base, fontName=BOLD, fontSize=11.5, leading=14.5),
        "sold": ParagraphStyle("sold", parent=base, fontName=BOLD, textColor=colors.HexColor("#a01818")),
        "toc0": ParagraphStyle("toc0", parent=base, fontSize=11, leading=16),
    }


class _Document(SimpleDocTemplate):
    """Section headings go into the contents (with their page numbers, on the second pass)."""

    def afterFlowable(self, flowable) -> None:  # noqa: N802 - ReportLab's hook
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))


class PdfMaker:
    """What a PDF needs from outside: words in the reader's language, link addresses, photos."""

    def __init__(self, *, lang: str, page_url: str, entry_url: Callable[[EntryView], str],
                 photo: Callable[[str], bytes | None]) -> None:
        self.lang, self.page_url, self.entry_url, self.photo = lang, page_url, entry_url, photo
        self.styles = _styles()

    def pick(self, vi: str, en: str) -> str:
        return en if self.lang == "en" and en else vi

    def build(self, view: CatalogView) -> bytes:
        register_fonts()
        out = io.BytesIO()
        catalog = view.catalog
        title = self.pick(catalog.title, catalog.title_en)
        doc = _Document(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                        bottomMargin=15 * mm, title=title, author="Chợ Hội Quán", lang=self.lang)
        story = self._cover(view, title) + self._contents() + self._sections(view)
        doc.multiBuild(story, onLaterPages=self._footer(title))
        return out.getvalue()

    def _p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), self.styles[style])

    def _cover(self, view: CatalogView, title: str) -> list:
        catalog, fair = view.catalog, view.catalog.fair
        story: list = [Spacer(1, 45 * mm), self._p(title, "cover_title")]
        if fair is not None:
            story.append(self._p(self.pick(fair.name, fair.name_en), "cover"))
            days = formatting.day(fair.starts_on, locale=self.lang)
            if fair.ends_on != fair.starts_on:
                days += " – " + formatting.day(fair.ends_on, locale=self.lang)
            story.append(self._p(" · ".join(t for t in (days, fair.venue) if t), "cover"))
        cover = self.pick(catalog.cover_text, catalog.cover_text_en)
        if cover:
            story += [Spacer(1, 8 * mm), self._p(cover, "cover")]
        story += [Spacer(1, 12 * mm), Image(io.BytesIO(qr.png(self.page_url)), 32 * mm, 32 * mm),
                  self._p(self.page_url, "url"), PageBreak()]
        return story

    def _contents(self) -> list:
        toc = TableOfContents()
        toc.levelStyles = [self.styles["toc0"]]
        toc.dotsMinLevel = 0
        return [self._p(_("Contents"), "contents"), Spacer(1, 2 * mm), toc, PageBreak()]

    def _sections(self, view: CatalogView) -> list:
        story: list = []
        for section in view.sections:
            if not section.entries:
                continue
            heading = self._p(self.pick(section.title, section.title_en), "h1")
            blocks = [self._entry(entry) for entry in section.entries]
            # A heading never ends a page without its first entry; an entry is never split.
            story.append(KeepTogether([heading, blocks[0]]))
            story += [KeepTogether([block]) for block in blocks[1:]]
        return story

    def _entry(self, entry: EntryView):
        lines = [self._p(self.pick(entry.title, entry.title_en) + (f" — {entry.grade}" if entry.grade else ""),
                         "entry")]
        where = entry.org_name + (f" · {entry.commune_name}" if entry.commune_name else "")
        lines.append(self._p(where))
        if entry.booth_number:
            lines.append(self._p(_("Booth %(number)s", number=entry.booth_number)))
        if entry.state in ("sold_out", "paused", "expired", "withdrawn"):
            lines.append(self._p(str(ENTRY_STATE_LABELS[entry.state]), "sold"))
        elif entry.price_vnd is not None:
            lines.append(self._p(f"{formatting.money(entry.price_vnd, self.lang)} / "
                                 f"{formatting.unit(entry.unit, 1, self.lang)}"))
        if entry.credentials:
            lines.append(self._p(" · ".join(self._credential(c) for c in entry.credentials), "small"))
        note = self.pick(entry.note, entry.note_en)
        if note:
            lines.append(self._p(note, "small"))
        photo = self._photo(entry)
        code = Image(io.BytesIO(qr.png(self.entry_url(entry))), QR_WIDTH, QR_WIDTH)
        table = Table([[photo or "", lines, code]], colWidths=[PHOTO_WIDTH + 3 * mm, None, QR_WIDTH + 2 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
                                   ("TOPPADDING", (0, 0), (-1, -1), 2 * mm)]))
        return table

    def _credential(self, c) -> str:
        if c.kind == "ocop":
            return f"OCOP {'★' * (c.stars or 0)}"
        return f"{CREDENTIAL_KIND_LABELS.get(c.kind, c.kind)} {c.number}"

    def _photo(self, entry: EntryView):
        data = self.photo(entry.photo_key) if entry.photo_key else None
        if not data:
            return None
        try:
            image = PILImage.open(io.BytesIO(data))
            image = image.convert("RGB")
        except (OSError, ValueError):
            return None
        image.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
        jpeg = io.BytesIO()
        image.save(jpeg, "JPEG", quality=72, optimize=True)
        jpeg.seek(0)
        height = PHOTO_WIDTH * image.height / image.width
        return Image(jpeg, PHOTO_WIDTH, min(height, 45 * mm), kind="proportional")

    def _footer(self, title: str):
        def draw(canvas, doc) -> None:
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.drawString(15 * mm, 9 * mm, title)
            canvas.drawRightString(A4[0] - 15 * mm, 9 * mm, str(doc.page))
            canvas.restoreState()
        return draw


def cached_pdf(directory: str | os.PathLike, prefix: str, content_hash: str, make: Callable[[], bytes]) -> Path:
    """The file `<prefix>-<hash>.pdf` in `directory`, made by `make` only when it is not there yet
    (written to a temporary file and renamed, so a reader never gets half a PDF); the files of
    the prefix's older contents are removed once the new one is in place. Requests that find it
    missing at once wait for the first to make it (a lock file per prefix) instead of each making it."""
    folder = Path(directory)
    target = folder / f"{prefix}-{content_hash}.pdf"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / f".{prefix}.lock"), timeout=MAKING_TIMEOUT):
        if target.exists():
            return target
        return _write(folder, prefix, target, make())


def _write(folder: Path, prefix: str, target: Path, data: bytes) -> Path:
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".pdf-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for old in folder.glob(f"{prefix}-*.pdf"):
        if old != target and len(old.name) == len(target.name):
            old.unlink(missing_ok=True)
    return target
