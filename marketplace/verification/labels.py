"""Words for an organisation's verification status and the actions in its log."""

from flask_babel import lazy_gettext

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
    "recheck": lazy_gettext("Name changed: back to staff"),
}
MISSING_LABELS = {
    "decision": lazy_gettext("The founding decision: its number, date and the commune that issued it."),
    "scan": lazy_gettext("A scan or photo of the decision."),
}
