"""Offers on a request: a club offers once, and an offer on a closed request cannot be accepted."""

from __future__ import annotations

from marketplace.demand.models import Offer
from tests.clients import app_session, post, signed_in
from tests.factories import make_demand, make_offer, make_org, make_user


def test_offers_on_a_closed_request_cannot_be_accepted_and_a_club_offers_once(app):
    with app_session(app) as session:
        buyer_org = make_org("supermarket")
        buyer = make_user("buyer", buyer_org)
        club = make_org("club")
        chair = make_user("seller", club)
        demand = make_demand(buyer_org)
        offer = make_offer(demand, club, "2")
    again = post(signed_in(app, chair), f"/demand/{demand.id}/offers", {"quantity": "1"})
    assert again.status_code == 422
    with app_session(app) as session:
        session.get(type(demand), demand.id).status = "closed"
        session.commit()
    post(signed_in(app, buyer), f"/offers/{offer.id}/accept")
    with app_session(app) as session:
        assert session.get(Offer, offer.id).status == "pending"
        assert session.query(Offer).filter_by(demand_id=demand.id).count() == 1
