"""Clubs enter their credentials; staff verify, suspend or revoke them and see code-borrowing flags."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.permissions import can_manage_supply
from marketplace.credentials import evidence, forms
from marketplace.credentials import services as credentials
from marketplace.credentials.labels import CREDENTIAL_STATUS_LABELS
from marketplace.dates import NotADate, parse_date, today_in_vietnam
from marketplace.errors import NotFound, PermissionDenied, ValidationError, get_or_404
from marketplace.extensions import limiter
from marketplace.forms import as_typed_date, attach_errors
from marketplace.markets import read_markets
from marketplace.numbers import NotANumber, editable_number, parse_decimal
from marketplace.saving import flash_each, saving
from marketplace.validation import date_message
from marketplace.vietnamese import clean, slugify

bp = Blueprint("credentials", __name__)

# Each scan is decoded (seconds for a photo): a few dozen an hour is plenty for one club.
SCAN_UPLOAD_LIMIT = "60 per hour"
PDF_CONTENT_SECURITY_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"


def _managed_org(org_id: int, *, staff_may_see: bool = False):
    return accounts.organization_for(db.session, org_id, current_user, lambda user, org: (
        can_manage_supply(user, org) or (staff_may_see and user.is_staff)))


def _render(org, certificate_form=None, code_form=None, status=200):
    return render_template(
        "credentials/manage.html", org=org, today=today_in_vietnam(),
        can_add=can_manage_supply(current_user, org), decision_form=forms.DecisionForm(),
        certificates=credentials.certificates_of(db.session, org), codes=credentials.codes_of(db.session, org),
        certificate_form=certificate_form or forms.CertificateForm(prefix="cert"),
        code_form=code_form or forms.PlantingCodeForm(prefix="code"), market_names=_market_names(),
    ), status


@bp.context_processor
def _market_words():
    locale = str(get_locale() or "vi")
    return {"market_label": lambda code: forms.market_label(code, locale)}


def _market_names():
    return forms.datalist_markets(str(get_locale() or "vi"))


# --- reading a credential's form: every problem at once ------------------------------------------

class _Found:
    """Problems by field, from reading what was typed (dates, area, markets, the scan)."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def say(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(str(message))


def _date(form, name: str, found: _Found):
    try:
        return parse_date(getattr(form, name).data)
    except NotADate as error:
        found.say(name, date_message(error))
        return None


def _area(form, found: _Found):
    try:
        return parse_decimal(form.area_ha.data)
    except NotANumber:
        found.say("area_ha", _("Enter a number, e.g. 1500 or 2,5."))
        return None


def _markets(form, found: _Found) -> str:
    """The ticked main markets and the typed others, as codes; what names no market is reported."""
    typed, unknown = read_markets(form.other_markets.data)
    if unknown:
        found.say("other_markets", credentials.unknown_markets_message(unknown))
    return ";".join(dict.fromkeys([*(form.markets.data or []), *typed]))


def _scan(org, form, found: _Found):
    """The scan chosen now (checked, decoded and stored at once, in its own transaction, so that
    a form with other problems keeps it: its key comes back in the form), or the one kept from
    the last try, or None."""
    upload = request.files.get(form.scan.name)
    if upload is not None and upload.filename:
        data = upload.stream.read(evidence.MAX_SCAN_BYTES + 1)  # one byte over is enough to refuse it
        # Nothing is written yet: end the transaction, so that decoding a photo (seconds) does not
        # hold SQLite's write lock, which a POST takes with its first query.
        db.session.commit()
        reader = evidence.scan_reader()
        try:
            checked = evidence.check_scan(data, upload.filename, upload.mimetype, reader)
        except (evidence.ScanRejected, reader.rejected) as error:
            found.say("scan", _("“%(name)s”: %(problem)s", name=clean(upload.filename)[:80],
                                problem=evidence.message_for(error, reader)))
            form.scan_key.data = ""
            return None
        with saving():
            scan = evidence.store_scan(db.session, evidence.scan_store(), checked, organization=org,
                                       user=current_user)
            key = scan.key
        form.scan_key.data = key
        return evidence.staged_scan(db.session, key, org)
    scan = evidence.staged_scan(db.session, form.scan_key.data, org)
    form.scan_key.data = scan.key if scan is not None else ""
    return scan


