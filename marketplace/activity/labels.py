"""The words of club activity: kinds, statuses, actions, and the problems rules.py reports (lazy
translations, keyed as the rules report them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIVITY_KIND_LABELS = {"meeting": _l("Meeting"), "training": _l("Training"), "workshop": _l("Workshop")}
CONCERN_KIND_LABELS = {"difficulty": _l("Difficulty"), "proposal": _l("Proposal")}
CONCERN_STATUS_LABELS = {"open": _l("Waiting for staff's answer"), "assigned": _l("Being handled"),
                         "answered": _l("Answered"), "closed": _l("Settled")}
ACTION_LABELS = {"assign": _l("Assign"), "answer": _l("Answer"), "close": _l("Mark as settled"),
                 "reopen": _l("Not settled: reopen")}

FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "choice": _l("Choose one of the options."),
    "too_long": _l("This text is too long."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "future": _l("This day is still to come: record it once it has happened."),
    "too_old": _l("Check the year: write a day from 2000 on."),
    "past": _l("The due day cannot be in the past."),
    "attendees": _l("Write how many came as one number, e.g. 25 or “khoảng 30”."),
    "attendees_range": _l("The number who came must be between 1 and 100,000."),
    "handler_required": _l("Say who handles it: an agency or person, or a staff member."),
    "handler_user": _l("Choose a staff member from the list."),
}
NOT_NOW = _l("That is no longer possible: the concern has changed meanwhile. See it as it is now.")
