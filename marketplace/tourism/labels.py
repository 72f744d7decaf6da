"""The words of tourism: kinds of offer, an offer's and a booking's status, month names, and what
the services say when something cannot be done (lazy translations, keyed as rules.py reports)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {"orchard_visit": _l("Orchard visit"), "picking": _l("Fruit picking"),
               "farm_stay": _l("Farm stay"), "boat_trip": _l("Boat trip"), "other": _l("Other visit")}
OFFER_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "paused": _l("Paused")}
BOOKING_STATUS_LABELS = {"requested": _l("Waiting for the club"), "proposed": _l("Another day proposed"),
                         "accepted": _l("Accepted"), "declined": _l("Declined"), "cancelled": _l("Cancelled")}
MONTH_SHORT = {1: _l("Jan"), 2: _l("Feb"), 3: _l("Mar"), 4: _l("Apr"), 5: _l("May"), 6: _l("Jun"),
               7: _l("Jul"), 8: _l("Aug"), 9: _l("Sep"), 10: _l("Oct"), 11: _l("Nov"), 12: _l("Dec")}

FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "choice": _l("Choose one of the options."),
    "months": _l("Write the months like 5-8, “tháng 5 đến tháng 8”, or “quanh năm”."),
    "group_range": _l("A group is 1 to 500 people."),
    "group_order": _l("The largest group cannot be smaller than the smallest."),
    "price_range": _l("Enter a price per person in đồng, e.g. 150.000."),
    "not_a_number": _l("Enter a whole number."),
    "not_a_price": _l("Enter an amount in đồng, e.g. 150.000."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "past": _l("The visit day cannot be in the past."),
    "too_far": _l("Ask for a day within the next 13 months."),
    "out_of_season": _l("This visit runs only in %(months)s: choose a day in those months."),
    "positive": _l("A group has at least one person."),
    "too_large": _l("A group is at most 500 people."),
    "below_min": _l("This visit takes groups of at least %(min)d people."),
    "above_max": _l("This visit takes groups of at most %(max)d people."),
    "bad_phone": _l("Enter a Vietnamese phone number, e.g. 0912 345 678."),
    "not_our_photo": _l("Choose among your organisation's photos."),
    "reply_required": _l("Write a few words for the visitor with the new day."),
    "same_day": _l("Propose a day other than the one asked for."),
}

REFUSALS = {
    "changed": _l("This booking changed in the meantime; here it is as it is now."),
    "too_many_open": _l("You already have %(count)d booking requests open. Wait for an answer or cancel one."),
    "not_bookable": _l("This visit does not take bookings now."),
    "own_club": _l("This is your own club's visit."),
    "blocked": _l("This club does not take requests from your organisation."),
    "offer_changed": _l("This offer cannot be changed that way now."),
    "day_passed": _l("The day of this visit has passed. Propose another day, or decline."),
    "proposed_day_passed": _l("The day the club proposed has passed. Cancel this request and send a new one."),
}
