"""The words of the targets dashboard: each target, each activity figure, each period choice."""

from __future__ import annotations

from flask_babel import lazy_gettext

TARGET_LABELS = {
    "cooperatives_from_clubs": lazy_gettext("Cooperatives founded from clubs"),
    "growing_area_codes": lazy_gettext("Growing-area codes of clubs tied to fruit cooperatives"),
    "traceable_chains": lazy_gettext("Linked sales chains with codes and traceability"),
    "tourism_clubs": lazy_gettext("Clubs with rural tourism"),
    "ocop_products": lazy_gettext("Clubs' and cooperatives' OCOP products"),
}
TARGET_SHORT_LABELS = {
    "cooperatives_from_clubs": lazy_gettext("Cooperatives"),
    "growing_area_codes": lazy_gettext("Codes"),
    "traceable_chains": lazy_gettext("Chains"),
    "tourism_clubs": lazy_gettext("Tourism"),
    "ocop_products": lazy_gettext("OCOP"),
}
ACTIVITY_LABELS = {
    "listings": lazy_gettext("Listings created"),
    "requests": lazy_gettext("Buyer requests created"),
    "matches": lazy_gettext("Full matches found"),
    "conversations": lazy_gettext("Conversations started"),
    "orders": lazy_gettext("Orders placed"),
    "order_value_vnd": lazy_gettext("Value of confirmed orders"),
    "fair_leads": lazy_gettext("Leads at fairs"),
}
PERIOD_CHOICE_LABELS = {
    "due": lazy_gettext("the report due next"),
    "this_half": lazy_gettext("this half year"),
    "last_half": lazy_gettext("last half year"),
    "this_year": lazy_gettext("this year"),
    "last_year": lazy_gettext("last year"),
}
RECORD_KIND_LABELS = {
    "organization": lazy_gettext("Organisation"),
    "planting_code": lazy_gettext("Growing-area code"),
    "chain": lazy_gettext("Chain"),
    "certificate": lazy_gettext("OCOP rating"),
}