def _certificate_input(org, form, found: _Found):
    stars = form.stars.data
    return credentials.CertificateInput(
        type=form.type.data or "", number=form.number.data or "", product_text=form.product_text.data or "",
        stars=int(stars) if stars and stars.isdecimal() else None, issuer=form.issuer.data or "",
        issued_on=_date(form, "issued_on", found), expires_on=_date(form, "expires_on", found),
        area_ha=_area(form, found), markets=_markets(form, found), scan=_scan(org, form, found))


def _code_input(org, form, found: _Found):
    return credentials.PlantingCodeInput(
        code=form.code.data or "", kind=form.kind.data or "", crop=form.crop.data or "",
        variety=form.variety.data or "", issuer=form.issuer.data or "",
        issued_on=_date(form, "issued_on", found), valid_until=_date(form, "valid_until", found),
        area_ha=_area(form, found), markets=_markets(form, found), scan=_scan(org, form, found))


KINDS = {
    "certificate": (forms.CertificateForm, "cert", _certificate_input, credentials.certificate_problems,
                    credentials.save_certificate),
    "code": (forms.PlantingCodeForm, "code", _code_input, credentials.planting_code_problems,
             credentials.save_planting_code),
}


def _submit(org, kind: str, form, existing=None) -> bool:
    """Check everything the form says — its fields, what was typed, the scan, the rules — and
    save only when nothing is wrong; otherwise every problem is put beside its field at once."""
    _form_class, _prefix, read, rule_problems, save = KINDS[kind]
    form.validate()
    found = _Found()
    data = read(org, form, found)
    already = set(form.errors) | set(found.fields)
    for name, messages in rule_problems(data).items():
        if name not in already:  # a date that did not parse is not also "before the issue date"
            found.fields[name] = messages
    if found.fields:
        attach_errors(form, ValidationError(_("Some fields need attention."), fields=found.fields))
    if form.errors:
        return False
    with saving(form, done=_("Saved. Staff will check it; until then it shows as “not verified”.")) as saved:
        save(db.session, org, data, current_user, existing=existing)
    if isinstance(saved.error, credentials.HeldByAnother):
        with saving():  # the flag is kept; the claim itself was not stored
            credentials.flag_claim(db.session, saved.error, org, current_user)
    return bool(saved)


def _add(org_id: int, kind: str):
    org = _managed_org(org_id)
    form_class, prefix, *_rest = KINDS[kind]
    form = form_class(prefix=prefix)
    if _submit(org, kind, form):
        return redirect(url_for("credentials.manage", org_id=org.id))
    return _render(org, **{"certificate_form" if kind == "certificate" else "code_form": form}, status=422)


@bp.route("/orgs/<int:org_id>/credentials")
@signed_in
def manage(org_id: int):
    return _render(_managed_org(org_id, staff_may_see=True))


@bp.route("/orgs/<int:org_id>/credentials/certificates", methods=["POST"])
@signed_in
@limiter.limit(SCAN_UPLOAD_LIMIT, methods=["POST"])
def add_certificate(org_id: int):
    return _add(org_id, "certificate")


@bp.route("/orgs/<int:org_id>/credentials/codes", methods=["POST"])
@signed_in
@limiter.limit(SCAN_UPLOAD_LIMIT, methods=["POST"])
def add_code(org_id: int):
    return _add(org_id, "code")


def _filled_form(kind: str, credential):
    """The edit form as the credential stands (GET), or as posted."""
    form_class, prefix, *_rest = KINDS[kind]
    if request.method == "POST":
        return form_class(prefix=prefix)
    form = form_class(prefix=prefix, obj=credential)
    form.area_ha.data = editable_number(credential.area_ha)
    form.fill_markets(credential.market_list)
    for name in ("issued_on", "expires_on", "valid_until"):
        if name in form and getattr(credential, name, None):
            form[name].data = as_typed_date(getattr(credential, name))
    if kind == "certificate":
        form.stars.data = str(credential.stars) if credential.stars else ""
    return form


