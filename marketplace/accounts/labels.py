"""The words for an organisation's kind and a member's role, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext

ORG_KIND_LABELS = {
    "club": lazy_gettext("Farmer club"),
    "cooperative": lazy_gettext("Cooperative"),
    "coop_group": lazy_gettext("Cooperative group"),
    "business": lazy_gettext("Business"),
    "supermarket": lazy_gettext("Supermarket"),
    "trader": lazy_gettext("Trader"),
    "exporter": lazy_gettext("Exporter"),
    "agency": lazy_gettext("Government agency"),
}
ROLE_LABELS = {
    "seller": lazy_gettext("Seller"),
    "buyer": lazy_gettext("Buyer"),
    "staff": lazy_gettext("Staff"),
    "admin": lazy_gettext("Administrator"),
}
