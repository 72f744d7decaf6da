"""Forms for ordering, paying and the seller's side (bank account, transfers received, statements)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.forms import choices, max_length, required
from marketplace.orders.payments.banks import BANKS


class OrderForm(FlaskForm):
    quantity = StringField(_l("Quantity"), validators=[required(), max_length(20)],
                           render_kw={"inputmode": "decimal", "autocomplete": "off"})
    note = TextAreaField(_l("Note for the seller (delivery, packing)"), validators=[Optional(), max_length(1000)],
                         render_kw={"rows": 2})


class OfferOrderForm(FlaskForm):
    note = TextAreaField(_l("Note for the seller (delivery, packing)"), validators=[Optional(), max_length(1000)],
                         render_kw={"rows": 2})


class DeclineForm(FlaskForm):
    note = TextAreaField(_l("Reason (optional): the buyer sees it"), validators=[Optional(), max_length(1000)],
                         render_kw={"rows": 3})


class PaymentOptionForm(FlaskForm):
    payment_option = RadioField(
        _l("How much do you pay now?"), default="full", validate_choice=False,
        choices=choices([("full", _l("The full amount")),
                         ("deposit", _l("A %(percent)d%% deposit, the rest on delivery", percent=30))]))


class ReceivedForm(FlaskForm):
    amount_vnd = StringField(_l("Amount received, in đồng"), validators=[required(), max_length(24)],
                             render_kw={"inputmode": "numeric", "autocomplete": "off"})
    token = HiddenField()


class BankAccountForm(FlaskForm):
    bank_bin = SelectField(_l("Bank"), choices=choices([("", _l("Choose a bank"))] + [
        (b.bin, f"{b.short_name} — {b.name}") for b in BANKS]), validators=[required()],
        validate_choice=False)
    account_number = StringField(_l("Account number"), validators=[required(), max_length(30)],
                                 render_kw={"inputmode": "numeric", "autocomplete": "off"})
    account_holder = StringField(_l("Account holder, as the bank writes it"), validators=[required(), max_length(70)],
                                 render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class StatementForm(FlaskForm):
    statement = FileField(_l("Bank statement (CSV)"), render_kw={"accept": ".csv,text/csv"})
