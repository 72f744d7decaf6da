"""What a notice of a new message says, in the reader's language (registered with
marketplace.notifications when the messaging blueprint is registered)."""

from __future__ import annotations

from flask_babel import gettext as _


def describe_notice(kind: str, p: dict) -> str | None:
    if kind != "message":
        return None
    return _("%(org)s wrote about “%(subject)s”: %(excerpt)s", org=p.get("org", ""),
             subject=p.get("subject", ""), excerpt=p.get("excerpt", ""))
