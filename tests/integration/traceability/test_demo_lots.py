"""The demo has HTX Xoài Mỹ Xương's lots: harvested, sorted, split, packed and shipped; loaded once."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.demo import load_demo
from marketplace.traceability import lots
from marketplace.traceability.models import Lot


def test_the_demo_lots(app, session):
    load_demo(session, "demo-password-123")
    session.commit()
    assert load_demo(session, "demo-password-123")["lots"] == 0
    found = {lot.code: lot for lot in session.scalars(select(Lot))}
    assert len(found) == 5
    harvest, packed = found["MX-XOAI-0001"], found["MX-XK-0001"]
    assert (harvest.growing_area.code, harvest.packing_house.code) == ("VN-DTOR-9001", "VN-DTPH-9001")
    assert [e.kind for e in harvest.events] == ["harvested", "sorted"]
    assert [e.kind for e in packed.events] == ["packed", "shipped"]
    assert {link.source.code for link in lots.sources_of(session, packed)} >= {"MX-XOAI-0002"}
    assert len(lots.destinations_of(session, harvest)) == 2
    assert lots.state_of(packed) == "shipped"
