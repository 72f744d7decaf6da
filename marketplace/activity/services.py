"""Club activity services: record, edit and delete an activity; raise a concern; assign, answer,
close and reopen it; the lists per organisation and year; the staff's queue; the public section's
last twelve months.

Services take the session, flush, and never commit; the view commits once. Every problem of a form
comes at once as one ValidationError, and nothing is stored then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.activity import notices, rules
from marketplace.activity.labels import FIELD_MESSAGES, NOT_NOW
from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.errors import Conflict, ValidationError
from marketplace.problems import Problems
from marketplace.validation import DATE, FieldProblems
from marketplace.vietnamese import clean, clean_message


@dataclass
class ActivityInput:
    kind: str = "meeting"
    held_on: str = ""
    topic: str = ""
    attendees: str = ""
    experts: str = ""
    note: str = ""


@dataclass
class ConcernInput:
    kind: str = "difficulty"
    raised_on: str = ""
    title: str = ""
    body: str = ""


@dataclass
class AssignInput:
    handler: str = ""
    handler_user_id: int | None = None
    due_on: str = ""


def _clean_line(text: str) -> str:
    # clean() also drops control characters: a report's .xlsx cannot hold them (openpyxl refuses).
    return clean(text)


def _read_activity(db: Session, data: ActivityInput, today: date) -> dict:
    found = FieldProblems(FIELD_MESSAGES)
    (held_on,) = found.parse_fields(data, held_on=DATE)
    attendees = None
    try:
        attendees = rules.parse_attendees(data.attendees)
    except rules.NotAttendees:
        found.add("attendees", "attendees")
    values = {"kind": data.kind, "topic": _clean_line(data.topic), "experts": clean_message(data.experts),
              "note": clean_message(data.note)}
    problems = Problems()
    rules.check_activity(problems, kind=values["kind"], topic=values["topic"],
                         held_on=held_on if "held_on" not in found.fields else today, today=today,
                         attendees=attendees, texts={"experts": values["experts"], "note": values["note"]})
    found.merge(problems)
    found.raise_if_any()
    return values | {"held_on": held_on, "attendees": attendees}


def record_activity(db: Session, org: Organization, data: ActivityInput, user: User, today: date) -> ClubActivity:
    values = _read_activity(db, data, today)
    activity = ClubActivity(organization_id=org.id, recorded_by_id=user.id, **values)
    db.add(activity)
    db.flush()
    return activity


def edit_activity(db: Session, activity: ClubActivity, data: ActivityInput, today: date) -> ClubActivity:
    for name, value in _read_activity(db, data, today).items():
        setattr(activity, name, value)
    db.flush()
    return activity


def delete_activity(db: Session, activity: ClubActivity) -> None:
    db.delete(activity)
    db.flush()


def get_activity(db: Session, org: Organization, activity_id: int) -> ClubActivity | None:
    activity = db.get(ClubActivity, activity_id)
    return activity if activity is not None and activity.organization_id == org.id else None


def raise_concern(db: Session, org: Organization, data: ConcernInput, user: User, today: date) -> ClubConcern:
    found = FieldProblems(FIELD_MESSAGES)
    (raised_on,) = found.parse_fields(data, raised_on=DATE)
    raised_on = raised_on if raised_on is not None or "raised_on" in found.fields else today
    title, body = _clean_line(data.title), clean_message(data.body)
    problems = Problems()
    rules.check_concern(problems, kind=data.kind, title=title, raised_on=raised_on if raised_on else today,
                        today=today, texts={"body": body})
    found.merge(problems)
    found.raise_if_any()
    concern = ClubConcern(organization_id=org.id, kind=data.kind, raised_on=raised_on, title=title, body=body,
                          status="open", recorded_by_id=user.id)
    db.add(concern)
    db.flush()
    return concern


def _move(db: Session, concern: ClubConcern, action: str, actors: set[str]) -> str:
    """The status `action` leads to, read with the concern's row locked (two staff answering at
    once: the second finds it answered); Conflict when it does not lead anywhere now."""
    db.scalar(select(ClubConcern).where(ClubConcern.id == concern.id).with_for_update()
              .execution_options(populate_existing=True))
    new = rules.next_status(concern.status, action, actors)
    if new is None:
        raise Conflict(str(NOT_NOW))
    return new


def staff_users(db: Session) -> list[User]:
    """Whom a concern may be assigned to: active staff and administrators."""
    return sorted(accounts.staff_members(db), key=lambda user: (user.name, user.id))


def assign(db: Session, concern: ClubConcern, data: AssignInput, staff: User, today: date) -> ClubConcern:
    """Staff name who handles it (in words and/or a staff user) and by when."""
    new = _move(db, concern, "assign", {"staff"})
    found = FieldProblems(FIELD_MESSAGES)
    (due_on,) = found.parse_fields(data, due_on=DATE)
    handler_user = None
    if data.handler_user_id is not None:
        handler_user = next((u for u in staff_users(db) if u.id == data.handler_user_id), None)
        if handler_user is None:
            found.add("handler_user_id", "handler_user")
    handler = _clean_line(data.handler)
    problems = Problems()
    rules.check_assignment(problems, handler=handler, has_handler_user=handler_user is not None
                           or "handler_user_id" in found.fields, due_on=due_on if "due_on" not in found.fields
                           else today, today=today)
    found.merge(problems)
    found.raise_if_any()
    concern.status, concern.handler, concern.handler_user_id, concern.due_on = new, handler, \
        handler_user.id if handler_user else None, due_on
    concern.handler_user = handler_user
    db.flush()
    notices.assigned(db, concern, staff)
    return concern


def answer(db: Session, concern: ClubConcern, text: str, staff: User, today: date) -> ClubConcern:
    """The handler's answer, recorded by staff; the club's board is told."""
    new = _move(db, concern, "answer", {"staff"})
    found = FieldProblems(FIELD_MESSAGES)
    words = clean_message(text)
    problems = Problems()
    rules.check_answer(problems, answer=words)
    found.merge(problems)
    found.raise_if_any()
    concern.status, concern.answer, concern.answered_on, concern.answered_by_id = new, words, today, staff.id
    db.flush()
    notices.answered(db, concern)
    return concern


def close(db: Session, concern: ClubConcern, actors: set[str]) -> ClubConcern:
    concern.status = _move(db, concern, "close", actors)
    db.flush()
    return concern


def reopen(db: Session, concern: ClubConcern, actors: set[str], user: User, reason: str, today: date) -> ClubConcern:
    """Not settled after all: back to the handler, due again in REOPEN_DAYS; the reason (if any) is
    added to the concern's text with the day, and the handler (a staff member) is told."""
    new = _move(db, concern, "reopen", actors)
    words = clean_message(reason)
    if len(words) > rules.LIMITS["reason"]:
        raise_fields({"reason": [str(FIELD_MESSAGES["too_long"])]})
    if words:
        concern.body = (concern.body + "\n\n" if concern.body else "") + f"{today:%d/%m/%Y}: {words}"
    concern.status, concern.due_on = new, today + timedelta(days=rules.REOPEN_DAYS)
    db.flush()
    notices.reopened(db, concern, user)
    return concern


