"""Staff forms for the catalogue queue: map a typed name, adopt it, map a typed unit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from marketplace.forms import max_length, required


class MapNameForm(FlaskForm):
    phrase = StringField(_l("Catalogue product (and variety)"), validators=[required(), max_length(120)],
                         render_kw={"list": "product-names", "autocomplete": "off",
                                    "placeholder": _l("e.g. xoài cát Chu")})


class AdoptNameForm(FlaskForm):
    name_vi = StringField(_l("Name in Vietnamese"), validators=[required(), max_length(120)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), max_length(120)])
    category = SelectField(_l("Category"), validators=[required()],
                           invalid_choice_message=_l("Choose a category."))
    synonyms = StringField(_l("Other names (separated by ;)"), validators=[Optional(), max_length(300)])


class MapUnitForm(FlaskForm):
    unit = StringField(_l("Unit we know"), validators=[required(), max_length(40)],
                       render_kw={"placeholder": _l("e.g. túi, thùng 10 kg")})
