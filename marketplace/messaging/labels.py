"""The words for why a conversation is reported."""

from __future__ import annotations

from flask_babel import lazy_gettext

REPORT_REASON_LABELS = {
    "spam": lazy_gettext("Spam or advertising"), "abuse": lazy_gettext("Rude or threatening"),
    "fraud": lazy_gettext("Looks like a scam"), "other": lazy_gettext("Something else"),
}
