"""The report's figures for a unit and a period, read from the database (issue #20).

`report_figures(db, unit, period, today)` is what the targets dashboard shows and what every report
document prints (reports.figures.ReportFigures). Read-only: nothing is written.

Where a record counts: in the commune of the organisation it belongs to (`Organization.commune_code`);
an organisation with no commune counts nowhere. A province unit covers its communes
(`units.commune_codes`), a commune unit itself only.

When: the plan's targets stand as of `period.as_of(today)` (what stood on that day, whenever it
began: cumulative); the marketplace's activity counts what happened from the period's first day to
that day, in Việt Nam days (stored moments are UTC, compared with `Period.utc_bounds`). How each
figure is counted is in each function's docstring and in docs/reports.md, "How each figure is
counted". The targets are counted in reports/targets.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.activity.rules import is_overdue
from marketplace.demand.models import DemandPost
from marketplace.fairs import meeting_rules
from marketplace.fairs.meetings import HELD_BOOTH
from marketplace.fairs.models import BoothApplication, Fair, FairMeeting
from marketplace.listings.models import Listing
from marketplace.matching.models import MatchState
from marketplace.messaging.models import ContactEvent, Conversation
from marketplace.orders.models import Order
from marketplace.reports.figures import Activity, ClubEvent, Concern, FairLine, ReportFigures
from marketplace.reports.periods import Period
from marketplace.reports.targets import orgs_in, targets
from marketplace.reports.units import Unit, commune_codes

# Orders whose value counts: the seller confirmed them and nobody called them off (now).
ORDER_VALUE_STATES = ("confirmed", "paid", "delivered", "completed")
# Meetings at a fair that are leads: asked for or agreed, not refused or called off.
LEAD_MEETING_STATES = meeting_rules.OPEN_STATUSES  # asked for or agreed: not declined or cancelled
FAIR_STATES = ("published",)  # a draft or a cancelled fair was not held


def report_figures(db: Session, unit: Unit, period: Period, today: date) -> ReportFigures:
    """Everything a report holds for `unit` and `period`, counted as of `period.as_of(today)`."""
    as_of = period.as_of(today)
    communes = set(commune_codes(db, unit))
    fairs = fair_lines(db, communes, period, as_of)
    return ReportFigures(
        unit_code=unit.code,
        unit_name=unit.name,
        period=period.key,
        as_of=as_of,
        targets=targets(db, communes, as_of),
        activity=activity(db, communes, period, as_of, fairs),
        club_events=club_events(db, communes, period, as_of),
        concerns=concerns(db, communes, period, as_of),
        fairs=[line for line, _split in fairs],
    )


# -- the marketplace's activity -----------------------------------------------------------------

def _count_by_commune(db: Session, query, communes: set[str]) -> dict[str, int]:
    """`query` selects (commune code, value) rows grouped by commune; only the unit's communes."""
    return {commune: int(value) for commune, value in db.execute(query) if commune in communes and value}


def activity(db: Session, communes: set[str], period: Period, as_of: date,
             fairs: list[tuple[FairLine, dict[str, int]]]) -> list[Activity]:
    """What happened on the marketplace from the period's first day to `as_of` (Việt Nam days),
    counted in the commune of the selling side (the listing's, the conversation's or the order's
    seller; the match's listing's seller) or of the buyer for requests:

    - listings: listings created (any status now); requests: demand posts created;
    - matches: demand–listing pairs that first became a full match (MatchState.first_full_at);
    - conversations: conversations started; orders: orders placed (any state now);
    - order_value_vnd: the amount of the orders placed that the seller confirmed and nobody
      called off (status now confirmed, paid, delivered or completed);
    - fair_leads: the fair lines' leads (`fair_lines`)."""
    start, end = period.utc_bounds(as_of)
    org = Organization
    codes = sorted(communes)

    def grouped(value, moment, org_column):
        return (select(org.commune_code, value).join(org, org.id == org_column)
                .where(moment >= start, moment < end, org.commune_code.in_(codes)).group_by(org.commune_code))

    splits = {
        "listings": grouped(func.count(Listing.id), Listing.created_at, Listing.organization_id),
        "requests": grouped(func.count(DemandPost.id), DemandPost.created_at, DemandPost.organization_id),
        "matches": select(org.commune_code, func.count(MatchState.id)).select_from(MatchState)
        .join(Listing, Listing.id == MatchState.listing_id).join(org, org.id == Listing.organization_id)
        .where(MatchState.first_full_at >= start, MatchState.first_full_at < end, org.commune_code.in_(codes))
        .group_by(org.commune_code),
        "conversations": grouped(func.count(Conversation.id), Conversation.created_at, Conversation.seller_org_id),
        "orders": grouped(func.count(Order.id), Order.created_at, Order.seller_org_id),
        "order_value_vnd": grouped(func.sum(Order.amount_vnd), Order.created_at, Order.seller_org_id)
        .where(Order.status.in_(ORDER_VALUE_STATES)),
    }
    found = [Activity(key, sum(split.values()), split)
             for key, split in ((key, _count_by_commune(db, query, communes)) for key, query in splits.items())]
    leads: Counter[str] = Counter()
    for _line, split in fairs:
        leads.update(split)
    found.append(Activity("fair_leads", sum(leads.values()), dict(sorted(leads.items()))))
    return found


