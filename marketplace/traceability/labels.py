"""The words of traceability: kinds of lot event, a lot's state, and a credential's standing on a
harvest day (lazy: read in the reader's language)."""

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
TRACE_EVENT_LABELS = EVENT_KIND_LABELS
# A growing-area code, packing-house code or certificate as it stood on the harvest day
# (credentials.history.validity_on states, and what the trace page says when there is none).
TRACE_VALIDITY_LABELS = {
    "active": _l("Valid on the harvest date"),
    "pending": _l("Not verified by staff"),
    "suspended": _l("Suspended"),
    "revoked": _l("Revoked"),
    "expired": _l("Expired"),
    "not_issued": _l("Not yet issued on the harvest date"),
    "not_certified": _l("Below 3 stars: not OCOP-certified"),
    "no_code": _l("No growing-area code"),
    "no_harvest_date": _l("No harvest date"),
    "other_crop": _l("Growing-area code of another crop"),
    "not_member": _l("The cooperative's code: the club was not its member on that date"),
}
