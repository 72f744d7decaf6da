"""The chain pages: proposing through the form (what was typed kept on errors, nothing stored),
a club accepting, the chain page's rows and totals, who sees a chain, the staff list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.chains import services
from marketplace.chains.models import Chain, ChainOrder
from tests.clients import app_session, post, signed_in, text_of
from tests.integration.chains.scene import active_chain, chain_input, delivered_order, lot_for, make_scene


@pytest.fixture
def scene(app):
    with app_session(app):
        return make_scene()


def _form(scene, **changes) -> dict:
    today = scene.today
    data = {"title": "Xoài cát Chu vụ này", "product": "xoai cat chu", "season_from": (today - timedelta(days=5)).strftime("%d/%m/%Y"),
            "season_to": (today + timedelta(days=60)).strftime("%d/%m/%Y"), "total_quantity": "60 tấn",
            "per_delivery_quantity": "2,5 tan", "price_terms": "fixed", "price_vnd": "35.000",
            "requires_growing_area_code": "y", "certificates": "vietgap", "schedule_kind": "weekly",
            "party_ids": str(scene.coop.id)}
    data.update(changes)
    return data


def test_a_buyer_proposes_and_the_cooperative_accepts(app, scene) -> None:
    buyer = signed_in(app, scene.buyer)
    page = buyer.get("/chains/new?q=my xuong")
    assert page.status_code == 200 and "HTX Xoài Mỹ Xương" in text_of(page)
    response = post(buyer, "/chains/new", _form(scene))
    assert response.status_code == 302, text_of(response)
    with app_session(app) as session:
        chain = session.query(Chain).one()
        assert (float(chain.total_quantity), float(chain.per_delivery_quantity), chain.unit) == (60, 2.5, "tấn")
        assert len(chain.deliveries) == 10  # weekly over 65 days
        chain_id = chain.id
    seller = signed_in(app, scene.seller)
    page = text_of(seller.get(f"/chains/{chain_id}"))
    assert "Chấp nhận chuỗi" in page or "Accept the chain" in page
    assert post(seller, f"/chains/{chain_id}/answer", {"decision": "accept", "org": scene.coop.id}).status_code == 302
    with app_session(app) as session:
        assert session.get(Chain, chain_id).status == "active"


def test_form_errors_keep_what_was_typed_and_store_nothing(app, scene) -> None:
    buyer = signed_in(app, scene.buyer)
    response = post(buyer, "/chains/new", _form(scene, total_quantity="sau muoi tan", season_to="31/02/2027",
                                                 price_vnd="", party_ids=""))
    assert response.status_code == 422
    page = text_of(response)
    assert 'value="sau muoi tan"' in page and 'value="31/02/2027"' in page
    assert "60 tấn" in page or "e.g." in page
    with app_session(app) as session:
        assert session.query(Chain).count() == 0


def test_search_only_looks_clubs_up(app, scene) -> None:
    buyer = signed_in(app, scene.buyer)
    response = post(buyer, "/chains/new", _form(scene, party_query="sen thap", search="1", title=""))
    assert response.status_code == 200
    assert "CLB Sen Tháp Mười" in text_of(response)
    with app_session(app) as session:
        assert session.query(Chain).count() == 0


def _three_deliveries(app, scene) -> int:
    with app_session(app) as session:
        chain = active_chain(scene)
        first, second, third = chain.deliveries
        for n, (delivery, on, coded) in enumerate([(first, first.due_on, True),
                                                   (second, second.due_on + timedelta(days=3), True),
                                                   (third, scene.today, False)]):
            order = delivered_order(scene, on=on)
            lot_for(scene, order, f"PG-{n}", with_code=coded)
            session.add(ChainOrder(chain_id=chain.id, order_id=order.id, delivery_id=delivery.id))
        session.commit()
        return chain.id


def test_the_chain_page_shows_each_delivery_and_the_totals(app, scene) -> None:
    chain_id = _three_deliveries(app, scene)
    page = text_of(signed_in(app, scene.buyer).get(f"/chains/{chain_id}"))
    assert "2/3 (67 %)" in page
    assert 'href="/t/PG-0"' in page
    assert "chưa có mã số vùng trồng" in page or "has no growing-area code" in page
    assert "Chuỗi có mã số vùng trồng và truy xuất nguồn gốc" not in page
    staff = text_of(signed_in(app, scene.staff).get("/staff/chains"))
    assert "Xoài cát Chu vụ này" in staff and "67 %" in staff


def test_who_sees_a_chain(app, scene) -> None:
    with app_session(app):
        chain = active_chain(scene)
        chain_id, delivery_id = chain.id, chain.deliveries[0].id
    assert "/login" in signed_in(app).get(f"/chains/{chain_id}").headers.get("Location", "")
    for outsider in (scene.other_buyer, scene.other_seller):
        client = signed_in(app, outsider)
        assert client.get(f"/chains/{chain_id}").status_code == 404
        for path in ("answer", "end", "attach", f"deliveries/{delivery_id}/order"):
            assert post(client, f"/chains/{chain_id}/{path}").status_code == 404
        assert "Xoài cát Chu vụ này" not in text_of(client.get("/chains"))
    assert signed_in(app, scene.staff).get(f"/chains/{chain_id}").status_code == 200
    assert signed_in(app, scene.seller).get(f"/chains/{chain_id}").status_code == 200
    assert "Xoài cát Chu vụ này" in text_of(signed_in(app, scene.seller).get("/chains"))
    assert signed_in(app, scene.seller).get("/staff/chains").status_code == 403
    assert signed_in(app, scene.seller).get("/chains/new").status_code == 403


def test_attaching_a_foreign_order_is_refused_on_the_page(app, scene) -> None:
    with app_session(app) as session:
        chain = active_chain(scene)
        order = delivered_order(scene, on=scene.today)
        order.seller_org_id = scene.other_club.id
        session.commit()
        chain_id, order_id = chain.id, order.id
    buyer = signed_in(app, scene.buyer)
    response = post(buyer, f"/chains/{chain_id}/attach", {"attach-order": f"CHQ-{order_id:06d}"}, follow_redirects=True)
    assert "không phải" in text_of(response) or "not a party" in text_of(response)
    with app_session(app) as session:
        assert session.query(ChainOrder).count() == 0


def test_the_buyer_orders_a_planned_delivery_from_the_chain_page(app, scene) -> None:
    with app_session(app):
        chain = active_chain(scene)
        chain_id, delivery_id = chain.id, chain.deliveries[2].id
    buyer = signed_in(app, scene.buyer)
    page = text_of(buyer.get(f"/chains/{chain_id}"))
    assert 'data-testid="place-order"' in page
    response = post(buyer, f"/chains/{chain_id}/deliveries/{delivery_id}/order",
                    {"place-listing_id": str(scene.listing.id), "place-quantity": "2.000"})
    assert response.status_code == 302 and "/orders/" in response.headers["Location"]
    with app_session(app) as session:
        link = session.query(ChainOrder).one()
        assert link.delivery_id == delivery_id and float(link.order.quantity) == 2000
    # A seller of the cooperative cannot order for the buyer.
    assert post(signed_in(app, scene.seller), f"/chains/{chain_id}/deliveries/{delivery_id}/order",
                {"place-listing_id": str(scene.listing.id), "place-quantity": "1"}).status_code == 403


def test_a_decline_without_a_reason_is_refused_on_the_page(app, scene) -> None:
    with app_session(app) as session:
        chain = services.propose(db.session, session.get(Organization, scene.buyer_org.id),
                                 session.get(User, scene.buyer.id), chain_input(scene), today=scene.today)
        session.commit()
        chain_id = chain.id
    seller = signed_in(app, scene.seller)
    response = post(seller, f"/chains/{chain_id}/answer", {"decision": "decline"}, follow_redirects=True)
    assert "Ghi rõ lý do" in text_of(response)
    with app_session(app) as session:
        assert session.get(Chain, chain_id).status == "proposed"
    post(seller, f"/chains/{chain_id}/answer", {"decision": "decline", "answer-reason": "Đã bán hết vụ này"})
    with app_session(app) as session:
        assert session.get(Chain, chain_id).status == "declined"
