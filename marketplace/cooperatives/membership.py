"""A cooperative's member clubs: proposing (either side's board), accepting or declining (the
other side's board), withdrawing a pending proposal, leaving (either side) and ending (staff).

A pair has at most one proposed or active row: every change locks both organisations' rows in id
order, then reads the pair's open row, so two proposals at once cannot both be stored and an
answer cannot cross a withdrawal. Leaving or ending detaches the cooperative's codes from the
club's listings (sharing.detach). The other side's board is told through notifications.notify.

Services take the session, flush, and never commit; the view commits once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.cooperatives import rules, sharing
from marketplace.cooperatives.labels import MEMBER_MESSAGES
from marketplace.cooperatives.models import CooperativeMember
from marketplace.db import utcnow
from marketplace.errors import ValidationError
from marketplace.notifications import services as notifications
from marketplace.problems import Problems
from marketplace.vietnamese import clean_message

# Notice kinds (≤ 20 characters: notifications.kind), worded by member_views.describe_notice.
PROPOSED, ACCEPTED, DECLINED, WITHDRAWN, ENDED = ("coop_member_proposed", "coop_member_accepted",
                                                  "coop_member_declined", "coop_member_withdrew",
                                                  "coop_member_ended")


def _raise(problems: Problems) -> None:
    if problems:
        raise ValidationError(_("Some fields need attention."),
                              fields={name: [str(MEMBER_MESSAGES[key]) for key in keys]
                                      for name, keys in problems.fields.items()})


def _lock_pair(db: Session, cooperative_id: int, club_id: int) -> None:
    """Both organisations' rows, in id order (two requests about the same pair never deadlock).
    FOR NO KEY UPDATE: a new listing's foreign key check (FOR KEY SHARE on the club's row) does not
    wait for it, so a listing saved while the club leaves cannot deadlock with the leaving."""
    db.execute(select(Organization.id).where(Organization.id.in_({cooperative_id, club_id}))
               .order_by(Organization.id).with_for_update(key_share=True))


def open_row(db: Session, cooperative_id: int, club_id: int) -> CooperativeMember | None:
    return db.scalar(select(CooperativeMember).where(
        CooperativeMember.cooperative_id == cooperative_id, CooperativeMember.club_id == club_id,
        CooperativeMember.status.in_(rules.OPEN_STATUSES))
        .execution_options(populate_existing=True).limit(1))


def side_of(row: CooperativeMember, org: Organization | None) -> str:
    """"cooperative" or "club" for an organisation of the pair, "staff" for None."""
    if org is None:
        return "staff"
    return "cooperative" if org.id == row.cooperative_id else "club" if org.id == row.club_id else ""


def _proposer_side(row: CooperativeMember) -> str:
    return "cooperative" if row.proposed_by_org_id == row.cooperative_id else "club"


def _tell(db: Session, row: CooperativeMember, kind: str, to_org_id: int, reason: str = "") -> None:
    params = {"cooperative": row.cooperative.name, "club": row.club.name, "reason": reason[:300]}
    notifications.notify(db, accounts.board_of(db, to_org_id),
                         notifications.Message(kind, params, f"/orgs/{to_org_id}/cooperative-members"))


def propose(db: Session, *, cooperative: Organization | None, club: Organization | None,
            by: Organization, user: User) -> CooperativeMember:
    """`by` is the cooperative or the club (whose board proposes)."""
    problems = Problems()
    if cooperative is not None and club is not None:
        _lock_pair(db, cooperative.id, club.id)
    rules.check_pair(problems, cooperative_kind=cooperative.kind if cooperative else None,
                     club_kind=club.kind if club else None,
                     same=cooperative is not None and club is not None and cooperative.id == club.id,
                     already_open=cooperative is not None and club is not None
                     and open_row(db, cooperative.id, club.id) is not None)
    _raise(problems)
    row = CooperativeMember(cooperative_id=cooperative.id, club_id=club.id, status="proposed",
                            proposed_by_org_id=by.id, proposed_by_id=user.id)
    row.cooperative, row.club = cooperative, club
    db.add(row)
    db.flush()
    _tell(db, row, PROPOSED, club.id if by.id == cooperative.id else cooperative.id)
    return row


def act(db: Session, row: CooperativeMember, action: str, *, acting: Organization | None, user: User,
        reason: str = "") -> CooperativeMember:
    """accept, decline, withdraw, leave (as `acting`, one of the pair) or end (staff: acting None).
    Refused when the row has changed meanwhile (another tap, the other side)."""
    _lock_pair(db, row.cooperative_id, row.club_id)
    db.refresh(row)
    side = side_of(row, acting)
    text = clean_message(reason)
    problems = Problems()
    if not rules.may_act(action, status=row.status, acting_side=side, proposer_side=_proposer_side(row)):
        problems.add("action", "not_now")
    else:
        rules.check_reason(problems, action, text)
    _raise(problems)
    now = utcnow()
    if action == "accept":
        row.status, row.answered_at, row.answered_by_id = "active", now, user.id
    elif action in ("decline", "withdraw"):
        row.status, row.answered_at, row.answered_by_id = "declined", now, user.id
        row.end_reason = text if action == "decline" else (text or _("Withdrawn by the proposer."))
    else:  # leave, end
        row.status, row.ended_at, row.ended_by_id, row.end_reason = "ended", now, user.id, text
    db.flush()
    if action in ("leave", "end"):
        sharing.detach(db, row.club_id, row.cooperative_id)
    kind = {"accept": ACCEPTED, "decline": DECLINED, "withdraw": WITHDRAWN, "leave": ENDED, "end": ENDED}[action]
    if side == "staff":
        for org_id in (row.cooperative_id, row.club_id):
            _tell(db, row, kind, org_id, text)
    else:
        _tell(db, row, kind, row.club_id if side == "cooperative" else row.cooperative_id, text)
    return row


def rows_of(db: Session, org: Organization) -> list[CooperativeMember]:
    """Every membership row of the organisation (either side), open ones first, newest first."""
    rows = db.scalars(select(CooperativeMember).where(or_(CooperativeMember.cooperative_id == org.id,
                                                          CooperativeMember.club_id == org.id))
                      .order_by(CooperativeMember.created_at.desc(), CooperativeMember.id.desc()))
    return sorted(rows, key=lambda r: r.status not in rules.OPEN_STATUSES)


def member_clubs(db: Session, cooperative_id: int) -> list[Organization]:
    return list(db.scalars(select(Organization).join(CooperativeMember, CooperativeMember.club_id == Organization.id)
                           .where(CooperativeMember.cooperative_id == cooperative_id,
                                  CooperativeMember.status == "active").order_by(Organization.name)))


def cooperatives_of(db: Session, club_id: int) -> list[Organization]:
    return list(db.scalars(select(Organization)
                           .join(CooperativeMember, CooperativeMember.cooperative_id == Organization.id)
                           .where(CooperativeMember.club_id == club_id,
                                  CooperativeMember.status == "active").order_by(Organization.name)))


def get_row(db: Session, row_id: int) -> CooperativeMember | None:
    return db.get(CooperativeMember, row_id)


def candidates(db: Session, org: Organization) -> list[Organization]:
    """Whom the organisation may propose to: clubs for a cooperative, cooperatives for a club."""
    kinds = rules.CLUB_KINDS if org.kind in rules.COOPERATIVE_KINDS else rules.COOPERATIVE_KINDS
    return list(db.scalars(select(Organization).where(Organization.kind.in_(kinds), Organization.id != org.id)
                           .order_by(Organization.name)))
