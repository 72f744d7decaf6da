"""What the fairs use cases say when something cannot be done, by key (lazy translations), shared
by the services and the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "unknown_choice": _l("Choose one of the options."),
    "window_order": _l("The last day cannot be before the first."),
    "apply_after_start": _l("The application deadline cannot be after the fair starts."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "not_a_number": _l("Enter a whole number."),
    "not_a_price": _l("Enter an amount in đồng, e.g. 1.500.000."),
    "booth_count": _l("A booth kind has 1 to 2000 booths."),
    "fee_range": _l("A fee is between 0 (free) and 1.000.000.000 ₫."),
    "bad_prefix": _l("A number prefix has at most 10 letters, digits or dashes (e.g. A-)."),
    "prefix_taken": _l("Another booth kind of this fair uses this prefix."),
    "below_given": _l("%(given)d booths of this kind are already given: the count cannot be lower."),
    "kind_in_use": _l("Organisations applied for this booth kind: it cannot be removed."),
    "no_booth_kinds": _l("Add at least one booth kind."),
    "choose_booth": _l("Choose a kind of booth."),
    "bad_phone": _l("Enter a Vietnamese phone number, e.g. 0912 345 678."),
    "no_products": _l("Pick at least one of your listings, or type what you will bring."),
    "not_your_listing": _l("Pick from your own listings on sale."),
    "reason_required": _l("Say why the application is declined: the applicant reads it."),
}

REFUSALS = {
    "not_open": _l("This fair does not take applications."),
    "deadline_passed": _l("Applications for this fair closed on %(day)s."),
    "not_exhibitor": _l("Only a club, cooperative or business can apply for a booth."),
    "already_applied": _l("Your organisation has already applied for this fair."),
    "changed": _l("This application changed in the meantime; here it is as it is now."),
    "no_booth_left": _l("No booth of this kind is left: the application is on the waitlist."),
    "not_payable": _l("This application is not waiting for a payment."),
    "not_publishable": _l("Only a draft fair can be published."),
    "not_cancellable": _l("This fair is already cancelled."),
}
