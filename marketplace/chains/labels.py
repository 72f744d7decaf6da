"""The words for a chain's status, its price terms, its schedule kinds and why a delivery is not
traceable."""

from __future__ import annotations

from flask_babel import lazy_gettext

CHAIN_STATUS_LABELS = {"proposed": lazy_gettext("Waiting for answers"), "active": lazy_gettext("Active"),
                       "ended": lazy_gettext("Ended"), "declined": lazy_gettext("Declined"),
                       "cancelled": lazy_gettext("Cancelled")}
PRICE_TERM_LABELS = {"fixed": lazy_gettext("Fixed price"), "floor": lazy_gettext("Floor price (at least)"),
                     "market": lazy_gettext("Market reference price")}
SCHEDULE_LABELS = {"weekly": lazy_gettext("Every week"), "every": lazy_gettext("Every few days"),
                   "dates": lazy_gettext("On the days I list")}
CERTIFICATE_LABELS = {"vietgap": "VietGAP", "globalgap": "GlobalG.A.P.", "organic": lazy_gettext("Organic")}
TRACE_REASON_LABELS = {
    "ok": lazy_gettext("traceable"),
    "no_lots": lazy_gettext("no lot named for this order"),
    "no_code": lazy_gettext("a harvest has no growing-area code"),
    "no_harvest_date": lazy_gettext("a harvest has no harvest date"),
    "expired": lazy_gettext("the growing-area code had expired on the harvest day"),
    "suspended": lazy_gettext("the growing-area code was suspended on the harvest day"),
    "revoked": lazy_gettext("the growing-area code was revoked on the harvest day"),
    "pending": lazy_gettext("the growing-area code was not yet verified on the harvest day"),
    "not_issued": lazy_gettext("the growing-area code was not yet issued on the harvest day"),
    "other_crop": lazy_gettext("a harvest was recorded under the growing-area code of another crop"),
    "not_member": lazy_gettext("a harvest carries a cooperative's code from a day the club was not its member"),
}


def trace_reason(reason: str) -> str:
    found = TRACE_REASON_LABELS.get(reason)
    return str(found or lazy_gettext("the growing-area code was not active on the harvest day"))
