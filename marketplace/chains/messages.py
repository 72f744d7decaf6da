"""What the chains use cases say when something cannot be done, by key (lazy translations), shared
by the services and the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "unknown_choice": _l("Choose one of the options."),
    "positive": _l("Enter a quantity above zero."),
    "too_large": _l("This quantity is too large."),
    "not_a_quantity": _l("Enter a quantity with its unit, e.g. 60 tấn or 2,5 tấn."),
    "unit_mismatch": _l("Give this quantity in a unit that converts to the total's (tấn, kg, tạ)."),
    "above_total": _l("One delivery cannot be more than the total."),
    "season_order": _l("The season cannot end before it starts."),
    "season_too_long": _l("A season lasts at most three years."),
    "season_over": _l("This season is already over."),
    "price_required": _l("Enter the price in đồng, e.g. 35.000."),
    "price_range": _l("A price is between 1 and 1.000.000.000 ₫."),
    "not_a_price": _l("Enter an amount in đồng, e.g. 35.000."),
    "market_reference": _l("Say which market price the chain follows, e.g. giá chợ đầu mối Cái Bè trừ 5 %."),
    "no_parties": _l("Choose at least one club or cooperative."),
    "too_many_parties": _l("A chain has at most 20 clubs or cooperatives."),
    "not_a_party": _l("Choose clubs or cooperatives from the list."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "not_a_number": _l("Enter a whole number."),
    "every_days": _l("Enter how many days between deliveries, from 1 to 90."),
    "no_deliveries": _l("The schedule gives no delivery day: check the first and last day."),
    "too_many_deliveries": _l("A chain has at most 120 planned deliveries."),
    "outside_season": _l("Every delivery day must be within the season."),
    "reason_required": _l("Say why: the other side reads it."),
}

REFUSALS = {
    "not_open": _l("This chain is not waiting for your answer."),
    "not_a_party": _l("Your organisation is not a party to this chain."),
    "already_answered": _l("Your organisation has already answered."),
    "not_cancellable": _l("This chain cannot be cancelled: orders were delivered against it. End it instead."),
    "not_endable": _l("Only an active chain with deliveries can be ended."),
    "not_active": _l("Orders are delivered against a chain only while it is active."),
    "already_in_chain": _l("This order is already delivered against a chain."),
    "wrong_buyer": _l("This order was not placed by the chain's buyer."),
    "wrong_seller": _l("This order's seller is not a party to this chain."),
    "wrong_product": _l("This order is not for the chain's product."),
    "order_closed": _l("A declined, cancelled or expired order cannot count for a chain."),
    "no_such_order": _l("No such order between the two sides: check its number."),
    "no_such_delivery": _l("Choose one of the chain's planned deliveries."),
    "not_your_listing": _l("Choose a listing of one of the chain's clubs or cooperatives."),
}
