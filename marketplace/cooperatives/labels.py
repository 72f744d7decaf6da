"""The words of a club's road to a cooperative."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STAGE_LABELS = {"interested": _l("Interested"), "qualified": _l("Meets the conditions"),
                "guided": _l("Guided by staff"), "dossier": _l("Registration dossier filed"),
                "founded": _l("Cooperative founded")}
FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "choice": _l("Choose one of the options."),
    "future": _l("A step is recorded once taken: the day cannot be in the future."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "not_a_number": _l("Enter a whole number."),
    "already_founded": _l("This club's cooperative is already recorded."),
    "not_cooperative": _l("Choose a cooperative (an organisation of the kind cooperative)."),
    "households": _l("Enter the number of households that joined, e.g. 25."),
    "too_long": _l("This text is too long."),
}

MEMBER_STATUS_LABELS = {"proposed": _l("Proposed"), "active": _l("Member"), "ended": _l("Ended"),
                        "declined": _l("Declined")}
MEMBER_MESSAGES = {
    "required": _l("Say why: the other side reads it."),
    "too_long": _l("This text is too long."),
    "not_cooperative": _l("Choose a cooperative (an organisation of the kind cooperative)."),
    "not_club": _l("Choose a club (a Hội quán or cooperative group)."),
    "already_open": _l("These two are already members, or a proposal between them is waiting for an answer."),
    "not_now": _l("That is no longer possible: the membership has changed meanwhile. See it as it is now."),
}