def raise_fields(fields: dict[str, list[str]]) -> None:
    raise ValidationError(_("Some fields need attention."), fields=fields)


def get_concern(db: Session, concern_id: int) -> ClubConcern | None:
    return db.get(ClubConcern, concern_id)


# -- lists ------------------------------------------------------------------------------------

def activities_in(db: Session, org_id: int, first: date, last: date) -> list[ClubActivity]:
    """The organisation's activities held from `first` to `last` (both included), newest first."""
    return list(db.scalars(select(ClubActivity).where(
        ClubActivity.organization_id == org_id, ClubActivity.held_on >= first, ClubActivity.held_on <= last)
        .order_by(ClubActivity.held_on.desc(), ClubActivity.id.desc())))


def activities_of_year(db: Session, org_id: int, year: int) -> list[ClubActivity]:
    return activities_in(db, org_id, *rules.year_span(year))


def concerns_of_year(db: Session, org_id: int, year: int, today: date) -> list[ClubConcern]:
    """Concerns raised in the year; for the current year also any raised earlier and still waiting
    for an answer (nothing unsettled drops off the page in January). Overdue first."""
    first, last = rules.year_span(year)
    raised = ClubConcern.raised_on.between(first, last)
    where = or_(raised, ClubConcern.status.in_(tuple(rules.UNSETTLED))) if year == today.year else raised
    rows = db.scalars(select(ClubConcern).where(ClubConcern.organization_id == org_id, where))
    return rules.overdue_first(list(rows), today)


