"""Club activity pages: the organisation's activity and concerns (/orgs/<id>/activity, its board,
members reading, staff), the forms to record an activity and raise a concern, the staff's queue of
concerns (/staff/concerns) and one concern's page with the assign/answer/close forms; the section
on the organisation's page, its board's button, the home's link, and the notices' words."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import role_required, signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import member_or_staff, on_board
from marketplace.activity import rules, services
from marketplace.activity.forms import ActivityForm, AnswerForm, AssignForm, ConcernForm, ReopenForm
from marketplace.activity.labels import (
    ACTION_LABELS,
    ACTIVITY_KIND_LABELS,
    CONCERN_KIND_LABELS,
    CONCERN_STATUS_LABELS,
)
from marketplace.activity.models import CONCERN_KINDS, CONCERN_STATUSES, ClubActivity, ClubConcern
from marketplace.activity.notices import PREFIX, describe_notice
from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError, or_404
from marketplace.extensions import limiter
from marketplace.forms import CsrfForm, as_typed_date, choices
from marketplace.notifications.wording import word_notices
from marketplace.problems import FIRST_YEAR
from marketplace.saving import flash_message, form_page, posted, raise_if_problems, saving, submitted

bp = Blueprint("activity", __name__)
# Reopening tells the staff member following the concern: bounded like anything that sends a message.
NOTICE_LIMIT = "30 per hour"
word_notices(bp, PREFIX, describe_notice)
LABELS = {"activity_kinds": ACTIVITY_KIND_LABELS, "concern_kinds": CONCERN_KIND_LABELS,
          "concern_statuses": CONCERN_STATUS_LABELS, "action_labels": ACTION_LABELS,
          "unsettled": rules.UNSETTLED}


@bp.record_once
def _register_sections(state) -> None:
    page_sections.add(state.app, "organization_history", _org_section)
    page_sections.add(state.app, "organization_actions", _org_action)
    page_sections.add(state.app, "home", _home_links)


# -- who may do what ----------------------------------------------------------------------------

def _manages(org: Organization) -> bool:
    """Records activities and raises concerns: the club's board, and staff."""
    return on_board(current_user, org) or (current_user.is_authenticated and current_user.is_staff)


def _reads(org: Organization) -> bool:
    """Reads the club's activity page: its members too (read-only)."""
    return _manages(org) or member_or_staff(current_user, org.id)


def _actors(org: Organization) -> set[str]:
    actors = set()
    if on_board(current_user, org):
        actors.add("board")
    if current_user.is_authenticated and current_user.is_staff:
        actors.add("staff")
    return actors


def _club(org_id: int) -> Organization:
    org = or_404(db.session.get(Organization, org_id))
    if org.kind not in rules.ORG_KINDS:
        raise NotFound()
    return org


def _managed_club(org_id: int) -> Organization:
    org = _club(org_id)
    if not _manages(org):
        raise PermissionDenied()
    return org


# -- sections on other pages ----------------------------------------------------------------------

def _org_section(org: Organization, **_context) -> str | None:
    """The last twelve months: to everyone, what was held and its topic; to staff and the board,
    also who came, the experts, and the concerns with their answers."""
    if org.kind not in rules.ORG_KINDS:
        return None
    today = today_in_vietnam()
    first = rules.last_twelve_months(today)
    activities = services.activities_in(db.session, org.id, first, today)
    full = _manages(org)
    concerns = services.concerns_since(db.session, org.id, first, today) if full else []
    if not activities and not concerns and not full:
        return None
    return render_template("activity/_org_section.html", org=org, activities=activities, concerns=concerns,
                           full=full, reads=_reads(org), today=today, is_overdue=rules.is_overdue, **LABELS)


def _org_action(org: Organization, user=None, **_context) -> str | None:
    if org.kind not in rules.ORG_KINDS or not on_board(user, org):
        return None
    return render_template("activity/_org_action.html", org=org)


def _home_links(user=None, **_context) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    clubs = services.board_clubs(user)
    if not clubs and not user.is_staff:
        return None
    overdue = services.overdue_count(db.session, today_in_vietnam()) if user.is_staff else 0
    return render_template("activity/_home_links.html", clubs=clubs, staff=user.is_staff, overdue=overdue)


# -- the club's page ----------------------------------------------------------------------------

def _year(today) -> int:
    raw = request.args.get("year", "")
    if raw.isdecimal() and len(raw) == 4 and FIRST_YEAR <= int(raw) <= today.year + 1:
        return int(raw)
    return today.year


