"""Members' use cases: invite by phone or e-mail, find an invitation by its link or by its code,
accept it once, revoke it; remove a member or change their place on the board (an organisation
always keeps one board member); the households a board records and what they produced and sold.
Services flush, never commit: the view (or the API) commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session, contains_eager

from marketplace import code_sharing
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Membership, Organization, User
from marketplace.credentials.models import PlantingCode
from marketplace.db import utcnow
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.formatting import day
from marketplace.listings.models import Listing
from marketplace.members import rules
from marketplace.members.models import Household, Invitation
from marketplace.notifications import delivery
from marketplace.notifications.models import OutgoingMail
from marketplace.orders.models import Order
from marketplace.places.models import Commune
from marketplace.vietnamese import clean

SOLD_STATUSES = ("paid", "delivered", "completed")  # an order of a household's listing that counts as sold


# --- invitations ---------------------------------------------------------------------------------

@dataclass
class Invited:
    """A new invitation and its two secrets, shown once to the inviter (only hashes are kept)."""

    invitation: Invitation
    token: str
    code: str


def invite(db: Session, org: Organization, inviter: User, *, name: str, contact: str, role: str,
           title: str = "", now: datetime | None = None) -> Invited:
    """Invite one person to `org`, by phone number or e-mail address. The inviter is on the board
    (the view checked). Raises ValidationError naming every field that is wrong."""
    fields: dict[str, list[str]] = {}
    name, title = clean(name or ""), clean(title or "")
    if not name:
        fields["name"] = [_("Enter the person's name.")]
    elif len(name) > 120:
        fields["name"] = [_("At most %(n)d characters.", n=120)]
    who = rules.invitee(contact)
    if who is None:
        fields["contact"] = [_("Enter a Vietnamese phone number (e.g. 0912 345 678) or an e-mail address.")]
    if role not in rules.invite_roles(org.kind):
        fields["role"] = [_("Choose a role.")]
    if len(title) > 80:
        fields["title"] = [_("At most %(n)d characters.", n=80)]
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    now = now or utcnow()
    token, code = rules.new_token(), rules.new_code()
    kind, value = who
    invitation = Invitation(organization_id=org.id, role=role, title=title, name=name,
                            phone=value if kind == "phone" else None, email=value if kind == "email" else None,
                            token_hash=rules.digest(token), code_hash=rules.digest(code),
                            expires_at=rules.expires_at(now), invited_by_id=inviter.id, created_at=now)
    db.add(invitation)
    db.flush()
    return Invited(invitation, token, code)


def share_text(org: Organization, inviter: User, link: str, code: str, expires: datetime, join_url: str) -> str:
    """The short message the inviter copies into Zalo (or that is mailed): who invites, to what,
    the link, the code (typed at `join_url`), until when."""
    return _("%(inviter)s invites you to join %(org)s on Chợ Hội Quán.\nOpen: %(link)s\n"
             "Or enter the code %(code)s at %(join)s with this phone number or e-mail.\nValid until %(until)s.",
             inviter=inviter.name, org=org.name, link=link, code=code, join=join_url, until=day(expires))


def queue_invitation_mail(db: Session, invitation: Invitation, subject: str, body: str) -> OutgoingMail:
    """The invitation mailed to its address: the person may have no account yet, so the mail is
    addressed, not tied to a user (the worker sends it with the others)."""
    mail = OutgoingMail(user_id=None, to=invitation.email, subject=subject[:300], body=body,
                        kind=delivery.INVITATION_KIND, next_attempt_at=utcnow())
    db.add(mail)
    db.flush()
    invitation.mail_id = mail.id
    db.flush()
    return mail


def by_token(db: Session, token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return db.scalar(select(Invitation).where(Invitation.token_hash == rules.digest(token)))


def by_code(db: Session, contact: str, code: str, now: datetime | None = None) -> Invitation | None:
    """The open invitation for this phone number or address whose code this is. A wrong code counts
    against every open invitation for the contact (after MAX_CODE_ATTEMPTS their codes stop
    working; their links still do). The caller commits either way, so that the count stays."""
    who, digits = rules.invitee(contact), rules.clean_code(code)
    if who is None:
        return None
    now = now or utcnow()
    column = Invitation.phone if who[0] == "phone" else Invitation.email
    candidates = list(db.scalars(
        select(Invitation).where(column == who[1], Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                                 Invitation.expires_at > now, Invitation.code_attempts < rules.MAX_CODE_ATTEMPTS)
        .order_by(Invitation.id).with_for_update()))
    for invitation in candidates:
        if digits is not None and rules.same_digest(digits, invitation.code_hash):
            return invitation
    if candidates:
        db.execute(update(Invitation).where(Invitation.id.in_([i.id for i in candidates]))
                   .values(code_attempts=Invitation.code_attempts + 1))
        db.flush()
    return None


def state_of(invitation: Invitation, now: datetime | None = None) -> str:
    return rules.state(now=now or utcnow(), expires=invitation.expires_at, accepted=invitation.accepted_at,
                       revoked=invitation.revoked_at)


def refusal(db: Session, invitation: Invitation, now: datetime | None = None) -> str | None:
    """Why the invitation cannot be accepted now, in words; None when it can."""
    current = state_of(invitation, now)
    if current == "accepted":
        return _("This invitation has already been used.")
    # Named, not "the club": a cooperative or a business invites too, and its name says what it is.
    org = invitation.organization.name
    if current == "revoked":
        return _("This invitation was withdrawn by %(org)s. Ask them for a new one.", org=org)
    if current == "expired":
        return _("This invitation has expired. Ask %(org)s for a new one.", org=org)
    if not _inviter_on_board(db, invitation):
        return _("The person who invited you is no longer on the board. Ask the board for a new invitation.")
    return None


def _inviter_on_board(db: Session, invitation: Invitation) -> bool:
    if invitation.invited_by_id is None:
        return False
    inviter = db.get(User, invitation.invited_by_id)
    if inviter is not None and inviter.is_admin:
        return True
    return db.scalar(select(Membership.id).where(
        Membership.user_id == invitation.invited_by_id, Membership.organization_id == invitation.organization_id,
        Membership.board.is_(True))) is not None


def is_member(db: Session, org_id: int, user: User) -> bool:
    return db.scalar(select(Membership.id).where(Membership.organization_id == org_id,
                                                 Membership.user_id == user.id)) is not None


def accept(db: Session, invitation_id: int, user: User, now: datetime | None = None) -> Membership:
    """Accept the invitation as `user`: their membership, with the role, title and board place it
    names. The row is locked first, so two taps (or two people) make one membership."""
    invitation = db.scalar(select(Invitation).where(Invitation.id == invitation_id).with_for_update()
                           .execution_options(populate_existing=True))
    if invitation is None:
        raise NotFound(_("We could not find that invitation."))
    problem = refusal(db, invitation, now)
    if problem:
        raise Conflict(problem)
    org = db.get(Organization, invitation.organization_id)
    if is_member(db, org.id, user):
        raise Conflict(_("You are already a member of %(org)s.", org=org.name))
    role, board = rules.membership_of(invitation.role, org.kind)
    membership = accounts.add_member(db, org, user, role, invitation.title, board=board)
    invitation.accepted_at, invitation.accepted_by_id = now or utcnow(), user.id
    db.flush()
    return membership


def open_invitations(db: Session, org: Organization, now: datetime | None = None) -> list[Invitation]:
    return list(db.scalars(select(Invitation).where(
        Invitation.organization_id == org.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > (now or utcnow())).order_by(Invitation.created_at.desc())))


def invitation_of(db: Session, org: Organization, invitation_id: int) -> Invitation:
    invitation = db.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != org.id:
        raise NotFound(_("We could not find that invitation."))
    return invitation


def revoke(db: Session, invitation: Invitation, now: datetime | None = None) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = now or utcnow()
        if invitation.mail_id is not None:
            delivery.drop_unsent(db, [invitation.mail_id], invitation.revoked_at, "invitation revoked")
        db.flush()


def _revoke_open_from(db: Session, org_id: int, user_id: int, now: datetime) -> None:
    """A member removed or taken off the board: the invitations they sent and nobody used yet stop."""
    delivery.drop_unsent(db, select(Invitation.mail_id).where(
        Invitation.organization_id == org_id, Invitation.invited_by_id == user_id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.mail_id.is_not(None)), now, "invitation revoked")
    db.execute(update(Invitation).where(Invitation.organization_id == org_id, Invitation.invited_by_id == user_id,
                                         Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
               .values(revoked_at=now))


# --- members -------------------------------------------------------------------------------------

def members_of(db: Session, org: Organization) -> list[Membership]:
    return list(db.scalars(select(Membership).join(Membership.user).options(contains_eager(Membership.user))
                           .where(Membership.organization_id == org.id)
                           .order_by(Membership.board.desc(), Membership.created_at, Membership.id)))


def _locked_board(db: Session, org: Organization, membership_id: int) -> tuple[Membership, int]:
    """Lock the organisation's row (every removal and board change of it waits here, so two at once
    cannot each see another board member stay), then read the membership and the board's size."""
    db.execute(select(Organization.id).where(Organization.id == org.id).with_for_update())
    membership = db.get(Membership, membership_id, populate_existing=True)
    if membership is None or membership.organization_id != org.id:
        raise NotFound(_("We could not find that member."))
    board_count = db.scalar(select(func.count(Membership.id)).where(Membership.organization_id == org.id,
                                                                    Membership.board.is_(True)))
    return membership, board_count


