"""Pure rules for talking: who is a party to a thread, what a message may be, what a thread is
about. No Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.vietnamese import clean_message

ACTING_ROLES = frozenset({"buyer", "seller"})  # members who speak for their organisation
MESSAGE_MAX_LENGTH = 4000
REPORT_REASONS = ("spam", "abuse", "fraud", "other")
CONTACT_CHANNELS = ("phone", "zalo")


@dataclass(frozen=True)
class Sides:
    buyer_org_id: int
    seller_org_id: int


def side_of(memberships: list[tuple[int, str]], sides: Sides) -> str | None:
    """"buyer" or "seller" when one of the user's (organisation id, role) memberships acts for
    that side of the thread, else None. A role that does not act (staff) is not a party."""
    for org_id, role in memberships:
        if role not in ACTING_ROLES:
            continue
        if org_id == sides.buyer_org_id:
            return "buyer"
        if org_id == sides.seller_org_id:
            return "seller"
    return None


def clean_body(text: str | None) -> tuple[str, str | None]:
    """The message as it will be stored, and the reason it cannot be sent (None when it can)."""
    body = clean_message(text)
    if not body:
        return body, "empty"
    if len(body) > MESSAGE_MAX_LENGTH:
        return body, "too_long"
    return body, None


def topic_of(*, listing_id: int | None = None, demand_id: int | None = None, offer_id: int | None = None) -> str:
    """What a thread is about, as the key that makes asking again continue the same thread."""
    if offer_id is not None:
        return f"offer:{offer_id}"
    if listing_id is not None and demand_id is not None:
        return f"match:{demand_id}:{listing_id}"
    if listing_id is not None:
        return f"listing:{listing_id}"
    if demand_id is not None:
        return f"demand:{demand_id}"
    raise ValueError("a conversation is about a listing, a demand post, an offer or a match")
