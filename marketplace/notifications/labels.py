"""Names of topics and channels as the account page shows them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TOPIC_LABELS = {
    "orders": _l("Orders"), "offers": _l("Offers on your requests"), "messages": _l("Messages"),
    "matches": _l("Matches and saved searches"), "members": _l("Members and cooperative"),
    "fairs": _l("Fairs and meetings"), "tourism": _l("Tourism bookings"), "chains": _l("Supply chains"),
    "bulletin": _l("Weekly market bulletin"),
    "prices": _l("Price alerts"),
    "other": _l("Everything else"),
}
CHANNEL_LABELS = {"bell": _l("In the app"), "mail": _l("E-mail"), "zalo": _l("Zalo"), "sms": _l("SMS")}
