"""Pure rules for telling people: when a failed mail is tried again, when the daily digest is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from marketplace.dates import VIETNAM
from marketplace.notifications import rules
from marketplace.notifications.rules import digest_due, digest_slot, retry_at

# -- retry_at ------------------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("attempts, wait", [
    (1, timedelta(minutes=1)),
    (2, timedelta(minutes=5)),
    (3, timedelta(minutes=15)),
    (4, timedelta(hours=1)),
    (5, timedelta(hours=4)),
])
def test_retry_waits_longer_each_time(attempts, wait):
    assert retry_at(attempts, NOW) == NOW + wait


@pytest.mark.parametrize("attempts", [0, -1, 6, 50])
def test_retry_gives_up_after_the_last_delay(attempts):
    assert retry_at(attempts, NOW) is None


def test_retry_delays_grow():
    delays = list(rules.RETRY_DELAYS)
    assert delays == sorted(delays) and len(set(delays)) == len(delays)


# -- digest_slot and digest_due ---------------------------------------------------------------------------------

def vn(*parts) -> datetime:
    return datetime(*parts, tzinfo=VIETNAM)


@pytest.mark.parametrize("now, slot", [
    (vn(2026, 12, 1, 7, 0), vn(2026, 12, 1, 7, 0)),  # 07:00 sharp is today's slot
    (vn(2026, 12, 1, 7, 5), vn(2026, 12, 1, 7, 0)),
    (vn(2026, 12, 1, 23, 59), vn(2026, 12, 1, 7, 0)),
    (vn(2026, 12, 1, 6, 59, 59), vn(2026, 11, 30, 7, 0)),  # before 07:00: yesterday's
    (vn(2026, 12, 1, 0, 0), vn(2026, 11, 30, 7, 0)),  # just after midnight: yesterday's
    (vn(2026, 1, 1, 3, 0), vn(2025, 12, 31, 7, 0)),  # across a year
    (vn(2028, 3, 1, 6, 0), vn(2028, 2, 29, 7, 0)),  # across a leap day
])
def test_digest_slot_in_vietnam(now, slot):
    assert digest_slot(now.astimezone(UTC)) == slot
    assert digest_slot(now.astimezone(UTC)).tzinfo == UTC  # answered in the caller's zone
    assert digest_slot(now) == slot


def test_digest_slot_from_utc_times_around_midnight_utc():
    # 00:05 UTC is 07:05 in Việt Nam: today's slot is 00:00 UTC the same day.
    assert digest_slot(datetime(2026, 12, 1, 0, 5, tzinfo=UTC)) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    # 23:59 UTC on 30/11 is 06:59 on 1/12 in Việt Nam: the slot is still that of 30/11.
    assert digest_slot(datetime(2026, 11, 30, 23, 59, tzinfo=UTC)) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    # 17:00 UTC is midnight in Việt Nam, a new local day, but 07:00 has not come yet.
    assert digest_slot(datetime(2026, 11, 30, 17, 0, tzinfo=UTC)) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def test_digest_slot_in_another_zone_answers_in_that_zone():
    paris = timezone(timedelta(hours=1))
    now = datetime(2026, 12, 1, 2, 0, tzinfo=paris)  # 08:00 in Việt Nam
    slot = digest_slot(now)
    assert slot == vn(2026, 12, 1, 7, 0) and slot.utcoffset() == timedelta(hours=1)


def test_digest_slot_at_another_hour():
    assert digest_slot(vn(2026, 12, 1, 18, 30), hour=18) == vn(2026, 12, 1, 18, 0)
    assert digest_slot(vn(2026, 12, 1, 17, 59), hour=18) == vn(2026, 11, 30, 18, 0)


@pytest.mark.parametrize("now, last_sent, due", [
    (vn(2026, 12, 1, 7, 5), None, True),  # never sent
    (vn(2026, 12, 1, 7, 5), vn(2026, 11, 30, 7, 5), True),  # yesterday's: today's is due
    (vn(2026, 12, 1, 6, 55), vn(2026, 11, 30, 7, 5), False),  # not 07:00 yet
    (vn(2026, 12, 1, 7, 0), vn(2026, 11, 30, 7, 0), True),  # at 07:00 sharp
    (vn(2026, 12, 1, 7, 30), vn(2026, 12, 1, 7, 5), False),  # sent today already
    (vn(2026, 12, 1, 23, 59), vn(2026, 12, 1, 7, 0), False),  # sent at the slot itself
    (vn(2026, 12, 2, 0, 30), vn(2026, 12, 1, 7, 5), False),  # after local midnight, before 07:00
    (vn(2026, 12, 1, 7, 1), vn(2026, 12, 1, 6, 59), True),  # a look just before the slot does not count
    (vn(2026, 12, 3, 9, 0), vn(2026, 12, 1, 7, 5), True),  # days without a digest: one is due, once
])
def test_digest_due(now, last_sent, due):
    assert digest_due(now.astimezone(UTC), last_sent.astimezone(UTC) if last_sent else None) is due
    assert digest_due(now, last_sent) is due
