"""The board submits its founding decision; staff verify, suspend or reject it (issue #19)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import role_required, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.labels import ORG_KIND_LABELS
from marketplace.accounts.permissions import on_board
from marketplace.credentials import evidence
from marketplace.dates import NotADate, parse_date, today_in_vietnam
from marketplace.errors import ValidationError, get_or_404
from marketplace.extensions import limiter
from marketplace.forms import add_problem, as_typed_date, attach_errors
from marketplace.places.services import resolve_commune
from marketplace.saving import flash_each, saving
from marketplace.validation import date_message
from marketplace.verification import forms, rules
from marketplace.verification import services as verification
from marketplace.verification.labels import ACTION_LABELS, MISSING_LABELS, STATUS_LABELS, reason_text
from marketplace.vietnamese import clean

bp = Blueprint("verification", __name__)


@bp.record_once
def _register(state) -> None:
    verification.register(accounts.IDENTITY_CHANGE_HOOKS)
    if verification.attached_scans not in evidence.SCANS_ATTACHED_ELSEWHERE:
        evidence.SCANS_ATTACHED_ELSEWHERE.append(verification.attached_scans)
    page_sections.add(state.app, "organization_actions", _org_action)


def _org_action(org, user=None, **_context) -> str | None:
    """The "Verification" button among the actions on the page of a club its board reads."""
    if org.kind not in rules.DECISION_KINDS or not on_board(user, org):
        return None
    return render_template("verification/_org_action.html", org=org)

# Each scan is decoded (seconds for a photo): as for credentials, a few dozen an hour is plenty.
SCAN_UPLOAD_LIMIT = "60 per hour"


def _board_or_staff(user, org) -> bool:
    return on_board(user, org) or user.is_staff


def _render(org, form=None, status=200):
    record = verification.record_of(db.session, org)
    return render_template(
        "verification/manage.html", org=org, record=record, can_submit=on_board(current_user, org),
        form=form or _filled(record), events=verification.events_of(db.session, org),
        missing=rules.missing(org.kind, record.status if record else None,
                              bool(record and record.decision_number), bool(record and record.scan_id)),
    ), status


def _filled(record) -> forms.DecisionForm:
    form = forms.DecisionForm()
    if record is not None and request.method == "GET":
        form.number.data, form.issuer.data = record.decision_number, record.issuer
        form.decided_on.data = as_typed_date(record.decision_date)
        if record.issuing_commune:
            form.commune_query.data, form.commune_code.data = record.issuing_commune.label, record.issuing_commune_code
    return form


@bp.route("/orgs/<int:org_id>/verification")
@signed_in
def manage(org_id: int):
    """The organisation's "Xác minh" section: where staff stand, what is missing, the form."""
    return _render(accounts.organization_for(db.session, org_id, current_user, _board_or_staff))


def _scan(org, form):
    """The scan chosen now (checked and stored at once, in its own transaction, so that a form with
    other problems keeps it by its key), or the one kept from the last try, or None."""
    upload = request.files.get(form.scan.name)
    if upload is not None and upload.filename:
        data = upload.stream.read(evidence.MAX_SCAN_BYTES + 1)
        db.session.commit()  # nothing written yet: decoding must not hold SQLite's write lock
        reader = evidence.scan_reader()
        try:
            checked = evidence.check_scan(data, upload.filename, upload.mimetype, reader)
        except (evidence.ScanRejected, reader.rejected) as error:
            add_problem(form, "scan", _("“%(name)s”: %(problem)s", name=clean(upload.filename)[:80],
                                        problem=evidence.message_for(error, reader)))
            form.scan_key.data = ""
            return None
        with saving():
            key = evidence.store_scan(db.session, evidence.scan_store(), checked, organization=org,
                                      user=current_user).key
        form.scan_key.data = key
        return evidence.staged_scan(db.session, key, org)
    scan = evidence.staged_scan(db.session, form.scan_key.data, org)
    form.scan_key.data = scan.key if scan is not None else ""
    return scan


def _decision(form) -> rules.Decision:
    decided_on = None
    try:
        decided_on = parse_date(form.decided_on.data)
    except NotADate as error:
        add_problem(form, "decided_on", date_message(error))
    commune = None
    if form.commune_query.data or form.commune_code.data:
        commune = resolve_commune(db.session, form.commune_code.data, form.commune_query.data)
        if commune is None:
            add_problem(form, "commune_query", _("Pick a commune or ward from the list."))
    return rules.Decision(number=rules.normalize_number(form.number.data or ""), decided_on=decided_on,
                          commune_code=commune.code if commune else None, issuer=clean(form.issuer.data or ""))


@bp.route("/orgs/<int:org_id>/verification", methods=["POST"])
@signed_in
@limiter.limit(SCAN_UPLOAD_LIMIT, methods=["POST"])
def submit(org_id: int):
    org = accounts.organization_for(db.session, org_id, current_user, on_board)
    form = forms.DecisionForm()
    form.validate()
    scan = _scan(org, form)
    decision = _decision(form)
    if not form.errors:
        with saving(form, done=_("Sent. Staff will check your founding decision; until then your page shows "
                                 "no badge.")) as saved:
            verification.submit_decision(db.session, org, decision, scan, current_user, today=today_in_vietnam())
        if saved:
            return redirect(url_for("verification.manage", org_id=org.id))
    elif decision.decided_on or decision.number:
        # The rules' problems too, so that every problem shows at once.
        problems = rules.decision_problems(decision, today_in_vietnam())
        attach_errors(form, ValidationError(_("Some fields need attention."), fields={
            name: [str(verification.PROBLEM_MESSAGES[key])] for name, key in problems.items()
            if name not in form.errors}))
    return _render(org, form, status=422)


KIND_FILTERS = tuple(sorted(rules.DECISION_KINDS | rules.BUYER_KINDS))


@bp.route("/staff/verification")
@role_required("staff")
def queue():
    kind = request.args.get("kind", "")
    kind = kind if kind in KIND_FILTERS else ""
    return render_template("verification/queue.html", records=verification.queue(db.session, kind or None),
                           kind=kind, kinds=[(k, ORG_KIND_LABELS.get(k, k)) for k in KIND_FILTERS])


@bp.route("/staff/verification/<int:org_id>")
@role_required("staff")
def record(org_id: int):
    """One organisation's founding decision, its scan, its history and staff's decision forms."""
    org = get_or_404(accounts.get_organization, db.session, org_id)
    record = verification.record_of(db.session, org)
    form = forms.StaffDecisionForm(seen=verification.version_of(org, record) if record else "")
    return render_template("verification/record.html", org=org, record=record,
                           events=verification.events_of(db.session, org), form=form)


@bp.route("/staff/verification/<int:org_id>", methods=["POST"])
@role_required("staff")
def decide(org_id: int):
    org = get_or_404(accounts.get_organization, db.session, org_id)
    form = forms.StaffDecisionForm()
    if not form.validate_on_submit():
        flash(_("That change is not possible from the current status."), "error")
        return redirect(url_for("verification.record", org_id=org.id))
    with saving(show=flash_each) as saved:
        record = verification.decide(db.session, org, form.action.data, current_user, form.reason.data or "",
                                     seen=form.seen.data or "")
    if saved:
        flash(_("%(org)s — new status: %(status)s.", org=org.name, status=_status_label(record.status)), "success")
    return redirect(url_for("verification.record", org_id=org.id))


def _status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_context_processor
def _verification_words():
    return {"verification_status_labels": STATUS_LABELS, "verification_action_labels": ACTION_LABELS,
            "verification_missing_labels": MISSING_LABELS, "verification_reason": reason_text}
