"""The forms of lots: a new lot, an event (or a correction), a split, a packing, and on an
order's page the lots it delivered and the buyer's receipt."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.fields import BooleanField, FieldList, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.forms import date_field, max_length, quantity_field
from marketplace.traceability.lot_rules import LIMITS

SOURCE_ROWS = 4
SHIPMENT_ROWS = 4
ORDER_LOT_ROWS = 3


class LotForm(FlaskForm):
    listing_id = SelectField(_l("From one of your listings"), choices=[], validate_choice=False)
    product = StringField(_l("Product"), validators=[Optional(), max_length(LIMITS["product"])],
                          render_kw={"placeholder": _l("e.g. xoài cát Chu")})
    variety = StringField(_l("Variety"), validators=[Optional(), max_length(LIMITS["variety"])])
    quantity = quantity_field(_l("Quantity"))
    unit = StringField(_l("Unit"), validators=[Optional(), max_length(LIMITS["unit"])],
                       render_kw={"placeholder": _l("e.g. kg, tấn, thùng 10 kg")})
    harvested_on = date_field(_l("Harvest date"), optional=True)
    best_before = date_field(_l("Best before"), optional=True)
    growing_area_code = SelectField(_l("Growing-area code"), choices=[], validate_choice=False)
    packing_house_code = SelectField(_l("Packing-house code"), choices=[], validate_choice=False)
    producer_name = StringField(_l("Grown by (household)"),
                                validators=[Optional(), max_length(LIMITS["producer_name"])])
    code = StringField(_l("Your own lot code"), validators=[Optional(), max_length(LIMITS["code"])],
                       render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    gtin = StringField(_l("GTIN (barcode number)"), validators=[Optional(), max_length(20)],
                       render_kw={"inputmode": "numeric"})
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(LIMITS["note"])])


class EventForm(FlaskForm):
    kind = SelectField(_l("Step"), choices=[], validate_choice=False)
    happened_at = StringField(_l("When"), validators=[Optional(), max_length(40)],
                              render_kw={"placeholder": _l("dd/mm/yyyy HH:MM"), "autocomplete": "off"})
    commune_query = StringField(_l("Commune or ward"), validators=[Optional(), max_length(120)])
    commune_code = HiddenField()
    place = StringField(_l("Place"), validators=[Optional(), max_length(LIMITS["place"])],
                        render_kw={"placeholder": _l("e.g. Nhà sơ chế HTX")})
    actor_name = StringField(_l("Who"), validators=[Optional(), max_length(LIMITS["actor_name"])])
    quantity = quantity_field(_l("Quantity"), optional=True)
    unit = StringField(_l("Unit"), validators=[Optional(), max_length(LIMITS["unit"])])
    corrects_event_id = SelectField(_l("Corrects"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Note (for a correction: what was wrong)"),
                         validators=[Optional(), max_length(LIMITS["note"])])


class SplitForm(FlaskForm):
    shipments = FieldList(quantity_field(_l("Shipment quantity"), optional=True), min_entries=SHIPMENT_ROWS)


class SourceForm(Form):
    code = StringField(_l("Lot code"), validators=[Optional(), max_length(60)])
    quantity = quantity_field(_l("Quantity taken (empty: all that is left)"), optional=True)


class PackForm(FlaskForm):
    sources = FieldList(FormField(SourceForm), min_entries=SOURCE_ROWS)
    quantity = quantity_field(_l("Quantity of the packed lot"), optional=True)
    unit = StringField(_l("Unit"), validators=[Optional(), max_length(LIMITS["unit"])])
    packing_house_code = SelectField(_l("Packing-house code"), choices=[], validate_choice=False)
    code = StringField(_l("Your own lot code"), validators=[Optional(), max_length(LIMITS["code"])])
    place = StringField(_l("Place"), validators=[Optional(), max_length(LIMITS["place"])])


class OrderLotForm(Form):
    code = SelectField(_l("Lot"), choices=[], validate_choice=False)
    quantity = quantity_field(_l("Quantity (empty: all of it)"), optional=True)


class OrderLotsForm(FlaskForm):
    lots = FieldList(FormField(OrderLotForm), min_entries=ORDER_LOT_ROWS)


class ReceiptForm(FlaskForm):
    show_name = BooleanField(_l("Show our name on the trace page"), default=False)
