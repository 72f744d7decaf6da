"""The words for a request's frequency and status, and an offer's status."""

from __future__ import annotations

from flask_babel import lazy_gettext

FREQUENCY_LABELS = {"once": lazy_gettext("Once"), "weekly": lazy_gettext("Every week"),
                    "monthly": lazy_gettext("Every month"), "seasonal": lazy_gettext("Every season")}
DEMAND_STATUS_LABELS = {
    "open": lazy_gettext("Open"), "paused": lazy_gettext("Paused"), "closed": lazy_gettext("Closed"),
    "fulfilled": lazy_gettext("Fulfilled"), "expired": lazy_gettext("Expired"),
}
OFFER_STATUS_LABELS = {
    "pending": lazy_gettext("Waiting for the buyer"), "accepted": lazy_gettext("Accepted"),
    "declined": lazy_gettext("Declined"), "withdrawn": lazy_gettext("Withdrawn"),
}
