"""The account page's notice sections: channels per topic, and confirming the phone number that
Zalo and SMS notices go to (a code sent to it, typed back; rate-limited per user both ways).
Views parse, authorise, call one service, commit once."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import signed_in
from marketplace.accounts import forms as account_forms
from marketplace.db import utcnow
from marketplace.extensions import limiter
from marketplace.notifications import forms, phone, preferences, rules
from marketplace.notifications.labels import CHANNEL_LABELS, TOPIC_LABELS
from marketplace.saving import saving

bp = Blueprint("notices", __name__)
PENDING = "phone_code"  # the session key of the code being confirmed (phone.Pending)


@bp.record_once
def _register_sections(state) -> None:
    page_sections.add(state.app, "account", _account_section)


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _pending() -> phone.Pending | None:
    return phone.Pending.from_session(session.get(PENDING))


def _account_section(user=None, **_context) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    offered = preferences.offered_channels()
    pending = _pending()
    return render_template("notifications/_account_section.html", offered=offered,
                           phone_offered=any(c in rules.PHONE_CHANNELS for c in offered),
                           chosen=preferences.choices(db.session, user), topics=list(rules.TOPICS),
                           topic_labels=TOPIC_LABELS, channel_labels=CHANNEL_LABELS,
                           channels_form=forms.ChannelsForm(),
                           phone_form=g.get("phone_form") or forms.PhoneForm(phone=user.phone or ""),
                           code_form=g.get("code_form") or forms.PhoneCodeForm(),
                           pending_phone=rules.mask_phone(pending.phone) if pending else None)


def _account_page(status: int = 422):
    """The account page again, with the notice forms as posted (what was typed stays)."""
    return render_template("accounts/account.html", password_form=account_forms.ChangePasswordForm(),
                           org_form=account_forms.OrganizationForm(),
                           notification_form=account_forms.NotificationForm(
                               mail_notifications=current_user.mail_notifications)), status


@bp.route("/account/notices", methods=["POST"])
@signed_in
def save_channels():
    form = forms.ChannelsForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; nothing was changed. Please try again."), "error")
    else:
        chosen = {topic: set(request.form.getlist(f"topic-{topic}")) for topic in rules.TOPICS}
        preferences.save(db.session, current_user, chosen)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("accounts.account") + "#notices-heading")


def _code_limit() -> str:
    return current_app.config["PHONE_CODE_RATE_LIMIT"]


def _confirm_limit() -> str:
    return current_app.config["PHONE_CONFIRM_RATE_LIMIT"]


@bp.route("/account/phone", methods=["POST"])
@signed_in
@limiter.limit(_code_limit, key_func=_user_key, methods=["POST"])
def send_phone_code():
    form = g.phone_form = forms.PhoneForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            pending = phone.send_code(db.session, current_user, form.phone.data, utcnow())
        if saved:
            session[PENDING] = pending.as_session()
            flash(_("We sent a 6-digit code to %(phone)s. Type it below.", phone=rules.mask_phone(pending.phone)),
                  "success")
            return redirect(url_for("accounts.account") + "#phone-heading")
    return _account_page()


@bp.route("/account/phone/confirm", methods=["POST"])
@signed_in
@limiter.limit(_confirm_limit, key_func=_user_key, methods=["POST"])
def confirm_phone():
    form = g.code_form = forms.PhoneCodeForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            phone.confirm(db.session, current_user, _pending(), form.code.data, utcnow())
        if saved:
            session.pop(PENDING, None)
            flash(_("Your phone number is confirmed."), "success")
            return redirect(url_for("accounts.account") + "#phone-heading")
        refused = saved.error
        if isinstance(refused, phone.CodeRefused) and refused.pending is not None:
            session[PENDING] = refused.pending.as_session()  # one try fewer left
        else:
            session.pop(PENDING, None)
    return _account_page()
