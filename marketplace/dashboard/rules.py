"""Pure rules for the role homes: which orders wait for whom."""

from __future__ import annotations

# An order waits for the side that must act before it can move on: the seller confirms or declines
# a request and delivers what was paid; the buyer pays a confirmed order and confirms delivery.
# (A buyer may also cancel a request, but nothing waits on that.)
WAITING_ON: dict[str, frozenset[str]] = {
    "seller": frozenset({"requested", "paid"}),
    "buyer": frozenset({"confirmed", "delivered"}),
}

SHOWN = 5  # items per section of a home: enough to act on, short enough for a phone screen


def waits_for(status: str, side: str) -> bool:
    return status in WAITING_ON.get(side, frozenset())
