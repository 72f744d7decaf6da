"""The prefiltered matcher (services.matches_for_demand_facts: pairs dropped on rules.least_unmet,
the score's reasons made when read) gives exactly what the unfiltered one gives (every pair
evaluated in full, then filtered): the same matches, in the same order, with the same score,
reasons and unmet items. Checked on 500 generated requests against generated listings with every
kind of need, credential, unit and window the rules know, and the same for the listing side."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.matching import services
from marketplace.matching.rules import Credential, DemandFacts, ListingFacts, check, least_unmet

TODAY = today_in_vietnam()
VARIETIES = ("", "v1", "v2", "giong dia phuong")
UNITS = (("kg", 1.0), ("tấn", 1000.0), ("thùng 10 kg", 10.0), ("bó", None))
KINDS = ("vietgap", "globalgap", "organic", "ocop", "growing_area", "packing_house")
STATUSES = ("active", "active", "active", "suspended", "revoked", "pending", "expired")
WORDS = ("xoai", "cat", "chu", "loai", "ngot", "xuat", "khau", "dep", "to")


def _day(rng: random.Random, low: int, high: int):
    return TODAY + timedelta(days=rng.randint(low, high))


def _credential(rng: random.Random) -> Credential:
    kind = rng.choice(KINDS)
    until = None if rng.random() < 0.15 else _day(rng, -30, 200)
    stars = rng.randint(2, 5) if kind == "ocop" else None
    markets = tuple(rng.choice(((), ("US",), ("CN",), ("US", "CN")))) if kind in KINDS[4:] else ()
    return Credential(kind, rng.choice(STATUSES), until, stars, markets, f"N-{rng.randint(1, 999)}")


def _listing(rng: random.Random, listing_id: int) -> ListingFacts:
    unit, kg = rng.choice(UNITS)
    start = _day(rng, -40, 60)
    variety = rng.choice(VARIETIES)
    return ListingFacts(
        id=listing_id, product_id=1, variety_key=variety, variety_label=variety or "", ref=f"L-{listing_id}",
        quantity=float(rng.choice((0, 5, 50, 500, 5_000, 20_000))), unit=unit, kg_per_unit=kg,
        min_order=rng.choice((None, None, 1.0, 100.0, 2_000.0)), price_vnd=rng.choice((None, 20_000, 38_000, 60_000)),
        available_from=start, available_to=start + timedelta(days=rng.randint(0, 120)), public=rng.random() < 0.85,
        credentials=tuple(_credential(rng) for _ in range(rng.choice((0, 0, 1, 2, 3, 5)))),
        latitude=rng.choice((None, 10.3, 10.8)), longitude=rng.choice((None, 105.6, 106.7)),
        updated_on=rng.choice((None, _day(rng, -90, 0))), responsiveness=rng.choice((None, 0.0, 0.3, 1.0)),
        words=frozenset(rng.sample(WORDS, rng.randint(0, 4))), org_id=rng.randint(1, 30))


def _demand(rng: random.Random, demand_id: int) -> DemandFacts:
    unit, kg = rng.choice(UNITS)
    start = _day(rng, -60, 60)
    variety = rng.choice(VARIETIES)
    market = rng.choice(("", "", "US", "CN"))
    low, high = rng.choice(((None, None), (30_000, 45_000), (None, 40_000), (25_000, None)))
    certificates = rng.choice(((), (), ("vietgap",), ("globalgap",), ("organic",), ("vietgap", "globalgap"),
                               ("ocop",), ("vietgap", "organic", "globalgap")))
    return DemandFacts(
        id=demand_id, product_id=1, variety_key=variety, variety_label=variety, ref=f"D-{demand_id}",
        quantity=float(rng.choice((0, 1, 5, 20, 500))), unit=unit, kg_per_unit=kg, needed_from=start,
        needed_to=start + timedelta(days=rng.randint(0, 90)), price_min=low, price_max=high,
        required_certificates=certificates, min_ocop_stars=rng.choice((None, None, None, 3, 4, 5)),
        needs_planting_code=rng.random() < 0.3 or bool(market), export_market=market,
        latitude=rng.choice((None, 10.5, 10.8)), longitude=rng.choice((None, 105.9, 106.7)),
        words=frozenset(rng.sample(WORDS, rng.randint(0, 4))), org_id=rng.randint(1, 30))


def _shown(matches: list[services.Match]) -> list[tuple]:
    return [(m.key, m.full, m.score, m.reasons, m.unmet) for m in matches]


@pytest.fixture(scope="module")
def market():
    rng = random.Random(21)
    return [_listing(rng, i) for i in range(1, 121)], [_demand(rng, i) for i in range(1, 501)]


def test_the_lower_bound_never_exceeds_what_check_finds(market):
    listings, demands = market
    for demand in demands[:60]:
        for listing in listings:
            assert least_unmet(demand, listing, TODAY) <= len(check(demand, listing, TODAY).unmet)


def test_500_requests_match_as_without_the_prefilter(market):
    listings, demands = market
    shown = skipped = 0
    for demand in demands:
        expected = services.unfiltered_matches_for_demand_facts(demand, listings, TODAY)
        found = services.matches_for_demand_facts(demand, listings, TODAY)
        assert _shown(found) == _shown(expected), demand.ref
        full = services.matches_for_demand_facts(demand, listings, TODAY, full_only=True)
        assert _shown(full) == _shown([m for m in expected if m.full]), demand.ref
        shown += len(found)
        skipped += sum(1 for listing in listings if least_unmet(demand, listing, TODAY) > 2)
    # The generated market exercises both sides: many pairs shown, many dropped before the rules.
    assert shown > 5_000 and skipped > 5_000
    assert sum(1 for d in demands if any(m.full for m in services.matches_for_demand_facts(d, listings, TODAY))) > 50


def test_listings_match_the_same_requests_as_without_the_prefilter(market):
    listings, demands = market
    for listing in listings[:60]:
        expected = services.rank(m for m in (services.evaluate(d, listing, TODAY) for d in demands)
                                 if services._worth_showing(m))
        assert _shown(services._matches_for_listing_facts(listing, demands, TODAY)) == _shown(expected)


def test_reasons_read_late_are_those_of_the_full_evaluation(market):
    listings, demands = market
    demand = next(d for d in demands if d.quantity > 0 and not d.required_certificates and not d.variety_key
                  and not d.needs_planting_code and not d.min_ocop_stars)
    found = services.matches_for_demand_facts(demand, listings, TODAY)
    assert found and all(m._reasons is None for m in found)  # nothing put together before it is read
    assert [m.reasons for m in found] == [services.evaluate(demand, m.listing, TODAY).reasons
                                          + [r for r in m.reasons if r.code == "pooled"] for m in found]
