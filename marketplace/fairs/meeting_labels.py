"""The words of meetings at a fair: their states, the steps each side takes, and the problems a
request or an answer can have."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.fairs.meeting_rules import ANSWER_MAX_LENGTH, MEETING_MINUTES, NOTE_MAX_LENGTH

MEETING_STATUS_LABELS = {
    "requested": _l("Asked, waiting for the exhibitor"),
    "proposed": _l("Another time proposed"),
    "accepted": _l("Meeting agreed"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
}

# A column of the figures per state, under a "Meetings" heading: a word or two on a phone.
MEETING_STATE_COLUMN_LABELS = {
    "requested": _l("waiting"),
    "proposed": _l("other time"),
    "accepted": _l("agreed"),
    "declined": _l("declined"),
    "cancelled": _l("cancelled"),
}

MEETING_ACTION_LABELS = {
    "accept": _l("Accept the meeting"),
    "decline": _l("Decline"),
    "propose": _l("Propose another time"),
    "take": _l("Accept the proposed time"),
    "cancel": _l("Cancel the meeting"),
}


def problem_messages() -> dict:
    """Problem keys of meeting_rules and meetings, in the reader's language."""
    return {
        "required": _l("This field is required."),
        "not_a_date": _l("Enter a date as dd/mm/yyyy."),
        "not_a_time": _l("Enter a time as HH:MM, e.g. 09:30."),
        "outside_fair": _l("Choose a day of the fair."),
        "past": _l("This time is already over."),
        "too_long": _l("This is too long (at most %(max)d characters).", max=NOTE_MAX_LENGTH),
        "answer_too_long": _l("This is too long (at most %(max)d characters).", max=ANSWER_MAX_LENGTH),
        "answer_required": _l("Write a short answer for the buyer."),
        "not_theirs": _l("Choose one of the exhibitor's listings."),
    }


SLOT_HINT = _l("A meeting lasts %(minutes)d minutes.", minutes=MEETING_MINUTES)
