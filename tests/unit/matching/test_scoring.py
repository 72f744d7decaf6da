"""The soft score, criterion by criterion (pure functions of scoring.py), the total within 0–100
with unknowns scoring half, and the order matches are shown in (services.rank)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from marketplace.matching import scoring
from marketplace.matching.rules import Reason
from marketplace.matching.scoring import (
    WEIGHTS,
    distance_fit,
    distance_km,
    freshness_fit,
    price_fit,
    quantity_share,
    score,
    text_similarity,
)
from marketplace.matching.services import evaluate, matches_for_demand_facts, rank
from tests.unit.matching.builders import HOA_LOC, TODAY, certificate, demand, listing

CAO_LANH = (10.4602, 105.6329)
SA_DEC = (10.2913, 105.7565)  # about 23 km from Cao Lãnh
HCMC = (10.7769, 106.7009)


def test_the_weights_add_up_to_100():
    assert sum(WEIGHTS.values()) == 100
    assert WEIGHTS == {"quantity": 30, "price": 20, "distance": 20, "freshness": 10, "responsiveness": 10,
                       "text": 10}


# Quantity -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("available_kg", "expected"), [(5_000, 0.25), (20_000, 1.0), (50_000, 1.0), (0, 0.0)])
def test_quantity_share_is_the_part_of_what_is_wanted_the_listing_covers(available_kg, expected):
    assert quantity_share(demand(quantity=20, unit="tấn"), listing(quantity=available_kg, unit="kg")) == expected


def test_quantity_share_converts_units_both_ways():
    assert quantity_share(demand(quantity=500, unit="kg", kg_per_unit=1.0),
                          listing(quantity=0.25, unit="tấn", kg_per_unit=1000.0)) == 0.5


def test_quantity_share_of_a_demand_already_covered_is_full():
    assert quantity_share(demand(quantity=0), listing(quantity=10)) == 1.0


def test_quantity_share_is_unknown_when_the_units_cannot_be_compared():
    assert quantity_share(demand(unit="trái", kg_per_unit=None), listing(unit="kg")) is None


# Price ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("price", "low", "high", "expected"), [
    (38_000, 30_000, 45_000, 1.0),  # inside
    (30_000, 30_000, 45_000, 1.0),  # on the edges
    (45_000, 30_000, 45_000, 1.0),
    (49_500, 30_000, 45_000, 2 / 3),  # 10 % above the top: a third of the tolerance used
    (58_500, 30_000, 45_000, 0.0),  # 30 % above
    (90_000, 30_000, 45_000, 0.0),  # far above
    (25_500, 30_000, 45_000, 0.5),  # 15 % below the bottom
    (20_000, 30_000, None, 0.0),  # only a floor
    (99_000, 30_000, None, 1.0),
    (10_000, None, 45_000, 1.0),  # only a ceiling
])
def test_price_fit(price, low, high, expected):
    assert price_fit(demand(price_min=low, price_max=high), listing(price_vnd=price)) == pytest.approx(expected)


def test_price_fit_is_unknown_without_a_price_or_without_a_range():
    assert price_fit(demand(price_min=30_000, price_max=45_000), listing(price_vnd=None)) is None
    assert price_fit(demand(price_min=None, price_max=None), listing(price_vnd=38_000)) is None


# Distance -------------------------------------------------------------------------------------

def test_distance_km_is_the_great_circle_distance():
    assert distance_km(*CAO_LANH, *CAO_LANH) == 0
    assert distance_km(10.0, 105.0, 11.0, 105.0) == pytest.approx(111.19, abs=0.01)  # one degree of latitude
    assert distance_km(*CAO_LANH, *SA_DEC) == pytest.approx(23, abs=1)
    assert distance_km(*CAO_LANH, *HCMC) == pytest.approx(distance_km(*HCMC, *CAO_LANH))
    assert 110 < distance_km(*CAO_LANH, *HCMC) < 140


@pytest.mark.parametrize("missing", range(4))
def test_distance_km_is_unknown_without_coordinates(missing):
    points = [10.0, 105.0, 11.0, 106.0]
    points[missing] = None
    assert distance_km(*points) is None


@pytest.mark.parametrize(("km", "expected"), [(0, 1.0), (20, 1.0), (160, 0.5), (300, 0.0), (1200, 0.0),
                                              (None, None)])
def test_distance_fit(km, expected):
    assert distance_fit(km) == expected


# Freshness ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("age", "expected"), [(0, 1.0), (3, 1.0), (10, 1 - 7 / 57), (60, 0.0), (400, 0.0)])
def test_freshness_fit(age, expected):
    assert freshness_fit(TODAY - timedelta(days=age), TODAY) == pytest.approx(expected)


def test_freshness_is_unknown_without_a_date():
    assert freshness_fit(None, TODAY) is None


# Text -----------------------------------------------------------------------------------------

def test_text_similarity_is_the_share_of_words_in_common():
    assert text_similarity(frozenset({"xoai", "cat", "chu"}), frozenset({"xoai", "cat", "chu"})) == 1.0
    assert text_similarity(frozenset({"xoai", "cat", "chu"}), frozenset({"cat", "chu", "loai1"})) == 0.5
    assert text_similarity(frozenset({"xoai"}), frozenset({"dua"})) == 0.0


def test_text_similarity_is_unknown_when_a_side_has_no_words():
    assert text_similarity(frozenset(), frozenset({"xoai"})) is None
    assert text_similarity(frozenset({"xoai"}), frozenset()) is None


# The total --------------------------------------------------------------------------------------

WORDS = frozenset({"cat", "chu", "xuat", "khau"})


def best_pair():
    return (demand(price_min=30_000, price_max=45_000, latitude=CAO_LANH[0], longitude=CAO_LANH[1], words=WORDS),
            listing(price_vnd=38_000, latitude=SA_DEC[0] + 0.05, longitude=SA_DEC[1] - 0.05, words=WORDS))


def test_a_perfect_listing_scores_100_with_its_reasons():
    wanted, offered = best_pair()
    result = score(wanted, offered, TODAY)
    assert result.total == 100
    assert set(result.parts.values()) == {1.0}
    assert [r.code for r in result.reasons] == ["quantity", "price_in_range", "distance", "similar_text"]
    assert result.reasons[0] == Reason.of("quantity", percent=100, available=20_000, unit="kg")
    assert result.reasons[1] == Reason.of("price_in_range", price=38_000, low=30_000, high=45_000)


def test_the_worst_listing_scores_0():
    wanted, _ = best_pair()
    worst = listing(quantity=0, price_vnd=200_000, latitude=21.03, longitude=105.85, updated_on=TODAY - timedelta(
        days=90), responsiveness=0.0, words=frozenset({"khac"}))
    result = score(wanted, worst, TODAY)
    assert result.total == 0
    assert [r.code for r in result.reasons] == ["quantity", "price_outside", "distance"]


def test_unknowns_score_half():
    unknown = score(demand(unit="trái", kg_per_unit=None, price_min=30_000),
                    listing(price_vnd=None, updated_on=None, responsiveness=None), TODAY)
    assert unknown.parts == dict.fromkeys(WEIGHTS, scoring.UNKNOWN)
    assert unknown.total == 50
    assert unknown.reasons == []


def test_a_buyer_without_price_range_gives_full_marks_for_price():
    result = score(demand(price_min=None, price_max=None), listing(price_vnd=None), TODAY)
    assert result.parts["price"] == 1.0


def test_each_criterion_moves_the_total_by_its_weight():
    wanted, offered = best_pair()
    assert score(wanted, listing(**{**offered.__dict__, "quantity": 10_000}), TODAY).total == 100 - 15
    assert score(wanted, listing(**{**offered.__dict__, "responsiveness": 0.3}), TODAY).total == 100 - 7
    assert score(wanted, listing(**{**offered.__dict__, "latitude": None}), TODAY).total == 100 - 10


def test_the_quantity_reason_says_how_much_is_covered_and_left():
    result = score(demand(quantity=20, unit="tấn"), listing(quantity=5_500, unit="kg"), TODAY)
    assert result.reasons[0] == Reason.of("quantity", percent=27, available=5_500, unit="kg")


def test_the_distance_reason_is_rounded_to_whole_km():
    wanted, offered = best_pair()
    km = next(r for r in score(wanted, offered, TODAY).reasons if r.code == "distance").args["km"]
    assert isinstance(km, int) and 10 <= km <= 25


def test_the_total_is_always_within_0_and_100():
    wanted = demand(price_min=30_000, price_max=45_000, latitude=10.0, longitude=105.0, words=WORDS)
    for share, price, km, age, responsive, words in itertools.product(
            (0, 7_000, 20_000), (None, 20_000, 38_000, 60_000), (None, 0.0, 1.0, 5.0), (None, 0, 20, 90),
            (None, 0.3, 1.0), (frozenset(), frozenset({"cat"}), WORDS)):
        offered = listing(quantity=share, price_vnd=price, latitude=None if km is None else 10.0 + km,
                          longitude=105.0, updated_on=None if age is None else TODAY - timedelta(days=age),
                          responsiveness=responsive, words=words)
        result = score(wanted, offered, TODAY)
        assert 0 <= result.total <= 100
        assert all(0.0 <= part <= 1.0 for part in result.parts.values())


# Ranking --------------------------------------------------------------------------------------

def test_full_matches_come_first_by_score_then_near_misses_by_fewest_unmet():
    wanted = demand(required_certificates=("vietgap",), price_min=30_000, price_max=45_000)
    good = listing(id=1, credentials=(certificate(),), price_vnd=40_000)
    good_but_dear = listing(id=2, credentials=(certificate(),), price_vnd=55_000)
    near_one = listing(id=3, credentials=(), price_vnd=40_000)  # no VietGAP
    near_two = listing(id=4, credentials=(), variety_key=HOA_LOC, price_vnd=40_000)  # and another variety
    matches = [evaluate(wanted, offered, TODAY) for offered in (near_two, good_but_dear, near_one, good)]
    ranked = rank(matches)
    assert [m.listing.id for m in ranked] == [1, 2, 3, 4]
    assert [m.full for m in ranked] == [True, True, False, False]
    assert ranked[0].score > ranked[1].score
    assert [len(m.unmet) for m in ranked] == [0, 0, 1, 2]


def test_a_near_miss_never_outranks_a_full_match_whatever_its_score():
    wanted = demand(required_certificates=("vietgap",), price_min=30_000, price_max=45_000)
    poor_full = listing(id=1, credentials=(certificate(),), quantity=100, price_vnd=90_000, updated_on=None,
                        responsiveness=0.0)
    great_near = listing(id=2, quantity=50_000, price_vnd=38_000)
    ranked = rank([evaluate(wanted, great_near, TODAY), evaluate(wanted, poor_full, TODAY)])
    assert ranked[0].listing.id == 1 and ranked[0].full
    assert ranked[0].score < ranked[1].score


def test_listings_failing_too_much_are_not_shown_and_pooling_is_said():
    wanted = demand(required_certificates=("vietgap",), min_ocop_stars=4)
    three_unmet = listing(id=9, public=False)
    part_a = listing(id=1, quantity=12_000, credentials=(certificate(), certificate("ocop", stars=4)))
    part_b = listing(id=2, quantity=10_000, credentials=(certificate(), certificate("ocop", stars=5)))
    matches = matches_for_demand_facts(wanted, [three_unmet, part_a, part_b], TODAY)
    assert [m.listing.id for m in matches] == [1, 2]
    for match in matches:
        assert Reason.of("pooled", percent=100, count=2) in match.reasons
