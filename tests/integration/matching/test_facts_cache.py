"""Each product's listing facts are kept between requests (facts.ProductListingsCache) and read
again as soon as anything they depend on changes: a listing, a certificate or code attached to it,
a credential's status, a conversation message (responsiveness). And on the evaluation set, the
matcher with its prefilter and cache gives what the unfiltered matcher gives on freshly read facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from marketplace.changes import log as change_log
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import Offer
from marketplace.listings.models import Listing
from marketplace.matching import evaluation
from marketplace.matching import facts as load
from marketplace.matching import services as matching
from marketplace.messaging import conversations
from tests.factories import make_certificate, make_demand, make_listing, make_org, make_planting_code, make_user


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
    """An offer says how active its seller is (responsiveness): a new one by a seller judged
    inactive reads the facts again."""
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    demand = make_demand(buyer, "xoài", quantity="1")
    listing = make_listing(club, "xoài")
    _quiet(session, listing)
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


# Per product: a change drops only the entries it can affect (issue #21, part F). Each test checks
# both sides: the products a change can affect are read again and show it, the others are still
# the very lists cached before.

def _quiet(session, *listings):
    """Their sellers judged inactive: nothing updated for longer than facts.ACTIVE_DAYS (a bulk
    update, as no seller would write: it leaves no change-log row, so call it before caching)."""
    long_ago = datetime.now(UTC) - timedelta(days=load.ACTIVE_DAYS + 5)
    session.execute(update(Listing).where(Listing.id.in_([x.id for x in listings])).values(updated_at=long_ago))
    session.commit()
    for listing in listings:
        session.refresh(listing)


def _cached(session, today, *products):
    return {p: load.product_listings(session, today, p) for p in products}


def _kept(session, today, cached, product) -> bool:
    return load.product_listings(session, today, product) is cached[product]


def _fresh(session, today, product) -> bool:
    """What the next request gets is what the database holds now."""
    return load.product_listings(session, today, product) == load.load_listings(session, today, product_id=product)


def test_a_listing_change_reads_again_only_its_product_and_its_sellers(session):
    today = today_in_vietnam()
    club, other = make_org("club"), make_org("club")
    mango, also_mango = make_listing(club, "xoài"), make_listing(other, "xoài")
    pomelo = make_listing(club, "bưởi")  # the same seller
    durian = make_listing(other, "sầu riêng")
    _quiet(session, also_mango, durian)  # `other` judged inactive: an update makes it active
    cached = _cached(session, today, mango.product_id, pomelo.product_id, durian.product_id)
    assert _by_id(cached[durian.product_id])[durian.id].responsiveness == load.QUIET
    also_mango.price_vnd = 52000
    session.commit()
    assert _by_id(load.product_listings(session, today, mango.product_id))[also_mango.id].price_vnd == 52000
    assert _kept(session, today, cached, pomelo.product_id)
    assert not _kept(session, today, cached, durian.product_id)
    assert _by_id(load.product_listings(session, today, durian.product_id))[durian.id].responsiveness == 1.0
    assert _fresh(session, today, durian.product_id)
    cached = _cached(session, today, mango.product_id, pomelo.product_id, durian.product_id)
    mango.description = "Xoài cát Hòa Lộc loại một"  # `club` is active already: its other products keep
    session.commit()
    assert _kept(session, today, cached, pomelo.product_id)
    assert _kept(session, today, cached, durian.product_id)
    assert _fresh(session, today, mango.product_id)


def test_a_deleted_listing_is_gone_and_its_sellers_activity_read_again(session):
    today = today_in_vietnam()
    club = make_org("club")
    mango, pomelo = make_listing(club, "xoài"), make_listing(club, "bưởi")
    durian = make_listing(make_org("club"), "sầu riêng")
    cached = _cached(session, today, mango.product_id, pomelo.product_id, durian.product_id)
    session.delete(mango)
    session.commit()
    assert mango.id not in _by_id(load.product_listings(session, today, mango.product_id))
    assert not _kept(session, today, cached, pomelo.product_id)  # its update may have been the recent one
    assert _kept(session, today, cached, durian.product_id)


def test_a_new_listing_and_one_moved_to_another_product_are_seen(session):
    today = today_in_vietnam()
    club, other = make_org("club"), make_org("club")
    mango, pomelo = make_listing(club, "xoài"), make_listing(other, "bưởi")
    durian = make_listing(make_org("club"), "sầu riêng")
    cached = _cached(session, today, mango.product_id, pomelo.product_id, durian.product_id)
    later = make_listing(make_org("club"), "xoài", price_vnd="30000")
    assert later.id in _by_id(load.product_listings(session, today, mango.product_id))
    assert _kept(session, today, cached, pomelo.product_id)
    cached = _cached(session, today, mango.product_id, pomelo.product_id)
    later.product_id = pomelo.product_id  # as an edit of the listing's product would
    session.commit()
    assert later.id not in _by_id(load.product_listings(session, today, mango.product_id))
    assert later.id in _by_id(load.product_listings(session, today, pomelo.product_id))
    assert _kept(session, today, cached | _cached(session, today, durian.product_id), durian.product_id)


def test_an_organisation_change_reads_again_the_products_of_its_listings(session):
    today = today_in_vietnam()
    club, other = make_org("club"), make_org("club")
    mango, pomelo = make_listing(club, "xoài"), make_listing(club, "bưởi")
    durian = make_listing(other, "sầu riêng")
    cached = _cached(session, today, mango.product_id, pomelo.product_id, durian.product_id)
    before = _by_id(cached[mango.product_id])[mango.id]
    club.commune_code = "28321"
    session.commit()
    for listing in (mango, pomelo):
        moved = _by_id(load.product_listings(session, today, listing.product_id))[listing.id]
        assert (moved.latitude, moved.longitude) != (before.latitude, before.longitude)
        assert _fresh(session, today, listing.product_id)
    assert _kept(session, today, cached, durian.product_id)


def test_a_credential_change_is_seen_where_it_is_attached(session):
    today = today_in_vietnam()
    club, other = make_org("club"), make_org("club")
    code = make_planting_code(club, markets="US")
    mango = make_listing(club, "xoài", planting_codes=[code])
    durian = make_listing(other, "sầu riêng")
    cached = _cached(session, today, mango.product_id, durian.product_id)
    assert [c.status for c in _by_id(cached[mango.product_id])[mango.id].credentials] == ["active"]
    code.status = "suspended"
    session.commit()
    held = _by_id(load.product_listings(session, today, mango.product_id))[mango.id].credentials
    assert [(c.kind, c.status) for c in held] == [("growing_area", "suspended")]
    assert _kept(session, today, cached, durian.product_id)
    cached = _cached(session, today, mango.product_id, durian.product_id)
    make_certificate(other, "vietgap")  # a new certificate, attached to nothing yet
    assert _kept(session, today, cached, mango.product_id)
    assert _fresh(session, today, durian.product_id)


def test_a_message_or_an_offer_reads_again_only_its_sellers_products(session):
    today = today_in_vietnam()
    buyer_org, club, other = make_org("supermarket"), make_org("club"), make_org("club")
    buyer = make_user("buyer", buyer_org)
    mango, durian = make_listing(club, "xoài"), make_listing(other, "sầu riêng")
    demand = make_demand(buyer_org, "xoài", quantity="1")
    _quiet(session, durian)
    cached = _cached(session, today, mango.product_id, durian.product_id)
    topic = conversations.resolve_topic(session, buyer, listing_id=mango.id)
    conversations.start_conversation(session, buyer, topic, "Còn hàng không?")
    session.commit()
    assert not _kept(session, today, cached, mango.product_id)
    assert _fresh(session, today, mango.product_id)
    assert _kept(session, today, cached, durian.product_id)
    cached = _cached(session, today, mango.product_id, durian.product_id)
    session.add(Offer(demand_id=demand.id, organization_id=other.id, quantity=1, status="pending", note=""))
    session.commit()
    assert _kept(session, today, cached, mango.product_id)
    assert not _kept(session, today, cached, durian.product_id)
    assert _by_id(load.product_listings(session, today, durian.product_id))[durian.id].responsiveness == 1.0
    assert _fresh(session, today, durian.product_id)
    cached = _cached(session, today, mango.product_id, durian.product_id)
    session.add(Offer(demand_id=demand.id, organization_id=other.id, quantity=2, status="pending", note=""))
    session.commit()  # `other` is active now: a second offer moves nothing
    assert _kept(session, today, cached, durian.product_id)


def test_facts_read_inside_a_transaction_rolled_back_are_not_served_after(session):
    today = today_in_vietnam()
    club = make_org("club")
    listing = make_listing(club, "xoài")
    product = listing.product_id
    load.product_listings(session, today, product)
    listing.price_vnd = 52000
    session.flush()
    assert _by_id(load.product_listings(session, today, product))[listing.id].price_vnd == 52000
    session.rollback()
    assert _by_id(load.product_listings(session, today, product))[listing.id].price_vnd == 38000
    other = make_listing(club, "xoài", price_vnd="41000")  # SQLite gives the rolled-back ids again
    assert _by_id(load.product_listings(session, today, product))[listing.id].price_vnd == 38000
    assert other.id in _by_id(load.product_listings(session, today, product))
    assert _fresh(session, today, product)


def test_a_second_process_sees_the_first_ones_writes(session):
    """Each process has its own cache; what one writes the other reads from the database."""
    today = today_in_vietnam()
    web, worker = load.ProductListingsCache(), load.ProductListingsCache()
    club = make_org("club")
    listing, durian = make_listing(club, "xoài"), make_listing(make_org("club"), "sầu riêng")
    seen_by_web = web.get(session, today, listing.product_id)
    kept = web.get(session, today, durian.product_id)
    assert worker.get(session, today, listing.product_id) == seen_by_web
    listing.price_vnd = 45000  # written by the worker's process
    session.commit()
    assert worker.get(session, today, listing.product_id) is not seen_by_web
    assert _by_id(web.get(session, today, listing.product_id))[listing.id].price_vnd == 45000
    assert web.get(session, today, durian.product_id) is kept


def test_many_changes_at_once_or_an_unknown_kind_empty_the_cache(session):
    today = today_in_vietnam()
    cache = load.ProductListingsCache()
    cache.MAX_ROWS = 2
    listings = [make_listing(make_org("club"), "xoài"), make_listing(make_org("club"), "bưởi")]
    held = [cache.get(session, today, listing.product_id) for listing in listings]
    assert cache.get(session, today, listings[1].product_id) is held[1]
    for _ in range(3):  # three organisations: more rows than MAX_ROWS
        make_org("club")
    assert cache.get(session, today, listings[1].product_id) is not held[1]
    held = cache.get(session, today, listings[1].product_id)
    assert cache.get(session, today, listings[1].product_id) is held
    change_log.enqueue(session, {("fair", 1)})
    session.commit()
    assert cache.get(session, today, listings[1].product_id) is not held


def test_a_request_changing_keeps_every_product(session):
    today = today_in_vietnam()
    buyer, club = make_org("supermarket"), make_org("club")
    demand = make_demand(buyer, "xoài", quantity="1")
    cached = _cached(session, today, make_listing(club, "xoài").product_id, make_listing(club, "bưởi").product_id)
    demand.price_max_vnd = 60000
    session.commit()
    for product in cached:
        assert _kept(session, today, cached, product)
