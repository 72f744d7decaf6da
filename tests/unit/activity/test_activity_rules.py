"""Club activity rules: attendees as typed, an activity's and a concern's checks, the concern's
transitions and who may take them, overdue and the queue's order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from marketplace.activity import rules
from marketplace.dates import today_in_vietnam
from marketplace.problems import Problems

TODAY = today_in_vietnam()  # the rules take today as an argument: any day reads the same


@pytest.mark.parametrize(("typed", "read"), [
    ("25", 25), ("25 người", 25), ("khoảng 30", 30), ("khoang 30 nguoi", 30), ("~30", 30), ("hơn 40 hộ", 40),
    ("1.200", 1200), (" 12 ", 12), ("", None), ("   ", None), (None, None),
])
def test_attendees_as_people_type_them(typed, read):
    assert rules.parse_attendees(typed) == read


@pytest.mark.parametrize("typed", ["20-30", "đông lắm", "2,5", "20 đến 30 người"])
def test_attendees_that_are_not_one_whole_number(typed):
    with pytest.raises(rules.NotAttendees):
        rules.parse_attendees(typed)


def _activity(**changes) -> Problems:
    problems = Problems()
    values = {"kind": "meeting", "topic": "Sinh hoạt định kỳ", "held_on": TODAY, "today": TODAY,
              "attendees": 25, "texts": {"experts": "", "note": ""}} | changes
    rules.check_activity(problems, **values)
    return problems


def test_an_activity_held_today_is_fine_and_tomorrow_is_not():
    assert not _activity()
    assert _activity(held_on=TODAY + timedelta(days=1)).fields == {"held_on": ["future"]}
    assert _activity(held_on=None).fields == {"held_on": ["required"]}


def test_an_activity_needs_a_known_kind_a_topic_and_a_sensible_count():
    assert _activity(kind="party").fields == {"kind": ["choice"]}
    assert _activity(topic="  ").fields == {"topic": ["required"]}
    assert _activity(attendees=0).fields == {"attendees": ["attendees_range"]}
    assert _activity(attendees=None).fields == {}
    assert _activity(texts={"experts": "x" * 2001, "note": ""}).fields == {"experts": ["too_long"]}


def test_a_concern_needs_a_title_and_a_day_not_to_come():
    problems = Problems()
    rules.check_concern(problems, kind="proposal", title="", raised_on=TODAY + timedelta(days=1), today=TODAY,
                        texts={"body": ""})
    assert problems.fields == {"title": ["required"], "raised_on": ["future"]}


def test_an_assignment_names_someone_and_a_day_not_past():
    problems = Problems()
    rules.check_assignment(problems, handler=" ", has_handler_user=False, due_on=TODAY - timedelta(days=1),
                           today=TODAY)
    assert problems.fields == {"handler": ["handler_required"], "due_on": ["past"]}
    fine = Problems()
    rules.check_assignment(fine, handler="", has_handler_user=True, due_on=TODAY, today=TODAY)
    assert not fine


def test_transitions_and_who_may_take_them():
    assert rules.next_status("open", "assign", {"staff"}) == "assigned"
    assert rules.next_status("open", "assign", {"board"}) is None
    assert rules.next_status("assigned", "answer", {"staff"}) == "answered"
    assert rules.next_status("assigned", "answer", {"board"}) is None
    assert rules.next_status("answered", "close", {"board"}) == "closed"
    assert rules.next_status("answered", "close", {"staff"}) == "closed"
    assert rules.next_status("open", "close", {"board", "staff"}) is None
    assert rules.next_status("answered", "reopen", {"board"}) == "assigned"
    assert rules.next_status("closed", "reopen", {"board"}) == "assigned"
    assert rules.next_status("open", "reopen", {"board", "staff"}) is None
    assert rules.next_status("closed", "answer", {"staff"}) is None
    assert rules.actions_for("answered", {"board"}) == ["close", "reopen"]
    assert rules.next_status("open", "answer", {"staff"}) is None  # someone handles it first
    assert rules.actions_for("open", {"staff"}) == ["assign"]
    assert rules.actions_for("assigned", {"staff"}) == ["assign", "answer"]
    assert rules.actions_for("open", set()) == []


def test_overdue():
    raised = TODAY - timedelta(days=10)
    assert rules.is_overdue("assigned", raised, TODAY - timedelta(days=1), TODAY)
    assert not rules.is_overdue("assigned", raised, TODAY, TODAY)  # due today: not yet
    assert not rules.is_overdue("answered", raised, TODAY - timedelta(days=1), TODAY)
    assert rules.is_overdue("open", TODAY - timedelta(days=31), None, TODAY)
    assert not rules.is_overdue("open", TODAY - timedelta(days=30), None, TODAY)


@dataclass
class _Concern:
    id: int
    status: str
    raised_on: date
    due_on: date | None = None


def test_the_queue_puts_the_longest_overdue_first_then_the_waiting_then_the_rest():
    rows = [_Concern(1, "answered", TODAY - timedelta(days=2)),
            _Concern(2, "open", TODAY - timedelta(days=3)),
            _Concern(3, "assigned", TODAY - timedelta(days=40), TODAY - timedelta(days=1)),
            _Concern(4, "open", TODAY - timedelta(days=60)),
            _Concern(5, "closed", TODAY - timedelta(days=1))]
    assert [c.id for c in rules.overdue_first(rows, TODAY)] == [4, 3, 2, 5, 1]


def test_the_public_window_is_the_last_twelve_months():
    assert rules.last_twelve_months(date(2026, 6, 15)) == date(2025, 6, 16)  # a year ago tomorrow


def test_a_day_before_2000_is_a_typing_slip():
    """"1/1/1900" parses, but the year picker starts in 2000: the record would be out of reach."""
    today = TODAY
    found = Problems()
    rules.check_activity(found, kind="meeting", topic="Họp", held_on=date(1900, 1, 1), today=today,
                         attendees=None, texts={})
    rules.check_concern(found, kind="difficulty", title="Thiếu kho lạnh", raised_on=date(1999, 12, 31),
                        today=today, texts={})
    assert found.fields == {"held_on": ["too_old"], "raised_on": ["too_old"]}
    fine = Problems()
    rules.check_activity(fine, kind="meeting", topic="Họp", held_on=date(2000, 1, 1), today=today,
                         attendees=None, texts={})
    assert not fine
