"""Meetings at a fair: a buyer asks an exhibitor (an organisation holding a booth) for a slot, the
exhibitor accepts, declines or proposes another time, the buyer takes the proposal or cancels;
each side's schedule for the fair.

Double booking is refused (409), never only warned about: a side cannot hold two meetings whose
slots (meeting_rules.MEETING_MINUTES) overlap. For the asking buyer every meeting not declined or
cancelled holds its time; for the exhibitor only accepted ones (several buyers may ask for one
slot; accepting one makes the others collide). The check runs after locking both organisations'
rows (FOR UPDATE on PostgreSQL; SQLite writes one transaction at a time), and a status changes
only by a conditional UPDATE on the status the person saw, so two clicks never both win.

A request opens (or continues) the conversation between the two organisations about the fair
(topic "fair:<id>", fair_id set), with the request as its first message.

Services take the session, flush, and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from marketplace import formatting
from marketplace.accounts.models import Organization, User
from marketplace.dates import NotADate, parse_date
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.fairs import meeting_notices
from marketplace.fairs import meeting_rules as rules
from marketplace.fairs.meeting_labels import problem_messages
from marketplace.fairs.models import BoothApplication, Fair, FairMeeting
from marketplace.listings.models import Listing
from marketplace.messaging import conversations
from marketplace.messaging.labels import refusal_message
from marketplace.messaging.models import Conversation
from marketplace.messaging.rules import ACTING_ROLES, Sides
from marketplace.validation import FieldProblems, date_message
from marketplace.vietnamese import clean_message

HELD_BOOTH = ("approved", "confirmed")


@dataclass(frozen=True)
class Exhibitor:
    org_id: int
    name: str
    booth_number: str


@dataclass
class MeetingInput:
    """A request as typed: the day (dd/mm/yyyy), the time (HH:MM), a listing id or none, a note."""

    day: str = ""
    time: str = ""
    listing_id: int | None = None
    note: str = ""


def fair_by_slug(db: Session, slug: str) -> Fair:
    """A published or cancelled fair (drafts are staff's, and not there for anyone else)."""
    fair = db.scalar(select(Fair).where(Fair.slug == slug))
    if fair is None or fair.status == "draft":
        raise NotFound()
    return fair


def exhibitors(db: Session, fair: Fair) -> list[Exhibitor]:
    """The organisations holding a booth at the fair, by booth number."""
    rows = db.execute(select(BoothApplication.org_id, Organization.name, BoothApplication.booth_number)
                      .join(Organization, Organization.id == BoothApplication.org_id)
                      .where(BoothApplication.fair_id == fair.id, BoothApplication.status.in_(HELD_BOOTH))
                      .order_by(BoothApplication.booth_number, Organization.name))
    return [Exhibitor(org_id, name, number or "") for org_id, name, number in rows]


def exhibitor_of(db: Session, fair: Fair, org_id: int) -> Exhibitor:
    for one in exhibitors(db, fair):
        if one.org_id == org_id:
            return one
    raise NotFound()


def my_org_ids(user: User) -> set[int]:
    return {m.organization_id for m in user.memberships if m.role in ACTING_ROLES}


def side_of(user: User, meeting: FairMeeting) -> str | None:
    """"exhibitor" or "buyer" for a member who acts for that side, else None (not a party)."""
    mine = my_org_ids(user)
    if meeting.exhibitor_org_id in mine:
        return "exhibitor"
    if meeting.buyer_org_id in mine:
        return "buyer"
    return None


def meeting_for(db: Session, user: User, fair: Fair, meeting_id: int) -> tuple[FairMeeting, str]:
    """The meeting and the user's side; 404 for anyone who is not one of its two sides."""
    meeting = db.get(FairMeeting, meeting_id)
    side = side_of(user, meeting) if meeting is not None and meeting.fair_id == fair.id else None
    if side is None:
        raise NotFound()
    return meeting, side


def exhibitor_listings(db: Session, org_id: int) -> list[Listing]:
    return list(db.scalars(select(Listing).where(Listing.organization_id == org_id, Listing.status != "draft")
                           .order_by(Listing.id)))


def _read_slot(problems: FieldProblems, day_text: str, time_text: str) -> tuple[date | None, datetime | None]:
    day = at = None
    try:
        day = parse_date(day_text)
        if day is None:
            problems.add("day", "required")
    except NotADate as error:
        problems.say("day", date_message(error))
    try:
        at = rules.parse_time(time_text)
        if at is None:
            problems.add("time", "required")
    except ValueError:
        problems.add("time", "not_a_time")
    return day, (rules.slot_start(day, at) if day is not None and at is not None else None)


def _lock(db: Session, *org_ids: int) -> None:
    db.execute(select(Organization.id).where(Organization.id.in_(sorted(set(org_ids))))
               .order_by(Organization.id).with_for_update())


def _booked(db: Session, org_column, org_id: int, exclude: int | None) -> list[rules.Booked]:
    query = select(FairMeeting.id, FairMeeting.status, FairMeeting.starts_at, FairMeeting.proposed_at).where(
        org_column == org_id, FairMeeting.status.in_(rules.OPEN_STATUSES))
    if exclude is not None:
        query = query.where(FairMeeting.id != exclude)
    return [rules.Booked(id_, status, rules.held_at(status, starts, proposed))
            for id_, status, starts, proposed in db.execute(query)]


def _refuse_collisions(db: Session, at: datetime, *, buyer_org_id: int | None, exhibitor_org_id: int | None,
                       buyer_holding: frozenset[str], exclude: int | None = None, field: str = "time") -> None:
    """Conflict (409) when the buyer or the exhibitor already holds an overlapping slot."""
    if buyer_org_id is not None:
        taken = rules.collision(at, _booked(db, FairMeeting.buyer_org_id, buyer_org_id, exclude)
                                + _booked(db, FairMeeting.exhibitor_org_id, buyer_org_id, exclude),
                                holding=buyer_holding)
        if taken is not None:
            message = _("The buyer already has a meeting at %(when)s.", when=formatting.moment(taken.at))
            raise Conflict(message, fields={field: [message]})
    if exhibitor_org_id is not None:
        taken = rules.collision(at, _booked(db, FairMeeting.exhibitor_org_id, exhibitor_org_id, exclude)
                                + _booked(db, FairMeeting.buyer_org_id, exhibitor_org_id, exclude),
                                holding=frozenset({"accepted"}))
        if taken is not None:
            message = _("The exhibitor already has a meeting at %(when)s. Choose another time.",
                        when=formatting.moment(taken.at))
            raise Conflict(message, fields={field: [message]})


def request_meeting(db: Session, user: User, fair: Fair, exhibitor: Exhibitor, data: MeetingInput,
                    now: datetime) -> FairMeeting:
    """The buyer's request, with every problem of the form at once; the exhibitor is told."""
    if fair.status != "published":
        raise ValidationError(_("This fair is not taking meeting requests."))
    buyer = conversations.acting_org(user, exclude=exhibitor.org_id)
    if buyer is None:
        raise PermissionDenied()
    problems = FieldProblems(problem_messages())
    day, start = _read_slot(problems, data.day, data.time)
    note = clean_message(data.note)
    problems.merge(rules.meeting_problems(start=start, day=day, starts_on=fair.starts_on, ends_on=fair.ends_on,
                                          now=now, note=note))
    listing_id = data.listing_id or None
    if listing_id is not None and listing_id not in {x.id for x in exhibitor_listings(db, exhibitor.org_id)}:
        problems.add("listing_id", "not_theirs")
    problems.raise_if_any()
    _lock(db, buyer.id, exhibitor.org_id)
    _refuse_collisions(db, start, buyer_org_id=buyer.id, exhibitor_org_id=exhibitor.org_id,
                       buyer_holding=rules.OPEN_STATUSES)
    meeting = FairMeeting(fair_id=fair.id, buyer_org_id=buyer.id, exhibitor_org_id=exhibitor.org_id,
                          listing_id=listing_id, requested_by_id=user.id, starts_at=start, note=note,
                          status="requested")
    db.add(meeting)
    db.flush()
    _open_conversation(db, user, fair, meeting, buyer.id, note)
    meeting_notices.tell(db, user, fair, meeting, "requested", buyer_name=buyer.name, exhibitor_name=exhibitor.name)
    return meeting


def _open_conversation(db: Session, user: User, fair: Fair, meeting: FairMeeting, buyer_id: int, note: str) -> None:
    topic = conversations.Topic(Sides(buyer_id, meeting.exhibitor_org_id), f"fair:{fair.id}", fair.name)
    body = _("I would like to meet you at %(fair)s at %(when)s.", fair=fair.name,
             when=formatting.moment(meeting.starts_at))
    try:
        conversation = conversations.start_conversation(db, user, topic, body + ("\n\n" + note if note else ""))
    except conversations.ConversationError as error:
        raise ValidationError(refusal_message(error.code)) from error
    if conversation.fair_id is None:
        conversation.fair_id = fair.id


def act(db: Session, user: User, fair: Fair, meeting: FairMeeting, action: str, *, seen_status: str | None = None,
        answer: str = "", day: str = "", time: str = "", now: datetime) -> FairMeeting:
    """Take a step on a meeting as the user's side. 403 for a step that side may not take; 409
    when the meeting changed since the person saw it or the new time collides."""
    side = side_of(user, meeting)
    expected = seen_status or meeting.status
    new_status = rules.step(expected, action, side)
    if new_status is None and rules.step(expected, action, _other(side)) is not None:
        raise PermissionDenied()  # the other side's step
    if new_status is None or meeting.status != expected:
        raise Conflict(_("This meeting changed meanwhile: look at it again."))
    answer = clean_message(answer)
    problems = FieldProblems(problem_messages())
    proposed = None
    if action == "propose":
        proposed_day, proposed = _read_slot(problems, day, time)
        problems.merge(rules.meeting_problems(start=proposed, day=proposed_day, starts_on=fair.starts_on,
                                              ends_on=fair.ends_on, now=now))
    if action == "decline" and not answer:
        problems.add("answer", "answer_required")
    if len(answer) > rules.ANSWER_MAX_LENGTH:
        problems.add("answer", "answer_too_long")
    problems.raise_if_any()
    _lock(db, meeting.buyer_org_id, meeting.exhibitor_org_id)
    if action == "accept":
        _refuse_collisions(db, meeting.starts_at, buyer_org_id=meeting.buyer_org_id,
                           exhibitor_org_id=meeting.exhibitor_org_id, buyer_holding=frozenset({"accepted"}),
                           exclude=meeting.id)
    elif action == "propose":
        _refuse_collisions(db, proposed, buyer_org_id=None, exhibitor_org_id=meeting.exhibitor_org_id,
                           buyer_holding=frozenset(), exclude=meeting.id)
    elif action == "take":
        _refuse_collisions(db, meeting.proposed_at, buyer_org_id=meeting.buyer_org_id,
                           exhibitor_org_id=meeting.exhibitor_org_id, buyer_holding=rules.OPEN_STATUSES,
                           exclude=meeting.id)
    values: dict = {"status": new_status, "updated_at": now}
    if action == "propose":
        values["proposed_at"] = proposed
    if action == "take":
        values |= {"starts_at": meeting.proposed_at, "proposed_at": None}
    if action in ("decline", "propose") or (action == "cancel" and answer):
        values["answer"] = answer
    changed = db.execute(update(FairMeeting).where(FairMeeting.id == meeting.id, FairMeeting.status == expected)
                         .values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Conflict(_("This meeting changed meanwhile: look at it again."))
    db.refresh(meeting)
    event = {"accept": "accepted", "take": "taken", "propose": "proposed",
             "decline": "declined", "cancel": "cancelled"}[action]
    names = dict(db.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_([meeting.buyer_org_id, meeting.exhibitor_org_id]))).all())
    meeting_notices.tell(db, user, fair, meeting, event, buyer_name=names[meeting.buyer_org_id],
                         exhibitor_name=names[meeting.exhibitor_org_id])
    return meeting


