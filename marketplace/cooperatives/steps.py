"""Recording a club's steps towards a cooperative (staff), the list of clubs on that road, and the
founding history both organisation pages show.

Services take the session, flush, and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.cooperatives import rules
from marketplace.cooperatives.labels import FIELD_MESSAGES
from marketplace.cooperatives.models import CooperativeStep
from marketplace.dates import NotADate, parse_date
from marketplace.errors import ValidationError
from marketplace.numbers import NotANumber, parse_decimal
from marketplace.problems import Problems
from marketplace.vietnamese import clean_message


@dataclass
class StepInput:
    stage: str = ""
    taken_on: str = ""
    note: str = ""
    cooperative_id: int | None = None
    households_joined: str = ""
    members_joined: str = ""


def history(db: Session, club_id: int) -> list[CooperativeStep]:
    return list(db.scalars(select(CooperativeStep).where(CooperativeStep.club_id == club_id)
                           .order_by(CooperativeStep.taken_on, CooperativeStep.id)))


def founding_of(db: Session, club_id: int) -> CooperativeStep | None:
    return db.scalar(select(CooperativeStep).where(CooperativeStep.club_id == club_id,
                                                   CooperativeStep.stage == "founded").limit(1))


def founding_into(db: Session, cooperative_id: int) -> CooperativeStep | None:
    """The step that founded this cooperative (from which club, when, with whom)."""
    return db.scalar(select(CooperativeStep).where(CooperativeStep.cooperative_id == cooperative_id,
                                                   CooperativeStep.stage == "founded").limit(1))


def record_step(db: Session, club: Organization, data: StepInput, staff: User, today: date) -> CooperativeStep:
    """One step of the club; at "founded", the cooperative's founded_from and founded_on are set
    when they are not yet. Every problem at once as a ValidationError; nothing stored then."""
    problems = Problems()
    try:
        taken_on = parse_date(data.taken_on)
    except NotADate:
        taken_on = None
        problems.add("taken_on", "not_a_date")
    households = None
    if data.households_joined.strip():
        try:
            number = parse_decimal(data.households_joined)
            households = int(number) if number is not None and number == int(number) else None
            if households is None:
                problems.add("households_joined", "not_a_number")
        except NotANumber:
            problems.add("households_joined", "not_a_number")
    cooperative = db.get(Organization, data.cooperative_id) if data.cooperative_id else None
    texts = {"note": clean_message(data.note), "members_joined": clean_message(data.members_joined)}
    rules.check_step(problems, stage=data.stage, taken_on=taken_on if "taken_on" not in problems.fields else today,
                     today=today, cooperative_kind=cooperative.kind if cooperative else None,
                     cooperative_is_club=cooperative is not None and cooperative.id == club.id,
                     households=households, already_founded=data.stage == "founded"
                     and founding_of(db, club.id) is not None, texts=texts)
    if problems:
        raise ValidationError(_("Some fields need attention."),
                              fields={name: [str(FIELD_MESSAGES[key]) for key in keys]
                                      for name, keys in problems.fields.items()})
    founded = data.stage == "founded"
    step = CooperativeStep(club_id=club.id, stage=data.stage, taken_on=taken_on, note=texts["note"],
                           cooperative_id=cooperative.id if founded and cooperative else None,
                           households_joined=households if founded else None,
                           members_joined=texts["members_joined"] if founded else "", recorded_by_id=staff.id)
    db.add(step)
    if founded and cooperative is not None:
        if cooperative.founded_from_id is None:
            cooperative.founded_from_id = club.id
        if cooperative.founded_on is None:
            cooperative.founded_on = taken_on
    db.flush()
    return step


@dataclass(frozen=True)
class OnTheRoad:
    club: Organization
    stage: str
    taken_on: date


def clubs_on_the_road(db: Session) -> list[OnTheRoad]:
    """Clubs with at least one step, with their latest stage; those not founded yet first."""
    latest: dict[int, CooperativeStep] = {}
    for step in db.scalars(select(CooperativeStep).order_by(CooperativeStep.taken_on, CooperativeStep.id)):
        latest[step.club_id] = step
    rows = [OnTheRoad(step.club, step.stage, step.taken_on) for step in latest.values()]
    return sorted(rows, key=lambda r: (r.stage == "founded", rules.STAGES.index(r.stage) * -1, r.club.name))


def clubs(db: Session) -> list[Organization]:
    return list(db.scalars(select(Organization).where(Organization.kind.in_(rules.CLUB_KINDS))
                           .order_by(Organization.name)))


def cooperatives(db: Session) -> list[Organization]:
    return list(db.scalars(select(Organization).where(Organization.kind.in_(rules.COOPERATIVE_KINDS))
                           .order_by(Organization.name)))
