"""Listing forms. Numbers and dates are text fields parsed by the service, so that "2,5",
"38k" and "31/08/2027" work and errors come in the reader's language."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace import formatting
from marketplace.forms import amount_field, choices, date_field, max_length, quantity_field, required
from marketplace.listings.services import MESSAGES
from marketplace.products.services import read_unit
from marketplace.products.units import UNITS


def _optional_id(value) -> int | None:
    """A select's id, or None for its empty choice (anything not a number reads as none)."""
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and len(text) < 12 else None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _unit_label(code: str) -> str:
    unit = UNITS[code]
    return unit.name_en if formatting.language() == "en" else unit.name_vi


def unit_choices():
    # Labels made when the form is drawn, in the reader's language ("tấn" / "tonne").
    return choices([(code, LazyString(_unit_label, code)) for code in UNITS])


class UnitField(SelectField):
    """The unit list, plus the unit the record already has or the form sent back: an import may
    have kept "thùng 10 kg" or a unit as typed ("bịch"), and editing must neither refuse nor lose
    it. Anything that can be a unit is accepted; the service reads it like any other."""

    def process_data(self, value) -> None:
        super().process_data(value)
        self._offer(self.data)

    def pre_validate(self, form) -> None:
        if self.data in self._values():
            return
        unit, _known = read_unit(self.data)
        if not unit:
            super().pre_validate(form)
        self._offer(self.data)

    def _offer(self, value) -> None:
        if value and value not in self._values():
            self.choices = [*self.choices, SelectChoice(value, value)]

    def _values(self) -> set[str]:
        return {choice.value for choice in self.choices}


FOREIGN_CREDENTIAL = MESSAGES["foreign_credential"]


class ListingForm(FlaskForm):
    product = StringField(_l("Product"), validators=[required(), max_length(120)],
                          render_kw={"list": "product-names", "autocomplete": "off"})
    variety = StringField(_l("Variety"), validators=[Optional(), max_length(120)])
    grade = StringField(_l("Grade"), validators=[Optional(), max_length(60)],
                        render_kw={"placeholder": _l("e.g. loại 1, xuất khẩu")})
    quantity = quantity_field(_l("Quantity for sale"))
    # WTForms has no Vietnamese: its own "Not a valid choice." would show in English.
    unit = UnitField(_l("Unit"), choices=unit_choices(), default="kg",
                     invalid_choice_message=_l("Choose a unit from the list (kg, tonne, bag, box…)."))
    min_order = quantity_field(_l("Minimum order"), optional=True)
    price_vnd = StringField(_l("Price in đồng, per kg or per unit"), validators=[Optional(), max_length(20)],
                            render_kw={"inputmode": "numeric", "placeholder": "38000"})
    price_negotiable = BooleanField(_l("Price negotiable"))
    available_from = date_field(_l("Available from"))
    available_to = date_field(_l("Available until"))
    delivery_area = StringField(_l("Delivery area"), validators=[Optional(), max_length(300)],
                                render_kw={"placeholder": _l("e.g. at the orchard, Cao Lãnh, Hồ Chí Minh City")})
    producer_name = StringField(_l("Grown by (member's name, when you list for a member)"),
                                validators=[Optional(), max_length(120)])
    household_id = SelectField(_l("Household (Hộ trồng, optional)"), choices=[], coerce=_optional_id,
                               validate_choice=False)
    certificate_ids = MultiCheckboxField(_l("Certificates that apply"), coerce=int, validators=[Optional()],
                                         invalid_choice_message=FOREIGN_CREDENTIAL)
    planting_code_ids = MultiCheckboxField(_l("Planting area and packing-house codes that apply"), coerce=int,
                                           validators=[Optional()], invalid_choice_message=FOREIGN_CREDENTIAL)
    description = TextAreaField(_l("Description"), validators=[Optional(), max_length(4000)])
    # Checked by listings.photos (header, budget, decoding), which reports against this field.
    photos = MultipleFileField(_l("Photos (up to 8)"), render_kw={
        "accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"})


class QuickUpdateForm(FlaskForm):
    quantity = quantity_field(_l("Quantity left"), optional=True)
    price_vnd = amount_field(_l("Price (đồng)"), optional=True)
    available_to = date_field(_l("Available until"), optional=True)


class StatusForm(FlaskForm):
    action = SelectField(choices=choices([("publish", ""), ("pause", ""), ("sold_out", ""), ("unpublish", "")]))
