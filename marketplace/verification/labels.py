"""Words for an organisation's verification status and the actions in its log."""

from flask_babel import gettext, lazy_gettext

from marketplace.accounts.labels import ORG_KIND_LABELS
from marketplace.verification import rules

STATUS_LABELS = {
    "pending": lazy_gettext("Waiting for staff"),
    "active": lazy_gettext("Verified"),
    "suspended": lazy_gettext("Suspended"),
    "rejected": lazy_gettext("Rejected"),
}
ACTION_LABELS = {
    "submit": lazy_gettext("Founding decision sent"),
    "verify": lazy_gettext("Verified by staff"),
    "reinstate": lazy_gettext("Verified again by staff"),
    "suspend": lazy_gettext("Suspended by staff"),
    "reject": lazy_gettext("Rejected by staff"),
    "recheck": lazy_gettext("Name or kind changed: back to staff"),
}
MISSING_LABELS = {
    "decision": lazy_gettext("The founding decision: its number, date and the commune that issued it."),
    "scan": lazy_gettext("A scan or photo of the decision."),
}


def reason_text(reason: str) -> str:
    """An event's or status's reason in the reader's language: a recheck's changes worded here,
    anything else (staff's words) as written."""
    changes = rules.recheck_changes(reason)
    if changes is None:
        return reason
    said = []
    for field, (before, after) in changes.items():
        if field == "kind":
            said.append(gettext("kind: %(before)s → %(after)s", before=ORG_KIND_LABELS.get(before, before),
                                after=ORG_KIND_LABELS.get(after, after)))
        else:
            said.append(gettext("name: %(before)s → %(after)s", before=before, after=after))
    return "; ".join(said)
