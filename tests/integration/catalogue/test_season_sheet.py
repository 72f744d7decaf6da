"""Issue #13's "done when": a club's real season sheet — varieties in the product column, lotus
tea, cut roses by the stem, units people use, a listing that ended last month, a product nobody
listed before — imports whole; then "xoai cat chu" finds the cát Chu listings, the cát Chu request
matches them, and the new product is searchable at once and waits on the staff queue."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from marketplace.catalogue import services as catalogue
from marketplace.dates import today_in_vietnam
from marketplace.imports import readers, services
from marketplace.listings.models import Listing
from marketplace.matching import services as matching
from marketplace.search import services as search
from marketplace.search.backend import WhooshBackend
from marketplace.search.query import read_request
from tests.sheets import xlsx_bytes

FROM, TO = today_in_vietnam(), today_in_vietnam() + timedelta(days=45)
ENDED_FROM, ENDED_TO = today_in_vietnam() - timedelta(days=70), today_in_vietnam() - timedelta(days=20)

LISTING_HEADER = ["ref", "org_ref", "product", "variety", "category", "quantity", "unit", "min_order",
                  "price_vnd", "available_from", "available_to", "certificates", "planting_codes",
                  "description"]
DEMAND_HEADER = ["ref", "org_ref", "product", "variety", "category", "quantity", "unit", "frequency",
                 "needed_from", "needed_to", "price_min_vnd", "price_max_vnd", "required_certificates",
                 "min_ocop_stars", "needs_planting_code", "export_market", "commune_code", "description"]


def season_sheet() -> dict[str, list[list]]:
    return {
        "organizations": [
            ["ref", "kind", "name", "commune_code"],
            ["hq-mua-vu", "club", "Hội quán Mùa Vụ Thử", "30244"],
            ["st-mua-vu", "supermarket", "Siêu thị Mùa Vụ Thử", "29869"],
        ],
        "listings": [
            LISTING_HEADER,
            ["mv-1", "hq-mua-vu", "Xoài cát Chu", "", "Trái cây", 5000, "kg", None, "38k", FROM, TO, "", "",
             "Xoài cát Chu loại 1"],
            ["mv-2", "hq-mua-vu", "XOAI CAT CHU LOAI 2", "", "", 2, "tấn", None, 30000, FROM, TO, "", "", ""],
            ["mv-3", "hq-mua-vu", "Xoài cát Hòa Lộc", "", "", 800, "kg", None, 55000, FROM, TO, "", "", ""],
            ["mv-4", "hq-mua-vu", "Quýt hồng Lai Vung", "", "", 3, "tấn", None, 28000, FROM, TO, "", "", ""],
            ["mv-5", "hq-mua-vu", "Trà tim sen", "", "", 200, "túi", None, 45000, FROM, TO, "", "", ""],
            ["mv-6", "hq-mua-vu", "Hoa hồng cắt cành", "", "Hoa kiểng", 5000, "cành", None, 3000, FROM, TO,
             "", "", ""],
            ["mv-7", "hq-mua-vu", "Dừa xiêm xanh", "", "", 200, "chục", None, 90000, FROM, TO, "", "", ""],
            ["mv-8", "hq-mua-vu", "Nhãn Ido", "", "", 60, "thùng 10 kg", None, 25000, FROM, TO, "", "", ""],
            ["mv-9", "hq-mua-vu", "Xoài cát Chu", "", "", 4000, "kg", None, 35000, ENDED_FROM, ENDED_TO,
             "", "", "vụ trước"],
            ["mv-10", "hq-mua-vu", "Bánh tráng sữa Phú Hựu", "", "processed", 300, "bịch", None, 25000, FROM,
             TO, "", "", "mới làm năm nay"],
        ],
        "demand": [
            DEMAND_HEADER,
            ["mv-d1", "st-mua-vu", "xoài", "cát Chu", "", 3, "tấn", "weekly", FROM, TO, 30000, 45000, "", None,
             "no", "", "", ""],
        ],
    }


@pytest.fixture
def imported(session):
    report = services.import_data(session, readers.read_upload("mua-vu.xlsx", io.BytesIO(xlsx_bytes(season_sheet()))), None, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    return report


def listing(session, ref: str) -> Listing:
    from sqlalchemy import select

    return session.scalar(select(Listing).where(Listing.ref == ref))


def test_every_row_is_stored_as_meant(session, imported):
    assert imported.counts["listings"].created == 10 and imported.counts["demand"].created == 1
    mango = listing(session, "mv-1")
    assert (mango.product.slug, mango.variety.name, mango.status) == ("xoai", "cát Chu", "published")
    graded = listing(session, "mv-2")
    assert (graded.variety.name, graded.grade) == ("cát Chu", "loại 2")
    assert listing(session, "mv-3").variety.name == "cát Hòa Lộc"
    assert listing(session, "mv-4").variety.name == "hồng Lai Vung"
    assert listing(session, "mv-5").product.slug == "tra-tim-sen" and listing(session, "mv-5").unit == "túi"
    assert listing(session, "mv-6").product.slug == "hoa-hong" and listing(session, "mv-6").unit == "cành"
    assert listing(session, "mv-7").variety.name == "xiêm xanh"
    assert listing(session, "mv-8").unit == "thùng 10 kg"
    assert listing(session, "mv-9").status == "expired"
    new = listing(session, "mv-10")
    assert new.product.in_catalogue is False and new.product.category_code == "processed" and new.unit == "bịch"
    warned = {(w.sheet, w.row, w.column) for w in imported.warnings}
    assert ("listings", 10, "available_to") in warned  # mv-9: ended, stored as ended
    assert ("listings", 11, "product") in warned and ("listings", 11, "unit") in warned  # mv-10


def test_search_matching_and_the_queue_follow(session, imported, tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    search.sync(session, backend, commit=session.commit)
    request, _problems = read_request({"q": "xoai cat chu"})
    found = {hit.doc_id for hit in backend.search(request, today_in_vietnam()).hits}
    cat_chu = {f"listing:{listing(session, ref).id}" for ref in ("mv-1", "mv-2")}
    assert cat_chu <= found
    assert f"listing:{listing(session, 'mv-9').id}" not in found  # ended: not on sale
    assert f"listing:{listing(session, 'mv-3').id}" not in found  # Hòa Lộc is not cát Chu

    from sqlalchemy import select

    from marketplace.demand.models import DemandPost

    request_id = session.scalar(select(DemandPost.id).where(DemandPost.ref == "mv-d1"))
    full = {m.listing.id for m in matching.matches_for_demand(session, request_id, today_in_vietnam()) if m.full}
    assert {listing(session, "mv-1").id, listing(session, "mv-2").id} <= full
    assert listing(session, "mv-3").id not in full and listing(session, "mv-9").id not in full

    request, _problems = read_request({"q": "banh trang sua"})
    assert f"listing:{listing(session, 'mv-10').id}" in {hit.doc_id for hit in backend.search(request, today_in_vietnam()).hits}
    queued = {n.product.name_vi: n.listings for n in catalogue.typed_names(session)}
    assert queued.get("Bánh tráng sữa Phú Hựu") == 1
    assert "bịch" in {u.unit for u in catalogue.typed_units(session)}