def remove_member(db: Session, org: Organization, membership_id: int, now: datetime | None = None) -> None:
    """Remove a member: they lose the organisation's pages, API and threads at once (every check
    reads memberships). Refused when it would leave the organisation with no board member."""
    membership, board_count = _locked_board(db, org, membership_id)
    if not rules.can_leave_board(board_count, leaving_is_on_board=membership.board):
        raise Conflict(_("The organisation must keep at least one board member. Add another first."))
    user_id = membership.user_id
    db.delete(membership)
    _revoke_open_from(db, org.id, user_id, now or utcnow())
    db.flush()
    db.expire_all()  # the user's memberships as loaded before are gone


def set_board(db: Session, org: Organization, membership_id: int, board: bool, now: datetime | None = None) -> None:
    membership, board_count = _locked_board(db, org, membership_id)
    if membership.board == board:
        return
    if not board:
        if not rules.can_leave_board(board_count, leaving_is_on_board=True):
            raise Conflict(_("The organisation must keep at least one board member. Add another first."))
        _revoke_open_from(db, org.id, membership.user_id, now or utcnow())
    membership.board = board
    db.flush()


# --- households ----------------------------------------------------------------------------------

@dataclass
class HouseholdInput:
    name: str = ""
    commune_code: str | None = None
    area_ha: str = ""
    crops: str = ""
    note: str = ""
    planting_code_ids: tuple[int, ...] = ()


