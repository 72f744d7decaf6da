"""A credential's status on a past day, read from its events (pure: events are built, not stored)."""

from datetime import UTC, date, datetime

from marketplace.credentials.history import DATES, end_date_on, status_on
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


def test_the_entry_of_a_code_is_never_taken_back() -> None:
    # Entered (no status → pending) and verified the same day, long after it was issued: a harvest
    # before that day counts the code as it stands (validity_on says "not issued" before its issue).
    entered = date(2026, 5, 20)
    events = [_event(entered, "", "pending"), _event(entered, "pending", "active")]
    assert status_on(events, "active", date(2026, 5, 10)) == "active"
    assert status_on([_event(entered, "", "pending")], "pending", date(2026, 5, 10)) == "pending"


def _dates(day: date, before: date | None, status: str = "active") -> CredentialEvent:
    return CredentialEvent(action=DATES, from_status=status, to_status=status, valid_until_before=before,
                           created_at=datetime(day.year, day.month, day.day, 3, tzinfo=UTC))


def test_a_renewal_after_the_day_is_taken_back() -> None:
    # Expired on 1 April, harvest on 20 April, renewed on 1 May until 2028: on 20 April it had expired.
    events = [_event(date(2025, 4, 1), "", "active"), _dates(date(2026, 5, 1), date(2026, 4, 1))]
    assert end_date_on(events, date(2028, 5, 1), date(2026, 4, 20)) == date(2026, 4, 1)
    assert end_date_on(events, date(2028, 5, 1), date(2026, 5, 1)) == date(2028, 5, 1)
    assert end_date_on([], date(2028, 5, 1), date(2026, 4, 20)) == date(2028, 5, 1)


def test_several_date_changes_are_taken_back_in_turn_and_a_date_change_is_not_a_status_change() -> None:
    events = [_dates(date(2026, 3, 1), None), _dates(date(2026, 6, 1), date(2026, 11, 30))]
    assert end_date_on(events, date(2027, 12, 31), date(2026, 2, 1)) is None  # it had no end date then
    assert end_date_on(events, date(2027, 12, 31), date(2026, 4, 1)) == date(2026, 11, 30)
    assert status_on(events, "active", date(2026, 2, 1)) == "active"
