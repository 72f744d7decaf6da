"""What order use cases say when they refuse: the messages by key, and `fail`, which raises one.

Shared by the lifecycle (placing, changing state) and the payment use cases, so that a key means
the same words wherever it is raised.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.errors import ValidationError

MESSAGES = {
    "required": _l("This field is required."),
    "positive": _l("Enter a number above zero."),
    "too_large": _l("That number is too large."),
    "not_a_number": _l("Enter a number, e.g. 1500 or 2,5."),
    "not_a_price": _l("Enter a price in đồng, e.g. 38000 or 38k."),
    "below_min_order": _l("The minimum order is %(min)s %(unit)s."),
    "negotiable": _l("The price of this listing is negotiable: contact the seller, or post a request and "
                     "order from their offer."),
    "not_on_sale": _l("This listing is not on sale now."),
    "too_little": _l("Only %(left)s %(unit)s left: order at most that."),
    "price_changed": _l("The seller changed the price a moment ago: look at the listing again."),
    "own_listing": _l("You cannot order from your own organisation."),
    "status_change": _l("That change is not possible from the order's current status."),
    "changed": _l("Someone else changed this order a moment ago. Look at it again."),
    "cannot_cancel": _l("Money has been received for this order: settle it with the other side instead."),
    "not_payable": _l("This order is not waiting for a payment."),
    "amount_range": _l("Enter an amount above zero, at most the amount still due."),
    "not_claimable": _l("This order is not waiting for a transfer from you."),
    "offer_not_accepted": _l("Only an accepted offer can be ordered."),
    "offer_no_price": _l("This offer has no price: ask the club for a price first."),
    "offer_ordered": _l("This offer is already ordered."),
    "option_locked": _l("The payment choice is fixed once money is received."),
    "option_unknown": _l("Choose full payment or a deposit."),
    "note_too_long": _l("This text is too long."),
    "offer_units": _l("This offer is in %(offer_unit)s but its listing is in %(listing_unit)s, which cannot be "
                      "converted: ask the club to make the offer again in %(listing_unit)s."),
}


def fail(key: str, field_name: str = "quantity", error=ValidationError, **params):
    message = str(MESSAGES[key]) % params if params else str(MESSAGES[key])
    raise error(message, fields={field_name: [message]})