def _credential_page(org_id: int, kind: str, credential_id: int):
    org = _managed_org(org_id, staff_may_see=True)
    record = get_or_404(credentials.get_credential, db.session, kind, credential_id)
    if record.organization_id != org.id:
        raise NotFound()
    return org, record


def _render_credential(org, kind: str, record, form):
    return render_template("credentials/credential.html", org=org, kind=kind, credential=record, form=form,
                           decision_form=forms.DecisionForm(), today=today_in_vietnam(),
                           market_names=_market_names()), 422 if form is not None and form.errors else 200


@bp.route("/orgs/<int:org_id>/credentials/<any(certificate, code):kind>/<int:credential_id>")
@signed_in
def credential(org_id: int, kind: str, credential_id: int):
    """One credential with everything staff check it against; its club edits it here, staff decide."""
    org, record = _credential_page(org_id, kind, credential_id)
    form = _filled_form(kind, record) if can_manage_supply(current_user, org) else None
    return _render_credential(org, kind, record, form)


@bp.route("/orgs/<int:org_id>/credentials/<any(certificate, code):kind>/<int:credential_id>", methods=["POST"])
@signed_in
@limiter.limit(SCAN_UPLOAD_LIMIT, methods=["POST"])
def edit_credential(org_id: int, kind: str, credential_id: int):
    org, record = _credential_page(org_id, kind, credential_id)
    if not can_manage_supply(current_user, org):
        raise PermissionDenied()
    form = _filled_form(kind, record)
    if _submit(org, kind, form, existing=record):
        return redirect(url_for("credentials.credential", org_id=org.id, kind=kind, credential_id=record.id))
    return _render_credential(org, kind, record, form)


@bp.route("/credentials/scans/<key>")
@bp.route("/credentials/scans/<key>/<any(thumb):part>")
@signed_in
def scan(key: str, part: str = "file"):
    """A scan, to its organisation's members and staff only (anyone else: not found, as if absent).
    A PDF is sent as a PDF and a photo as the WebP we made of it — never anything a browser would
    run — privately, and not kept by any cache."""
    record = evidence.scan_by_key(db.session, key)
    if record is None or not evidence.may_open(current_user, record) or (part == "thumb" and record.media != "image"):
        raise NotFound()
    file = evidence.scan_store().open(record.key, record.media, part)
    if file is None:
        raise NotFound()
    is_pdf = record.media == "pdf"
    stem = (slugify(record.filename.rsplit(".", 1)[0]) or "scan")[:60]
    response = send_file(file, mimetype="application/pdf" if is_pdf else "image/webp", as_attachment=False,
                         download_name=f"{stem}.pdf" if is_pdf else f"{stem}.webp", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if is_pdf:
        # The browser's own PDF viewer embeds the file, which the site's `object-src 'none'` would
        # forbid; nothing else may load, and no other site may frame it.
        response.headers["Content-Security-Policy"] = PDF_CONTENT_SECURITY_POLICY
    return response


@bp.route("/staff/credentials")
@role_required("staff")
def queue():
    certificates, codes = credentials.pending(db.session)
    return render_template("credentials/queue.html", certificates=certificates, codes=codes,
                           flags=credentials.open_flags(db.session), form=forms.DecisionForm(),
                           resolved=credentials.resolved_flags(db.session), flag_form=forms.FlagForm(),
                           today=today_in_vietnam())


@bp.route("/staff/credentials/flags/<int:flag_id>", methods=["POST"])
@role_required("staff")
def resolve_flag(flag_id: int):
    """Staff resolve a code-borrowing flag: borrowing confirmed (the code suspended) or a mistake."""
    flag = get_or_404(credentials.get_flag, db.session, flag_id)
    form = forms.FlagForm()
    form.validate()
    with saving(show=flash_each) as saved:
        credentials.resolve_flag(db.session, flag, form.resolution.data or "", form.note.data or "", current_user)
    if saved:
        flash(_("Flag on %(code)s resolved.", code=flag.code), "success")
    return redirect(url_for("credentials.queue") + "#flags-heading")


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
