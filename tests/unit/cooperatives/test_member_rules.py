"""The pure rules of a cooperative's member clubs: who may act when, reasons, days of membership."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.cooperatives import membership, rules
from marketplace.problems import Problems


@pytest.mark.parametrize(("action", "status", "side", "proposer", "allowed"), [
    ("accept", "proposed", "club", "cooperative", True),
    ("accept", "proposed", "cooperative", "cooperative", False),  # not one's own proposal
    ("decline", "proposed", "cooperative", "club", True),
    ("accept", "active", "club", "cooperative", False),
    ("accept", "proposed", "staff", "cooperative", False),
    ("withdraw", "proposed", "cooperative", "cooperative", True),
    ("withdraw", "proposed", "club", "cooperative", False),
    ("withdraw", "active", "cooperative", "cooperative", False),
    ("leave", "active", "club", "cooperative", True),
    ("leave", "active", "cooperative", "cooperative", True),
    ("leave", "proposed", "club", "cooperative", False),
    ("leave", "ended", "club", "cooperative", False),
    ("end", "active", "staff", "club", True),
    ("end", "proposed", "staff", "club", True),
    ("end", "active", "club", "club", False),
    ("end", "declined", "staff", "club", False),
    ("anything", "active", "club", "club", False),
])
def test_who_may_act(action, status, side, proposer, allowed):
    assert rules.may_act(action, status=status, acting_side=side, proposer_side=proposer) is allowed


def test_leaving_and_ending_say_why_within_the_limit():
    for action, reason, expected in (("leave", "  \n ", {"reason": ["required"]}), ("end", "Sai hồ sơ", {}),
                                     ("decline", "", {}), ("leave", "x" * 2001, {"reason": ["too_long"]})):
        problems = Problems()
        rules.check_reason(problems, action, reason)
        assert problems.fields == expected, action


def test_a_pair_is_a_cooperative_and_a_club_not_already_open():
    problems = Problems()
    rules.check_pair(problems, cooperative_kind="club", club_kind="supermarket", same=False, already_open=True)
    assert problems.fields == {"cooperative_id": ["not_cooperative"], "club_id": ["not_club", "already_open"]}
    problems = Problems()
    rules.check_pair(problems, cooperative_kind="cooperative", club_kind="coop_group", same=False,
                     already_open=False)
    assert not problems


def test_member_on_a_day_from_the_acceptance_up_to_the_end():
    spans = [(date(2025, 1, 10), date(2025, 6, 1)), (date(2026, 1, 1), None)]
    assert rules.member_on(spans, date(2025, 1, 10)) and rules.member_on(spans, date(2025, 5, 31))
    assert not rules.member_on(spans, date(2025, 6, 1)) and not rules.member_on(spans, date(2025, 1, 9))
    assert rules.member_on(spans, date(2030, 1, 1)) and not rules.member_on([], date(2025, 3, 3))


def test_only_verified_unexpired_area_and_packing_codes_are_shared():
    today = date(2025, 12, 7)  # the rule takes the day: any day does
    assert rules.shareable("growing_area", "active", None, today)
    assert rules.shareable("packing_house", "active", today, today)
    assert not rules.shareable("growing_area", "active", today - timedelta(days=1), today)
    assert not rules.shareable("growing_area", "suspended", None, today)
    assert not rules.shareable("other", "active", None, today)


def test_notice_kinds_fit_the_column():
    kinds = (membership.PROPOSED, membership.ACCEPTED, membership.DECLINED, membership.WITHDRAWN, membership.ENDED)
    assert all(len(kind) <= 20 and kind.startswith("coop_member") for kind in kinds)
