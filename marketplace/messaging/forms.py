"""Forms for threads, reports and mail choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional

from marketplace.forms import choices, max_length, required
from marketplace.messaging import rules


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[required(), max_length(rules.MESSAGE_MAX_LENGTH)],
                         render_kw={"rows": 4, "maxlength": rules.MESSAGE_MAX_LENGTH})


class NewConversationForm(MessageForm):
    listing_id = HiddenField()
    demand_id = HiddenField()
    offer_id = HiddenField()
    fair_id = HiddenField()  # the fair whose catalog the thread is opened from


class ReportForm(FlaskForm):
    reason = SelectField(_l("What is wrong?"), choices=choices([
        ("spam", _l("Spam or advertising")), ("abuse", _l("Rude or threatening")),
        ("fraud", _l("Looks like a scam")), ("other", _l("Something else"))]))
    note = TextAreaField(_l("Tell staff more (optional)"), validators=[Optional(), max_length(2000)],
                         render_kw={"rows": 3})


class MailChoiceForm(FlaskForm):
    mail_notifications = SelectField(_l("Mail me"), choices=choices([
        ("instant", _l("Yes, as they come")), ("daily", _l("Once a day, in one mail (7:00)")),
        ("off", _l("No, only in the app"))]))
