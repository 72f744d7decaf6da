"""Forms for meetings at a fair: the buyer's request, and the one form every step posts (its
fields matter only for the steps that use them: an answer, another day and time)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.fairs.meeting_rules import ANSWER_MAX_LENGTH, NOTE_MAX_LENGTH
from marketplace.forms import date_field, max_length, required

TIME_PLACEHOLDER = _l("HH:MM")


def time_field(label, *, optional: bool = False) -> StringField:
    """A time of day typed 09:30 (9h30 works too), Vietnam time; phones show a number keypad."""
    return StringField(label, validators=[Optional() if optional else required(), max_length(10)],
                       render_kw={"placeholder": TIME_PLACEHOLDER, "autocomplete": "off", "inputmode": "numeric"})


def _listing_id(value):
    return int(value) if value not in (None, "", "None") and str(value).isdecimal() else None


class MeetingRequestForm(FlaskForm):
    day = date_field(_l("Day"))
    time = time_field(_l("Time (Vietnam)"))
    listing_id = SelectField(_l("About (optional)"), coerce=_listing_id, validate_choice=False)
    note = TextAreaField(_l("Note for the exhibitor (optional)"),
                         validators=[Optional(), max_length(NOTE_MAX_LENGTH)], render_kw={"rows": 3})


class MeetingStepForm(FlaskForm):
    status = HiddenField()  # the status the person saw: a step on a meeting that changed is refused
    answer = TextAreaField(_l("Short answer"), validators=[Optional(), max_length(ANSWER_MAX_LENGTH)],
                           render_kw={"rows": 2})
    day = date_field(_l("Day"), optional=True)
    time = time_field(_l("Time (Vietnam)"), optional=True)


# Each step posts its own form, named apart so that a page of many meetings never holds two fields
# with one id: "m12-…" for the buttons, "p12-…" to propose, "d12-…" to decline meeting 12.
STEP_PREFIXES = {"propose": "p", "decline": "d"}


def step_prefix(action: str, meeting_id: int) -> str:
    return f"{STEP_PREFIXES.get(action, 'm')}{meeting_id}"


def step_forms(meeting) -> dict[str, MeetingStepForm]:
    """The forms of one meeting's steps on the schedule, by the prefix letter."""
    return {letter: MeetingStepForm(prefix=f"{letter}{meeting.id}", formdata=None, status=meeting.status)
            for letter in ("m", "p", "d")}
