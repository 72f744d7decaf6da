"""The words for credentials: kinds of certificate and code, and their verification status."""

from __future__ import annotations

from flask_babel import lazy_gettext

CERTIFICATE_TYPE_LABELS = {
    "vietgap": "VietGAP", "globalgap": "GlobalGAP", "organic": lazy_gettext("Organic"), "ocop": "OCOP",
}
CODE_KIND_LABELS = {"growing_area": lazy_gettext("Planting area code"),
                    "packing_house": lazy_gettext("Packing-house code")}
CREDENTIAL_STATUS_LABELS = {
    "pending": lazy_gettext("Not verified"),
    "active": lazy_gettext("Verified"),
    "suspended": lazy_gettext("Suspended"),
    "revoked": lazy_gettext("Revoked"),
    "expired": lazy_gettext("Expired"),
    "not_certified": lazy_gettext("Below 3 stars: not OCOP-certified"),
}
