"""The words for catalogs: an entry's state, filters, problems (given to the catalog pages by
their blueprint's context processor)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ENTRY_STATE_LABELS = {
    "on_sale": _l("On sale"),
    "sold_out": _l("All sold out"),
    "paused": _l("Paused"),
    "expired": _l("No longer on sale"),
    "withdrawn": _l("No longer on sale"),
    "organisation": "",
}
CATALOG_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published")}
CREDENTIAL_KIND_LABELS = {
    "vietgap": "VietGAP",
    "globalgap": "GlobalG.A.P.",
    "organic": _l("Organic"),
    "ocop": "OCOP",
    "growing_area": _l("Growing-area code"),
    "packing_house": _l("Packing-house code"),
}
PROBLEMS = {
    "required": _l("Please fill this in."),
    "too_long": _l("This is too long."),
    "no_section": _l("Add a section first."),
    "section": _l("Choose a section of this catalog."),
    "listing": _l("That listing is not this organisation's."),
    "listing_draft": _l("That listing is a draft: it can go into a catalog once it is published."),
    "org": _l("We could not find that organisation."),
    "empty": _l("A catalog needs at least one entry to be published."),
    "fair": _l("We could not find that fair."),
}
