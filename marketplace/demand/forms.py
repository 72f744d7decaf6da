"""Forms for demand posts, offers and the buyer's decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.demand.labels import FREQUENCY_LABELS
from marketplace.forms import amount_field, choices, date_field, max_length, quantity_field, required
from marketplace.listings.forms import MultiCheckboxField, UnitField, unit_choices


class DemandForm(FlaskForm):
    product = StringField(_l("Product"), validators=[required(), max_length(120)],
                          render_kw={"list": "product-names", "autocomplete": "off"})
    variety = StringField(_l("Variety (when it matters)"), validators=[Optional(), max_length(120)])
    quantity = quantity_field(_l("Quantity"))
    unit = UnitField(_l("Unit"), choices=unit_choices(), default="kg",
                     invalid_choice_message=_l("Choose a unit from the list (kg, tonne, bag, box…)."))
    frequency = SelectField(_l("How often"), choices=choices(FREQUENCY_LABELS.items()), default="once")
    needed_from = date_field(_l("Needed from"))
    needed_to = date_field(_l("Needed until"))
    commune_query = StringField(_l("Delivery commune or ward"), validators=[Optional(), max_length(160)],
                                render_kw={"autocomplete": "off"})
    commune_code = HiddenField()
    price_min_vnd = amount_field(_l("Lowest price in đồng, per kg or per unit"), optional=True)
    price_max_vnd = amount_field(_l("Highest price in đồng, per kg or per unit"), optional=True)
    required_certificates = MultiCheckboxField(
        _l("Certificates required"), choices=choices([("vietgap", "VietGAP"), ("globalgap", "GlobalGAP"),
                                                      ("organic", _l("Organic"))]), validators=[Optional()])
    min_ocop_stars = SelectField(_l("Minimum OCOP stars"),
                                 choices=choices([("", _l("Not needed"))] + [(str(n), "★" * n) for n in (3, 4, 5)]),
                                 validators=[Optional()])
    needs_planting_code = BooleanField(_l("An active planting area code is needed"))
    # Typed with a list of countries to pick from (names in both languages): read by
    # markets.read_markets, so "Trung Quoc", "TQ", "china" and "CN" are all China's code.
    export_market = StringField(_l("Export market"), validators=[Optional(), max_length(40)],
                                render_kw={"list": "export-markets", "autocomplete": "off"})
    quality_notes = TextAreaField(_l("Quality and packing"), validators=[Optional(), max_length(4000)])


class OfferForm(FlaskForm):
    quantity = quantity_field(_l("Quantity you can supply"))
    price_vnd = amount_field(_l("Your price in đồng, per kg or per unit"), optional=True)
    delivery_date = date_field(_l("Delivery date"), optional=True)
    listing_id = SelectField(_l("From which listing"), validators=[Optional()])
    note = TextAreaField(_l("Note for the buyer"), validators=[Optional(), max_length(1000)], render_kw={"rows": 3})


class VerifyBuyerForm(FlaskForm):
    tax_code = StringField(_l("Tax code"), validators=[required(), max_length(20)], render_kw={"inputmode": "numeric"})
