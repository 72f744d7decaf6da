"""Staff pages of fairs: the list, creating and editing a fair and its booth kinds, publishing and
cancelling, and the applications of a fair (approve, waitlist, decline with a reason, record a
transfer received)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import role_required
from marketplace.db import utcnow
from marketplace.errors import Conflict, ValidationError, or_404
from marketplace.fairs import applications as booths
from marketplace.fairs import editing, forms, queries, rules
from marketplace.fairs.models import Fair
from marketplace.forms import add_problem, as_typed_date, choices
from marketplace.places.models import Commune
from marketplace.places.services import resolve_commune
from marketplace.saving import flash_message, form_page, posted, saving, submitted

bp = Blueprint("fair_staff", __name__)

OUTCOME_MESSAGES = {
    "approved": lambda: _("Approved: booth %(booth)s is held; the applicant is asked to pay the fee."),
    "confirmed": lambda: _("Approved: booth %(booth)s is confirmed (free)."),
    "waitlisted": lambda: _("Put on the waitlist."),
    "declined": lambda: _("Declined; the applicant is told why."),
    "full": lambda: _("No booth of this kind is left: the application is on the waitlist."),
}


def _fair_or_404(fair_id: int) -> Fair:
    return or_404(queries.fair_by_id(db.session, fair_id))


@bp.route("/staff/fairs")
@role_required("staff")
def index():
    return render_template("fairs/staff_index.html", fairs=queries.all_fairs(db.session), form=forms.ButtonForm())


@bp.route("/staff/fairs/new", methods=["GET", "POST"])
@role_required("staff")
def new():
    return _edit_page(None)


@bp.route("/staff/fairs/<int:fair_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(fair_id: int):
    return _edit_page(_fair_or_404(fair_id))


def _edit_page(fair: Fair | None):
    form = forms.FairForm() if request.method == "POST" or fair is None else forms.FairForm(data=_values(fair))
    if request.method == "GET":
        rows = min(rules.MAX_BOOTH_KINDS, (len(fair.booth_kinds) if fair else 0) + forms.BLANK_BOOTH_ROWS)
        while len(form.booths.entries) < rows:
            form.booths.append_entry()
    organisers = editing.organiser_choices(db.session)
    form.organiser_org_id.choices = choices([("", _("No online payment to an organisation"))] + [
        (str(org.id), org.name) for org in organisers])
    if submitted(form):
        with saving(form, show=lambda error: _show_problems(form, error),
                    done=_("The fair is saved.")) as saved:
            saved_fair = editing.save_fair(db.session, _input(form, {o.id for o in organisers}), current_user, fair)
            if form.errors:
                raise ValidationError(_("Some fields need attention."))
        if saved:
            return redirect(url_for("fair_staff.applications", fair_id=saved_fair.id))
    return form_page("fairs/form.html", form, fair=fair)


def _show_problems(form: forms.FairForm, error: Exception) -> None:
    """A service's problems beside their fields, a booth kind's beside its row's field."""
    for name, messages in getattr(error, "fields", {}).items():
        if name.startswith("booths-"):
            _, place, field_name = name.split("-", 2)
            if int(place) < len(form.booths.entries):
                subfield = form.booths.entries[int(place)].form[field_name]
                subfield.errors = [*subfield.errors, *[m for m in messages if m not in subfield.errors]]
            continue
        if name in form and not form[name].errors:
            for message in messages:
                add_problem(form, name, message)


def _input(form: forms.FairForm, organisers: set[int]) -> editing.FairInput:
    commune = resolve_commune(db.session, form.commune_code.data, form.commune_query.data)
    if (form.commune_query.data or form.commune_code.data) and commune is None:
        add_problem(form, "commune_query", _("Pick a commune or ward from the list."))
    raw = form.organiser_org_id.data or ""
    organiser = int(raw) if raw.isascii() and raw.isdigit() and int(raw) in organisers else None
    return editing.FairInput(
        name=form.name.data or "", name_en=form.name_en.data or "", kind=form.kind.data or "",
        starts_on=form.starts_on.data or "", ends_on=form.ends_on.data or "", apply_by=form.apply_by.data or "",
        venue=form.venue.data or "", commune_code=commune.code if commune else None,
        organiser_name=form.organiser_name.data or "", organiser_org_id=organiser,
        description=form.description.data or "", description_en=form.description_en.data or "",
        booths=[editing.BoothKindRow(id=e.form.id.data or "", name=e.form.name.data or "",
                                     name_en=e.form.name_en.data or "", count=e.form.count.data or "",
                                     fee_vnd=e.form.fee_vnd.data or "", number_prefix=e.form.number_prefix.data or "")
                for e in form.booths.entries])


