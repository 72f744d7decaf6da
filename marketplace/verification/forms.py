"""The board's founding-decision form and staff's decision form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.credentials.forms import SCAN_TYPES
from marketplace.forms import choices, date_field, max_length, required
from marketplace.verification import rules


class DecisionForm(FlaskForm):
    """A club's or cooperative's founding decision (quyết định thành lập / công nhận)."""

    number = StringField(_l("Decision number"), validators=[required(), max_length(rules.MAX_NUMBER)],
                         render_kw={"placeholder": "125/QĐ-UBND", "autocapitalize": "characters"})
    decided_on = date_field(_l("Date of the decision"))
    commune_query = StringField(_l("Commune or ward that issued it"), validators=[Optional(), max_length(160)],
                                render_kw={"autocomplete": "off"})
    commune_code = HiddenField()
    issuer = StringField(_l("Issued by (as written on the paper)"), validators=[Optional(), max_length(200)],
                         render_kw={"placeholder": "UBND xã Mỹ Xương"})
    scan = FileField(_l("Scan or photo of the decision"), render_kw={"accept": SCAN_TYPES})
    scan_key = HiddenField()


class StaffDecisionForm(FlaskForm):
    action = SelectField(choices=choices([(action, "") for action in rules.TRANSITIONS]))
    reason = TextAreaField(_l("Reason (shown to the organisation)"),
                           validators=[Optional(), max_length(rules.MAX_REASON)])
    seen = HiddenField()  # services.version_of what the page showed

