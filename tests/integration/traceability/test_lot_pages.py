"""The lot pages: a club's seller records a lot, its steps and a correction, splits and packs;
bad input comes back with messages and stores nothing; another club gets 404 everywhere; on an
order's page the seller names its lots and the buyer sees them and confirms their receipt."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.orders import lifecycle as orders
from marketplace.traceability import lots
from marketplace.traceability.models import Lot, LotEvent, LotLink
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_club, make_listing, make_org, make_planting_code, make_user
from tests.pages import error_beside


def _lot_form(**changes) -> dict:
    data = {"listing_id": "", "product": "xoai cat chu", "variety": "", "quantity": "2,5", "unit": "tấn",
            "harvested_on": today_in_vietnam().strftime("%d/%m/%Y"), "best_before": "",
            "growing_area_code": "VN-DTOR-0901", "packing_house_code": "", "producer_name": "Hộ ông Tư",
            "code": "", "gtin": "", "note": ""}
    return data | changes


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_seller_records_a_lot_its_steps_and_a_correction(app):
    with app_session(app):
        org, chair = make_club("Hội quán Xoài trang lô")
        make_planting_code(org, "VN-DTOR-0901")
    client = signed_in(app, chair, "en")
    assert client.get("/lots").status_code == 200
    assert client.get("/lots/new").status_code == 200
    response = client.post("/lots/new", data={"csrf_token": csrf_token(client), **_lot_form()})
    assert response.status_code == 302, text_of(response)
    code = response.headers["Location"].rsplit("/", 1)[1]
    page = text_of(client.get(f"/lots/{code}"))
    assert "VN-DTOR-0901" in page and f'/t/{code}' in page and "Hộ ông Tư" in page
    response = client.post(f"/lots/{code}/events", data={
        "csrf_token": csrf_token(client), "kind": "harvested", "happened_at": "", "commune_query": "",
        "commune_code": "", "place": "Vườn ông Tư", "actor_name": "Ông Tư", "quantity": "2,5", "unit": "",
        "corrects_event_id": "", "note": ""})
    assert response.status_code == 302, text_of(response)
    with app_session(app) as session:
        event = session.scalar(select(LotEvent))
    response = client.post(f"/lots/{code}/events", data={
        "csrf_token": csrf_token(client), "kind": "harvested", "happened_at": "", "commune_query": "",
        "commune_code": "", "place": "", "actor_name": "", "quantity": "2,4", "unit": "",
        "corrects_event_id": str(event.id), "note": ""})
    assert response.status_code == 422
    assert error_beside(text_of(response), "note") == "Say what was wrong."
    response = client.post(f"/lots/{code}/events", data={
        "csrf_token": csrf_token(client), "kind": "packed", "happened_at": "", "commune_query": "",
        "commune_code": "", "place": "", "actor_name": "", "quantity": "2,4", "unit": "",
        "corrects_event_id": str(event.id), "note": "Cân lại"})
    assert response.status_code == 302, text_of(response)
    page = text_of(client.get(f"/lots/{code}"))
    assert "Corrected" in page and "Cân lại" in page and "Vườn ông Tư" in page
    assert "xoai" in text_of(client.get("/lots")).lower()


def test_bad_input_comes_back_with_messages_and_stores_nothing(app):
    with app_session(app):
        org, chair = make_club("Hội quán Xoài trang lô sai")
        make_planting_code(org, "VN-DTOR-0901")
    client = signed_in(app, chair, "en")
    response = client.post("/lots/new", data={"csrf_token": csrf_token(client), **_lot_form(
        quantity="abc", code="LO 12", gtin="4006381333932", harvested_on="31/02/2026")})
    assert response.status_code == 422
    text = text_of(response)
    assert "no spaces" in error_beside(text, "code")
    assert error_beside(text, "quantity") and error_beside(text, "gtin") and error_beside(text, "harvested_on")
    assert 'value="LO 12"' in text  # what was typed stays
    with app_session(app):
        assert _count(Lot) == 0


def test_split_and_pack_pages(app):
    with app_session(app):
        org, chair = make_club("Hội quán Xoài chia lô")
        lot = lots.record_lot(db.session, org, lots.LotInput(product="xoài", quantity="2", unit="tấn"), chair,
                              today=today_in_vietnam())
        other = lots.record_lot(db.session, org, lots.LotInput(product="xoài", quantity="1", unit="tấn"), chair,
                                today=today_in_vietnam())
        db.session.commit()
    client = signed_in(app, chair, "en")
    assert client.get(f"/lots/{lot.code}/split").status_code == 200
    response = client.post(f"/lots/{lot.code}/split", data={"csrf_token": csrf_token(client), "shipments-0": "1,5",
                                                            "shipments-1": "0,8"})
    assert response.status_code == 422 and "more than is left" in text_of(response)
    response = client.post(f"/lots/{lot.code}/split", data={"csrf_token": csrf_token(client), "shipments-0": "1,5",
                                                            "shipments-1": "0,5"})
    assert response.status_code == 302, text_of(response)
    with app_session(app) as session:
        shipments = [link.lot.code for link in session.scalars(select(LotLink).order_by(LotLink.id))]
    assert len(shipments) == 2
    assert client.get(f"/lots/pack?from={shipments[0]}").status_code == 200
    response = client.post("/lots/pack", data={
        "csrf_token": csrf_token(client), "sources-0-code": shipments[0], "sources-0-quantity": "",
        "sources-1-code": other.code, "sources-1-quantity": "", "quantity": "", "unit": "", "packing_house_code": "",
        "code": "", "place": "Nhà đóng gói"})
    assert response.status_code == 302, text_of(response)
    packed = response.headers["Location"].rsplit("/", 1)[1]
    page = text_of(client.get(f"/lots/{packed}"))
    assert shipments[0] in page and other.code in page and "Packed" in page
    assert packed in text_of(client.get(f"/lots/{other.code}"))


def test_another_club_gets_404_on_every_lot_page(app):
    with app_session(app):
        org, chair = make_club("Hội quán Xoài riêng")
        _other, stranger = make_club("Hội quán khác riêng")
        lot = lots.record_lot(db.session, org, lots.LotInput(product="xoài", quantity="2", unit="tấn"), chair,
                              today=today_in_vietnam())
        db.session.commit()
    client = signed_in(app, stranger)
    for path in (f"/lots/{lot.code}", f"/lots/{lot.code}/events", f"/lots/{lot.code}/split"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"csrf_token": csrf_token(client), "kind": "sorted"}).status_code in (404, 405)
    assert client.get(f"/lots?org={org.id}").status_code == 404
    assert lot.code not in text_of(client.get("/lots"))


def test_the_order_page_names_lots_and_the_buyer_confirms_receipt(app):
    with app_session(app) as session:
        org, chair = make_club("Hội quán Xoài đơn lô")
        listing = make_listing(org, "xoài", quantity="100", unit="kg")
        buyer_org = make_org("supermarket", name="Siêu thị đơn lô")
        buyer = make_user("buyer", buyer_org)
        order = orders.place_order(session, listing.id, buyer_org, buyer, "10", today=today_in_vietnam())
        lot = lots.record_lot(session, org, lots.LotInput(listing_id=listing.id, quantity="50"), chair,
                              today=today_in_vietnam())
        session.commit()
        orders.move(session, order.id, "requested", "confirmed", chair, today=today_in_vietnam())
        session.commit()
    seller_client = signed_in(app, chair, "en")
    page = text_of(seller_client.get(f"/orders/{order.id}"))
    assert "Name the lots of this order" in page and lot.code in page
    response = seller_client.post(f"/orders/{order.id}/lots", data={
        "csrf_token": csrf_token(seller_client), "lots-0-code": lot.code, "lots-0-quantity": "10"})
    assert response.status_code == 302
    buyer_client = signed_in(app, buyer, "en")
    page = text_of(buyer_client.get(f"/orders/{order.id}"))
    assert lot.code in page and "Show our name on the trace page" not in page  # not delivered yet
    assert buyer_client.post(f"/orders/{order.id}/lots", data={"csrf_token": csrf_token(buyer_client)}).status_code == 403
    buyer_client.post(f"/orders/{order.id}/lots/received", data={"csrf_token": csrf_token(buyer_client)})
    with app_session(app) as session:
        assert session.scalar(select(LotEvent).where(LotEvent.kind == "received")) is None
        orders.move(session, order.id, "confirmed", "delivered", chair, today=today_in_vietnam())
        session.commit()
    assert "Show our name on the trace page" in text_of(buyer_client.get(f"/orders/{order.id}"))
    response = buyer_client.post(f"/orders/{order.id}/lots/received", data={"csrf_token": csrf_token(buyer_client),
                                                                            "show_name": "y"})
    assert response.status_code == 302
    with app_session(app) as session:
        events = [(e.kind, e.organization_id, e.buyer_named)
                  for e in session.scalars(select(LotEvent).order_by(LotEvent.id))]
    assert events == [("shipped", org.id, False), ("received", buyer_org.id, True)]
    assert "Received" in text_of(buyer_client.get(f"/orders/{order.id}"))
    assert buyer_client.get(f"/lots/{lot.code}").status_code == 404  # the club's private page
    with app_session(app) as session:
        orders.move(session, order.id, "delivered", "completed", buyer, today=today_in_vietnam())
        session.commit()
    page = text_of(seller_client.get(f"/orders/{order.id}"))  # completed: the seller still sees its lots
    assert lot.code in page and "Name the lots of this order" not in page
