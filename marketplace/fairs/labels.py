"""The words for a fair's kind and status, an application's status and how a fee was paid."""

from __future__ import annotations

from flask_babel import lazy_gettext

FAIR_KIND_LABELS = {"fair": lazy_gettext("Trade fair"), "connection": lazy_gettext("Supply–demand connection"),
                    "workshop": lazy_gettext("Workshop")}
FAIR_STATUS_LABELS = {"draft": lazy_gettext("Draft"), "published": lazy_gettext("Published"),
                      "cancelled": lazy_gettext("Cancelled")}
APPLICATION_STATUS_LABELS = {
    "applied": lazy_gettext("Waiting for a decision"), "waitlisted": lazy_gettext("On the waitlist"),
    "approved": lazy_gettext("Approved: fee due"), "confirmed": lazy_gettext("Confirmed"),
    "declined": lazy_gettext("Declined"), "withdrawn": lazy_gettext("Withdrawn"),
}
PAYMENT_METHOD_LABELS = {"card": lazy_gettext("Card (Stripe)"), "transfer": lazy_gettext("Bank transfer"),
                         "free": lazy_gettext("Free booth")}
