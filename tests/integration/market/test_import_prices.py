"""The prices sheet: rows as people type them are stored (a re-import updates, never duplicates);
a bad row stores nothing of the file and says what is wrong where."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.imports import readers, services
from marketplace.market.models import ReferencePrice
from tests.factories import make_user
from tests.sheets import xlsx_bytes

HEADER = ["ref", "product", "variety", "market", "observed_on", "price_min_vnd", "price_max_vnd", "price",
          "unit", "place", "commune_code", "source", "note"]


def _sheets(*rows) -> readers.Sheets:
    return readers.read_upload("gia.xlsx", io.BytesIO(xlsx_bytes({"prices": [HEADER, *rows]})))


def _day(days_ago: int) -> str:
    return (today_in_vietnam() - timedelta(days=days_ago)).strftime("%d/%m/%Y")


def test_a_prices_sheet_imports_and_reimports(session):
    staff = make_user("staff")
    rows = [["g-1", "xoai cat chu", "", "cho dau moi", _day(1), 35000, 42000, None, "kg", "Chợ Mỹ Thới", None,
             "Khảo sát", ""],
            ["g-2", "Quýt hồng", "", "Giá tại vườn", _day(1), None, None, "18-20k", "", "", 30244, "", ""],
            ["g-3", "Trái bơ sáp Đồng Tháp lạ", "", "siêu thị", _day(2), "120.000", None, None, "kg", "", None, "", ""]]
    report = services.import_data(session, _sheets(*rows), staff, today_in_vietnam())
    assert report.ok, report.problems
    session.commit()
    stored = {p.ref: p for p in session.scalars(select(ReferencePrice))}
    assert (stored["g-1"].market, stored["g-1"].price_min_vnd, stored["g-1"].price_max_vnd) == ("wholesale", 35000, 42000)
    assert (stored["g-2"].market, stored["g-2"].price_min_vnd, stored["g-2"].commune_code) == ("farm_gate", 18000, "30244")
    assert (stored["g-3"].price_min_vnd, stored["g-3"].price_max_vnd) == (120000, 120000)
    assert any(w.column == "product" for w in report.warnings)  # a name kept as typed
    rows[0][6] = 44000
    again = services.import_data(session, _sheets(*rows), staff, today_in_vietnam())
    assert again.ok and again.counts["prices"].updated == 3
    session.commit()
    assert session.scalar(select(func.count(ReferencePrice.id))) == 3
    assert session.scalar(select(ReferencePrice).where(ReferencePrice.ref == "g-1")).price_max_vnd == 44000


def test_a_bad_prices_row_stores_nothing(session):
    rows = [["g-1", "xoài", "cát Chu", "farm_gate", _day(1), "35k", "", None, "kg", "", None, "", ""],
            ["g-2", "xoài", "", "chợ trời", _day(-3), "42k", "35k", None, "kg", "", None, "", ""]]
    report = services.import_data(session, _sheets(*rows), None, today_in_vietnam())
    assert not report.ok
    assert {(p.row, p.column) for p in report.problems} >= {(3, "market"), (3, "observed_on"), (3, "price_max_vnd")}
    session.rollback()
    assert session.scalar(select(func.count(ReferencePrice.id))) == 0


def test_a_kilogram_price_without_its_thousands_is_asked_again_from_a_sheet(session):
    """"35-42" for a kilogram meant 35–42 nghìn: the row is refused with the message, nothing stored."""
    rows = [["g-1", "xoài cát Chu", "", "farm_gate", _day(1), None, None, "35-42", "kg", "", None, "", ""],
            ["g-2", "chanh", "", "farm_gate", _day(1), None, None, "500", "trái", "", None, "", ""]]
    report = services.import_data(session, _sheets(*rows), None, today_in_vietnam())
    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(2, "price")]
    assert "35k" in report.problems[0].reason
    session.rollback()
    assert session.scalar(select(func.count(ReferencePrice.id))) == 0
