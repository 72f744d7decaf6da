"""What a fair led to, as pure rules: the window in which an order counts as having followed the
fair, which orders count, and the CSV an exhibitor's figures become (no Flask, no database).

An order "followed" the fair when it was placed from the fair's first day (00:00 Vietnam time) up
to FOLLOW_DAYS days later, between a buyer organisation that had a contact with the exhibitor at
this fair (a contact tap, a conversation or a meeting with the fair's id) and the exhibitor as
seller, and was not declined, cancelled or expired (those never turned into business).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from marketplace.dates import VIETNAM

FOLLOW_DAYS = 60
NOT_BUSINESS = frozenset({"declined", "cancelled", "expired"})
MEETING_STATES: tuple[str, ...] = ("requested", "proposed", "accepted", "declined", "cancelled")
CHANNELS: tuple[str, ...] = ("phone", "zalo")


def follow_window(starts_on: date, days: int = FOLLOW_DAYS) -> tuple[datetime, datetime]:
    """[start, end) in UTC: from the fair's first day at midnight in Vietnam, `days` days on."""
    start = datetime.combine(starts_on, time.min, tzinfo=VIETNAM).astimezone(UTC)
    return start, start + timedelta(days=days)


def order_follows(created_at: datetime, status: str, window: tuple[datetime, datetime]) -> bool:
    """Whether an order between a contacted buyer and the exhibitor counts for the fair."""
    moment = created_at if created_at.tzinfo is not None else created_at.replace(tzinfo=UTC)
    return window[0] <= moment < window[1] and status not in NOT_BUSINESS


@dataclass
class ExhibitorOutcome:
    """One exhibitor's figures for one fair."""

    org_id: int
    name: str
    booth_number: str = ""
    entry_views: int = 0  # opens of its catalog entries
    taps: dict[str, int] = field(default_factory=dict)  # by channel
    conversations: int = 0
    meetings: dict[str, int] = field(default_factory=dict)  # by state
    orders: int = 0
    orders_value_vnd: int = 0
    orders_paid_vnd: int = 0

    @property
    def taps_total(self) -> int:
        return sum(self.taps.values())

    @property
    def meetings_total(self) -> int:
        return sum(self.meetings.values())


@dataclass
class FairOutcome:
    """A fair's figures: catalog page views, and each exhibitor's, with their totals."""

    fair_id: int
    window: tuple[datetime, datetime]
    catalog_views: int = 0  # views of the fair's catalog pages
    exhibitors: list[ExhibitorOutcome] = field(default_factory=list)
    total: ExhibitorOutcome = field(default_factory=lambda: ExhibitorOutcome(0, ""))


def add_up(outcomes: list[ExhibitorOutcome]) -> ExhibitorOutcome:
    """The exhibitors' figures summed (a total row)."""
    total = ExhibitorOutcome(0, "")
    for one in outcomes:
        total.entry_views += one.entry_views
        total.conversations += one.conversations
        total.orders += one.orders
        total.orders_value_vnd += one.orders_value_vnd
        total.orders_paid_vnd += one.orders_paid_vnd
        for channel, count in one.taps.items():
            total.taps[channel] = total.taps.get(channel, 0) + count
        for state, count in one.meetings.items():
            total.meetings[state] = total.meetings.get(state, 0) + count
    return total


# The CSV's columns: stable names (docs/user-guide.md lists them); one row per exhibitor.
CSV_COLUMNS: tuple[str, ...] = (
    "exhibitor_id", "exhibitor", "booth_number", "catalog_entry_views",
    *(f"taps_{channel}" for channel in CHANNELS), "taps_total", "conversations",
    *(f"meetings_{state}" for state in MEETING_STATES), "meetings_total",
    "orders", "orders_value_vnd", "orders_paid_vnd",
)


def csv_row(one: ExhibitorOutcome) -> list:
    return [one.org_id, one.name, one.booth_number, one.entry_views,
            *(one.taps.get(channel, 0) for channel in CHANNELS), one.taps_total, one.conversations,
            *(one.meetings.get(state, 0) for state in MEETING_STATES), one.meetings_total,
            one.orders, one.orders_value_vnd, one.orders_paid_vnd]


def csv_rows(outcome: FairOutcome) -> list[list]:
    """The header and one row per exhibitor, in the page's order."""
    return [list(CSV_COLUMNS), *(csv_row(one) for one in outcome.exhibitors)]
