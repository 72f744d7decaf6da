"""The forms of chains: a new chain (the buyer), an answer (a party), cancel or end, an order
attached or placed for a planned delivery."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.chains.labels import CERTIFICATE_LABELS, PRICE_TERM_LABELS, SCHEDULE_LABELS
from marketplace.chains.rules import LIMITS
from marketplace.forms import amount_field, choices, date_field, max_length, quantity_field, required


class ChainForm(FlaskForm):
    title = StringField(_l("Name of the chain"), validators=[required(), max_length(LIMITS["title"])],
                        render_kw={"placeholder": _l("e.g. Xoài cát Chu vụ 2027")})
    product = StringField(_l("Product"), validators=[required(), max_length(LIMITS["product"])],
                          render_kw={"placeholder": _l("e.g. xoài cát Chu")})
    variety = StringField(_l("Variety"), validators=[Optional(), max_length(LIMITS["variety"])])
    season_from = date_field(_l("Season starts"))
    season_to = date_field(_l("Season ends"))
    total_quantity = StringField(_l("Total for the season"), validators=[required(), max_length(30)],
                                 render_kw={"placeholder": _l("e.g. 60 tấn")})
    per_delivery_quantity = StringField(_l("Per delivery"), validators=[Optional(), max_length(30)],
                                        render_kw={"placeholder": _l("e.g. 2,5 tấn")})
    price_terms = SelectField(_l("Price terms"), choices=choices(PRICE_TERM_LABELS.items()), default="fixed")
    price_vnd = amount_field(_l("Price (₫ per kg)"), optional=True)
    price_note = TextAreaField(_l("Market reference or price note"),
                               validators=[Optional(), max_length(LIMITS["price_note"])])
    quality_standard = TextAreaField(_l("Quality standard"),
                                     validators=[Optional(), max_length(LIMITS["quality_standard"])])
    requires_growing_area_code = BooleanField(_l("Every lot must come from a growing area with a code"),
                                              default=True)
    certificates = SelectMultipleField(_l("Certificates required"), choices=choices(CERTIFICATE_LABELS.items()),
                                       coerce=str, option_widget=CheckboxInput(),
                                       widget=ListWidget(prefix_label=False))
    schedule_kind = SelectField(_l("Deliveries"), choices=choices(SCHEDULE_LABELS.items()), default="weekly")
    every_days = StringField(_l("Every how many days"), validators=[Optional(), max_length(4)],
                             render_kw={"inputmode": "numeric"})
    first_delivery = date_field(_l("First delivery"), optional=True)
    last_delivery = date_field(_l("Last delivery"), optional=True)
    dates = TextAreaField(_l("Delivery days"), validators=[Optional(), max_length(LIMITS["dates"])],
                          render_kw={"placeholder": "15/06/2027\n30/06/2027"})
    schedule_note = TextAreaField(_l("Where and how deliveries are made"),
                                  validators=[Optional(), max_length(LIMITS["schedule_note"])])
    party_query = StringField(_l("Find a club or cooperative"), validators=[Optional(), max_length(120)])
    party_ids = SelectMultipleField(_l("Clubs and cooperatives"), choices=[], coerce=str, validate_choice=False,
                                    option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))


class AnswerForm(FlaskForm):
    reason = TextAreaField(_l("Why you decline"), validators=[Optional(), max_length(LIMITS["reason"])])


class CloseForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), max_length(LIMITS["reason"])])


class AttachForm(FlaskForm):
    order = StringField(_l("Order number"), validators=[required(), max_length(20)],
                        render_kw={"placeholder": "CHQ-000123"})
    delivery_id = SelectField(_l("For the planned delivery"), choices=[], validate_choice=False)


class PlaceForm(FlaskForm):
    listing_id = SelectField(_l("From the listing"), choices=[], validate_choice=False)
    quantity = quantity_field(_l("Quantity"))
    note = TextAreaField(_l("Note to the seller"), validators=[Optional(), max_length(1000)])
