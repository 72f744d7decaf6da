"""Pure demand rules: buyers' tax codes, every problem check_demand and check_offer can find,
what a post is now (effective status), the status changes, and pooled coverage of offers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.demand import rules

TODAY = date(2026, 6, 15)
YESTERDAY = TODAY - timedelta(days=1)
NEXT_WEEK = TODAY + timedelta(days=7)
NEXT_MONTH = TODAY + timedelta(days=30)


# Tax codes ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("0123456789", "0123456789"),
    ("0123456789001", "0123456789-001"),  # 13 digits: the branch suffix gets its dash
    ("0123456789-001", "0123456789-001"),
    ("  0123456789-001  ", "0123456789-001"),
    ("0123 456 789", "0123456789"),
    ("0123.456.789", "0123456789"),
    ("0123 456 789 001", "0123456789-001"),
    ("0123456789–001", "0123456789-001"),  # an en dash from a phone keyboard
    ("0123456789—001", "0123456789-001"),  # an em dash
])
def test_tax_codes_are_normalised(typed, expected):
    assert rules.normalize_tax_code(typed) == expected


@pytest.mark.parametrize("typed", [
    None,
    "",
    "   ",
    "012345678",  # 9 digits
    "01234567890",  # 11 digits
    "012345678901",  # 12 digits
    "01234567890123",  # 14 digits
    "0123456789-01",  # a branch suffix of 2 digits
    "0123456789-0001",
    "012345678-9001",  # the dash in the wrong place
    "01234567AB",  # letters
    "MST0123456789",
    "0123456789-ABC",
    "0123456789/001",
])
def test_malformed_tax_codes_are_refused(typed):
    assert rules.normalize_tax_code(typed) is None


# check_demand ------------------------------------------------------------------------------

# The quantity is checked alike on a demand post and on an offer: (overrides, field, key) of each refusal.
QUANTITY_PROBLEMS = [({"quantity": quantity}, "quantity", key) for quantity, key in [
    (None, "required"), (0, "positive"), (-5, "positive"), (rules.MAX_QUANTITY + 1, "too_large")]]


def demand_problems(**overrides) -> dict[str, list[str]]:
    values = {"quantity": 5.0, "price_min": 30_000, "price_max": 45_000, "needed_from": TODAY,
              "needed_to": NEXT_MONTH, "frequency": "weekly", "certificates": ["vietgap"],
              "min_ocop_stars": None, "texts": {"product": "xoài", "variety": "cát Chu", "quality_notes": ""},
              "today": TODAY, "opening": True}
    values.update(overrides)
    return rules.check_demand(**values).fields


def test_a_good_demand_has_no_problem():
    assert demand_problems() == {}


@pytest.mark.parametrize("frequency", rules.FREQUENCIES)
def test_every_frequency_is_accepted(frequency):
    assert demand_problems(frequency=frequency) == {}


@pytest.mark.parametrize("overrides", [
    {"price_min": None, "price_max": None},  # the price range is optional
    {"price_min": None},
    {"price_max": None},
    {"price_min": 40_000, "price_max": 40_000},  # one price is a range too
    {"price_min": 0},
    {"price_max": rules.MAX_PRICE_VND},
    {"needed_from": TODAY, "needed_to": TODAY},  # a one-day window
    {"certificates": []},
    {"certificates": ["vietgap", "globalgap", "organic"]},
    {"min_ocop_stars": 1},
    {"min_ocop_stars": 5},
    {"quantity": 0.5},
    {"quantity": float(rules.MAX_QUANTITY)},
    {"texts": {"quality_notes": "x" * rules.MAX_TEXT["quality_notes"]}},
    {"needed_from": YESTERDAY - timedelta(days=10), "needed_to": YESTERDAY, "opening": False},
])
def test_edge_values_that_are_fine(overrides):
    assert demand_problems(**overrides) == {}


@pytest.mark.parametrize(("overrides", "field", "key"), [
    *QUANTITY_PROBLEMS,
    ({"price_min": -1}, "price_min_vnd", "price_range"),
    ({"price_max": -1, "price_min": None}, "price_max_vnd", "price_range"),
    ({"price_max": rules.MAX_PRICE_VND + 1}, "price_max_vnd", "price_range"),
    ({"price_min": 50_000, "price_max": 45_000}, "price_max_vnd", "min_above_max"),
    ({"needed_from": None}, "needed_from", "required"),
    ({"needed_to": None}, "needed_to", "required"),
    ({"needed_from": NEXT_MONTH, "needed_to": NEXT_WEEK}, "needed_to", "window_order"),
    ({"needed_from": YESTERDAY - timedelta(days=5), "needed_to": YESTERDAY}, "needed_to", "window_past"),
    ({"frequency": "daily"}, "frequency", "frequency_unknown"),
    ({"frequency": ""}, "frequency", "frequency_unknown"),
    ({"frequency": "Weekly"}, "frequency", "frequency_unknown"),
    ({"certificates": ["haccp"]}, "required_certificates", "certificate_unknown"),
    ({"certificates": ["vietgap", "iso9001"]}, "required_certificates", "certificate_unknown"),
    ({"certificates": ["ocop"]}, "required_certificates", "certificate_unknown"),  # OCOP is stars, not a certificate here
    ({"min_ocop_stars": 0}, "min_ocop_stars", "stars_range"),
    ({"min_ocop_stars": 6}, "min_ocop_stars", "stars_range"),
    ({"min_ocop_stars": -3}, "min_ocop_stars", "stars_range"),
    ({"texts": {"quality_notes": "x" * (rules.MAX_TEXT["quality_notes"] + 1)}}, "quality_notes", "too_long"),
    ({"texts": {"variety": "x" * (rules.MAX_TEXT["variety"] + 1)}}, "variety", "too_long"),
    ({"texts": {"product": "x" * (rules.MAX_TEXT["product"] + 1)}}, "product", "too_long"),
    ({"texts": {"export_market": "x" * (rules.MAX_TEXT["export_market"] + 1)}}, "export_market", "too_long"),
    ({"texts": {"ref": "R" * 61}}, "ref", "too_long"),  # the column holds 60: PostgreSQL refuses more
])
def test_each_problem_is_found_on_its_field(overrides, field, key):
    problems = demand_problems(**overrides)
    assert problems == {field: [key]}


@pytest.mark.parametrize(("kinds", "stars", "expected"), [
    (["vietgap", "organic"], None, (["vietgap", "organic"], None)),  # no ocop: as given
    (["vietgap"], 4, (["vietgap"], 4)),
    (["ocop"], None, ([], 3)),  # a valid OCOP rating: 3 stars, the least a rating certifies
    (["vietgap", "ocop"], None, (["vietgap"], 3)),
    (["ocop", "globalgap"], 5, (["globalgap"], 5)),  # min_ocop_stars when given
    (["ocop", "ocop"], 4, ([], 4)),
    (["ocop", "haccp"], None, (["haccp"], 3)),  # the rest is still checked by check_demand
])
def test_ocop_in_required_certificates_means_a_valid_ocop_rating(kinds, stars, expected):
    assert rules.read_required_certificates(kinds, stars) == expected


def test_required_ocop_then_passes_the_checks():
    certificates, stars = rules.read_required_certificates(rules.split_certificates("VietGAP; OCOP"), None)
    assert demand_problems(certificates=certificates, min_ocop_stars=stars) == {}
    certificates, stars = rules.read_required_certificates(rules.split_certificates("ocop;haccp"), None)
    assert demand_problems(certificates=certificates, min_ocop_stars=stars) == {
        "required_certificates": ["certificate_unknown"]}


def test_a_past_window_is_only_a_problem_when_opening():
    past = {"needed_from": YESTERDAY - timedelta(days=5), "needed_to": YESTERDAY}
    assert demand_problems(**past, opening=True) == {"needed_to": ["window_past"]}
    assert demand_problems(**past, opening=False) == {}


def test_a_window_ending_today_is_not_past():
    assert demand_problems(needed_from=YESTERDAY, needed_to=TODAY) == {}


def test_several_problems_are_all_reported():
    problems = demand_problems(quantity=-1, price_min=50_000, price_max=10_000, needed_from=NEXT_MONTH,
                               needed_to=NEXT_WEEK, frequency="hourly", min_ocop_stars=9)
    assert problems == {"quantity": ["positive"], "price_max_vnd": ["min_above_max"],
                        "needed_to": ["window_order"], "frequency": ["frequency_unknown"],
                        "min_ocop_stars": ["stars_range"]}


def test_a_window_both_reversed_and_past_says_both():
    problems = demand_problems(needed_from=YESTERDAY, needed_to=YESTERDAY - timedelta(days=3))
    assert problems == {"needed_to": ["window_order", "window_past"]}


# check_offer -------------------------------------------------------------------------------

def offer_problems(**overrides) -> dict[str, list[str]]:
    values = {"quantity": 3.0, "price_vnd": 40_000, "delivery_date": NEXT_WEEK,
              "demand_needed_from": TODAY, "demand_needed_to": NEXT_MONTH, "note": ""}
    values.update(overrides)
    return rules.check_offer(**values).fields


@pytest.mark.parametrize("overrides", [
    {},
    {"price_vnd": None, "delivery_date": None},  # price and date are optional
    {"delivery_date": TODAY},  # the window's first day
    {"delivery_date": NEXT_MONTH},  # and its last
    {"note": "x" * rules.MAX_TEXT["note"]},
])
def test_good_offers(overrides):
    assert offer_problems(**overrides) == {}


@pytest.mark.parametrize(("overrides", "field", "key"), [
    *QUANTITY_PROBLEMS,
    ({"price_vnd": -1}, "price_vnd", "price_range"),
    ({"price_vnd": rules.MAX_PRICE_VND + 1}, "price_vnd", "price_range"),
    ({"delivery_date": YESTERDAY}, "delivery_date", "outside_window"),
    ({"delivery_date": NEXT_MONTH + timedelta(days=1)}, "delivery_date", "outside_window"),
    ({"note": "x" * (rules.MAX_TEXT["note"] + 1)}, "note", "too_long"),
])
def test_each_offer_problem(overrides, field, key):
    assert offer_problems(**overrides) == {field: [key]}


# Statuses ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "needed_to", "expected"), [
    ("open", NEXT_MONTH, "open"),
    ("open", TODAY, "open"),  # still open on the window's last day
    ("open", YESTERDAY, "expired"),
    ("paused", NEXT_MONTH, "paused"),
    ("paused", YESTERDAY, "expired"),
    ("closed", YESTERDAY, "closed"),  # a decision the buyer made stays
    ("closed", NEXT_MONTH, "closed"),
    ("fulfilled", YESTERDAY, "fulfilled"),
    ("fulfilled", NEXT_MONTH, "fulfilled"),
    ("expired", NEXT_MONTH, "expired"),
])
def test_effective_status(status, needed_to, expected):
    assert rules.effective_status(status, needed_to, TODAY) == expected


TRANSITIONS = {
    ("open", "pause"): "paused",
    ("open", "close"): "closed",
    ("open", "fulfil"): "fulfilled",
    ("paused", "reopen"): "open",
    ("paused", "close"): "closed",
    ("paused", "fulfil"): "fulfilled",
    ("closed", "reopen"): "open",
    ("expired", "reopen"): "open",
}


@pytest.mark.parametrize("current", rules.STATUSES)
@pytest.mark.parametrize("action", ["pause", "reopen", "close", "fulfil"])
def test_next_status_for_each_action(current, action):
    assert rules.next_status(current, action) == TRANSITIONS.get((current, action))


@pytest.mark.parametrize("action", ["", "delete", "open", "PAUSE", "expire"])
def test_unknown_actions_change_nothing(action):
    for current in rules.STATUSES:
        assert rules.next_status(current, action) is None


def test_a_fulfilled_request_stays_fulfilled():
    assert all(rules.next_status("fulfilled", action) is None for action in rules.TRANSITIONS)


# Pooled coverage ---------------------------------------------------------------------------

@pytest.mark.parametrize(("requested", "offers", "percent", "accepted", "pending", "remaining"), [
    (5, [], 0, 0, 0, 5),
    (5, [("accepted", 3), ("accepted", 2)], 100, 5, 0, 0),  # two clubs cover it together
    (5, [("accepted", 3), ("pending", 2)], 60, 3, 2, 2),
    (5, [("pending", 3), ("pending", 2)], 0, 0, 5, 5),  # pending offers are not coverage
    (5, [("accepted", 3), ("declined", 2)], 60, 3, 0, 2),
    (5, [("accepted", 3), ("withdrawn", 2)], 60, 3, 0, 2),
    (5, [("declined", 5), ("withdrawn", 5)], 0, 0, 0, 5),
    (5, [("accepted", 4), ("accepted", 4)], 100, 8, 0, 0),  # over-supply is capped at 100 %
    (5, [("accepted", 50)], 100, 50, 0, 0),
    (3, [("accepted", 1)], 33, 1, 0, 2),
    (3, [("accepted", 2)], 67, 2, 0, 1),
    (1000, [("accepted", 1)], 0, 1, 0, 999),
    (2.5, [("accepted", 1.25)], 50, 1.25, 0, 1.25),
    (0, [("accepted", 1)], 0, 1, 0, 0),  # nothing requested: no division by zero
])
def test_coverage(requested, offers, percent, accepted, pending, remaining):
    result = rules.coverage(requested, offers)
    assert result.percent == percent
    assert result.accepted == pytest.approx(accepted)
    assert result.pending == pytest.approx(pending)
    assert result.remaining == pytest.approx(remaining)
    assert result.requested == requested


def test_coverage_never_exceeds_100_percent():
    for accepted in range(0, 40):
        assert 0 <= rules.coverage(7, [("accepted", accepted)]).percent <= 100


# Certificates as typed ---------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("vietgap;globalgap", ["vietgap", "globalgap"]),
    ("VietGAP, GlobalGAP", ["vietgap", "globalgap"]),
    ("  organic  ", ["organic"]),
    (["VietGAP", " organic "], ["vietgap", "organic"]),
    (("globalgap",), ["globalgap"]),
    ("", []),
    (None, []),
    (";;", []),
])
def test_split_certificates(typed, expected):
    assert rules.split_certificates(typed) == expected


@pytest.mark.parametrize(("typed", "stored"), [
    ("Trung Quoc", ("CN", "")), ("TQ", ("CN", "")), ("china", ("CN", "")), ("Trung Quốc", ("CN", "")),
    ("TRUNG QUOC", ("CN", "")),  # as the old free-text field stored it
    ("CN", ("CN", "")), ("Mỹ", ("US", "")), ("EU", ("EU", "")), ("", ("", "")),
    ("Xứ Wakanda", ("", "Xứ Wakanda")),  # names no market: kept as written, for staff
    ("CN, US", ("", "CN, US")),  # a request has one market: two are kept as written, not half-read
])
def test_a_requests_export_market_is_read_into_one_code_or_kept_as_written(typed, stored):
    assert rules.read_export_market(typed) == stored
