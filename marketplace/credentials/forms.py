"""Forms to enter certificates and codes, and for staff decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.credentials.labels import CERTIFICATE_TYPE_LABELS, CODE_KIND_LABELS
from marketplace.credentials.services import PROBLEM_MESSAGES
from marketplace.forms import choices, date_field, max_length, required


class CertificateForm(FlaskForm):
    # WTForms has no Vietnamese: say in our words what its "Not a valid choice." means.
    type = SelectField(_l("Kind"), choices=choices(CERTIFICATE_TYPE_LABELS.items()), validators=[required()],
                       invalid_choice_message=PROBLEM_MESSAGES["type_unknown"])
    number = StringField(_l("Certificate or decision number"), validators=[required(), max_length(60)],
                         render_kw={"autocapitalize": "characters"})
    product_text = StringField(_l("Product"), validators=[Optional(), max_length(200)])
    stars = SelectField(_l("OCOP stars"), choices=choices([("", "—")] + [(str(n), "★" * n) for n in range(1, 6)]),
                        validators=[Optional()], invalid_choice_message=PROBLEM_MESSAGES["stars_range"])
    issuer = StringField(_l("Issued by"), validators=[Optional(), max_length(200)])
    issued_on = date_field(_l("Issued on"), optional=True)
    expires_on = date_field(_l("Valid until"), optional=True)


class PlantingCodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[required(), max_length(40)],
                       render_kw={"autocapitalize": "characters", "placeholder": "VN-DTOR-0017"})
    kind = SelectField(_l("Kind"), choices=choices(CODE_KIND_LABELS.items()), validators=[required()],
                       invalid_choice_message=PROBLEM_MESSAGES["kind_unknown"])
    crop = StringField(_l("Crop"), validators=[Optional(), max_length(120)])
    variety = StringField(_l("Variety"), validators=[Optional(), max_length(120)])
    area_ha = StringField(_l("Area (ha)"), validators=[Optional(), max_length(12)], render_kw={"inputmode": "decimal"})
    markets = StringField(_l("Export markets approved"), validators=[Optional(), max_length(200)],
                          render_kw={"placeholder": "CN; US; EU"})
    issued_on = date_field(_l("Issued on"), optional=True)
    valid_until = date_field(_l("Valid until"), optional=True)


class DecisionForm(FlaskForm):
    action = SelectField(choices=choices([("verify", ""), ("suspend", ""), ("revoke", ""), ("reject", "")]))
    reason = TextAreaField(_l("Reason (shown to the organisation)"), validators=[Optional(), max_length(1000)])
