"""The words for a listing's status."""

from __future__ import annotations

from flask_babel import lazy_gettext

LISTING_STATUS_LABELS = {
    "draft": lazy_gettext("Draft"),
    "published": lazy_gettext("On sale"),
    "paused": lazy_gettext("Paused"),
    "sold_out": lazy_gettext("Sold out"),
    "expired": lazy_gettext("Expired"),
}