def years_with_records(db: Session, org_id: int, today: date) -> list[int]:
    """The years the picker offers: this year and every year with an activity or a concern, newest first."""
    years = {today.year}
    for day in db.scalars(select(ClubActivity.held_on).where(ClubActivity.organization_id == org_id)):
        years.add(day.year)
    for day in db.scalars(select(ClubConcern.raised_on).where(ClubConcern.organization_id == org_id)):
        years.add(day.year)
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""  # "" = all, "unsettled" = open and assigned, or one of CONCERN_STATUSES
    kind: str = ""
    commune_code: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class QueueRow:
    concern: ClubConcern
    overdue: bool


def queue(db: Session, wanted: QueueFilter, today: date) -> list[QueueRow]:
    """Every club's concerns for staff, filtered, the overdue ones first."""
    query = select(ClubConcern).join(Organization, Organization.id == ClubConcern.organization_id)
    if wanted.status == "unsettled":
        query = query.where(ClubConcern.status.in_(tuple(rules.UNSETTLED)))
    elif wanted.status:
        query = query.where(ClubConcern.status == wanted.status)
    if wanted.kind:
        query = query.where(ClubConcern.kind == wanted.kind)
    if wanted.commune_code:
        query = query.where(Organization.commune_code == wanted.commune_code)
    rows = [QueueRow(c, rules.is_overdue(c.status, c.raised_on, c.due_on, today)) for c in db.scalars(query)]
    if wanted.overdue:
        rows = [row for row in rows if row.overdue]
    return rules.overdue_first(rows, today, key=lambda row: row.concern)


def queue_communes(db: Session) -> list[Organization]:
    """One organisation per commune that has concerns (its commune labels the filter's choice)."""
    seen: dict[str, Organization] = {}
    for org in db.scalars(select(Organization).join(ClubConcern, ClubConcern.organization_id == Organization.id)
                          .where(Organization.commune_code.is_not(None)).distinct()):
        seen.setdefault(org.commune_code, org)
    return sorted(seen.values(), key=lambda o: o.commune.label if o.commune else "")


def overdue_count(db: Session, today: date) -> int:
    return sum(1 for c in db.scalars(select(ClubConcern).where(ClubConcern.status.in_(tuple(rules.UNSETTLED))))
               if rules.is_overdue(c.status, c.raised_on, c.due_on, today))


def concerns_since(db: Session, org_id: int, first: date, today: date) -> list[ClubConcern]:
    """Concerns raised from `first` on, and any older one still waiting for an answer; overdue first."""
    rows = db.scalars(select(ClubConcern).where(ClubConcern.organization_id == org_id, or_(
        ClubConcern.raised_on >= first, ClubConcern.status.in_(tuple(rules.UNSETTLED)))))
    return rules.overdue_first(list(rows), today)


def board_clubs(user: User) -> list[Organization]:
    """The clubs, cooperatives and groups whose board this person sits on (what their home links to)."""
    return [m.organization for m in user.memberships if m.board and m.organization.kind in rules.ORG_KINDS]