def _other(side: str | None) -> str | None:
    return {"buyer": "exhibitor", "exhibitor": "buyer"}.get(side or "")


@dataclass
class ScheduledMeeting:
    """One line of a side's schedule."""

    meeting: FairMeeting
    side: str
    at: datetime
    other_org_id: int
    other_name: str
    booth_number: str
    listing_title: str
    actions: tuple[str, ...]
    conversation_id: int | None

    @property
    def clock(self) -> str:
        """The time on Vietnam's clock, 09:30."""
        return formatting.in_vietnam(self.at).strftime("%H:%M")


def schedule(db: Session, user: User, fair: Fair) -> list[ScheduledMeeting]:
    """The user's organisations' meetings at the fair (either side), by time; three queries."""
    mine = my_org_ids(user)
    if not mine:
        return []
    meetings = list(db.scalars(select(FairMeeting).where(
        FairMeeting.fair_id == fair.id,
        or_(FairMeeting.buyer_org_id.in_(mine), FairMeeting.exhibitor_org_id.in_(mine)))))
    if not meetings:
        return []
    org_ids = {m.buyer_org_id for m in meetings} | {m.exhibitor_org_id for m in meetings}
    names = dict(db.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all())
    booths = {e.org_id: e.booth_number for e in exhibitors(db, fair)}
    listing_ids = {m.listing_id for m in meetings if m.listing_id}
    titles = {x.id: x.title for x in db.scalars(select(Listing).where(Listing.id.in_(listing_ids)))} \
        if listing_ids else {}
    threads = {(b, s): id_ for id_, b, s in db.execute(
        select(Conversation.id, Conversation.buyer_org_id, Conversation.seller_org_id)
        .where(Conversation.topic == f"fair:{fair.id}",
               or_(Conversation.buyer_org_id.in_(mine), Conversation.seller_org_id.in_(mine))))}
    shown = []
    for meeting in meetings:
        side = side_of(user, meeting)
        other = meeting.buyer_org_id if side == "exhibitor" else meeting.exhibitor_org_id
        shown.append(ScheduledMeeting(
            meeting, side, rules.as_aware(rules.held_at(meeting.status, meeting.starts_at, meeting.proposed_at)),
            other, names.get(other, ""), booths.get(meeting.exhibitor_org_id, ""), titles.get(meeting.listing_id, ""),
            rules.actions_for(meeting.status, side),
            threads.get((meeting.buyer_org_id, meeting.exhibitor_org_id))))
    return sorted(shown, key=lambda s: (s.at, s.meeting.id))
