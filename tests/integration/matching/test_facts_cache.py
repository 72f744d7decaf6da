"""Each product's listing facts are kept between requests (facts.ProductListingsCache) and read
again as soon as anything they depend on changes: a listing, a certificate or code attached to it,
a credential's status, a conversation message (responsiveness). And on the evaluation set, the
matcher with its prefilter and cache gives what the unfiltered matcher gives on freshly read facts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.demand.models import Offer
from marketplace.matching import evaluation
from marketplace.matching import facts as load
from marketplace.matching import services as matching
from marketplace.messaging import conversations
from tests.factories import make_certificate, make_demand, make_listing, make_org, make_user


@pytest.fixture(autouse=True)
def empty_cache():
    load.product_cache.clear()
    yield
    load.product_cache.clear()


def _by_id(facts):
    return {f.id: f for f in facts}


def test_a_products_listings_are_read_once_while_nothing_changes(session):
    today = today_in_vietnam()
    club = make_org("club")
    first, second = make_listing(club, "xoài"), make_listing(club, "xoài", price_vnd="41000")
    cached = load.product_listings(session, today, first.product_id)
    assert load.product_listings(session, today, first.product_id) is cached
    assert cached == load.load_listings(session, today, product_id=first.product_id)
    assert set(_by_id(cached)) >= {first.id, second.id}
    assert load.product_listings(session, today + timedelta(days=1), first.product_id) is not cached


def test_every_change_of_a_listings_facts_is_seen_by_the_next_request(session):
    today = today_in_vietnam()
    club = make_org("club")
    listing = make_listing(club, "xoài")
    product = listing.product_id
    assert _by_id(load.product_listings(session, today, product))[listing.id].price_vnd == 38000

    listing.price_vnd = 52000
    session.flush()
    assert _by_id(load.product_listings(session, today, product))[listing.id].price_vnd == 52000

    certificate = make_certificate(club, "vietgap")
    listing.certificates.append(certificate)
    session.flush()
    held = _by_id(load.product_listings(session, today, product))[listing.id].credentials
    assert [(c.kind, c.status) for c in held] == [("vietgap", "active")]

    certificate.status = "suspended"
    session.flush()
    held = _by_id(load.product_listings(session, today, product))[listing.id].credentials
    assert [(c.kind, c.status) for c in held] == [("vietgap", "suspended")]

    listing.status = "paused"
    session.flush()
    assert listing.id not in _by_id(load.product_listings(session, today, product))


def test_a_message_is_seen_by_the_next_request(session):
    """Responsiveness is read from conversations, which the change log does not record."""
    today = today_in_vietnam()
    buyer_org, club = make_org("supermarket"), make_org("club")
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, "xoài")
    before = load.product_listings(session, today, listing.product_id)
    topic = conversations.resolve_topic(session, buyer, listing_id=listing.id)
    conversations.start_conversation(session, buyer, topic, "Còn hàng không?")
    session.flush()
    after = load.product_listings(session, today, listing.product_id)
    assert after is not before
    assert after == load.load_listings(session, today, product_id=listing.product_id)


def test_a_request_changing_keeps_the_facts_and_an_offer_does_not(session):
    """An offer says how active its seller is (responsiveness): a new one reads the facts again."""
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    demand = make_demand(buyer, "xoài", quantity="1")
    listing = make_listing(club, "xoài")
    cached = load.product_listings(session, today, listing.product_id)
    demand.price_max_vnd = 60000
    session.flush()
    assert load.product_listings(session, today, listing.product_id) is cached
    session.add(Offer(demand_id=demand.id, organization_id=club.id, quantity=1, status="pending", note=""))
    session.flush()
    assert load.product_listings(session, today, listing.product_id) is not cached


def test_a_demand_page_shows_a_new_listing_at_once(session):
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    demand = make_demand(buyer, "xoài", quantity="1")
    first = make_listing(club, "xoài")
    assert [m.listing.id for m in matching.matches_for_demand(session, demand.id, today)] == [first.id]
    later = make_listing(club, "xoài", price_vnd="30000")
    assert {m.listing.id for m in matching.matches_for_demand(session, demand.id, today)} == {first.id, later.id}


def test_the_evaluation_set_matches_as_without_prefilter_or_cache(session):
    today = today_in_vietnam()
    built = evaluation.build(session, today)
    for label, demand_id in built.demand_ids.items():
        demand = load.load_demand(session, today, ids=[demand_id])[0]
        expected = matching.unfiltered_matches_for_demand_facts(
            demand, load.load_listings(session, today, product_id=demand.product_id), today)
        for _ in range(2):  # read, then from the cache
            found = matching.matches_for_demand(session, demand_id, today)
            assert ([(m.key, m.full, m.score, m.reasons, m.unmet) for m in found]
                    == [(m.key, m.full, m.score, m.reasons, m.unmet) for m in expected]), label
    assert evaluation.evaluate(session, built, today).passed
    computed, _closed = matching.compute_rematch(session, today)  # the daily rematch: full matches only
    assert computed
    for item in computed:
        demand = load.load_demand(session, today, ids=[item.object_id])[0]
        expected = [m for m in matching.unfiltered_matches_for_demand_facts(
            demand, load.load_listings(session, today, product_id=demand.product_id), today) if m.full]
        assert ([(m.key, m.score, m.reasons) for m in item.matches]
                == [(m.key, m.score, m.reasons) for m in expected[:matching.REMEMBERED_PER_DEMAND]])
