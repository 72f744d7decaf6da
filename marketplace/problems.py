"""Problem keys per field, as pure rules report them (no Flask, no translations here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Problems:
    """Problem keys per field; empty (falsy) when everything can be saved."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, key: str) -> None:
        self.fields.setdefault(name, []).append(key)

    def __bool__(self) -> bool:
        return bool(self.fields)


def check_quantity(problems: Problems, name: str, quantity: float | None, maximum: float) -> None:
    """Required, above zero, not absurd: the same for a listing, a request and an offer."""
    if quantity is None:
        problems.add(name, "required")
    elif quantity <= 0:
        problems.add(name, "positive")
    elif quantity > maximum:
        problems.add(name, "too_large")


def check_window(problems: Problems, names: tuple[str, str], first: date | None, last: date | None, *,
                 today: date, opening: bool) -> None:
    """Both dates given, in order, and (when the post opens now) not already over: the same for a
    listing's sale window and a request's delivery window."""
    first_name, last_name = names
    if first is None:
        problems.add(first_name, "required")
    if last is None:
        problems.add(last_name, "required")
    if first and last and last < first:
        problems.add(last_name, "window_order")
    if opening and last and last < today:
        problems.add(last_name, "window_past")


# Days before this year are typing slips ("1/1/1900"): the pages' year pickers and the reports start here.
FIRST_YEAR = 2000


def check_past_day(problems: Problems, name: str, day: date | None, today: date) -> None:
    """A day something happened: given, not still to come, not before FIRST_YEAR (an activity held,
    a concern raised, a price seen)."""
    if day is None:
        problems.add(name, "required")
    elif day > today:
        problems.add(name, "future")
    elif day.year < FIRST_YEAR:
        problems.add(name, "too_old")


def check_lengths(problems: Problems, texts: dict[str, str], limits: dict[str, int]) -> None:
    for name, text in texts.items():
        if len(text) > limits[name]:
            problems.add(name, "too_long")
