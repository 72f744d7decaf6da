"""The printed catalog at fair size (issue #17): a 300-entry catalog, every entry with its own photo.

Builds a fresh SQLite file (reference data, 60 clubs with valid VietGAP and OCOP ratings, 300
listings each with one photo — made-up textures encoded as the upload path stores them, WebP at the
card size — and one fair catalog of 300 entries in 5 sections), then times through the app:

1. `read_catalog`: the entries with their listings' live state, credentials and booth numbers, and
   how many SQL statements it takes;
2. the first GET /catalogs/<slug>.pdf: the PDF made (ReportLab, two passes for the contents' page
   numbers) and written to the cache; its size, pages and the CPU seconds of the process;
3. the same GET again: answered from the cached file (the content hash is computed, nothing made);
4. the catalog page /catalogs/<slug> (HTML, 300 entries).

    .venv/bin/python bench/bench_catalog_pdf.py            # about a minute
    .venv/bin/python bench/bench_catalog_pdf.py --entries 60

Prints a table; docs/performance.md ("Printed catalog") keeps the figures.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageFilter
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marketplace import create_app, db, schema  # noqa: E402
from marketplace.accounts import services as accounts  # noqa: E402
from marketplace.credentials import services as credentials  # noqa: E402
from marketplace.dates import today_in_vietnam  # noqa: E402
from marketplace.fairs import catalog_reading, catalogs  # noqa: E402
from marketplace.fairs.models import Fair  # noqa: E402
from marketplace.listings import services as listings  # noqa: E402
from marketplace.listings.models import Photo  # noqa: E402
from marketplace.listings.photos.services import photo_store  # noqa: E402

PRODUCTS = [("xoài", "cát Hòa Lộc"), ("xoài", "cát Chu"), ("quýt", "hồng Lai Vung"), ("nhãn", "Ido"),
            ("bưởi", "da xanh"), ("sầu riêng", "Ri6"), ("khóm", "Queen"), ("dừa", "xiêm xanh"),
            ("hạt sen tươi", ""), ("trà tim sen", "")]
PRODUCT_SECTION = [0, 0, 1, 2, 1, 2, 3, 3, 4, 4]  # each product's section below
SECTIONS = [("Xoài", "Mango"), ("Quýt và bưởi", "Mandarin and pomelo"), ("Nhãn và sầu riêng", "Longan and durian"),
            ("Khóm và dừa", "Pineapple and coconut"), ("Sen", "Lotus")]
COMMUNES = ["30244", "30235", "30037", "28321", "30316"]


def photo_webp(seed: int) -> tuple[bytes, int, int]:
    """A 480×360 texture with grain, as WebP q80: compresses like a photo of fruit."""
    rng = random.Random(seed)  # noqa: S311 - made-up pixels
    small = Image.frombytes("RGB", (32, 24), rng.randbytes(32 * 24 * 3))
    image = small.resize((480, 360), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((480, 360), 20).convert("RGB")
    image = Image.blend(image, grain, 0.1).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=80)
    return out.getvalue(), 480, 360


def build(app, entries: int) -> str:
    today = today_in_vietnam()
    session = db.session
    schema.load_reference_data(session)
    session.commit()
    clubs = []
    for n in range(max(1, entries // 5)):
        club = accounts.create_organization(session, kind="club", name=f"Hội quán thử số {n + 1} Đồng Tháp",
                                            commune_code=COMMUNES[n % len(COMMUNES)], phone=f"0912{n:06d}")
        vietgap = credentials.save_certificate(session, club, credentials.CertificateInput(
            type="vietgap", number=f"VietGAP-TT-13-09-68-{n:04d}", issued_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=300), status="active"), None)
        ocop = credentials.save_certificate(session, club, credentials.CertificateInput(
            type="ocop", number=f"{n}/QĐ-UBND", stars=3 + n % 3, issued_on=today - timedelta(days=30),
            status="active"), None)
        clubs.append((club, [vietgap, ocop]))
    session.commit()
    fair = Fair(slug="hoi-cho-bench", name="Hội chợ Trái cây Đồng Tháp 2027", starts_on=today + timedelta(days=30),
                ends_on=today + timedelta(days=33), venue="Quảng trường Cao Lãnh", status="published")
    session.add(fair)
    session.flush()
    catalog = catalogs.create_catalog(session, catalogs.CatalogInput(
        title="Catalô Hội chợ Trái cây Đồng Tháp 2027", title_en="Đồng Tháp Fruit Fair 2027",
        cover_text="Đặc sản của các hội quán, hợp tác xã Đồng Tháp.", fair_id=fair.id), None)
    sections = [catalogs.add_section(session, catalog, t, e) for t, e in SECTIONS]
    store = photo_store()
    for n in range(entries):
        club, certificates = clubs[n % len(clubs)]
        product, variety = PRODUCTS[n % len(PRODUCTS)]
        listing = listings.save_listing(session, club, listings.ListingInput(
            product=product, variety=variety, quantity="1000", unit="kg", price_vnd=str(20000 + 500 * n),
            available_from=today, available_to=today + timedelta(days=60),
            certificate_ids=[c.id for c in certificates]), None, today=today, publish=True)
        data, width, height = photo_webp(n)
        key = f"benchphoto{n:06d}xxxxxxxxxxxx"
        store.save(key, "card", data)
        session.add(Photo(organization_id=club.id, listing_id=listing.id, key=key, width=width, height=height))
        catalogs.add_entry(session, catalog, section_id=sections[PRODUCT_SECTION[n % len(PRODUCTS)]].id, org_id=club.id,
                           listing_id=listing.id, note=f"Lô số {n + 1}: giao tận nơi trong tỉnh")
    catalogs.publish(session, catalog)
    session.commit()
    return catalog.slug


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--out", help="also write the PDF here, to look at")
    args = parser.parse_args()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as folder:
        app = create_app({"APP_ENV": "testing", "SECRET_KEY": "bench" * 8,
                          "DATABASE_URL": f"sqlite:///{folder}/bench.db", "SEARCH_INDEX_DIR": "memory://",
                          "MAIL_URL": "memory://", "UPLOAD_DIR": "memory://",
                          "CATALOG_PDF_DIR": f"{folder}/pdfs"})
        schema.upgrade(db.get_engine(app))
        started = time.perf_counter()
        with app.app_context():
            slug = build(app, args.entries)
        made_in = time.perf_counter() - started
        statements = []
        engine = db.get_engine(app)
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
        with app.app_context():
            catalog = catalog_reading.catalog_by_slug(db.session, slug)
            start = time.perf_counter()
            view = catalog_reading.read_catalog(db.session, catalog, today_in_vietnam())
            read_s, read_statements = time.perf_counter() - start, len(statements)
            assert len(view.entries) == args.entries
        client = app.test_client()
        rows = []
        for label in ("first (made and cached)", "again (from the cache)"):
            cpu0, wall0 = cpu(), time.perf_counter()
            sent = client.get(f"/catalogs/{slug}.pdf")
            wall, cpu_s = time.perf_counter() - wall0, cpu() - cpu0
            assert sent.status_code == 200, sent.status_code
            rows.append((label, wall, cpu_s, len(sent.get_data())))
        pdf = sent.get_data()
        if args.out:
            Path(args.out).write_bytes(pdf)
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
        wall0 = time.perf_counter()
        page = client.get(f"/catalogs/{slug}")
        page_s = time.perf_counter() - wall0
        print(f"catalog of {args.entries} entries, each with a 480×360 WebP photo "
              f"(data made in {made_in:.1f} s); {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.1f}")
        print(f"read_catalog: {read_s * 1000:.0f} ms, {read_statements} SQL statements")
        print("| GET /catalogs/<slug>.pdf | wall s | CPU s | bytes |")
        print("|---|---:|---:|---:|")
        for label, wall, cpu_s, size in rows:
            print(f"| {label} | {wall:.2f} | {cpu_s:.2f} | {size:,} |")
        print(f"PDF: {pages} pages, {len(pdf) / args.entries / 1024:.1f} KB per entry")
        print(f"GET /catalogs/<slug> (HTML): {page_s * 1000:.0f} ms, {len(page.get_data()):,} bytes")


if __name__ == "__main__":
    main()
