"""Sign-up, sign-in, sign-out, password reset and the account page."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from marketplace import db
from marketplace.access import public, signed_in
from marketplace.accounts import forms, rules
from marketplace.accounts import services as accounts
from marketplace.extensions import limiter
from marketplace.forms import add_problem
from marketplace.links import public_url
from marketplace.mail import queue_account_mail, send_mail
from marketplace.places.services import resolve_commune
from marketplace.saving import form_page, raise_if_problems, refuse, saving, submitted

bp = Blueprint("accounts", __name__)
SIGN_IN_AS = "sign_in_as"  # the session key of the identifier the sign-in form is filled with after sign-up


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _identifier_limit() -> str:
    return current_app.config["LOGIN_IDENTIFIER_RATE_LIMIT"]


def _identifier_key() -> str:
    """The account a sign-in is for, however its phone number is written: "0900 000 002",
    "+84900000002" and "0900.000.002" share one budget (issue #14)."""
    typed = request.form.get("identifier") or ""
    return "login:" + (rules.normalize_phone(typed) or rules.normalize_email(typed) or typed.strip().lower())


def _safe_next(target: str | None) -> str:
    return target if rules.is_safe_redirect(target) else url_for("main.home")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.RegisterForm()
    if submitted(form):
        with saving(form) as saved:
            organization = _check_org_part(form)  # said beside its fields; the person's part is checked too
            signup = accounts.sign_up(
                db.session, name=form.name.data or "", password=form.password.data or "",
                email=form.email.data or None, phone=form.phone.data or None,
                locale=_current_locale(),
            )
            raise_if_problems(form)
            if signup.user is not None:
                _create_org(organization, signup.user)
            elif signup.address_owner is not None:
                _tell_address_owner(signup.address_owner)
        if saved:
            return _after_sign_up(form)
    return form_page("accounts/register.html", form)


SIGN_UP_MAIL_EVERY = timedelta(hours=1)  # at most one "someone tried your address" mail an hour


def _after_sign_up(form):
    """The same answer whether an account was made or the e-mail or phone number already had one
    (issue #14): nobody is signed in, and the sign-in form waits with what was typed, so whoever
    sends the form learns nothing about who has an account."""
    identifier = (form.email.data or form.phone.data or "").strip()
    session[SIGN_IN_AS] = identifier
    flash(_("Thank you. Now sign in with %(identifier)s and the password you have just chosen. "
            "If this number or address already had an account, that account keeps its old password: "
            "if you have forgotten it, choose “Forgot your password?”.", identifier=identifier), "success")
    # Sent here from an invitation (members' join page): back there once signed in.
    next_url = request.args.get("next")
    return redirect(url_for("accounts.login", next=next_url) if rules.is_safe_redirect(next_url)
                    else url_for("accounts.login"))


def _tell_address_owner(owner) -> None:
    """Mail the person whose address someone tried to sign up with, in their language."""
    login, forgot = public_url("accounts.login"), public_url("accounts.forgot_password")
    with force_locale(owner.locale or "vi"):
        subject = _("Someone tried to sign up with your address")
        body = _("Hello %(name)s,\n\nSomeone has just tried to create a new Chợ Hội Quán account with this "
                 "e-mail address. You already have an account with it, so no new account was made and "
                 "nothing in yours has changed.\n\nIf it was you, sign in here: %(login)s\n"
                 "If you have forgotten your password, choose a new one here: %(forgot)s\n\n"
                 "If it was not you, there is nothing to do.", name=owner.name, login=login, forgot=forgot)
    queue_account_mail(db.session, owner, subject, body, kind="signup_attempt", not_within=SIGN_UP_MAIL_EVERY)


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _check_org_part(form) -> dict | None:
    """The optional organisation part of sign-up (and the whole of the organisation form): what
    create_organization takes, or None when none is asked for. Its problems go beside its fields."""
    if not isinstance(form, forms.OrganizationForm) and not form.org_kind.data and not form.org_name.data:
        return None  # sign-up without an organisation
    if form.org_kind.data not in rules.SELF_SERVICE_KINDS and not form.org_kind.errors:  # one message, not two
        add_problem(form, "org_kind", _("Choose a kind of organisation."))
    if not (form.org_name.data or "").strip():
        add_problem(form, "org_name", _("Enter the organisation's name."))
    commune = resolve_commune(db.session, form.commune_code.data, form.commune_query.data)
    if (form.commune_query.data or form.commune_code.data) and commune is None:
        add_problem(form, "commune_query", _("Pick a commune or ward from the list."))
    # The sign-up form has only kind, name and commune; the organisation form has more.
    extra = {name: (getattr(form, name).data or "").strip()
             for name in ("address", "description") if hasattr(form, name)}
    if isinstance(form, forms.OrganizationForm) and form.phone.data:
        extra["phone"] = rules.normalize_phone(form.phone.data)
        if extra["phone"] is None:
            add_problem(form, "phone", _("Enter a Vietnamese phone number, e.g. 0912 345 678."))
    return {"kind": form.org_kind.data, "name": form.org_name.data,
            "commune_code": commune.code if commune else None, **extra}


def _create_org(organization: dict | None, user) -> None:
    if organization is None:
        return
    org = accounts.create_organization(db.session, **organization)
    accounts.add_member(db.session, org, user, rules.default_role_for(org.kind), board=True)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_identifier_limit, methods=["POST"], key_func=_identifier_key)
