"""The forms of tourism: an offer (the club), a booking request (the visitor), the club's answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.forms import amount_field, choices, date_field, max_length, required
from marketplace.tourism.labels import KIND_LABELS
from marketplace.tourism.rules import LIMITS


class OfferForm(FlaskForm):
    kind = SelectField(_l("Kind of visit"), choices=choices(KIND_LABELS.items()), default="orchard_visit")
    title = StringField(_l("Name of the visit"), validators=[required(), max_length(LIMITS["title"])],
                        render_kw={"placeholder": _l("e.g. Orchard visit and mango picking")})
    title_en = StringField(_l("Name in English"), validators=[Optional(), max_length(LIMITS["title_en"])])
    description = TextAreaField(_l("What visitors do"), validators=[Optional(), max_length(LIMITS["description"])])
    description_en = TextAreaField(_l("What visitors do, in English"),
                                   validators=[Optional(), max_length(LIMITS["description_en"])])
    months = StringField(_l("Season (months)"), validators=[Optional(), max_length(LIMITS["months"])],
                         render_kw={"placeholder": _l("e.g. 5-8, or quanh năm")})
    min_group = StringField(_l("Smallest group"), validators=[Optional(), max_length(6)],
                            render_kw={"inputmode": "numeric"})
    max_group = StringField(_l("Largest group"), validators=[Optional(), max_length(6)],
                            render_kw={"inputmode": "numeric"})
    price_per_person_vnd = amount_field(_l("Price per person (₫, empty = by agreement)"), optional=True)
    included = TextAreaField(_l("What is included"), validators=[Optional(), max_length(LIMITS["included"])])
    directions = TextAreaField(_l("How to get there"), validators=[Optional(), max_length(LIMITS["directions"])])
    photo_ids = SelectMultipleField(_l("Photos"), choices=[], coerce=str, validate_choice=False,
                                    option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))


class BookingForm(FlaskForm):
    visit_on = date_field(_l("Day of the visit"))
    group_size = StringField(_l("How many people"), validators=[required(), max_length(6)],
                             render_kw={"inputmode": "numeric"})
    contact_name = StringField(_l("Contact person"), validators=[required(), max_length(LIMITS["contact_name"])])
    contact_phone = StringField(_l("Contact phone"), validators=[required(), max_length(LIMITS["contact_phone"])],
                                render_kw={"inputmode": "tel", "autocomplete": "tel"})
    note = TextAreaField(_l("Note for the club"), validators=[Optional(), max_length(LIMITS["note"])])


class AnswerForm(FlaskForm):
    action = HiddenField()
    proposed_on = date_field(_l("Another day"), optional=True)
    reply = TextAreaField(_l("Message for the visitor"), validators=[Optional(), max_length(LIMITS["reply"])])


class ButtonForm(FlaskForm):
    """A form of buttons only (publish, pause, take the day, cancel): its CSRF token."""