def usable_codes(db: Session, org: Organization) -> list[PlantingCode]:
    """The planting codes a household of `org` may farm under: the organisation's own and, while the
    club is a member of a cooperative, the cooperative's shared codes (marketplace.code_sharing)."""
    own = list(db.scalars(select(PlantingCode).where(PlantingCode.organization_id == org.id)
                          .order_by(PlantingCode.kind, PlantingCode.code)))
    shared = code_sharing.usable_codes(db, org) or []
    seen = {code.id for code in own}
    return own + sorted((code for code in shared if code.id not in seen), key=lambda c: (c.kind, c.code))


def save_household(db: Session, org: Organization, household: Household | None, data: HouseholdInput,
                   user: User | None) -> Household:
    fields: dict[str, list[str]] = {}
    name = clean(data.name or "")
    if not name:
        fields["name"] = [_("Enter the household's name.")]
    elif len(name) > 120:
        fields["name"] = [_("At most %(n)d characters.", n=120)]
    try:
        area = rules.parse_area(data.area_ha)
    except ValueError:
        fields["area_ha"] = [_("Enter the area in hectares, e.g. 1,5.")]
        area = None
    crops = clean(data.crops or "")
    if len(crops) > 300:
        fields["crops"] = [_("At most %(n)d characters.", n=300)]
    commune = db.get(Commune, data.commune_code) if data.commune_code else None
    if data.commune_code and commune is None:
        fields["commune_query"] = [_("Pick a commune or ward from the list.")]
    usable = {code.id: code for code in usable_codes(db, org)}
    if any(code_id not in usable for code_id in data.planting_code_ids):
        fields["planting_code_ids"] = [_("Choose among the club's planting codes.")]
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    if household is None:
        household = Household(organization_id=org.id, created_by_id=user.id if user else None)
        db.add(household)
    household.name, household.commune_code, household.area_ha = name, commune.code if commune else None, area
    household.crops, household.note = crops, (data.note or "").strip()
    household.planting_codes = [usable[code_id] for code_id in data.planting_code_ids]
    db.flush()
    return household


