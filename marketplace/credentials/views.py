"""Clubs enter their credentials; staff verify, suspend or revoke them and see code-borrowing flags."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.permissions import can_manage_supply
from marketplace.credentials import forms
from marketplace.credentials import services as credentials
from marketplace.credentials.labels import CREDENTIAL_STATUS_LABELS
from marketplace.dates import NotADate, parse_date, today_in_vietnam
from marketplace.errors import ValidationError, get_or_404
from marketplace.numbers import NotANumber, parse_decimal
from marketplace.saving import flash_each, saving

bp = Blueprint("credentials", __name__)


def _managed_org(org_id: int, *, staff_may_see: bool = False):
    return accounts.organization_for(db.session, org_id, current_user, lambda user, org: (
        can_manage_supply(user, org) or (staff_may_see and user.is_staff)))


def _render(org, certificate_form=None, code_form=None, status=200):
    return render_template(
        "credentials/manage.html", org=org, today=today_in_vietnam(),
        can_add=can_manage_supply(current_user, org), decision_form=forms.DecisionForm(),
        certificates=credentials.certificates_of(db.session, org), codes=credentials.codes_of(db.session, org),
        certificate_form=certificate_form or forms.CertificateForm(prefix="cert"),
        code_form=code_form or forms.PlantingCodeForm(prefix="code"),
    ), status


def _dates(form, *names) -> dict:
    values = {}
    for name in names:
        try:
            values[name] = parse_date(getattr(form, name).data)
        except NotADate as error:
            raise ValidationError(_("Some fields need attention."),
                                  fields={name: [_("Enter a date as dd/mm/yyyy.")]}) from error
    return values


def _add(org_id: int, form, save, form_on_page: str):
    """Add one credential: `save(org, form)` stores what the form says; a code or number held elsewhere is
    refused and flagged to staff. On any problem the page again, the form (its `form_on_page`) as sent."""
    org = _managed_org(org_id)
    if form.validate_on_submit():
        with saving(form, done=_("Saved. Staff will check it; until then it shows as “not verified”.")) as saved:
            save(org, form)
        if isinstance(saved.error, credentials.HeldByAnother):
            with saving():  # the flag is kept; the claim itself was not stored
                credentials.flag_claim(db.session, saved.error, org, current_user)
        if saved:
            return redirect(url_for("credentials.manage", org_id=org.id))
    return _render(org, **{form_on_page: form}, status=422)


def _save_certificate(org, form) -> None:
    dates = _dates(form, "issued_on", "expires_on")
    data = credentials.CertificateInput(
        type=form.type.data, number=form.number.data, product_text=form.product_text.data or "",
        stars=int(form.stars.data) if form.stars.data else None, issuer=form.issuer.data or "", **dates)
    credentials.save_certificate(db.session, org, data, current_user)


def _save_code(org, form) -> None:
    dates = _dates(form, "issued_on", "valid_until")
    try:
        area = parse_decimal(form.area_ha.data)
    except NotANumber as error:
        raise ValidationError(_("Some fields need attention."),
                              fields={"area_ha": [_("Enter a number, e.g. 1500 or 2,5.")]}) from error
    data = credentials.PlantingCodeInput(
        code=form.code.data, kind=form.kind.data, crop=form.crop.data or "",
        variety=form.variety.data or "", area_ha=area, markets=form.markets.data or "", **dates)
    credentials.save_planting_code(db.session, org, data, current_user)


@bp.route("/orgs/<int:org_id>/credentials")
@signed_in
def manage(org_id: int):
    return _render(_managed_org(org_id, staff_may_see=True))


@bp.route("/orgs/<int:org_id>/credentials/certificates", methods=["POST"])
@signed_in
def add_certificate(org_id: int):
    return _add(org_id, forms.CertificateForm(prefix="cert"), _save_certificate, "certificate_form")


@bp.route("/orgs/<int:org_id>/credentials/codes", methods=["POST"])
@signed_in
def add_code(org_id: int):
    return _add(org_id, forms.PlantingCodeForm(prefix="code"), _save_code, "code_form")


@bp.route("/staff/credentials")
@role_required("staff")
def queue():
    certificates, codes = credentials.pending(db.session)
    return render_template("credentials/queue.html", certificates=certificates, codes=codes,
                           flags=credentials.open_flags(db.session), form=forms.DecisionForm(),
                           today=today_in_vietnam())


@bp.route("/staff/credentials/<any(certificate, code):kind>/<int:credential_id>", methods=["POST"])
@role_required("staff")
def decide(kind: str, credential_id: int):
    credential = get_or_404(credentials.get_credential, db.session, kind, credential_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        with saving(show=flash_each) as saved:
            credentials.change_status(db.session, credential, form.action.data, current_user, form.reason.data or "")
        if saved:
            flash(_("%(what)s — new status: %(status)s.", what=getattr(credential, "number", None) or credential.code,
                    status=_status_label(credential.status)), "success")
    return redirect(url_for("credentials.queue"))


def _status_label(status: str) -> str:
    return str(CREDENTIAL_STATUS_LABELS.get(status, status))
