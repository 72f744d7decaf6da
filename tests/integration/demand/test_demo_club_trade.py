"""The demo has a cooperative buying (issue #19): HTX Xoài Mỹ Xương's open request for 10 tấn of
xoài cát Chu to pack for export to the US (planting codes needed), with offers from member clubs
such as Hội quán Xoài Mỹ Xương; loading the demo again adds nothing."""

from __future__ import annotations

from marketplace.dates import today_in_vietnam
from marketplace.demand import rules
from marketplace.demand import services as demand_service
from marketplace.demo import load_demo
from tests.clients import app_session


def test_the_demo_cooperative_buys_from_its_clubs(app):
    with app_session(app) as session:
        first = load_demo(session, "demo-password-123")
        session.commit()
        assert first["offers"] == 2
        again = load_demo(session, "demo-password-123")
        session.commit()
        assert again["offers"] == 0 and again["demand"] == 0
        request = demand_service.demand_by_ref(session, "demo-d-htx-xoai-xuat-khau")
        assert request.organization.name == "HTX Xoài Mỹ Xương" and request.organization.kind == "cooperative"
        assert (float(request.quantity), request.unit, request.export_market) == (10, "tấn", "US")
        assert request.needs_planting_code and "xuất khẩu" in request.quality_notes
        assert rules.effective_status(request.status, request.needed_to, today_in_vietnam()) == "open"
        sellers = {o.organization.name for o in request.offers}
        assert "Hội quán Xoài Mỹ Xương" in sellers and request.organization.name not in sellers