def login():
    form = forms.LoginForm(next=request.args.get("next", ""),
                           identifier=session.pop(SIGN_IN_AS, None) if request.method == "GET" else None)
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(form.next.data))
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.identifier.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("You are signed in."), "success")
            return redirect(_safe_next(form.next.data))
        form.password.errors = [_("The e-mail/phone number or the password is wrong.")]
    return form_page("accounts/login.html", form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    # Signing out here signs out everywhere: a lost phone stays signed in nowhere.
    accounts.end_all_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        user = accounts.find_user(db.session, form.identifier.data)
        if user is not None and user.email:
            token = accounts.make_reset_token(user, current_app.config["SECRET_KEY"])
            link = public_url("accounts.reset_password", token=token)
            address, subject = user.email, _("Reset your Chợ Hội Quán password")
            body = _("Hello %(name)s,\n\nOpen this link within an hour to choose a new password:\n"
                     "%(link)s\n\nIf you did not ask for this, ignore this mail.", name=user.name, link=link)
            # End the transaction before talking to the mail server: on SQLite a POST holds the
            # write lock until then, and a slow or silent relay (20 s timeout) would stop every write.
            db.session.commit()
            send_mail(address, subject, body)
        # The same answer whether or not the account exists: nothing to learn here.
        flash(_("If an account with a mail address matches, we have sent it a link. "
                "Accounts with only a phone number: ask your club chair or staff to reset it."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = accounts.user_for_reset_token(db.session, token, current_app.config["SECRET_KEY"],
                                         current_app.config["PASSWORD_RESET_MAX_AGE"])
    if user is None:
        return refuse(_("This reset link is no longer valid. Ask for a new one."), url_for("accounts.forgot_password"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        with saving(form, done=_("Your password has been changed. Please sign in.")) as saved:
            accounts.set_password(db.session, user, form.password.data)
        if saved:
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account", methods=["GET"])
@signed_in
def account():
    return render_template("accounts/account.html", password_form=forms.ChangePasswordForm(),
                           org_form=forms.OrganizationForm(),
                           notification_form=forms.NotificationForm(mail_notifications=current_user.mail_notifications))


@bp.route("/account/notifications", methods=["POST"])
@signed_in
def notification_settings():
    form = forms.NotificationForm()
    if form.validate_on_submit():
        accounts.set_mail_choice(db.session, current_user, form.mail_notifications.data)
        db.session.commit()
        flash(_("Saved."), "success")
    else:
        flash(_("We do not know that choice; nothing was changed."), "error")
    return redirect(url_for("accounts.account") + "#notifications-heading")


@bp.route("/account/password", methods=["POST"])
@signed_in
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        with saving(form, done=_("Your password has been changed. Other devices have been signed out.")) as saved:
            accounts.change_password(db.session, current_user, form.current_password.data,
                                     form.password.data)
        if saved:
            # The generation changed: keep this device signed in with the new identifier.
            login_user(current_user._get_current_object())
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=form,
                           org_form=forms.OrganizationForm(),
                           notification_form=forms.NotificationForm(
                               mail_notifications=current_user.mail_notifications)), 422


@bp.route("/account/organization", methods=["POST"])
@signed_in
def create_organization():
    form = forms.OrganizationForm()
    if current_user.organization is not None:
        return refuse(_("You already act for an organisation."), url_for("accounts.account"))
    if submitted(form):
        with saving(form, done=_("Your organisation has been created.")) as saved:
            organization = _check_org_part(form)
            raise_if_problems(form)
            _create_org(organization, current_user)
        if saved:
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=forms.ChangePasswordForm(),
                           org_form=form, notification_form=forms.NotificationForm(
                               mail_notifications=current_user.mail_notifications)), 422
