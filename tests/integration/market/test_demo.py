"""The demo has eight weeks of reference prices for the clubs' fruit, one big move this week, and
loading it twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.demo import load_demo
from marketplace.market import prices
from marketplace.market.models import ReferencePrice
from tests.clients import app_session, text_of


def test_the_demo_prices(app):
    with app_session(app) as session:
        first = load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert first["reference_prices"] == 4 * 3 * 8 and again["reference_prices"] == 0
        assert session.scalar(select(func.count(ReferencePrice.id))) == 96
        rows = prices.board(session, today_in_vietnam())
        big = [r for r in rows if r.change_pct is not None and abs(r.change_pct) >= 15]
        assert [(r.product.name_vi, r.market) for r in big] == [("Quýt", "farm_gate")]
    page = text_of(app.test_client().get("/prices?q=quyt"))
    assert "↑" in page and "hồng Lai Vung" in page
