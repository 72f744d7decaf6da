"""The words of traceability: kinds of lot event, and a credential's standing on a harvest day."""

from __future__ import annotations

from flask_babel import lazy_gettext

# --- The public trace page (htrace: trace.py, trace_views.py) ------------------------------------
TRACE_EVENT_LABELS = {
    "harvested": lazy_gettext("Harvested"),
    "sorted": lazy_gettext("Sorted"),
    "packed": lazy_gettext("Packed"),
    "shipped": lazy_gettext("Shipped"),
    "received": lazy_gettext("Received"),
}
# A growing-area code, packing-house code or certificate as it stood on the harvest day
# (credentials.history.validity_on states, and what the trace page says when there is none).
TRACE_VALIDITY_LABELS = {
    "active": lazy_gettext("Valid on the harvest date"),
    "pending": lazy_gettext("Not verified by staff"),
    "suspended": lazy_gettext("Suspended"),
    "revoked": lazy_gettext("Revoked"),
    "expired": lazy_gettext("Expired"),
    "not_issued": lazy_gettext("Not yet issued on the harvest date"),
    "not_certified": lazy_gettext("Below 3 stars: not OCOP-certified"),
    "no_code": lazy_gettext("No growing-area code"),
    "no_harvest_date": lazy_gettext("No harvest date"),
}
# --- end of the trace page's words ---------------------------------------------------------------
