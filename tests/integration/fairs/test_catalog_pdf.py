"""The printed catalog: every entry's name with its diacritics in the text, every QR code decodes
to its listing's address with the fair as source, cached by content and made again on a change."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from marketplace.fairs import catalog_views, catalogs
from marketplace.fairs.models import Catalog
from marketplace.listings import services as listings
from tests.clients import app_session, signed_in
from tests.integration.fairs.catalog_support import make_world


@pytest.fixture
def world(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_PDF_DIR", str(tmp_path / "pdfs"))
    with app_session(app):
        return make_world()


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The slugs of the PDFs actually made (not served from the cache)."""
    calls: list[str] = []
    original = catalog_views.make_pdf

    def counting(catalog, view, lang):
        calls.append(catalog.slug)
        return original(catalog, view, lang)

    monkeypatch.setattr(catalog_views, "make_pdf", counting)
    return calls


def _pdf(app, world, lang: str | None = None) -> bytes:
    sent = app.test_client().get(f"/catalogs/{world.catalog.slug}.pdf" + (f"?lang={lang}" if lang else ""))
    assert sent.status_code == 200 and sent.mimetype == "application/pdf"
    return sent.get_data()


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_text_has_every_entry_with_its_diacritics(app, world, made):
    text = _text(_pdf(app, world))
    for name in ("Catalô Hội chợ Trái cây", "Xoài cát Hòa Lộc", "Bưởi da xanh", "Hạt sen tươi",
                 "Hội quán xoài Mỹ Xương", "Tổ hợp tác bưởi Phú Hựu", "Xoài loại 1, giao tận nơi",
                 "Mục lục", "Trái cây", "Sen", "Gian A-07", "OCOP ★★★★", "45.000 ₫ / kg"):
        assert name in text, name
    reader = PdfReader(io.BytesIO(_pdf(app, world)))
    fonts = {str(font) for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()}
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=1)  # A4
    assert fonts  # the embedded DejaVu subsets


def test_every_qr_code_decodes_to_its_listing_with_the_fair_as_source(app, world):
    data = _pdf(app, world)
    decoded = []
    document = pypdfium2.PdfDocument(data)
    for page in document:
        image = page.render(scale=3).to_pil()
        decoded += [code.text for code in zxingcpp.read_barcodes(image)]
    expected = {f"http://localhost/listings/{listing.id}?src=fair-{world.fair.id}"
                for listing in (world.mango, world.pomelo, world.lotus)}
    page_url = f"http://localhost/catalogs/{world.catalog.slug}"
    assert set(decoded) == expected | {page_url}
    assert len(decoded) == 4  # one per entry and the cover's


def test_a_forged_host_never_reaches_the_printed_codes(app, world, monkeypatch):
    """The PDF is made once and served to everyone: its QR codes name the site's PUBLIC_URL, never
    the Host the first request came with (production sets no SERVER_NAME)."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    sent = app.test_client().get(f"/catalogs/{world.catalog.slug}.pdf", base_url="http://evil.example")
    assert sent.status_code == 200
    decoded = [code.text for page in pypdfium2.PdfDocument(sent.get_data())
               for code in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    assert decoded and all(text.startswith(app.config["PUBLIC_URL"] + "/") for text in decoded), decoded


def test_the_pdf_is_served_from_its_cache_until_the_catalog_changes(app, world, made):
    first = _pdf(app, world)
    assert _pdf(app, world) == first and made == [world.catalog.slug]
    with app_session(app) as session:  # a listing sold out: the printed state changes
        listings.get_listing(session, world.mango.id).quantity_available = 0
        session.commit()
    sold_out = _pdf(app, world)
    assert len(made) == 2 and "Đã bán hết" in _text(sold_out)
    with app_session(app) as session:  # a note changed by staff
        catalog = session.get(Catalog, world.catalog.id)
        entry = catalog.sections[1].entries[0]
        catalogs.update_entry(session, catalog, entry, section_id=entry.section_id, note="Sen Tháp Mười", note_en="")
        session.commit()
    assert "Sen Tháp Mười" in _text(_pdf(app, world)) and len(made) == 3
    _pdf(app, world, "en")
    assert len(made) == 4  # each language its own file
    files = list((app.config["CATALOG_PDF_DIR"] and __import__("pathlib").Path(app.config["CATALOG_PDF_DIR"])).glob("*.pdf"))
    assert len(files) == 2  # older contents removed: one file per catalog and language


def test_english_pdf(app, world):
    text = _text(_pdf(app, world, "en"))
    assert "Fruit Fair Catalog" in text and "Hoa Loc mango" in text and "Booth A-07" in text


def test_a_draft_pdf_is_for_staff_only(app, world):
    with app_session(app) as session:
        session.get(Catalog, world.catalog.id).status = "draft"
        session.commit()
    assert app.test_client().get(f"/catalogs/{world.catalog.slug}.pdf").status_code == 404
    assert signed_in(app, world.buyer).get(f"/catalogs/{world.catalog.slug}.pdf").status_code == 404
    staff = signed_in(app, world.staff).get(f"/catalogs/{world.catalog.slug}.pdf")
    assert staff.status_code == 200 and "no-store" in staff.headers["Cache-Control"]
