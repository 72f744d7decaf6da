"""What a saved-search alert says, in the reader's language (registered with
marketplace.notifications when the alerts blueprint is registered)."""

from __future__ import annotations

from flask_babel import gettext as _


def describe_notice(kind: str, p: dict) -> str | None:
    if kind != "alert":
        return None
    return _("New for your saved search “%(search)s”: %(title)s", search=p.get("search", ""),
             title=p.get("title", ""))
