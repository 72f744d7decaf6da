"""The forms of the price board: a reference price (staff), a watch on a product's prices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.forms import choices, date_field, max_length, required
from marketplace.market.labels import MARKET_LABELS
from marketplace.market.rules import MAX_TEXT


class PriceForm(FlaskForm):
    product = StringField(_l("Product"), validators=[required(), max_length(120)],
                          render_kw={"placeholder": _l("e.g. xoài cát Chu"), "autocomplete": "off"})
    variety = StringField(_l("Variety (optional)"), validators=[Optional(), max_length(MAX_TEXT["variety"])])
    market = SelectField(_l("Market"), choices=choices(MARKET_LABELS.items()), default="farm_gate")
    observed_on = date_field(_l("Day the price was seen"))
    price = StringField(_l("Price (đồng, lowest–highest)"), validators=[required(), max_length(40)],
                        render_kw={"placeholder": _l("e.g. 35-42k or 38.000"), "inputmode": "text"})
    unit = StringField(_l("Per unit"), validators=[required(), max_length(MAX_TEXT["unit"])], default="kg")
    place = StringField(_l("Place (optional)"), validators=[Optional(), max_length(MAX_TEXT["place"])],
                        render_kw={"placeholder": _l("e.g. Chợ đầu mối Mỹ Thới")})
    commune_code = StringField(_l("Commune code (optional)"), validators=[Optional(), max_length(5)],
                               render_kw={"inputmode": "numeric"})
    source = StringField(_l("Source (optional)"), validators=[Optional(), max_length(MAX_TEXT["source"])],
                         render_kw={"placeholder": _l("e.g. Sở Công Thương, phone survey")})
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_length(MAX_TEXT["note"])])


WATCH_MARKETS = (("", _l("Any market")), *MARKET_LABELS.items())


class WatchForm(FlaskForm):
    market = SelectField(_l("At which market"), choices=choices(WATCH_MARKETS), default="")
    threshold_pct = SelectField(_l("Alert me on a weekly move of at least"),
                                choices=choices((str(n), f"± {n} %") for n in (10, 15, 20, 25, 30)), default="15")
