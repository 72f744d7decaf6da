"""Forms for ordering, paying and the seller's side (bank account, transfers received, statements)."""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.forms import choices, max_length, required
from marketplace.orders.payments.banks import BANKS


class Confirmation:
    """What the confirmation page carries to the final send: the button pressed (`step`: "place"
    or "edit"; anything else shows the confirmation), the total the buyer saw, and the page's key
    (one order however often it is sent). Re-checked by the service, never trusted."""

    step = HiddenField()
    expected_amount_vnd = HiddenField()
    placing_key = HiddenField()

    def placing(self) -> bool:
        """The buyer pressed "Place the order" on a confirmation page that showed a total."""
        return self.step.data == "place" and self.expected_amount() is not None

    def expected_amount(self) -> int | None:
        text = (self.expected_amount_vnd.data or "").strip()
        return int(text) if text.isdecimal() and len(text) <= 18 else None

    def key(self) -> str:
        """The page's key as sent (letters, digits, - and _ only: a forged one cannot put a control
        character in the row), or a new one for a page about to be shown."""
        key = re.sub(r"[^A-Za-z0-9_-]", "", self.placing_key.data or "")[:64]
        return key or secrets.token_urlsafe(16)


class OrderForm(Confirmation, FlaskForm):
    quantity = StringField(_l("Quantity"), validators=[required(), max_length(20)],
                           render_kw={"inputmode": "decimal", "autocomplete": "off"})
    note = TextAreaField(_l("Note for the seller (delivery, packing)"), validators=[Optional(), max_length(1000)],
                         render_kw={"rows": 2})


class OfferOrderForm(Confirmation, FlaskForm):
    note = TextAreaField(_l("Note for the seller (delivery, packing)"), validators=[Optional(), max_length(1000)],
                         render_kw={"rows": 2})


class PaymentClaimForm(FlaskForm):
    reference = StringField(_l("Transfer reference or note (optional)"), validators=[Optional(), max_length(200)],
                            render_kw={"autocomplete": "off"})


class DeclineForm(FlaskForm):
    note = TextAreaField(_l("Reason (optional): the buyer sees it"), validators=[Optional(), max_length(1000)],
                         render_kw={"rows": 3})


class PaymentOptionForm(FlaskForm):
    payment_option = RadioField(
        _l("How much do you pay now?"), default="full", validate_choice=False,
        choices=choices([("full", _l("The full amount")),
                         ("deposit", _l("A %(percent)d%% deposit, the rest on delivery", percent=30))]))


class ReceivedForm(FlaskForm):
    # Typed by the seller from the bank's message, never filled in: a pre-filled amount let one
    # tap record money that had not come. Read as people write it: 22.500.000, 22,5 triệu, 22500k.
    # No numeric keypad: "22,5 triệu" and "22500k" need letters.
    amount_vnd = StringField(_l("Amount received, in đồng"), validators=[required(), max_length(24)],
                             render_kw={"autocomplete": "off", "spellcheck": "false"})
    token = HiddenField()
    # Sent by the "Record … anyway" button after the page asked about an amount other than the one
    # due: the amount confirmed, which must be the one typed.
    accept_amount = HiddenField()

    def accepted(self) -> int | None:
        text = (self.accept_amount.data or "").strip()
        return int(text) if text.isdecimal() and len(text) <= 18 else None


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
