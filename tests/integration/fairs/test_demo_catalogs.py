"""The demo's catalogs: the standing one of OCOP products and the demo fair's, published, their
entries from the demo listings, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.demo import load_demo
from marketplace.fairs.models import Catalog, CatalogEntry, Fair


def test_the_demo_catalogs(session, client):
    created = load_demo(session, "demo-password-123")
    session.commit()
    assert created["catalogs"] == 2  # the standing catalog, and the demo fair's
    catalog = session.scalar(select(Catalog).where(Catalog.slug == "san-pham-ocop-dong-thap"))
    assert catalog.status == "published" and catalog.fair_id is None
    assert [s.title for s in catalog.sections] == ["Sen Tháp Mười", "Trái cây", "Nông sản khác"]
    assert session.scalar(select(func.count()).select_from(CatalogEntry)
                          .where(CatalogEntry.catalog_id == catalog.id)) == 8
    fair = session.scalar(select(Fair).where(Fair.name == "Hội chợ Trái cây Đồng Tháp 2027"))
    fairs_catalog = session.scalar(select(Catalog).where(Catalog.fair_id == fair.id))
    assert fairs_catalog.status == "published"
    assert load_demo(session, "demo-password-123")["catalogs"] == 0  # loading again adds nothing
    page = client.get("/catalogs/san-pham-ocop-dong-thap").get_data(as_text=True)
    assert "Trà tim sen" in page
    assert fairs_catalog.title in client.get(f"/fairs/{fair.slug}").get_data(as_text=True)
