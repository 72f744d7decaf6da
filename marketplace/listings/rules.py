"""Pure rules for listings: statuses, what a visitor sees, and checking what was entered."""

from __future__ import annotations

from datetime import date

from marketplace.problems import Problems, check_lengths, check_quantity, check_window

STATUSES: tuple[str, ...] = ("draft", "published", "paused", "sold_out", "expired")
# action → (statuses it applies to, resulting status)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({"draft", "paused", "sold_out", "expired"}), "published"),
    "pause": (frozenset({"published"}), "paused"),
    "sold_out": (frozenset({"published", "paused"}), "sold_out"),
    "unpublish": (frozenset({"published", "paused", "sold_out", "expired"}), "draft"),
}
MAX_TEXT = {"grade": 60, "delivery_area": 300, "description": 4000, "producer_name": 120,
            "variety": 120, "product": 120, "ref": 60}
MAX_QUANTITY = 10_000_000
MAX_PRICE_VND = 10_000_000_000


def effective_status(status: str, available_to: date, quantity_available: float, today: date) -> str:
    """What a listing is now: a published lot past its window is expired; one with nothing left
    is sold out, whatever was stored."""
    if status in ("published", "paused") and available_to < today:
        return "expired"
    if status == "published" and quantity_available <= 0:
        return "sold_out"
    return status


def shown_to_everyone(status: str) -> bool:
    """A listing's page and photos are for anyone unless it is a draft; a draft is its club's own."""
    return status != "draft"


def is_public(status: str, available_to: date, quantity_available: float, today: date) -> bool:
    """Shown in the club's current listings, search and matching: published and still current."""
    return effective_status(status, available_to, quantity_available, today) == "published"


def next_status(current: str, action: str) -> str | None:
    allowed, target = TRANSITIONS.get(action, (frozenset(), ""))
    return target if current in allowed else None


def check_listing(*, quantity: float | None, min_order: float | None, price_vnd: int | None,
                  price_negotiable: bool, available_from: date | None, available_to: date | None,
                  texts: dict[str, str], today: date, publishing: bool) -> Problems:
    problems = Problems()
    check_quantity(problems, "quantity", quantity, MAX_QUANTITY)
    if min_order is not None:
        if min_order <= 0:
            problems.add("min_order", "positive")
        elif quantity is not None and min_order > quantity:
            problems.add("min_order", "above_quantity")
    if price_vnd is None and not price_negotiable:
        problems.add("price_vnd", "price_or_negotiable")
    if price_vnd is not None and (price_vnd < 0 or price_vnd > MAX_PRICE_VND):
        problems.add("price_vnd", "price_range")
    check_window(problems, ("available_from", "available_to"), available_from, available_to, today=today,
                 opening=publishing)
    check_lengths(problems, texts, MAX_TEXT)
    return problems