@bp.route("/orgs/<int:org_id>/activity")
@signed_in
def org_page(org_id: int):
    org = _club(org_id)
    if not _reads(org):
        raise PermissionDenied()
    today = today_in_vietnam()
    year = _year(today)
    manages = _manages(org)
    actors = _actors(org)
    concerns = services.concerns_of_year(db.session, org.id, year, today) if manages else []
    return render_template(
        "activity/org.html", org=org, year=year, years=services.years_with_records(db.session, org.id, today),
        activities=services.activities_of_year(db.session, org.id, year), concerns=concerns, manages=manages,
        actions_of=lambda concern: [a for a in rules.actions_for(concern.status, actors)
                                    if a in ("close", "reopen")],
        staff=current_user.is_staff, today=today, is_overdue=rules.is_overdue, csrf=CsrfForm(),
        reopen_form=ReopenForm(), **LABELS)


def _activity_input(form: ActivityForm) -> services.ActivityInput:
    return services.ActivityInput(kind=form.kind.data or "", held_on=form.held_on.data or "",
                                  topic=form.topic.data or "", attendees=form.attendees.data or "",
                                  experts=form.experts.data or "", note=form.note.data or "")


@bp.route("/orgs/<int:org_id>/activity/new", methods=["GET", "POST"])
@signed_in
def new_activity(org_id: int):
    org = _managed_club(org_id)
    today = today_in_vietnam()
    form = ActivityForm()
    if not form.is_submitted():
        form.held_on.data = as_typed_date(today)
    if submitted(form):
        with saving(form, done=_("The activity is recorded.")) as saved:
            activity = services.record_activity(db.session, org, _activity_input(form), current_user, today)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("activity.org_page", org_id=org.id, year=activity.held_on.year))
    return form_page("activity/activity_form.html", form, org=org, activity=None)


def _own_activity(org: Organization, activity_id: int) -> ClubActivity:
    return or_404(services.get_activity(db.session, org, activity_id))


@bp.route("/orgs/<int:org_id>/activity/<int:activity_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_activity(org_id: int, activity_id: int):
    org = _managed_club(org_id)
    activity = _own_activity(org, activity_id)
    today = today_in_vietnam()
    form = ActivityForm()
    if not form.is_submitted():
        form.process(obj=activity)
        form.held_on.data = as_typed_date(activity.held_on)
        form.attendees.data = str(activity.attendees) if activity.attendees else ""
    if submitted(form):
        with saving(form, done=_("Your changes are saved.")) as saved:
            services.edit_activity(db.session, activity, _activity_input(form), today)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("activity.org_page", org_id=org.id, year=activity.held_on.year))
    return form_page("activity/activity_form.html", form, org=org, activity=activity, csrf=CsrfForm())


@bp.route("/orgs/<int:org_id>/activity/<int:activity_id>/delete", methods=["POST"])
@signed_in
def delete_activity(org_id: int, activity_id: int):
    org = _managed_club(org_id)
    activity = _own_activity(org, activity_id)
    year = activity.held_on.year
    if posted(CsrfForm()):
        with saving(done=_("The activity is deleted.")):
            services.delete_activity(db.session, activity)
    return redirect(url_for("activity.org_page", org_id=org.id, year=year))


@bp.route("/orgs/<int:org_id>/concerns/new", methods=["GET", "POST"])
@signed_in
def new_concern(org_id: int):
    org = _managed_club(org_id)
    today = today_in_vietnam()
    form = ConcernForm()
    if not form.is_submitted():
        form.raised_on.data = as_typed_date(today)
    if submitted(form):
        data = services.ConcernInput(kind=form.kind.data or "", raised_on=form.raised_on.data or "",
                                     title=form.title.data or "", body=form.body.data or "")
        with saving(form, done=_("The concern is sent to staff.")) as saved:
            concern = services.raise_concern(db.session, org, data, current_user, today)
            raise_if_problems(form)
        if saved:
            return redirect(url_for("activity.org_page", org_id=org.id) + f"#concern-{concern.id}")
    return form_page("activity/concern_form.html", form, org=org)


def _club_concern(org: Organization, concern_id: int) -> ClubConcern:
    concern = services.get_concern(db.session, concern_id)
    if concern is None or concern.organization_id != org.id:
        raise NotFound()
    return concern


@bp.route("/orgs/<int:org_id>/concerns/<int:concern_id>/<any(close, reopen):action>", methods=["POST"])
@signed_in
@limiter.limit(NOTICE_LIMIT, methods=["POST"])
def club_move(org_id: int, concern_id: int, action: str):
    """The board (or staff) settles an answered concern, or reopens it."""
    org = _managed_club(org_id)
    concern = _club_concern(org, concern_id)
    form = ReopenForm() if action == "reopen" else CsrfForm()
    if posted(form):
        _move(concern, action, _actors(org), form)
    return redirect(url_for("activity.org_page", org_id=org.id) + f"#concern-{concern.id}")


def _move(concern: ClubConcern, action: str, actors: set[str], form) -> None:
    done = _("The concern is settled.") if action == "close" else _("The concern is reopened.")
    with saving(catch=(Conflict,), show=flash_message, done=done):
        if action == "close":
            services.close(db.session, concern, actors)
        else:
            services.reopen(db.session, concern, actors, current_user, form.reason.data or "", today_in_vietnam())


