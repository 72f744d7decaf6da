"""A lot split into shipments and lots packed into one: one step each way, back to every harvest
and forward to every order; a harvest is traceable when its growing-area code was active on the
day it was harvested."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from marketplace import db
from marketplace.credentials import services as credentials
from marketplace.dates import today_in_vietnam
from marketplace.traceability import lineage
from marketplace.traceability.models import Lot, LotLink, OrderLot
from tests.factories import make_club, make_listing, make_planting_code


def _lot(org, listing, code: str, *, growing_area=None, harvested_on=None, quantity=100.0) -> Lot:
    lot = Lot(code=code, organization_id=org.id, listing_id=listing.id, product_id=listing.product_id,
              growing_area_id=growing_area.id if growing_area else None, harvested_on=harvested_on,
              quantity=quantity, unit="kg")
    db.session.add(lot)
    db.session.flush()
    return lot


def _link(source: Lot, lot: Lot, quantity=None) -> None:
    db.session.add(LotLink(source_id=source.id, lot_id=lot.id, quantity=quantity))
    db.session.flush()


@pytest.fixture
def orchard_to_buyers(session):
    """Two harvests (A, B) packed into P; P split into shipments S1 and S2; S1 and S2 delivered by
    two orders."""
    today = today_in_vietnam()
    club, _chair = make_club()
    code_a = make_planting_code(club)
    code_b = make_planting_code(club)
    listing = make_listing(club)
    a = _lot(club, listing, "T-A", growing_area=code_a, harvested_on=today - timedelta(days=3))
    b = _lot(club, listing, "T-B", growing_area=code_b, harvested_on=today - timedelta(days=2))
    p = _lot(club, listing, "T-P", quantity=200)
    s1 = _lot(club, listing, "T-S1", quantity=120)
    s2 = _lot(club, listing, "T-S2", quantity=80)
    _link(a, p, 100)
    _link(b, p, 100)
    _link(p, s1, 120)
    _link(p, s2, 80)
    orders = [_order(club, listing) for _ in range(2)]
    db.session.add_all([OrderLot(order_id=orders[0].id, lot_id=s1.id), OrderLot(order_id=orders[1].id, lot_id=s2.id)])
    db.session.flush()
    return {"a": a, "b": b, "p": p, "s1": s1, "s2": s2, "orders": orders, "codes": (code_a, code_b)}


def _order(club, listing):
    from marketplace.orders.models import Order
    from tests.factories import make_org

    buyer = make_org("supermarket")
    order = Order(buyer_org_id=buyer.id, seller_org_id=club.id, listing_id=listing.id, title=listing.title,
                  quantity=100, unit="kg", unit_price_vnd=38000, price_unit="kg", amount_vnd=3_800_000)
    db.session.add(order)
    db.session.flush()
    return order


def test_one_step_each_way(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    back = lineage.one_step_back(db.session, [lots["p"].id])
    assert sorted(link.source.code for link in back) == ["T-A", "T-B"]
    forward = lineage.one_step_forward(db.session, [lots["p"].id])
    assert sorted((link.lot.code, link.quantity) for link in forward) == [("T-S1", 120), ("T-S2", 80)]


def test_a_shipment_traces_back_to_every_orchard(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    for shipment in ("s1", "s2"):
        assert sorted(x.code for x in lineage.origins(db.session, lots[shipment])) == ["T-A", "T-B"]
        assert [x.code for x in lineage.ancestors(db.session, lots[shipment])][0] == "T-P"


def test_a_harvest_traces_forward_to_every_buyer(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    reached = lineage.deliveries(db.session, lots["a"])
    assert sorted(o.order_id for o in reached) == sorted(o.id for o in lots["orders"])
    assert sorted(x.code for x in lineage.descendants(db.session, lots["a"])) == ["T-P", "T-S1", "T-S2"]
    assert lineage.origins(db.session, lots["a"]) == [lots["a"]]


def test_a_shipment_is_traceable_while_every_harvest_had_an_active_code(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    assert lineage.traceable(db.session, lots["s1"])
    assert lineage.all_traceable(db.session, [lots["s1"], lots["s2"]])
    assert not lineage.all_traceable(db.session, [])


def test_a_code_suspended_after_the_harvest_still_counted_on_the_harvest_day(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    staff_code = lots["codes"][0]
    from tests.factories import make_user

    staff = make_user("staff")
    credentials.change_status(db.session, staff_code, "suspend", staff, reason="Kiểm tra lại")
    db.session.flush()
    # Suspended today; harvested three days ago, when it was active.
    assert lineage.check_origin(db.session, lots["a"]).traceable


def test_an_expired_code_or_no_code_is_not_traceable(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    code_b = lots["codes"][1]
    code_b.valid_until = lots["b"].harvested_on - timedelta(days=1)
    db.session.flush()
    check = lineage.check_origin(db.session, lots["b"])
    assert (check.traceable, check.reason) == (False, "expired")
    assert not lineage.traceable(db.session, lots["s1"])
    bare = _lot(lots["a"].organization, lots["a"].listing, "T-C")
    assert lineage.check_origin(db.session, bare).reason == "no_code"


def test_a_harvest_before_the_code_was_issued_is_not_traceable(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    lots["codes"][0].issued_on = lots["a"].harvested_on + timedelta(days=1)
    db.session.flush()
    check = lineage.check_origin(db.session, lots["a"])
    assert (check.traceable, check.reason) == (False, "not_issued")


def test_a_cycle_written_by_hand_does_not_loop(orchard_to_buyers) -> None:
    lots = orchard_to_buyers
    _link(lots["s1"], lots["a"])
    assert {x.code for x in lineage.ancestors(db.session, lots["s1"])} == {"T-A", "T-B", "T-P"}


def test_events_are_append_only_in_the_database(orchard_to_buyers) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.exc import DatabaseError

    from marketplace.traceability.models import LotEvent

    lot = orchard_to_buyers["a"]
    event = LotEvent(lot_id=lot.id, kind="harvested", happened_at=datetime.now(UTC), quantity=100, unit="kg")
    db.session.add(event)
    db.session.flush()
    for statement in ("UPDATE lot_events SET quantity = 1 WHERE id = :id", "DELETE FROM lot_events WHERE id = :id"):
        with pytest.raises(DatabaseError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": event.id})
    # A lot that goes takes its events with it.
    db.session.execute(text("DELETE FROM lot_links"))
    db.session.execute(text("DELETE FROM order_lots"))
    db.session.execute(text("DELETE FROM lots WHERE id = :id"), {"id": lot.id})
    assert db.session.execute(text("SELECT count(*) FROM lot_events WHERE id = :id"), {"id": event.id}).scalar() == 0


def test_a_lot_deleted_through_the_orm_takes_its_events(orchard_to_buyers) -> None:
    """The ORM leaves a lot's events to the database's cascade, which the triggers let through once
    the lot is gone (deleting an organisation deletes its lots)."""
    from datetime import UTC, datetime

    from marketplace.traceability.models import LotEvent

    lot = orchard_to_buyers["b"]
    db.session.add(LotEvent(lot_id=lot.id, kind="harvested", happened_at=datetime.now(UTC), quantity=100, unit="kg"))
    db.session.flush()
    assert len(lot.events) == 1
    db.session.delete(lot)
    db.session.flush()
    assert db.session.execute(text("SELECT count(*) FROM lot_events WHERE lot_id = :id"), {"id": lot.id}).scalar() == 0


def test_a_harvest_under_the_code_of_another_crop_is_not_traceable(session):
    club, _chair = make_club("Hội quán xoài mã bưởi")
    mango = make_listing(club, "xoài")
    pomelo_area = make_planting_code(club, "VN-DTOR-0999", crop="bưởi")
    mango_area = make_planting_code(club, "VN-DTOR-0998", crop="xoài")
    today = today_in_vietnam()
    wrong = _lot(club, mango, "CROP-1", growing_area=pomelo_area, harvested_on=today - timedelta(days=1))
    right = _lot(club, mango, "CROP-2", growing_area=mango_area, harvested_on=today - timedelta(days=1))
    assert lineage.check_origin(db.session, wrong).reason == "other_crop"
    assert not lineage.traceable(db.session, wrong) and lineage.traceable(db.session, right)