def household_of(db: Session, org: Organization, household_id: int) -> Household:
    household = db.get(Household, household_id)
    if household is None or household.organization_id != org.id:
        raise NotFound(_("We could not find that household."))
    return household


def set_household_active(db: Session, household: Household, active: bool) -> None:
    household.active = active
    db.flush()


def active_households(db: Session, org_id: int) -> list[Household]:
    return list(db.scalars(select(Household).where(Household.organization_id == org_id, Household.active.is_(True))
                           .order_by(Household.name)))


@dataclass
class HouseholdRow:
    household: Household
    listings: int
    orders_sold: int
    value_sold_vnd: int


def households_with_counts(db: Session, org: Organization) -> list[HouseholdRow]:
    """The organisation's households with their listings and sales, in one query (no query per row)."""
    listing_counts = (select(Listing.household_id, func.count(Listing.id).label("n"))
                      .where(Listing.household_id.is_not(None)).group_by(Listing.household_id).subquery())
    sold = (select(Listing.household_id, func.count(Order.id).label("n"),
                   func.coalesce(func.sum(Order.amount_vnd), 0).label("value"))
            .join(Order, Order.listing_id == Listing.id)
            .where(Listing.household_id.is_not(None), Order.status.in_(SOLD_STATUSES))
            .group_by(Listing.household_id).subquery())
    rows = db.execute(
        select(Household, func.coalesce(listing_counts.c.n, 0), func.coalesce(sold.c.n, 0),
               func.coalesce(sold.c.value, 0))
        .outerjoin(listing_counts, listing_counts.c.household_id == Household.id)
        .outerjoin(sold, sold.c.household_id == Household.id)
        .where(Household.organization_id == org.id)
        .order_by(case((Household.active.is_(True), 0), else_=1), Household.name))
    return [HouseholdRow(h, int(n), int(s), int(v)) for h, n, s, v in rows]


@dataclass
class HouseholdReport:
    listings: list[tuple[Listing, float, int]]  # each listing, quantity sold, value sold
    total_sold_vnd: int
    orders_sold: int


def household_report(db: Session, household: Household) -> HouseholdReport:
    """What the household produced (its listings) and sold (paid, delivered or completed orders)."""
    sold = (select(Order.listing_id, func.coalesce(func.sum(Order.quantity), 0).label("qty"),
                   func.coalesce(func.sum(Order.amount_vnd), 0).label("value"), func.count(Order.id).label("n"))
            .where(Order.status.in_(SOLD_STATUSES)).group_by(Order.listing_id).subquery())
    rows = list(db.execute(
        select(Listing, func.coalesce(sold.c.qty, 0), func.coalesce(sold.c.value, 0), func.coalesce(sold.c.n, 0))
        .outerjoin(sold, sold.c.listing_id == Listing.id)
        .where(Listing.household_id == household.id).order_by(Listing.created_at.desc())))
    return HouseholdReport([(listing, float(qty), int(value)) for listing, qty, value, _n in rows],
                           sum(int(v) for _l, _q, v, _n in rows), sum(int(n) for *_x, n in rows))


def check_household_for_listing(db: Session, org: Organization, household_id: int | None) -> Household | None:
    """The household a listing of `org` names: one of its active ones, else PermissionDenied."""
    if household_id is None:
        return None
    household = db.get(Household, household_id)
    if household is None or household.organization_id != org.id or not household.active:
        raise PermissionDenied(_("Choose one of the club's households."))
    return household
