"""Matching services at their edges: dismissals read without a filter, keys of a kind the worker
does not know, and a match whose request was deleted before it could be told."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost
from marketplace.matching import services as matching
from marketplace.notifications.models import Notification
from tests.factories import make_demand, make_listing, make_org, make_user


def _a_match(session):
    """A supermarket wanting 5 tấn of mangoes and a club selling 8 tấn: one full match."""
    buyer_org, club = make_org("supermarket"), make_org("club")
    make_user("buyer", buyer_org)
    make_user("seller", club)
    demand = make_demand(buyer_org, quantity="5", unit="tấn")
    listing = make_listing(club, quantity="8", unit="tấn", price_vnd="38000")
    return demand, listing


def test_dismissals_read_without_a_filter_are_every_one_of_that_side(session):
    demand, listing = _a_match(session)
    other_demand, other_listing = _a_match(session)
    matching.dismiss(session, demand.id, listing.id, "buyer")
    matching.dismiss(session, other_demand.id, other_listing.id, "seller")
    session.flush()
    assert matching.dismissed(session, "buyer") == {(demand.id, listing.id)}
    assert matching.dismissed(session, "seller") == {(other_demand.id, other_listing.id)}


def test_keys_of_an_unknown_kind_are_left_out_of_the_computation(session):
    demand, listing = _a_match(session)
    computed = matching.compute(session, [("photo", 1), ("demand", demand.id)], today_in_vietnam())
    assert [(c.side, c.object_id) for c in computed] == [("demand", demand.id)]
    assert [m.listing.id for m in computed[0].matches] == [listing.id]


def test_a_match_whose_request_was_deleted_tells_nobody(session):
    demand, _listing = _a_match(session)
    [item] = matching.compute(session, [("demand", demand.id)], today_in_vietnam())
    assert item.matches
    session.delete(session.get(DemandPost, demand.id))
    session.flush()
    before = session.scalar(select(func.count()).select_from(Notification))
    assert matching.notify_matches(session, item.matches) == 0
    assert session.scalar(select(func.count()).select_from(Notification)) == before
