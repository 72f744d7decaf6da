"""The forms of membership: an invitation (the board), joining by code (the invited), a household."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.forms import max_length, required

ROLE_LABELS = {"seller": _l("Seller (lists the club's produce)"), "buyer": _l("Buyer (orders for the organisation)"),
               "board": _l("Board member (invites members, records households)")}


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), max_length(120)],
                       render_kw={"autocomplete": "off", "placeholder": _l("e.g. Nguyễn Văn Tư")})
    contact = StringField(_l("Phone number or e-mail"), validators=[required(), max_length(254)],
                          render_kw={"autocomplete": "off", "placeholder": "0912 345 678"})
    role = SelectField(_l("Joins as"), choices=[], validate_choice=False)
    title = StringField(_l("Title (optional)"), validators=[Optional(), max_length(80)],
                        render_kw={"placeholder": _l("e.g. Phó chủ nhiệm, Thành viên")})


class JoinCodeForm(FlaskForm):
    contact = StringField(_l("Phone number or e-mail the invitation was sent to"),
                          validators=[required(), max_length(254)], render_kw={"autocomplete": "tel"})
    code = StringField(_l("6-digit code"), validators=[required(), max_length(12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class HouseholdForm(FlaskForm):
    name = StringField(_l("Household name"), validators=[required(), max_length(120)],
                       render_kw={"placeholder": _l("e.g. Hộ ông Nguyễn Văn Tư")})
    commune_query = StringField(_l("Commune or ward (optional)"), validators=[Optional(), max_length(120)])
    commune_code = HiddenField()
    area_ha = StringField(_l("Area (ha, optional)"), validators=[Optional(), max_length(12)],
                          render_kw={"inputmode": "decimal", "placeholder": "1,5"})
    crops = StringField(_l("Crops (optional)"), validators=[Optional(), max_length(300)],
                        render_kw={"placeholder": _l("e.g. xoài cát Chu, sầu riêng")})
    planting_code_ids = SelectMultipleField(_l("Planting codes the household farms under"), choices=[], coerce=str,
                                            validate_choice=False, option_widget=CheckboxInput(),
                                            widget=ListWidget(prefix_label=False))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_length(2000)])
