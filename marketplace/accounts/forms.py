"""Forms for signing up, signing in, passwords and organisation details."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo, Optional

from marketplace.accounts.labels import ORG_KIND_LABELS
from marketplace.accounts.rules import PASSWORD_MAX_LENGTH, SELF_SERVICE_KINDS
from marketplace.forms import choices, max_length, required


def org_kind_choices(kinds=SELF_SERVICE_KINDS):
    return choices([("", _l("— choose —"))] + [(k, ORG_KIND_LABELS[k]) for k in kinds])


def new_password_fields(label, again_label) -> tuple[PasswordField, PasswordField]:
    """A new password and the same typed again (sign-up, reset, change): browsers offer to make one."""
    return (PasswordField(label, validators=[required(), max_length(PASSWORD_MAX_LENGTH)],
                          render_kw={"autocomplete": "new-password"}),
            PasswordField(again_label,
                          validators=[required(), EqualTo("password", message=_l("The two passwords differ."))],
                          render_kw={"autocomplete": "new-password"}))


class LoginForm(FlaskForm):
    identifier = StringField(_l("E-mail or phone number"), validators=[required(), max_length(254)],
                             render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class OrganizationFieldsMixin:
    org_kind = SelectField(_l("Kind of organisation"), choices=org_kind_choices(), validators=[Optional()])
    org_name = StringField(_l("Organisation name"), validators=[Optional(), max_length(200)])
    commune_query = StringField(_l("Commune or ward"), validators=[Optional(), max_length(160)],
                                render_kw={"autocomplete": "off"})
    commune_code = HiddenField()


class RegisterForm(OrganizationFieldsMixin, FlaskForm):
    name = StringField(_l("Your name"), validators=[required(), max_length(120)],
                       render_kw={"autocomplete": "name"})
    email = StringField(_l("E-mail"), validators=[Optional(), max_length(254)],
                        render_kw={"autocomplete": "email", "type": "email", "autocapitalize": "none"})
    phone = StringField(_l("Phone number"), validators=[Optional(), max_length(20)],
                        render_kw={"autocomplete": "tel", "type": "tel", "inputmode": "tel"})
    password, password_again = new_password_fields(_l("Password"), _l("Password again"))


class OrganizationForm(OrganizationFieldsMixin, FlaskForm):
    org_kind = SelectField(_l("Kind of organisation"), choices=org_kind_choices(), validators=[required()])
    org_name = StringField(_l("Organisation name"), validators=[required(), max_length(200)])
    phone = StringField(_l("Phone number"), validators=[Optional(), max_length(20)],
                        render_kw={"type": "tel", "inputmode": "tel"})
    address = StringField(_l("Address (as people know it)"), validators=[Optional(), max_length(300)])
    description = TextAreaField(_l("About the organisation"), validators=[Optional(), max_length(4000)])


class ForgotPasswordForm(FlaskForm):
    identifier = StringField(_l("E-mail or phone number"), validators=[required(), max_length(254)],
                             render_kw={"autocomplete": "username"})


class ResetPasswordForm(FlaskForm):
    password, password_again = new_password_fields(_l("New password"), _l("New password again"))


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[required()],
                                     render_kw={"autocomplete": "current-password"})


class NotificationForm(FlaskForm):
    mail_notifications = SelectField(
        _l("Mail me about new messages, offers, matches and saved searches"),
        choices=choices([("instant", _l("Yes, as they come")), ("daily", _l("Once a day, in one mail (7:00)")),
                         ("off", _l("No, only in the app"))]))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=choices([("vi", "Tiếng Việt"), ("en", "English")]))


class ProfileForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[required(), max_length(200)])
    description = TextAreaField(_l("About the organisation"), validators=[Optional(), max_length(4000)])
    grows = TextAreaField(_l("What members grow or make"), validators=[Optional(), max_length(1000)],
                          render_kw={"rows": 3})
    members_count = StringField(_l("Member households"), validators=[Optional(), max_length(6)],
                                render_kw={"inputmode": "numeric"})
    commune_query = StringField(_l("Commune or ward"), validators=[Optional(), max_length(160)],
                                render_kw={"autocomplete": "off"})
    commune_code = HiddenField()
    address = StringField(_l("Address (as people know it)"), validators=[Optional(), max_length(300)])
    phone = StringField(_l("Phone number"), validators=[Optional(), max_length(20)],
                        render_kw={"type": "tel", "inputmode": "tel"})
    zalo = StringField(_l("Zalo number"), validators=[Optional(), max_length(20)],
                       render_kw={"type": "tel", "inputmode": "tel"})
    email = StringField(_l("E-mail"), validators=[Optional(), max_length(254)], render_kw={"type": "email"})
    website = StringField(_l("Website"), validators=[Optional(), max_length(300)])
    tourism = BooleanField(_l("We welcome visitors (rural tourism)"))
    tourism_offer = TextAreaField(_l("What visitors can do"), validators=[Optional(), max_length(2000)],
                                  render_kw={"rows": 3,
                                             "placeholder": _l("Orchard visits, fruit picking, farm stays…")})
