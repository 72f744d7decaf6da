"""The forms of fairs: a fair with its booth kinds (staff), an application, staff decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.fields import (
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.fairs.labels import FAIR_KIND_LABELS
from marketplace.fairs.rules import LIMITS, MAX_BOOTH_KINDS
from marketplace.forms import amount_field, choices, date_field, max_length, required

BLANK_BOOTH_ROWS = 2


class BoothKindForm(Form):
    id = HiddenField()
    name = StringField(_l("Booth kind"), validators=[Optional(), max_length(LIMITS["booth_name"])],
                       render_kw={"placeholder": _l("e.g. Standard booth 3×3 m")})
    name_en = StringField(_l("Booth kind in English"), validators=[Optional(), max_length(LIMITS["booth_name"])])
    count = StringField(_l("How many booths"), validators=[Optional(), max_length(12)],
                        render_kw={"inputmode": "numeric"})
    fee_vnd = amount_field(_l("Fee (₫, 0 = free)"), optional=True)
    number_prefix = StringField(_l("Booth number prefix"), validators=[Optional(), max_length(LIMITS["number_prefix"])],
                                render_kw={"placeholder": "A-"})


class FairForm(FlaskForm):
    kind = SelectField(_l("Kind of event"), choices=choices(FAIR_KIND_LABELS.items()), default="fair")
    name = StringField(_l("Name"), validators=[required(), max_length(LIMITS["name"])])
    name_en = StringField(_l("Name in English"), validators=[Optional(), max_length(LIMITS["name_en"])])
    starts_on = date_field(_l("First day"))
    ends_on = date_field(_l("Last day"))
    apply_by = date_field(_l("Applications until"), optional=True)
    venue = StringField(_l("Venue"), validators=[Optional(), max_length(LIMITS["venue"])])
    commune_query = StringField(_l("Commune or ward"), validators=[Optional(), max_length(120)])
    commune_code = HiddenField()
    organiser_name = StringField(_l("Organiser"), validators=[Optional(), max_length(LIMITS["organiser_name"])])
    organiser_org_id = SelectField(_l("Booth fees are paid to"), choices=[], validate_choice=False)
    description = TextAreaField(_l("Description"), validators=[Optional(), max_length(LIMITS["description"])])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Optional(), max_length(LIMITS["description_en"])])
    booths = FieldList(FormField(BoothKindForm), min_entries=1, max_entries=MAX_BOOTH_KINDS)


class ApplicationForm(FlaskForm):
    booth_kind_id = SelectField(_l("Kind of booth"), choices=[], validate_choice=False)
    listing_ids = SelectMultipleField(_l("Listings you will bring"), choices=[], coerce=str, validate_choice=False,
                                      option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    products_text = TextAreaField(_l("Other products you will bring"),
                                  validators=[Optional(), max_length(LIMITS["products_text"])])
    contact_name = StringField(_l("Contact person"), validators=[required(), max_length(LIMITS["contact_name"])])
    contact_phone = StringField(_l("Contact phone"), validators=[required(), max_length(LIMITS["contact_phone"])],
                                render_kw={"inputmode": "tel", "autocomplete": "tel"})
    note = TextAreaField(_l("Note for the organisers"), validators=[Optional(), max_length(LIMITS["note"])])


class DecisionForm(FlaskForm):
    action = HiddenField()
    reason = TextAreaField(_l("Reason (shown to the applicant)"), validators=[Optional(), max_length(LIMITS["reason"])])


class TransferForm(FlaskForm):
    reference = StringField(_l("Bank reference"), validators=[Optional(), max_length(200)])


class ButtonForm(FlaskForm):
    """A form of buttons only (publish, cancel, withdraw, pay by card): its CSRF token."""