# -- club events, concerns, fairs ---------------------------------------------------------------

def club_events(db: Session, communes: set[str], period: Period, as_of: date) -> list[ClubEvent]:
    """Meetings, trainings and workshops held from the period's first day to `as_of` by
    organisations in the unit, by day."""
    rows = db.execute(select(ClubActivity, Organization)
                      .join(Organization, Organization.id == ClubActivity.organization_id)
                      .where(ClubActivity.held_on >= period.start, ClubActivity.held_on <= as_of, orgs_in(communes))
                      .order_by(ClubActivity.held_on, Organization.name, ClubActivity.id))
    return [ClubEvent(org.id, org.name, org.commune_code, event.kind, event.held_on, event.topic,
                      event.attendees, event.experts) for event, org in rows]


def concerns(db: Session, communes: set[str], period: Period, as_of: date) -> list[Concern]:
    """Difficulties and proposals of organisations in the unit: raised from the period's first day
    to `as_of`, and older ones not closed by the period's start (still being handled then; a
    concern's status is the one it has now, the history of its changes is not kept), with how they
    were answered and whether they are overdue on `as_of` (activity.rules.is_overdue)."""
    rows = db.execute(select(ClubConcern, Organization)
                      .join(Organization, Organization.id == ClubConcern.organization_id)
                      .where(ClubConcern.raised_on <= as_of, orgs_in(communes))
                      .order_by(ClubConcern.raised_on, Organization.name, ClubConcern.id))
    found = []
    for concern, org in rows:
        older = concern.raised_on < period.start
        closed_before = concern.status == "closed" and (
            concern.answered_on is None or concern.answered_on < period.start)
        if older and closed_before:
            continue
        handler = concern.handler or (concern.handler_user.name if concern.handler_user else "")
        found.append(Concern(org.id, org.name, org.commune_code, concern.kind, concern.raised_on, concern.title,
                             concern.status, handler, concern.due_on, concern.answer, concern.answered_on,
                             is_overdue(concern.status, concern.raised_on, concern.due_on, as_of)))
    return found


def fair_lines(db: Session, communes: set[str], period: Period, as_of: date) -> list[tuple[FairLine, dict[str, int]]]:
    """Fairs (published) starting from the period's first day to `as_of`, held in the unit or with
    an exhibitor from it. `exhibitors`: the unit's organisations holding a booth (application
    approved or confirmed); `leads`: the contacts buyers made with those exhibitors at the fair —
    contact taps (phone, Zalo), conversations opened from the fair and meetings asked for or agreed
    (not declined or cancelled), made before the end of `as_of` (a past period's report counts what
    had happened by then). With each line, its leads by the exhibitor's commune."""
    codes = sorted(communes)
    end = period.utc_bounds(as_of)[1]
    fairs = list(db.scalars(select(Fair).where(Fair.status.in_(FAIR_STATES), Fair.starts_on >= period.start,
                                               Fair.starts_on <= as_of).order_by(Fair.starts_on, Fair.id)))
    lines = []
    for fair in fairs:
        exhibitors = dict(db.execute(
            select(BoothApplication.org_id, Organization.commune_code)
            .join(Organization, Organization.id == BoothApplication.org_id)
            .where(BoothApplication.fair_id == fair.id, BoothApplication.status.in_(HELD_BOOTH),
                   Organization.commune_code.in_(codes))).all())
        if not exhibitors and fair.commune_code not in communes:
            continue
        ids = list(exhibitors)
        leads: Counter[str] = Counter()
        if ids:
            for query in (
                    select(ContactEvent.to_org_id).where(ContactEvent.fair_id == fair.id,
                                                         ContactEvent.to_org_id.in_(ids),
                                                         ContactEvent.created_at < end),
                    select(Conversation.seller_org_id).where(Conversation.fair_id == fair.id,
                                                             Conversation.seller_org_id.in_(ids),
                                                             Conversation.created_at < end),
                    select(FairMeeting.exhibitor_org_id).where(FairMeeting.fair_id == fair.id,
                                                               FairMeeting.exhibitor_org_id.in_(ids),
                                                               FairMeeting.status.in_(LEAD_MEETING_STATES),
                                                               FairMeeting.created_at < end)):
                leads.update(exhibitors[org_id] for org_id in db.scalars(query))
        lines.append((FairLine(fair.id, fair.name, fair.starts_on, len(ids), sum(leads.values())),
                      dict(sorted(leads.items()))))
    return lines