# -- staff ----------------------------------------------------------------------------------------

def _queue_filter() -> services.QueueFilter:
    args = request.args
    status = args.get("status", "unsettled")
    status = status if status in ("", "unsettled", *CONCERN_STATUSES) else "unsettled"
    kind = args.get("kind", "")
    commune = args.get("commune", "")
    return services.QueueFilter(status=status, kind=kind if kind in CONCERN_KINDS else "",
                                commune_code=commune if commune.isdecimal() and len(commune) <= 10 else "",
                                overdue=args.get("overdue") == "1")


@bp.route("/staff/concerns")
@role_required("staff")
def staff_queue():
    today = today_in_vietnam()
    wanted = _queue_filter()
    rows = services.queue(db.session, wanted, today)
    return render_template("activity/queue.html", rows=rows, wanted=wanted, today=today, is_overdue=rules.is_overdue,
                           communes=services.queue_communes(db.session), statuses=CONCERN_STATUSES,
                           overdue_total=sum(1 for row in rows if row.overdue), **LABELS)


def _staff_concern(concern_id: int) -> ClubConcern:
    return or_404(services.get_concern(db.session, concern_id))


def _assign_form(concern: ClubConcern | None = None) -> AssignForm:
    form = AssignForm()
    form.handler_user_id.choices = choices([("", _("Nobody in particular")),
                                            *((str(u.id), u.name) for u in services.staff_users(db.session))])
    if concern is not None and not form.is_submitted():
        form.handler.data = concern.handler
        form.handler_user_id.data = str(concern.handler_user_id or "")
        # a due day already past is not offered again (it would be refused): staff write a new one
        form.due_on.data = as_typed_date(concern.due_on) if concern.due_on and concern.due_on >= today_in_vietnam() \
            else ""
    return form


def _concern_page(concern: ClubConcern, assign_form: AssignForm, answer_form: AnswerForm, status: int = 200):
    today = today_in_vietnam()
    actions = rules.actions_for(concern.status, {"staff"})
    return render_template(
        "activity/concern.html", concern=concern, assign_form=assign_form, answer_form=answer_form,
        reopen_form=ReopenForm(), csrf=CsrfForm(), actions=actions, today=today, is_overdue=rules.is_overdue,
        overdue=rules.is_overdue(concern.status, concern.raised_on, concern.due_on, today), **LABELS), status


@bp.route("/staff/concerns/<int:concern_id>")
@role_required("staff")
def staff_concern(concern_id: int):
    concern = _staff_concern(concern_id)
    return _concern_page(concern, _assign_form(concern), AnswerForm(formdata=None, answer=concern.answer))


@bp.route("/staff/concerns/<int:concern_id>/assign", methods=["POST"])
@role_required("staff")
def staff_assign(concern_id: int):
    concern = _staff_concern(concern_id)
    form = _assign_form()
    if submitted(form):
        raw = form.handler_user_id.data or ""
        data = services.AssignInput(handler=form.handler.data or "", due_on=form.due_on.data or "",
                                    handler_user_id=int(raw) if raw.isdecimal() and len(raw) < 10 else None)
        if raw and data.handler_user_id is None:
            data.handler_user_id = 0  # not a number: "choose from the list"
        with saving(form, catch=(ValidationError, Conflict), done=_("The concern is assigned.")) as saved:
            services.assign(db.session, concern, data, current_user, today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(url_for("activity.staff_concern", concern_id=concern.id))
        concern = _staff_concern(concern_id)
    return _concern_page(concern, form, AnswerForm(formdata=None, answer=concern.answer), 422)


@bp.route("/staff/concerns/<int:concern_id>/answer", methods=["POST"])
@role_required("staff")
def staff_answer(concern_id: int):
    concern = _staff_concern(concern_id)
    form = AnswerForm()
    if submitted(form):
        with saving(form, catch=(ValidationError, Conflict), done=_("The answer is recorded; the club's "
                                                                           "board is told.")) as saved:
            services.answer(db.session, concern, form.answer.data or "", current_user, today_in_vietnam())
            raise_if_problems(form)
        if saved:
            return redirect(url_for("activity.staff_concern", concern_id=concern.id))
        concern = _staff_concern(concern_id)
    return _concern_page(concern, _assign_form(concern), form, 422)


@bp.route("/staff/concerns/<int:concern_id>/<any(close, reopen):action>", methods=["POST"])
@role_required("staff")
def staff_move(concern_id: int, action: str):
    concern = _staff_concern(concern_id)
    form = ReopenForm() if action == "reopen" else CsrfForm()
    if posted(form):
        _move(concern, action, {"staff"}, form)
    return redirect(url_for("activity.staff_concern", concern_id=concern.id))
