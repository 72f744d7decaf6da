"""An offer decided twice at the same moment, on a database of the module's own where each commits:
the buyer accepts while the club withdraws, or the buyer accepts and declines from two phones.
Exactly one wins and the other is told the offer changed (409); an offer made as the buyer closes
its request is refused when the close came first (the request's row is locked while offering).

On SQLite the write lock serialises them; on PostgreSQL both start and the conditional UPDATE
decides. Run both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import update

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.demand.models import DemandPost, Offer
from marketplace.errors import Conflict, ValidationError
from tests.clients import app_session
from tests.database import own_database_app
from tests.factories import make_demand, make_market, make_offer
from tests.races import at_once, meanwhile


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "offerraces") as app:
        yield app


def _offer(name: str):
    market = make_market(f"Hội quán {name}", f"Siêu thị {name}")
    request = make_demand(market.buyer_org, quantity="5", unit="tấn")
    offer = make_offer(request, market.club, "2", price_vnd="40000")
    return market, request, offer


@pytest.mark.parametrize("step", ["accept", "withdraw"])
def test_the_same_step_twice_at_once_is_taken_once(own_app, step):
    with app_session(own_app):
        market, _request, offer = _offer(f"Hai lần {step}")
        offer_id, user_id = offer.id, (market.buyer if step == "accept" else market.seller).id

    def click(_n: int, go) -> str:
        with own_app.app_context():
            mine, user = db.session.get(Offer, offer_id), db.session.get(User, user_id)
            _ = mine.demand.status
            db.session.commit()  # nothing held while waiting for the other click (SQLite's write lock)
            go()
            try:
                if step == "withdraw":
                    demand_service.withdraw_offer(db.session, mine)
                else:
                    demand_service.decide_offer(db.session, mine, step, user, today=today_in_vietnam())
                db.session.commit()
                return "done"
            except Conflict:
                db.session.rollback()
                return "conflict"

    assert sorted(at_once(2, click)) == ["conflict", "done"]


@pytest.mark.parametrize(("other", "then"), [("withdrawn", "accept"), ("declined", "accept"),
                                             ("accepted", "decline"), ("accepted", "withdraw")])
def test_a_decision_taken_meanwhile_makes_the_other_a_conflict(own_app, other, then):
    """The buyer's page showed the offer pending; between reading it and changing it, the other
    phone (or the club) changed it: this decision is refused, the other stands."""
    with app_session(own_app) as session:
        market, _request, offer = _offer(f"Trong lúc {other} {then}")
        user = market.seller if then == "withdraw" else market.buyer
        offer = session.get(Offer, offer.id)
        assert offer.status == "pending"

        def other_side(s):
            s.execute(update(Offer).where(Offer.id == offer.id).values(status=other))

        with meanwhile("offers", other_side) as ran, pytest.raises(Conflict):
            if then == "withdraw":
                demand_service.withdraw_offer(session, offer)
            else:
                demand_service.decide_offer(session, offer, then, session.merge(user), today=today_in_vietnam())
        assert ran
        assert session.get(Offer, offer.id).status == other
        session.rollback()


def test_an_offer_sent_as_the_request_closes(own_app):
    with app_session(own_app):
        market = make_market("Hội quán Đóng cửa", "Siêu thị Đóng cửa")
        request = make_demand(market.buyer_org, quantity="5", unit="tấn")
        request_id, club_id = request.id, market.club.id

    def act(n: int, go) -> str:
        with own_app.app_context():
            demand = db.session.get(DemandPost, request_id)
            club = db.session.get(Organization, club_id)
            _ = demand.status
            db.session.commit()
            go()
            try:
                if n == 0:
                    demand_service.change_status(db.session, demand, "close", today=today_in_vietnam())
                else:
                    demand_service.make_offer(db.session, demand, club, demand_service.OfferInput(quantity="1"),
                                              None, today=today_in_vietnam())
                db.session.commit()
                return "done"
            except ValidationError:
                db.session.rollback()
                return "refused"

    results = at_once(2, act)
    with app_session(own_app) as session:
        offers = session.query(Offer).filter(Offer.demand_id == request_id).count()
        assert session.get(DemandPost, request_id).status == "closed"
        # Either the offer came first (and stands, made while open) or it was refused: never both.
        assert (results[1], offers) in (("done", 1), ("refused", 0))
