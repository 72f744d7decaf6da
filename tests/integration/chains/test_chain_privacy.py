"""A chain with two clubs: each club's members see only their own club's orders and lots (on the
page and in GET /api/v1/chains/{id}); the buyer and staff see both; the chain's totals stay."""

from __future__ import annotations

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.chains import services
from marketplace.chains.models import ChainOrder
from marketplace.orders.models import Order
from marketplace.orders.rules import order_ref
from tests.clients import api_token, app_session, signed_in, text_of
from tests.factories import make_listing
from tests.integration.chains.scene import chain_input, delivered_order, lot_for, make_scene


def test_each_club_sees_only_its_own_deliveries(app, client):
    with app_session(app) as session:
        scene = make_scene()
        chain = services.propose(session, session.get(Organization, scene.buyer_org.id),
                                 session.get(User, scene.buyer.id),
                                 chain_input(scene, party_ids=[scene.coop.id, scene.other_club.id]), today=scene.today)
        for seller in (scene.seller, scene.other_seller):
            services.answer(session, chain, session.get(User, seller.id), accept=True)
        session.commit()
        first = chain.deliveries[0]
        coop_order = delivered_order(scene, on=first.due_on)
        lot_for(scene, coop_order, "PRIV-COOP", with_code=True)
        theirs = make_listing(scene.other_club, "xoài cát Chu", quantity="100000", unit="kg", price_vnd="35000")
        club_order = delivered_order(scene, on=first.due_on)
        db.session.get(Order, club_order.id).seller_org_id = scene.other_club.id
        db.session.get(Order, club_order.id).listing_id = theirs.id
        lot_for(scene, club_order, "PRIV-CLUB", with_code=False)
        session.add_all([ChainOrder(chain_id=chain.id, order_id=coop_order.id, delivery_id=first.id),
                         ChainOrder(chain_id=chain.id, order_id=club_order.id, delivery_id=first.id)])
        session.commit()
        chain_id, coop_ref, club_ref = chain.id, order_ref(coop_order.id), order_ref(club_order.id)

    club_page = text_of(signed_in(app, scene.other_seller).get(f"/chains/{chain_id}"))
    assert club_ref in club_page and "PRIV-CLUB" in club_page
    assert coop_ref not in club_page and "PRIV-COOP" not in club_page
    coop_page = text_of(signed_in(app, scene.seller).get(f"/chains/{chain_id}"))
    assert coop_ref in coop_page and club_ref not in coop_page and "PRIV-CLUB" not in coop_page
    for user in (scene.buyer, scene.staff):
        page = text_of(signed_in(app, user).get(f"/chains/{chain_id}"))
        assert coop_ref in page and club_ref in page

    def api(user) -> dict:
        return client.get(f"/api/v1/chains/{chain_id}",
                          headers={"Authorization": f"Bearer {api_token(app, user)}"}).get_json()

    def refs(body: dict) -> set[str]:
        return {o["ref"] for row in body["deliveries"] for o in row["orders"]} | {
            o["ref"] for o in body["untied_orders"]}

    club_body, buyer_body = api(scene.other_seller), api(scene.buyer)
    assert refs(club_body) == {club_ref}
    assert refs(buyer_body) == {coop_ref, club_ref}
    assert club_body["figures"] == buyer_body["figures"]  # the chain's totals stay
