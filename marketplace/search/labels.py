"""What the search page and the API tell a person about the search parameters they sent, in their
language; and which category codes a search may name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.products.models import Category

PROBLEM_MESSAGES = {
    "choice": _l("We do not know that choice; it was left out."),
    "number": _l("Enter a whole number."),
    "range": _l("That number is out of range; it was left out."),
    "date": _l("Enter a date as dd/mm/yyyy."),
    "price": _l("Enter a price in đồng, for example 38.000 or 38k."),
    "order": _l("The end is before the start; it was left out."),
}


def problem_messages(problems: dict[str, str]) -> dict[str, list[str]]:
    """Per parameter, what was wrong, in the reader's language (the API's `fields`)."""
    return {name: [str(PROBLEM_MESSAGES[code])] for name, code in problems.items()}


def category_codes(db: Session) -> set[str]:
    return set(db.scalars(select(Category.code)))
