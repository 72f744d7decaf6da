"""Lots through the services: recording one from a listing or a typed product, events and their
corrections (append-only in the ORM and in the database), splits and packings one step each way,
the lots an order delivered and the buyer's receipt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.errors import NotFound, ValidationError
from marketplace.orders import lifecycle as orders
from marketplace.traceability import lineage, lots
from marketplace.traceability import lot_rules as rules
from marketplace.traceability.lots import EventInput, EventsAreAppendOnly, LotInput, NamedLot, SourceInput
from marketplace.traceability.models import Lot, LotEvent, LotLink, OrderLot
from tests.factories import make_club, make_listing, make_org, make_planting_code, make_user

TODAY = today_in_vietnam


@pytest.fixture(autouse=True)
def english(session):
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def club(session):
    org, chair = make_club("Hội quán Xoài thử lô")
    area = make_planting_code(org, "VN-DTOR-0701", crop="xoài")
    house = make_planting_code(org, "VN-DTPH-0702", kind="packing_house")
    return org, chair, area, house


def harvest(org, chair, quantity="2", unit="tấn", **fields) -> Lot:
    data = LotInput(quantity=quantity, unit=unit, product="xoai cat chu",
                    harvested_on=TODAY().strftime("%d/%m/%Y"), **fields)
    lot = lots.record_lot(db.session, org, data, chair, today=TODAY())
    db.session.commit()
    return lot


def test_a_lot_from_a_listing_takes_its_product_and_codes(club):
    org, chair, area, house = club
    listing = make_listing(org, "xoài cát Chu", quantity="3", unit="tấn", planting_codes=[area, house])
    lot = lots.record_lot(db.session, org, LotInput(listing_id=listing.id, quantity="2,5"), chair, today=TODAY())
    assert (lot.product_id, lot.unit, lot.quantity) == (listing.product_id, "tấn", 2.5)
    assert (lot.growing_area, lot.packing_house) == (area, house)
    assert rules.GENERATED_PATTERN.fullmatch(lot.code) and lot.code.startswith("DT-")
    assert lots.state_of(lot) == "new"


def test_a_typed_product_own_code_and_gtin(club):
    org, chair, area, _house = club
    lot = lots.record_lot(db.session, org, LotInput(
        code=" htx-2026.a1 ", product="xoai cat chu", quantity="1.500", unit="kg", gtin="4006381333931",
        growing_area_code="vn-dtor-0701", harvested_on="01/01/2026", best_before="", producer_name="Hộ ông Tư"),
        chair, today=TODAY())
    assert (lot.code, lot.quantity, lot.gtin, lot.growing_area) == ("HTX-2026.A1", 1500, "04006381333931", area)
    assert lot.product.slug.startswith("xoai")
    assert lots.get_lot(db.session, "htx-2026.a1 ") == lot


def test_bad_input_is_reported_per_field_and_nothing_is_stored(club):
    org, chair, _area, house = club
    other, _ = make_club("Hội quán khác thử")
    foreign = make_planting_code(other, "VN-DTOR-0999")
    harvest(org, chair, code="LO-1")
    with pytest.raises(ValidationError) as error:
        lots.record_lot(db.session, org, LotInput(
            code="LO-1", product="", quantity="abc", unit="kg", gtin="4006381333932", growing_area_code=foreign.code,
            packing_house_code="VN-DTOR-0701", harvested_on=(TODAY() + timedelta(days=2)).strftime("%d/%m/%Y"),
            best_before="31/02/2027"), chair, today=TODAY())
    db.session.rollback()
    fields = error.value.fields
    assert set(fields) == {"code", "product", "quantity", "gtin", "growing_area_code", "packing_house_code",
                           "harvested_on", "best_before"}
    assert "held by another organisation" in fields["growing_area_code"][0]
    assert "not a packing-house code" in fields["packing_house_code"][0]
    with pytest.raises(ValidationError) as error:
        lots.record_lot(db.session, org, LotInput(code="LO 2", product="xoài", quantity="1", unit="kg"), chair,
                        today=TODAY())
    assert "no spaces" in error.value.fields["code"][0]
    db.session.rollback()
    assert db.session.scalar(select(Lot.code).where(Lot.organization_id == org.id)) == "LO-1"
    assert house  # used


def test_events_go_forward_and_are_corrected_never_changed(club):
    org, chair, *_ = club
    lot = harvest(org, chair)
    now = datetime.now(UTC)
    first = lots.add_event(db.session, lot, EventInput("harvested",
                                                       commune_code="30244", place="Vườn ông Tư",
                                                       actor_name="Ông Tư", quantity="2", unit="tấn"), org, chair)
    sorted_ = lots.add_event(db.session, lot, EventInput("sorted", happened_at=(now - timedelta(hours=1)).isoformat(),
                                                         quantity="1,9", unit="tấn"), org, chair)
    db.session.commit()
    assert first.unit == "tấn" and sorted_.quantity == 1.9
    with pytest.raises(ValidationError) as error:
        lots.add_event(db.session, lot, EventInput("harvested"), org, chair)
    assert "correct it" in error.value.fields["kind"][0]
    with pytest.raises(ValidationError) as error:
        lots.add_event(db.session, lot, EventInput("received"), org, chair)
    assert "Only the buyer" in error.value.fields["kind"][0]
    with pytest.raises(ValidationError) as error:
        lots.add_event(db.session, lot, EventInput("packed", happened_at="31/12/2099 07:30"), org, chair)
    assert "not come yet" in error.value.fields["happened_at"][0]
    with pytest.raises(ValidationError) as error:
        lots.add_event(db.session, lot, EventInput("", corrects_event_id=sorted_.id), org, chair)
    assert error.value.fields == {"note": ["Say what was wrong."]}
    correction = lots.add_event(db.session, lot, EventInput("", corrects_event_id=sorted_.id, quantity="1,8",
                                                            note="Cân lại: 1,8 tấn"), org, chair)
    db.session.commit()
    assert (correction.kind, correction.corrects, correction.quantity) == ("sorted", sorted_, 1.8)
    assert lots.corrections_of(lot) == {sorted_.id: [correction]}
    db.session.expire_all()
    assert db.session.get(LotEvent, sorted_.id).quantity == 1.9
    other, seller = make_club("Hội quán khác thử")
    with pytest.raises(ValidationError) as error:
        lots.add_event(db.session, lot, EventInput("", corrects_event_id=sorted_.id, note="x"), other, seller)
    db.session.rollback()


def test_the_orm_refuses_to_change_or_delete_an_event(club):
    org, chair, *_ = club
    lot = harvest(org, chair)
    event = lots.add_event(db.session, lot, EventInput("harvested", quantity="2"), org, chair)
    db.session.commit()
    event.quantity = 3
    with pytest.raises(EventsAreAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(LotEvent, event.id))
    with pytest.raises(EventsAreAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(LotEvent, event.id).quantity == 2


def test_the_database_refuses_raw_updates_and_deletes(club):
    org, chair, *_ = club
    lot = harvest(org, chair)
    event = lots.add_event(db.session, lot, EventInput("harvested", quantity="2"), org, chair)
    db.session.commit()
    for statement in ("UPDATE lot_events SET quantity = 5 WHERE id = :id", "DELETE FROM lot_events WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": event.id})
    db.session.expire_all()
    assert db.session.get(LotEvent, event.id).quantity == 2


def test_who_recorded_an_event_may_only_be_cleared(club):
    org, chair, *_ = club
    other = make_org("supermarket", name="Siêu thị đổi người nhận")
    lot = harvest(org, chair)
    event = lots.add_event(db.session, lot, EventInput("harvested", quantity="2"), org, chair)
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text("UPDATE lot_events SET organization_id = :org WHERE id = :id"),
                           {"org": other.id, "id": event.id})
    event.organization_id = other.id
    with pytest.raises(EventsAreAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.execute(text("UPDATE lot_events SET organization_id = NULL WHERE id = :id"), {"id": event.id})
    db.session.commit()  # what a deleted organisation does (ON DELETE SET NULL)
    db.session.expire_all()
    assert db.session.get(LotEvent, event.id).organization_id is None


def test_a_split_and_a_packing_keep_one_step_back_and_forward(club):
    org, chair, *_ = club
    lot = harvest(org, chair, quantity="2", unit="tấn")
    with pytest.raises(ValidationError) as error:
        lots.split_lot(db.session, lot, ["1,5", "0,6"], chair, today=TODAY())
    assert "more than is left of the lot (2 tấn)" in error.value.fields["shipments-0"][0]
    db.session.rollback()
    one, two = lots.split_lot(db.session, lot, ["1,5", "0,5"], chair, today=TODAY())
    db.session.commit()
    assert [link.lot for link in lots.destinations_of(db.session, lot)] == [one, two]
    assert [link.source for link in lots.sources_of(db.session, one)] == [lot]
    assert (one.growing_area, one.product_id) == (lot.growing_area, lot.product_id)
    assert lots.left_of(db.session, lot) == 0
    with pytest.raises(ValidationError):
        lots.split_lot(db.session, lot, ["0,1"], chair, today=TODAY())
    db.session.rollback()
    other = harvest(org, chair, quantity="800", unit="kg")
    packed = lots.pack_lots(db.session, org, [SourceInput(one.code, ""), SourceInput(other.code, "")], chair,
                            today=TODAY(), unit="kg", quantity="2300", place="Nhà đóng gói HTX")
    db.session.commit()
    assert [link.source for link in lots.sources_of(db.session, packed)] == [one, other]
    assert [link.lot for link in lots.destinations_of(db.session, one)] == [packed]
    assert lots.state_of(packed) == "packed"
    assert lots.left_of(db.session, other) == 0


def test_a_packing_takes_only_own_lots_of_one_product(club):
    org, chair, *_ = club
    mango = harvest(org, chair, quantity="1", unit="tấn")
    pomelo = lots.record_lot(db.session, org, LotInput(product="bưởi da xanh", quantity="500", unit="kg"), chair,
                             today=TODAY())
    other, seller = make_club("Hội quán khác thử")
    theirs = harvest(other, seller)
    with pytest.raises(ValidationError) as error:
        lots.pack_lots(db.session, org, [SourceInput(mango.code, "1"), SourceInput(pomelo.code, "500"),
                                         SourceInput(theirs.code, "1")], chair, today=TODAY(), unit="tấn",
                       quantity="2")
    assert "sources-1-code" in error.value.fields and "sources-2-code" in error.value.fields
    db.session.rollback()
    assert db.session.scalar(select(LotLink.id)) is None


def test_the_seller_names_lots_and_the_buyer_confirms_receipt(club):
    org, chair, area, _house = club
    listing = make_listing(org, "xoài cát Chu", quantity="100", unit="kg", planting_codes=[area])
    buyer_org = make_org("supermarket", name="Siêu thị thử lô")
    buyer = make_user("buyer", buyer_org)
    order = orders.place_order(db.session, listing.id, buyer_org, buyer, "10", today=TODAY())
    lot = lots.record_lot(db.session, org, LotInput(listing_id=listing.id, quantity="50"), chair, today=TODAY())
    other_product = lots.record_lot(db.session, org, LotInput(product="bưởi", quantity="5", unit="kg"), chair,
                                    today=TODAY())
    db.session.commit()
    orders.move(db.session, order.id, "requested", "confirmed", chair, today=TODAY())
    db.session.commit()
    db.session.refresh(order)
    with pytest.raises(ValidationError) as error:
        lots.name_order_lots(db.session, order, [NamedLot(other_product.code)], chair)
    assert "not of the product ordered" in error.value.fields["lots-0-code"][0]
    db.session.rollback()
    made = lots.name_order_lots(db.session, order, [NamedLot(lot.code, "10")], chair)
    lots.name_order_lots(db.session, order, [NamedLot(lot.code, "10")], chair)  # twice: once
    db.session.commit()
    assert [ol.lot for ol in made] == [lot] and len(lots.lots_of_order(db.session, order)) == 1
    assert [(e.kind, e.order_id) for e in lot.events] == [("shipped", order.id)]
    orders.move(db.session, order.id, "confirmed", "delivered", chair, today=TODAY())
    db.session.refresh(order)
    received = lots.confirm_receipt(db.session, order, buyer, show_name=True)
    assert lots.confirm_receipt(db.session, order, buyer) == []
    db.session.commit()
    assert [(e.kind, e.organization_id, e.buyer_named, e.quantity) for e in received] == [
        ("received", buyer_org.id, True, 10)]
    assert lots.state_of(lot) == "received"
    assert lots.may_confirm_receipt(buyer, order) and not lots.may_confirm_receipt(chair, order)
    assert lots.may_name_lots(chair, order) and not lots.may_name_lots(buyer, order)
    assert db.session.scalar(select(OrderLot.quantity)) == 10


def test_another_club_does_not_find_the_lot(club):
    org, chair, *_ = club
    lot = harvest(org, chair)
    _other, seller = make_club("Hội quán khác thử")
    staff = make_user("staff")
    assert lots.lot_for(db.session, chair, lot.code) == lot
    assert lots.lot_for(db.session, staff, lot.code) == lot
    with pytest.raises(NotFound):
        lots.lot_for(db.session, seller, lot.code)
    with pytest.raises(NotFound):
        lots.lot_for(db.session, None, lot.code)
    assert lots.can_record(chair, lot) and not lots.can_record(staff, lot)


def test_a_source_taken_whole_cannot_be_taken_again(club):
    org, chair, *_ = club
    lot = harvest(org, chair, quantity="2", unit="tấn")
    first = lots.record_lot(db.session, org, LotInput(quantity="2", unit="tấn", sources=[SourceInput(lot.code)]),
                            chair, today=TODAY())
    assert lots.sources_of(db.session, first)[0].quantity == 2
    with pytest.raises(ValidationError) as error:
        lots.record_lot(db.session, org, LotInput(quantity="1", unit="tấn", sources=[SourceInput(lot.code)]),
                        chair, today=TODAY())
    assert "More than is left of this lot (0 tấn)" in error.value.fields["sources-0-quantity"][0]
    db.session.rollback()


def test_quantities_in_another_unit_are_compared_through_kilograms(club):
    org, chair, *_ = club
    lot = harvest(org, chair, quantity="1", unit="tấn")
    with pytest.raises(ValidationError):
        lots.record_lot(db.session, org, LotInput(quantity="110", unit="thùng 10 kg",
                                                  sources=[SourceInput(lot.code, "110")]), chair, today=TODAY())
    db.session.rollback()
    boxes = lots.record_lot(db.session, org, LotInput(quantity="60", unit="thùng 10 kg",
                                                      sources=[SourceInput(lot.code, "60")]), chair, today=TODAY())
    assert boxes.unit == "thùng 10 kg" and lots.left_of(db.session, lot) == pytest.approx(0.4)


def test_a_lot_made_from_others_holds_no_more_than_was_taken(club):
    org, chair, *_ = club
    one, two = harvest(org, chair, quantity="1", unit="tấn"), harvest(org, chair, quantity="1", unit="tấn")
    with pytest.raises(ValidationError) as error:
        lots.pack_lots(db.session, org, [SourceInput(one.code), SourceInput(two.code)], chair, today=TODAY(),
                       quantity="500")
    assert "More than was taken from the lots it is made of (2 tấn)" in error.value.fields["quantity"][0]
    db.session.rollback()
    with pytest.raises(ValidationError) as error:
        lots.record_lot(db.session, org, LotInput(quantity="900", unit="tấn", sources=[SourceInput(one.code, "0,001")]),
                        chair, today=TODAY())
    assert "quantity" in error.value.fields
    db.session.rollback()
    with pytest.raises(ValidationError):  # the whole of a 1-tấn lot is 100 boxes of 10 kg, not 150
        lots.record_lot(db.session, org, LotInput(quantity="150", unit="thùng 10 kg", sources=[SourceInput(one.code)]),
                        chair, today=TODAY())
    db.session.rollback()
    boxes = lots.record_lot(db.session, org, LotInput(quantity="100", unit="thùng 10 kg",
                                                      sources=[SourceInput(one.code)]), chair, today=TODAY())
    packed = lots.pack_lots(db.session, org, [SourceInput(boxes.code, "50"), SourceInput(two.code)], chair,
                            today=TODAY(), unit="thùng 10 kg", quantity="150")
    assert packed.quantity == 150


def _confirmed_order(org, chair, buyer_org, buyer, listing, status="confirmed"):
    order = orders.place_order(db.session, listing.id, buyer_org, buyer, "10", today=TODAY())
    if status != "requested":
        orders.move(db.session, order.id, "requested", status, chair, today=TODAY())
    db.session.commit()
    db.session.refresh(order)
    return order


def test_lots_are_named_only_for_orders_that_go_ahead_and_only_what_is_left(club):
    org, chair, area, _house = club
    listing = make_listing(org, "xoài cát Chu", quantity="100", unit="kg", planting_codes=[area])
    buyer_org = make_org("supermarket", name="Siêu thị giới hạn lô")
    buyer = make_user("buyer", buyer_org)
    lot = lots.record_lot(db.session, org, LotInput(listing_id=listing.id, quantity="5", unit="kg"), chair,
                          today=TODAY())
    requested = _confirmed_order(org, chair, buyer_org, buyer, listing, "requested")
    with pytest.raises(ValidationError) as error:
        lots.name_order_lots(db.session, requested, [NamedLot(lot.code, "1")], chair)
    assert "once the order is confirmed" in error.value.fields["lots"][0]
    assert not lots.may_name_lots(chair, requested)
    db.session.rollback()
    declined = _confirmed_order(org, chair, buyer_org, buyer, listing, "declined")
    with pytest.raises(ValidationError):
        lots.name_order_lots(db.session, declined, [NamedLot(lot.code, "1")], chair)
    with pytest.raises(ValidationError) as error:  # the buyer's receipt of an order that never went ahead
        lots.confirm_receipt(db.session, declined, buyer, show_name=True)
    assert "once the order has been delivered" in error.value.fields["lots"][0]
    db.session.rollback()
    order = _confirmed_order(org, chair, buyer_org, buyer, listing)
    with pytest.raises(ValidationError) as error:
        lots.name_order_lots(db.session, order, [NamedLot(lot.code, "99999")], chair)
    assert "More than is left of this lot (5 kg)" in error.value.fields["lots-0-quantity"][0]
    db.session.rollback()
    with pytest.raises(ValidationError):  # two rows of one lot count together
        lots.name_order_lots(db.session, order, [NamedLot(lot.code, "3"), NamedLot(lot.code, "3")], chair)
    db.session.rollback()
    lots.name_order_lots(db.session, order, [NamedLot(lot.code, "3")], chair)
    db.session.commit()
    assert lots.left_of(db.session, lot) == 2
    with pytest.raises(ValidationError):  # confirmed, not yet delivered
        lots.confirm_receipt(db.session, order, buyer)
    db.session.rollback()
    second = _confirmed_order(org, chair, buyer_org, buyer, listing, "paid")
    with pytest.raises(ValidationError) as error:
        lots.name_order_lots(db.session, second, [NamedLot(lot.code, "3")], chair)
    assert "(2 kg)" in error.value.fields["lots-0-quantity"][0]
    db.session.rollback()
    with pytest.raises(ValidationError):  # a split counts what the order took
        lots.split_lot(db.session, lot, ["3"], chair, today=TODAY())
    db.session.rollback()
    orders.move(db.session, order.id, "confirmed", "cancelled", chair, today=TODAY())
    db.session.commit()
    assert lots.left_of(db.session, lot) == 5  # a cancelled order no longer holds any of it
    assert lineage.deliveries(db.session, lot) == []


def test_a_growing_area_code_of_another_crop_is_refused_on_the_lot(club):
    org, chair, area, _house = club  # area: an orchard of xoài
    pomelo = make_planting_code(org, "VN-DTOR-0709", crop="bưởi")
    unknown = make_planting_code(org, "VN-DTOR-0710")  # no crop written: not checked
    with pytest.raises(ValidationError) as error:
        lots.record_lot(db.session, org, LotInput(quantity="1", unit="tấn", product="xoai cat chu",
                                                  growing_area_code=pomelo.code), chair, today=TODAY())
    message = error.value.fields["growing_area_code"][0]
    assert "This growing-area code is for Bưởi" in message and "not Xoài" in message
    db.session.rollback()
    for code in (area, unknown):
        lot = lots.record_lot(db.session, org, LotInput(quantity="1", unit="tấn", product="xoai cat chu",
                                                        growing_area_code=code.code), chair, today=TODAY())
        assert lot.growing_area == code


def test_a_lot_named_whole_for_an_order_counts_all_that_was_left(club):
    """'Empty: all of it' writes down what was left, so the lot cannot be named whole for a second
    order, split or packed again; its shipment of an order later cancelled leaves the public page."""
    from marketplace.traceability.trace import read_trace

    org, chair, area, _house = club
    listing = make_listing(org, "xoài cát Chu", quantity="100", unit="kg", planting_codes=[area])
    buyer_org = make_org("supermarket", name="Siêu thị lô trọn")
    buyer = make_user("buyer", buyer_org)
    lot = lots.record_lot(db.session, org, LotInput(listing_id=listing.id, quantity="5", unit="kg"), chair,
                          today=TODAY())
    first = _confirmed_order(org, chair, buyer_org, buyer, listing)
    [named] = lots.name_order_lots(db.session, first, [NamedLot(lot.code, "")], chair)
    db.session.commit()
    assert named.quantity == 5 and lots.left_of(db.session, lot) == 0
    second = _confirmed_order(org, chair, buyer_org, buyer, listing, "paid")
    with pytest.raises(ValidationError) as error:
        lots.name_order_lots(db.session, second, [NamedLot(lot.code, "")], chair)
    assert "(0 kg)" in error.value.fields["lots-0-quantity"][0]
    db.session.rollback()
    with pytest.raises(ValidationError):
        lots.split_lot(db.session, lot, ["1"], chair, today=TODAY())
    db.session.rollback()
    assert [e.kind for e in read_trace(db.session, lot, "vi").events if e.kind == "shipped"] == ["shipped"]
    orders.move(db.session, first.id, "confirmed", "cancelled", chair, today=TODAY())
    db.session.commit()
    assert [e.kind for e in read_trace(db.session, lot, "vi").events if e.kind == "shipped"] == []
    assert lots.left_of(db.session, lot) == 5
