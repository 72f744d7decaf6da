"""The words of the price board: the markets' names, and what the services say about a price row
(lazy translations, keyed as rules.py reports)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MARKET_LABELS = {"farm_gate": _l("Farm gate"), "wholesale": _l("Wholesale market"),
                 "supermarket": _l("Supermarket"), "export": _l("Export")}
OBSERVED_LABELS = {"listings": _l("Listings on the site"), "offers": _l("Offers to buyers' requests"),
                   "orders": _l("Paid orders")}

FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "choice": _l("Choose one of the options."),
    "not_a_price": _l("Enter a price in đồng, e.g. 35.000, 35k or 35-42k."),
    "positive": _l("A price is above zero."),
    "too_large": _l("That price is too large."),
    "thousands": _l("Under 1,000 đồng a kilogram: write the price in đồng — 35k or 35.000 for 35 nghìn."),
    "min_above_max": _l("The highest price cannot be below the lowest."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "future": _l("The day a price was seen cannot be in the future."),
    "too_old": _l("Check the year: prices start in 2000."),
    "product_unreadable": _l("Write the product in words, e.g. xoài cát Chu."),
    "unit_unreadable": _l("Write the unit as a word or two, e.g. kg, túi, thùng 10 kg."),
    "no_commune": _l("No commune has this code."),
    "ref_taken": _l("Another price already has this ref."),
}
