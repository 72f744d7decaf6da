"""Pages of meetings at a fair: each side's schedule (/fairs/<slug>/meetings), the buyer's request
to an exhibitor, and the steps either side takes. Only the two sides of a meeting see or touch it
(anyone else: 404; the other side's step: 403)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import groupby

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import signed_in
from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.fairs import meetings
from marketplace.fairs.meeting_forms import MeetingRequestForm, MeetingStepForm, step_forms, step_prefix
from marketplace.fairs.meeting_labels import MEETING_ACTION_LABELS, MEETING_STATUS_LABELS, SLOT_HINT
from marketplace.fairs.meeting_notices import PREFIX, describe_notice
from marketplace.fairs.meeting_rules import ACTIONS, local_day
from marketplace.notifications.wording import word_notices
from marketplace.saving import form_page, posted, raise_if_problems, saving, submitted

bp = Blueprint("fair_meetings", __name__)
word_notices(bp, PREFIX, describe_notice)


@bp.record_once
def _on_the_fair_page(state) -> None:
    page_sections.add(state.app, "fair_meetings", _meetings_section)


def _meetings_section(fair) -> str | None:
    """On the fair's page: where to book a meeting with an exhibitor and see one's schedule."""
    if fair.status != "published" or fair.ends_on < today_in_vietnam():
        return None
    return render_template("fairs/meetings/_section.html", fair=fair)


def _now() -> datetime:
    return datetime.now(UTC)


@bp.route("/fairs/<slug>/meetings")
@signed_in
def schedule(slug: str):
    """My organisations' meetings at the fair by day and time, and the exhibitors to ask."""
    fair = meetings.fair_by_slug(db.session, slug)
    items = meetings.schedule(db.session, current_user, fair)
    days = [(day, list(group)) for day, group in groupby(items, key=lambda item: local_day(item.at))]
    mine = meetings.my_org_ids(current_user)
    others = [e for e in meetings.exhibitors(db.session, fair) if e.org_id not in mine]
    forms = {item.meeting.id: step_forms(item.meeting) for item in items}
    return render_template("fairs/meetings/schedule.html", fair=fair, days=days, exhibitors=others,
                           forms=forms, status_labels=MEETING_STATUS_LABELS, action_labels=MEETING_ACTION_LABELS,
                           can_ask=fair.status == "published" and bool(mine))


@bp.route("/fairs/<slug>/meetings/new/<int:org_id>", methods=["GET", "POST"])
@signed_in
def new(slug: str, org_id: int):
    """A buyer asks an exhibitor of the fair for a meeting."""
    fair = meetings.fair_by_slug(db.session, slug)
    exhibitor = meetings.exhibitor_of(db.session, fair, org_id)
    if not meetings.my_org_ids(current_user) - {org_id}:
        raise PermissionDenied()  # the exhibitor itself, or someone who acts for no organisation
    form = MeetingRequestForm()
    listings = meetings.exhibitor_listings(db.session, org_id)
    form.listing_id.choices = [("", _("— none —"))] + [(str(x.id), x.title) for x in listings]
    status = None
    if submitted(form):
        data = meetings.MeetingInput(day=form.day.data or "", time=form.time.data or "",
                                     listing_id=form.listing_id.data, note=form.note.data or "")
        with saving(form, catch=(ValidationError, Conflict),
                    done=_("Your request is sent. You will be told when the exhibitor answers.")) as saved:
            meeting = meetings.request_meeting(db.session, current_user, fair, exhibitor, data, _now())
            raise_if_problems(form)
        if saved:
            return redirect(url_for(".schedule", slug=slug) + f"#meeting-{meeting.id}")
        status = saved.status  # 409 when the slot is taken, 422 for what was typed
    page, code = form_page("fairs/meetings/new.html", form, fair=fair, exhibitor=exhibitor, slot_hint=SLOT_HINT)
    return page, status or code


@bp.route("/fairs/<slug>/meetings/<int:meeting_id>/<action>", methods=["POST"])
@signed_in
def step(slug: str, meeting_id: int, action: str):
    """Accept, decline, propose another time, take the proposal, cancel: one side's step."""
    fair = meetings.fair_by_slug(db.session, slug)
    if not meetings.my_org_ids(current_user):
        raise PermissionDenied()  # staff and admins look at figures, not at meetings
    meeting, _side = meetings.meeting_for(db.session, current_user, fair, meeting_id)
    if action not in ACTIONS:
        raise NotFound()
    form = MeetingStepForm(prefix=step_prefix(action, meeting.id))
    back = url_for(".schedule", slug=slug) + f"#meeting-{meeting.id}"
    if not posted(form):
        return redirect(back)
    done = {"accept": _("The meeting is accepted."), "decline": _("The meeting is declined."),
            "propose": _("Your proposal is sent."), "take": _("The meeting is accepted."),
            "cancel": _("The meeting is cancelled.")}[action]
    with saving(catch=(ValidationError, Conflict), done=done):
        meetings.act(db.session, current_user, fair, meeting, action, seen_status=form.status.data or None,
                     answer=form.answer.data or "", day=form.day.data or "", time=form.time.data or "", now=_now())
    return redirect(back)
