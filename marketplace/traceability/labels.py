"""The words of lots' steps, for pages (lazy: read in the reader's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_KIND_LABELS = {
    "harvested": _l("Harvested"),
    "sorted": _l("Sorted"),
    "packed": _l("Packed"),
    "shipped": _l("Shipped"),
    "received": _l("Received"),
}
STATE_LABELS = {"new": _l("Recorded"), **EVENT_KIND_LABELS}
