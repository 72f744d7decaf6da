"""Meetings at a fair, pure rules: typed times, slots within the fair's days, who takes which
step, and when two slots collide."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from marketplace.fairs import meeting_rules as rules
from marketplace.fairs.meeting_notices import PREFIX, TOLD

TODAY = datetime.now(UTC).date()
FIRST, LAST = TODAY + timedelta(days=10), TODAY + timedelta(days=12)
NOW = datetime.now(UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("09:30", time(9, 30)), ("9:30", time(9, 30)), ("9h30", time(9, 30)), ("9h", time(9, 0)),
    ("14g", time(14, 0)), (" 14 : 05 ", time(14, 5)), ("7.45", time(7, 45)), ("23:59", time(23, 59)),
])
def test_times_as_people_write_them(text, expected):
    assert rules.parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:60", "chín giờ", "9:5", "-1:00", "12:30:00"])
def test_what_is_not_a_time(text):
    with pytest.raises(ValueError):
        rules.parse_time(text)


def test_an_empty_time_is_none():
    assert rules.parse_time("") is None and rules.parse_time(None) is None and rules.parse_time("  ") is None


def test_a_slot_is_typed_in_vietnam_time_and_stored_in_utc():
    start = rules.slot_start(date(2027, 3, 12), time(9, 30))
    assert start == datetime(2027, 3, 12, 2, 30, tzinfo=UTC)
    # Just after midnight in Vietnam is still the evening before in UTC, but the same fair day.
    early = rules.slot_start(date(2027, 3, 12), time(6, 0))
    assert early.date() == date(2027, 3, 11) and rules.local_day(early) == date(2027, 3, 12)


def _problems(day: date, at: time, now: datetime = NOW):
    return rules.meeting_problems(start=rules.slot_start(day, at), starts_on=FIRST, ends_on=LAST, now=now).fields


def test_slots_within_the_fair_days():
    assert _problems(FIRST, time(0, 0)) == {}
    assert _problems(LAST, time(23, 59)) == {}
    assert _problems(FIRST - timedelta(days=1), time(23, 59)) == {"day": ["outside_fair"]}
    assert _problems(LAST + timedelta(days=1), time(0, 0)) == {"day": ["outside_fair"]}


def test_a_slot_already_over_is_refused():
    later = rules.slot_start(FIRST, time(12, 0))
    assert _problems(FIRST, time(9, 0), now=later) == {"day": ["past"]}


def test_the_day_is_checked_when_the_time_could_not_be_read():
    problems = rules.meeting_problems(start=None, day=LAST + timedelta(days=1), starts_on=FIRST, ends_on=LAST, now=NOW)
    assert problems.fields == {"day": ["outside_fair"]}
    assert not rules.meeting_problems(start=None, day=FIRST, starts_on=FIRST, ends_on=LAST, now=NOW)


def test_a_long_note_is_a_problem():
    problems = rules.meeting_problems(start=None, starts_on=FIRST, ends_on=LAST, now=NOW,
                                      note="x" * (rules.NOTE_MAX_LENGTH + 1))
    assert problems.fields == {"note": ["too_long"]}


@pytest.mark.parametrize(("status", "action", "side", "new"), [
    ("requested", "accept", "exhibitor", "accepted"),
    ("requested", "decline", "exhibitor", "declined"),
    ("requested", "propose", "exhibitor", "proposed"),
    ("proposed", "take", "buyer", "accepted"),
    ("proposed", "cancel", "buyer", "cancelled"),
    ("requested", "cancel", "buyer", "cancelled"),
    ("accepted", "cancel", "buyer", "cancelled"),
    ("accepted", "decline", "exhibitor", "declined"),
    ("proposed", "decline", "exhibitor", "declined"),
])
def test_allowed_steps(status, action, side, new):
    assert rules.step(status, action, side) == new


@pytest.mark.parametrize(("status", "action", "side"), [
    ("requested", "accept", "buyer"),  # a buyer does not accept their own request
    ("requested", "take", "buyer"),  # nothing proposed
    ("proposed", "take", "exhibitor"),
    ("requested", "cancel", "exhibitor"),  # the exhibitor declines instead
    ("declined", "accept", "exhibitor"), ("cancelled", "take", "buyer"), ("accepted", "accept", "exhibitor"),
    ("requested", "accept", None), ("requested", "explode", "exhibitor"),
])
def test_refused_steps(status, action, side):
    assert rules.step(status, action, side) is None


def test_actions_each_side_sees():
    assert rules.actions_for("requested", "exhibitor") == ("accept", "decline", "propose")
    assert rules.actions_for("requested", "buyer") == ("cancel",)
    assert rules.actions_for("proposed", "buyer") == ("take", "cancel")
    assert rules.actions_for("declined", "buyer") == () == rules.actions_for("cancelled", "exhibitor")


def test_a_proposal_stands_at_the_proposed_time():
    start, proposed = NOW, NOW + timedelta(hours=2)
    assert rules.held_at("proposed", start, proposed) == proposed
    assert rules.held_at("accepted", start, None) == start
    assert rules.held_at("requested", start, proposed) == start


def test_slots_overlap_within_a_meeting_length():
    at = datetime(2027, 3, 12, 2, 30, tzinfo=UTC)
    assert rules.overlaps(at, at + timedelta(minutes=rules.MEETING_MINUTES - 1))
    assert not rules.overlaps(at, at + timedelta(minutes=rules.MEETING_MINUTES))
    assert rules.overlaps(at, (at - timedelta(minutes=10)).replace(tzinfo=None))  # SQLite's naive UTC


def test_collision_counts_only_holding_states():
    at = datetime(2027, 3, 12, 2, 30, tzinfo=UTC)
    others = [rules.Booked(1, "declined", at), rules.Booked(2, "requested", at + timedelta(minutes=15)),
              rules.Booked(3, "accepted", at + timedelta(minutes=20))]
    assert rules.collision(at, others, holding=frozenset({"accepted"})).id == 3
    assert rules.collision(at, others, holding=rules.OPEN_STATUSES).id == 2
    assert rules.collision(at + timedelta(hours=1), others, holding=rules.OPEN_STATUSES) is None


def test_every_notice_kind_fits_the_notification_column():
    assert all(len(f"{PREFIX}_{event}") <= 20 for event in TOLD)  # notifications.kind is String(20)
