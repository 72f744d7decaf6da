"""The words of conversations: why one is reported, why an action on one was refused."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from marketplace.messaging import rules

REPORT_REASON_LABELS = {
    "spam": lazy_gettext("Spam or advertising"), "abuse": lazy_gettext("Rude or threatening"),
    "fraud": lazy_gettext("Looks like a scam"), "other": lazy_gettext("Something else"),
}


def refusal_message(code: str) -> str:
    """What the person is told for a ConversationError's code, in their language."""
    return {
        "empty": _("Write a message first."),
        "too_long": _("The message is too long (at most %(max)d characters).", max=rules.MESSAGE_MAX_LENGTH),
        "blocked": _("You cannot write to this organisation: one of you has blocked the other."),
        "own": _("This is your own organisation's post."),
        "forbidden": _("Only members of a buying or selling organisation can start a conversation here."),
        "sellers_only": _("Only clubs and cooperatives answer a buyer's request."),
        "not_found": _("We could not find what this conversation is about."),
        "reason": _("Choose what is wrong."),
        "channel": _("Unknown contact channel."),
    }.get(code, _("That could not be done."))
