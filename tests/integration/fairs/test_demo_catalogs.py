"""The demo's standing catalog of OCOP products: published, its entries from the demo listings,
loaded once; the fair's catalog waits for the demo fair."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.demo import load_demo
from marketplace.fairs.models import Catalog, CatalogEntry, Fair


def test_the_demo_catalogs(session, client):
    created = load_demo(session, "demo-password-123")
    session.commit()
    assert created["catalogs"] == 1  # no demo fair yet: only the standing catalog
    catalog = session.scalar(select(Catalog).where(Catalog.slug == "san-pham-ocop-dong-thap"))
    assert catalog.status == "published" and catalog.fair_id is None
    assert [s.title for s in catalog.sections] == ["Sen Tháp Mười", "Trái cây", "Nông sản khác"]
    assert session.scalar(select(func.count()).select_from(CatalogEntry)
                          .where(CatalogEntry.catalog_id == catalog.id)) == 8
    today = today_in_vietnam()
    session.add(Fair(slug="hoi-cho-trai-cay-dong-thap-2027", name="Hội chợ Trái cây Đồng Tháp 2027",
                     starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=32), status="published"))
    session.commit()
    assert load_demo(session, "demo-password-123")["catalogs"] == 1  # the fair's, now that the fair is there
    assert load_demo(session, "demo-password-123")["catalogs"] == 0
    page = client.get("/catalogs/san-pham-ocop-dong-thap").get_data(as_text=True)
    assert "Trà tim sen" in page
