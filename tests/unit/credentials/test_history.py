"""A credential's status on a past day, read from its events (pure: events are built, not stored)."""

from datetime import UTC, date, datetime

from marketplace.credentials.history import status_on
from marketplace.credentials.models import CredentialEvent


def _event(day: date, from_status: str, to_status: str, hour_utc: int = 3) -> CredentialEvent:
    return CredentialEvent(action="x", from_status=from_status, to_status=to_status,
                           created_at=datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC))


def test_with_no_events_the_status_is_the_one_it_has_now() -> None:
    assert status_on([], "active", date(2026, 3, 1)) == "active"


def test_a_suspension_after_the_day_is_taken_back() -> None:
    events = [_event(date(2026, 1, 10), "pending", "active"), _event(date(2026, 5, 2), "active", "suspended")]
    assert status_on(events, "suspended", date(2026, 3, 1)) == "active"
    assert status_on(events, "suspended", date(2026, 5, 2)) == "suspended"
    assert status_on(events, "suspended", date(2026, 6, 1)) == "suspended"


def test_a_reinstatement_after_the_day_is_taken_back() -> None:
    events = [_event(date(2026, 2, 1), "active", "suspended"), _event(date(2026, 4, 1), "suspended", "active")]
    assert status_on(events, "active", date(2026, 3, 1)) == "suspended"
    assert status_on(events, "active", date(2026, 1, 15)) == "active"


def test_staff_verifying_the_paper_later_is_not_taken_back() -> None:
    # Verified in January: the code was valid from its issue date, so a December harvest counts.
    events = [_event(date(2026, 1, 10), "pending", "active")]
    assert status_on(events, "active", date(2025, 12, 1)) == "active"
    assert status_on([_event(date(2026, 1, 10), "", "active")], "active", date(2025, 12, 1)) == "active"


def test_a_day_is_a_day_in_viet_nam() -> None:
    # 20:00 UTC on 1 March is 03:00 on 2 March in Việt Nam: not yet suspended on 1 March there.
    events = [_event(date(2026, 3, 1), "active", "suspended", hour_utc=20)]
    assert status_on(events, "suspended", date(2026, 3, 1)) == "active"
    assert status_on(events, "suspended", date(2026, 3, 2)) == "suspended"
