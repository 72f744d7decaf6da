"""The rules of a club's steps towards a cooperative."""

from __future__ import annotations

from datetime import date

from marketplace.cooperatives import rules
from marketplace.problems import Problems

TODAY = date(2027, 6, 10)


def _check(**overrides) -> Problems:
    problems = Problems()
    values = {"stage": "founded", "taken_on": TODAY, "today": TODAY, "cooperative_kind": "cooperative",
              "cooperative_is_club": False, "households": 25, "already_founded": False, "texts": {}} | overrides
    rules.check_step(problems, **values)
    return problems


def test_a_founding_names_a_cooperative_once_and_is_not_in_the_future():
    assert not _check()
    assert _check(cooperative_kind=None).fields == {"cooperative_id": ["required"]}
    assert _check(cooperative_kind="club").fields == {"cooperative_id": ["not_cooperative"]}
    assert _check(already_founded=True).fields == {"stage": ["already_founded"]}
    assert _check(taken_on=date(2027, 6, 11)).fields == {"taken_on": ["future"]}
    assert _check(households=0).fields == {"households_joined": ["households"]}


def test_other_stages_need_no_cooperative_and_unknown_stages_are_refused():
    assert not _check(stage="guided", cooperative_kind=None, households=None)
    assert _check(stage="dreaming", cooperative_kind=None).fields == {"stage": ["choice"]}
    assert rules.latest_stage([(date(2025, 1, 1), 1, "interested"), (date(2025, 3, 1), 2, "guided")]) == "guided"
