"""The forms of club activity: an activity, a concern (the board or staff), and staff's assignment,
answer and the close/reopen buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.activity.labels import ACTIVITY_KIND_LABELS, CONCERN_KIND_LABELS
from marketplace.activity.rules import LIMITS
from marketplace.forms import choices, date_field, max_length, required


class ActivityForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(ACTIVITY_KIND_LABELS.items()), default="meeting")
    held_on = date_field(_l("Day held"))
    topic = StringField(_l("Topic"), validators=[required(), max_length(LIMITS["topic"])],
                        render_kw={"placeholder": _l("e.g. Bagging mangoes against fruit flies")})
    attendees = StringField(_l("How many came (optional)"), validators=[Optional(), max_length(30)],
                            render_kw={"placeholder": _l("e.g. 25, or khoảng 30")})
    experts = TextAreaField(_l("Experts invited (names and where they are from)"),
                            validators=[Optional(), max_length(LIMITS["experts"])])
    note = TextAreaField(_l("Note (staff and the board only)"), validators=[Optional(), max_length(LIMITS["note"])])


class ConcernForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(CONCERN_KIND_LABELS.items()), default="difficulty")
    title = StringField(_l("In one line"), validators=[required(), max_length(LIMITS["title"])],
                        render_kw={"placeholder": _l("e.g. Need a loan for a packing house")})
    body = TextAreaField(_l("Details"), validators=[Optional(), max_length(LIMITS["body"])])
    raised_on = date_field(_l("Day raised"), optional=True)


class AssignForm(FlaskForm):
    handler = StringField(_l("Who handles it (agency or person)"),
                          validators=[Optional(), max_length(LIMITS["handler"])],
                          render_kw={"placeholder": _l("e.g. Sở Nông nghiệp, Phòng Kinh tế xã")})
    handler_user_id = SelectField(_l("Staff member following it (optional)"), choices=[], validate_choice=False)
    due_on = date_field(_l("Answer due by"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("The answer"), validators=[required(), max_length(LIMITS["answer"])])


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why it is not settled (optional)"),
                           validators=[Optional(), max_length(LIMITS["reason"])])