def _values(fair: Fair) -> dict:
    commune = db.session.get(Commune, fair.commune_code) if fair.commune_code else None
    return {
        "kind": fair.kind, "name": fair.name, "name_en": fair.name_en, "starts_on": as_typed_date(fair.starts_on),
        "ends_on": as_typed_date(fair.ends_on), "apply_by": as_typed_date(fair.apply_by), "venue": fair.venue,
        "commune_query": commune.label if commune else "", "commune_code": fair.commune_code or "",
        "organiser_name": fair.organiser_name, "organiser_org_id": str(fair.organiser_org_id or ""),
        "description": fair.description, "description_en": fair.description_en,
        "booths": [{"id": str(k.id), "name": k.name, "name_en": k.name_en, "count": str(k.count),
                    "fee_vnd": str(k.fee_vnd), "number_prefix": k.number_prefix} for k in fair.booth_kinds],
    }


@bp.route("/staff/fairs/<int:fair_id>/publish", methods=["POST"])
@role_required("staff")
def publish(fair_id: int):
    fair = _fair_or_404(fair_id)
    if posted(forms.ButtonForm()):
        with saving(catch=(Conflict,), show=flash_message, done=_("The fair is published.")):
            editing.publish(db.session, fair)
    return redirect(url_for("fair_staff.applications", fair_id=fair.id))


@bp.route("/staff/fairs/<int:fair_id>/cancel", methods=["POST"])
@role_required("staff")
def cancel(fair_id: int):
    fair = _fair_or_404(fair_id)
    if posted(forms.ButtonForm()):
        with saving(catch=(Conflict,), show=flash_message, done=_("The fair is cancelled.")):
            editing.cancel(db.session, fair)
    return redirect(url_for("fair_staff.applications", fair_id=fair.id))


@bp.route("/staff/fairs/<int:fair_id>/applications")
@role_required("staff")
def applications(fair_id: int):
    fair = _fair_or_404(fair_id)
    status = request.args.get("status") or None
    status = status if status in rules.APPLICATION_STATUSES else None
    found = queries.applications(db.session, fair.id, status)
    return render_template("fairs/staff_applications.html", fair=fair, applications=found, status=status,
                           counts=queries.status_counts(db.session, fair.id), form=forms.ButtonForm(),
                           decision=forms.DecisionForm(), transfer=forms.TransferForm(),
                           ref=rules.application_ref, transfer_message=rules.transfer_message,
                           org_names=queries.org_names(db.session, [a.org_id for a in found]),
                           picked={a.id: queries.picked_listings(db.session, a.id) for a in found})


@bp.route("/staff/fairs/<int:fair_id>/approve-waitlist", methods=["POST"])
@role_required("staff")
def approve_waitlist(fair_id: int):
    """Approve the waitlist in the order the applications came, while booths are left."""
    fair = _fair_or_404(fair_id)
    page = url_for("fair_staff.applications", fair_id=fair.id, status="waitlisted")
    if posted(forms.ButtonForm()):
        with saving(catch=(Conflict,), show=flash_message) as saved:
            approved, waiting = booths.approve_waitlist(db.session, fair.id, current_user)
        if saved:
            flash(_("%(approved)d approved from the waitlist; %(waiting)d still waiting.", approved=approved,
                    waiting=waiting), "success")
    return redirect(page)


@bp.route("/staff/fairs/applications/<int:application_id>/decide", methods=["POST"])
@role_required("staff")
def decide(application_id: int):
    application = or_404(queries.application_by_id(db.session, application_id))
    page = url_for("fair_staff.applications", fair_id=application.fair_id) + f"#application-{application.id}"
    form = forms.DecisionForm()
    action = form.action.data if form.action.data in rules.STAFF_ACTIONS else None
    if action is None or not posted(form, prefix=rules.application_ref(application.id) + ": "):
        if action is None:
            flash(_("The form expired. Please send it again."), "error")
        return redirect(page)
    outcome = None
    with saving(catch=(Conflict, ValidationError), show=lambda error: flash(
            rules.application_ref(application.id) + ": " + " ".join(
                m for ms in error.fields.values() for m in ms) if error.fields else error.message, "error")) as saved:
        outcome = booths.decide(db.session, application, action, current_user, reason=form.reason.data or "")
        number = application.booth_number or ""
    if saved and outcome:
        flash(rules.application_ref(application.id) + ": " + OUTCOME_MESSAGES[outcome]() % {"booth": number},
              "error" if outcome == "full" else "success")
    return redirect(page)


@bp.route("/staff/fairs/applications/<int:application_id>/received", methods=["POST"])
@role_required("staff")
def received(application_id: int):
    """Staff saw the fee arrive on the organiser's account: the booth is confirmed."""
    application = or_404(queries.application_by_id(db.session, application_id))
    page = url_for("fair_staff.applications", fair_id=application.fair_id) + f"#application-{application.id}"
    form = forms.TransferForm()
    if posted(form):
        with saving(catch=(Conflict, ValidationError), show=flash_message,
                    done=_("The transfer is recorded: the booth is confirmed.")):
            booths.record_transfer(db.session, application, form.reference.data or "", current_user, utcnow())
    return redirect(page)
