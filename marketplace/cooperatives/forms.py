"""The staff's form for a club's step towards a cooperative."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.cooperatives.labels import STAGE_LABELS
from marketplace.cooperatives.rules import END_REASON_LIMIT, LIMITS, MEMBER_ACTIONS
from marketplace.forms import choices, date_field, max_length


class StepForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=choices(STAGE_LABELS.items()), default="interested")
    taken_on = date_field(_l("Day"))
    note = TextAreaField(_l("Staff note (staff only)"), validators=[Optional(), max_length(LIMITS["note"])])
    cooperative_id = SelectField(_l("The cooperative founded (at “Cooperative founded”)"), choices=[],
                                 validate_choice=False)
    households_joined = StringField(_l("Households that joined"), validators=[Optional(), max_length(8)],
                                    render_kw={"inputmode": "numeric"})
    members_joined = TextAreaField(_l("Members who joined (names)"),
                                   validators=[Optional(), max_length(LIMITS["members_joined"])])


class ProposeMemberForm(FlaskForm):
    """A cooperative proposes a club, or a club proposes itself to a cooperative."""

    other_id = SelectField(_l("Propose to"), choices=[], validate_choice=False)


class MemberActionForm(FlaskForm):
    """Accept, decline, withdraw, leave or (staff) end one membership; the reason the other side reads."""

    action = SelectField(_l("Action"), choices=choices((a, a) for a in MEMBER_ACTIONS))
    reason = TextAreaField(_l("Reason (the other side reads it)"),
                           validators=[Optional(), max_length(END_REASON_LIMIT)])
