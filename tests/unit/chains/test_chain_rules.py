"""The pure rules of linked sales chains: quantities as people write them, the checks, the
schedule, acceptance, and the figures over plain data."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.chains import rules
from marketplace.chains.rules import Delivered, Planned, Terms

TODAY = date(2027, 5, 1)


def test_quantities_read_as_people_write_them() -> None:
    assert rules.read_quantity("60 tấn") == (60.0, "tấn")
    assert rules.read_quantity("2,5 tan") == (2.5, "tấn")
    assert rules.read_quantity("800kg") == (800.0, "kg")
    assert rules.read_quantity("60", "tấn") == (60.0, "tấn")
    assert rules.read_quantity("60") is None
    assert rules.read_quantity("sáu chục tấn") is None
    assert rules.read_quantity("60 bananas") is None


def test_conversion_through_kilograms() -> None:
    assert rules.convert(2500, "kg", "tấn") == 2.5
    assert rules.convert(2, "tấn", "kg") == 2000
    assert rules.convert(100, "thùng 10 kg", "tấn") == 1.0
    assert rules.convert(10, "trái", "tấn") is None
    assert rules.convert(10, "trái", "trái") == 10


def _terms(**changes) -> Terms:
    values = dict(title="Xoài cát Chu vụ 2027", season_from=TODAY, season_to=TODAY + timedelta(days=90),
                  total_quantity=60.0, per_delivery_quantity=5.0, price_terms="fixed", price_vnd=35000,
                  price_note="", party_count=1)
    values.update(changes)
    return Terms(**values)


def test_terms_that_can_be_proposed() -> None:
    assert not rules.check_terms(_terms(), today=TODAY)
    assert not rules.check_terms(_terms(price_terms="market", price_vnd=None, price_note="giá chợ Cái Bè"),
                                 today=TODAY)


def test_terms_refused_with_a_key_per_field() -> None:
    problems = rules.check_terms(_terms(season_to=TODAY - timedelta(days=1), per_delivery_quantity=61.0,
                                        price_vnd=None, party_count=0, title=" "), today=TODAY)
    assert problems.fields == {"title": ["required"], "season_to": ["season_order"],
                               "per_delivery_quantity": ["above_total"], "price_vnd": ["price_required"],
                               "party_ids": ["no_parties"]}
    assert rules.check_terms(_terms(price_terms="market", price_vnd=None), today=TODAY).fields == {
        "price_note": ["market_reference"]}
    assert rules.check_terms(_terms(total_quantity=0.0), today=TODAY).fields == {"total_quantity": ["positive"]}
    assert rules.check_terms(_terms(price_terms="barter"), today=TODAY).fields == {"price_terms": ["unknown_choice"]}


def test_schedule_every_n_days_and_listed_dates() -> None:
    days = rules.every(TODAY, TODAY + timedelta(days=20), 7)
    assert days == [TODAY, TODAY + timedelta(days=7), TODAY + timedelta(days=14)]
    assert rules.weekly(TODAY, TODAY + timedelta(days=14)) == [TODAY + timedelta(days=7 * i) for i in range(3)]
    assert rules.split_dates("01/06/2027\n15/06/2027; 1/7/2027, 15/7/2027") == [
        "01/06/2027", "15/06/2027", "1/7/2027", "15/7/2027"]
    assert rules.check_schedule([TODAY - timedelta(days=1)], TODAY, TODAY + timedelta(days=9)) == "outside_season"
    assert rules.check_schedule([], TODAY, TODAY) == "no_deliveries"


def test_plan_never_goes_past_the_total() -> None:
    days = [TODAY + timedelta(days=i) for i in range(5)]
    assert [q for _d, q in rules.plan(days, 12.0, 5.0)] == [5.0, 5.0, 2.0]
    assert [q for _d, q in rules.plan(days[:3], 60.0, None)] == [20.0, 20.0, 20.0]
    assert sum(q for _d, q in rules.plan(days[:3], 10.0, None)) == 10.0


def test_acceptance_and_ending() -> None:
    yes, no, waiting = rules.PartyState(True, False), rules.PartyState(False, True), rules.PartyState(False, False)
    assert rules.status_after_answers("proposed", [yes, waiting]) == "proposed"
    assert rules.status_after_answers("proposed", [yes, yes]) == "active"
    assert rules.status_after_answers("proposed", [yes, no]) == "declined"
    assert rules.status_after_answers("cancelled", [yes]) == "cancelled"
    assert rules.can_cancel("active", 0) and not rules.can_cancel("active", 1)
    assert rules.can_end("active", 1) and not rules.can_end("proposed", 1)


def test_figures_count_delivered_on_time_and_traceable() -> None:
    planned = [Planned(1, TODAY, 20.0), Planned(2, TODAY + timedelta(days=10), 20.0),
               Planned(3, TODAY + timedelta(days=20), 20.0)]
    orders = [
        Delivered(11, 1, "completed", 20.0, "tấn", TODAY, True),
        Delivered(12, 2, "delivered", 20000.0, "kg", TODAY + timedelta(days=12), True),  # late
        Delivered(13, None, "delivered", 20.0, "tấn", TODAY + timedelta(days=15), False),  # in season
        Delivered(14, 3, "confirmed", 20.0, "tấn", None, True),  # not delivered yet
    ]
    found = rules.figures(unit="tấn", season_from=TODAY, season_to=TODAY + timedelta(days=90),
                          requires_codes=True, planned=planned, orders=orders, today=TODAY + timedelta(days=10))
    assert (found.planned_total, found.planned_to_date, found.delivered_quantity) == (60.0, 40.0, 60.0)
    assert (found.delivered_orders, found.on_time_orders, found.traceable_orders) == (3, 2, 2)
    assert (found.delivered_percent, found.on_time_percent, found.traceable_percent) == (100, 67, 67)
    assert not found.with_codes_and_traceability
    good = [o for o in orders if o.order_id == 11]
    found = rules.figures(unit="tấn", season_from=TODAY, season_to=TODAY, requires_codes=True,
                          planned=planned, orders=good, today=TODAY)
    assert found.with_codes_and_traceability and found.traceable_percent == 100
    no_codes = rules.figures(unit="tấn", season_from=TODAY, season_to=TODAY, requires_codes=False,
                             planned=planned, orders=good, today=TODAY)
    assert not no_codes.with_codes_and_traceability
    empty = rules.figures(unit="tấn", season_from=TODAY, season_to=TODAY, requires_codes=True,
                          planned=planned, orders=[], today=TODAY)
    assert empty.on_time_percent is None and not empty.with_codes_and_traceability
