"""After the fair, pure rules: the 60-day window, which orders count, and the CSV rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.fairs import outcome_rules as rules

STARTS_ON = datetime.now(UTC).date() + timedelta(days=3)


def test_the_window_starts_at_midnight_in_vietnam_and_lasts_sixty_days():
    start, end = rules.follow_window(date(2027, 3, 12))
    assert start == datetime(2027, 3, 11, 17, 0, tzinfo=UTC)
    assert end - start == timedelta(days=60)


@pytest.mark.parametrize(("offset", "status", "counts"), [
    (timedelta(0), "requested", True),  # the very first moment of the fair
    (timedelta(days=59, hours=23), "paid", True),
    (timedelta(days=60), "completed", False),  # the window is over
    (timedelta(seconds=-1), "completed", False),  # before the fair
    (timedelta(days=5), "declined", False), (timedelta(days=5), "cancelled", False),
    (timedelta(days=5), "expired", False), (timedelta(days=5), "confirmed", True),
])
def test_which_orders_followed(offset, status, counts):
    window = rules.follow_window(STARTS_ON)
    assert rules.order_follows(window[0] + offset, status, window) is counts


def test_a_naive_time_is_read_as_utc():
    window = rules.follow_window(STARTS_ON)
    assert rules.order_follows(window[0].replace(tzinfo=None), "paid", window)


def _outcome() -> rules.FairOutcome:
    first = rules.ExhibitorOutcome(7, "Hợp tác xã Xoài Mỹ Xương", "A-01", entry_views=12, taps={"phone": 3, "zalo": 2},
                                   conversations=2, meetings={"accepted": 1, "declined": 1}, orders=2,
                                   orders_value_vnd=5_000_000, orders_paid_vnd=1_500_000)
    second = rules.ExhibitorOutcome(9, "=Tổ hợp tác Sen Tháp Mười", "", taps={"zalo": 1})
    return rules.FairOutcome(1, rules.follow_window(STARTS_ON), catalog_views=40, exhibitors=[first, second])


def test_csv_rows_have_stable_columns_one_row_per_exhibitor():
    rows = rules.csv_rows(_outcome())
    assert rows[0] == list(rules.CSV_COLUMNS)
    assert rows[0][:4] == ["exhibitor_id", "exhibitor", "booth_number", "catalog_entry_views"]
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first == {
        "exhibitor_id": 7, "exhibitor": "Hợp tác xã Xoài Mỹ Xương", "booth_number": "A-01", "catalog_entry_views": 12,
        "taps_phone": 3, "taps_zalo": 2, "taps_total": 5, "conversations": 2, "meetings_requested": 0,
        "meetings_proposed": 0, "meetings_accepted": 1, "meetings_declined": 1, "meetings_cancelled": 0,
        "meetings_total": 2, "orders": 2, "orders_value_vnd": 5_000_000, "orders_paid_vnd": 1_500_000}
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    assert list(csv.reader(io.StringIO(out.getvalue())))[2][1] == "=Tổ hợp tác Sen Tháp Mười"  # safe_row is the view's


def test_totals_add_up():
    total = rules.add_up(_outcome().exhibitors)
    assert (total.taps, total.taps_total, total.meetings_total, total.orders_value_vnd) == (
        {"phone": 3, "zalo": 3}, 6, 2, 5_000_000)
