"""Staff pages for clubs on the road to a cooperative (the list, a club's steps and the form), and
the founding history each organisation page shows (added through page_sections)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import role_required
from marketplace.accounts.models import Organization
from marketplace.cooperatives import forms, rules, steps
from marketplace.cooperatives.labels import STAGE_LABELS
from marketplace.dates import today_in_vietnam
from marketplace.errors import NotFound, or_404
from marketplace.forms import as_typed_date, choices
from marketplace.saving import form_page, raise_if_problems, saving, submitted

bp = Blueprint("cooperatives", __name__)


@bp.record_once
def _register_sections(state) -> None:
    page_sections.add(state.app, "organization_history", _founding_section)


def _founding_section(org: Organization, **_context) -> str | None:
    """On the club: the cooperative it founded; on the cooperative: the club it grew from. The
    staff's notes stay on the staff's page."""
    founded = steps.founding_of(db.session, org.id)
    into = steps.founding_into(db.session, org.id)
    if founded is None and into is None:
        return None
    return render_template("cooperatives/_org_section.html", org=org, founded=founded, into=into)


@bp.route("/staff/cooperatives")
@role_required("staff")
def index():
    return render_template("cooperatives/index.html", rows=steps.clubs_on_the_road(db.session),
                           clubs=steps.clubs(db.session), stage_labels=STAGE_LABELS)


@bp.route("/staff/cooperatives/<int:org_id>", methods=["GET", "POST"])
@role_required("staff")
def club(org_id: int):
    org = or_404(db.session.get(Organization, org_id))
    if org.kind not in rules.CLUB_KINDS:
        raise NotFound()
    form = forms.StepForm()
    form.cooperative_id.choices = choices([("", _("Choose…")), *((str(c.id), c.name)
                                                                for c in steps.cooperatives(db.session))])
    today = today_in_vietnam()
    if not form.is_submitted():
        form.taken_on.data = as_typed_date(today)
    if submitted(form):
        raw = form.cooperative_id.data or ""
        data = steps.StepInput(stage=form.stage.data or "", taken_on=form.taken_on.data or "",
                               note=form.note.data or "",
                               cooperative_id=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None,
                               households_joined=form.households_joined.data or "",
                               members_joined=form.members_joined.data or "")
        with saving(form, done=_("The step is recorded.")) as saved:
            steps.record_step(db.session, org, data, current_user, today)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("cooperatives.club", org_id=org.id))
    return form_page("cooperatives/club.html", form, org=org, history=steps.history(db.session, org.id),
                     stage_labels=STAGE_LABELS)
