"""What a notification says, in the reader's language: one place for the bell, instant mail and
the daily digest. Each kind's words are made from the params stored with it."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask_babel import gettext as _

# Other packages add their kinds here (kind prefix → describe(kind, params) → text or None).
DESCRIBERS: dict[str, Callable[[str, dict], str | None]] = {}


def describe(kind: str, params: dict | str) -> str:
    if isinstance(params, str):
        params = json.loads(params or "{}")
    p = {k: v for k, v in params.items() if isinstance(k, str)}
    if kind == "match" and p.get("side") == "buyer":
        return _("New match for your request “%(demand)s”: %(listing)s from %(seller)s", demand=p.get("demand", ""),
                 listing=p.get("listing", ""), seller=p.get("seller", ""))
    if kind == "match":
        return _("%(buyer)s needs “%(demand)s”: your %(listing)s is a full match", buyer=p.get("buyer", ""),
                 demand=p.get("demand", ""), listing=p.get("listing", ""))
    if kind == "message":
        return _("%(org)s wrote about “%(subject)s”: %(excerpt)s", org=p.get("org", ""),
                 subject=p.get("subject", ""), excerpt=p.get("excerpt", ""))
    if kind == "offer":
        return _("%(seller)s offers %(quantity)s for your request “%(demand)s”", seller=p.get("seller", ""),
                 quantity=p.get("quantity", ""), demand=p.get("demand", ""))
    if kind == "alert":
        return _("New for your saved search “%(search)s”: %(title)s", search=p.get("search", ""),
                 title=p.get("title", ""))
    if not DESCRIBERS:
        _register_describers()
    for prefix, describer in DESCRIBERS.items():
        if kind.startswith(prefix):
            text = describer(kind, p)
            if text:
                return text
    return kind


def subject_of(kind: str, params: dict) -> str:
    """A mail subject: the description, cut to a length mail programs show whole."""
    text = describe(kind, params)
    return text if len(text) <= 120 else text[:119].rstrip() + "…"


def _register_describers() -> None:
    # Imported on first use, not at import time: the orders package imports messaging.
    from marketplace.orders.presentation import describe_notice

    DESCRIBERS["order"] = describe_notice
