"""The account page's forms for notices: channels per topic (checkboxes named "topic-<topic>",
read from the request, as the topics are the rules'), a phone number to confirm, and its code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length


class ChannelsForm(FlaskForm):
    """Only the CSRF token: the checkboxes are read by the view (one list per topic)."""


class PhoneForm(FlaskForm):
    phone = StringField(_l("Phone number"), validators=[InputRequired(), Length(max=30)])


class PhoneCodeForm(FlaskForm):
    code = StringField(_l("The 6-digit code"), validators=[InputRequired(), Length(max=20)])
