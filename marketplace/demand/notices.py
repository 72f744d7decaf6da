"""What a notice of a new offer says, in the reader's language (registered with
marketplace.notifications when the demand blueprint is registered)."""

from __future__ import annotations

from flask_babel import gettext as _


def describe_notice(kind: str, p: dict) -> str | None:
    if kind != "offer":
        return None
    return _("%(seller)s offers %(quantity)s for your request “%(demand)s”", seller=p.get("seller", ""),
             quantity=p.get("quantity", ""), demand=p.get("demand", ""))
