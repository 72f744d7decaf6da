"""An order's life: placing it (from a listing or an accepted offer), every change of state
through one transition table with its history, reading orders, and the worker's reminders and
expiry.

State changes are conditional UPDATEs that name the status they expect, checked by their row
count, so two clicks cannot both confirm or both release. Takes the session, flushes, never
commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import formatting
from marketplace.accounts.models import Organization, User
from marketplace.accounts.permissions import can_buy_for, can_manage_supply
from marketplace.dates import VIETNAM
from marketplace.db import utcnow
from marketplace.demand.models import Offer
from marketplace.errors import Conflict, NotFound, PermissionDenied, or_404
from marketplace.listings import rules as listing_rules
from marketplace.listings.models import Listing
from marketplace.orders import notices, rules
from marketplace.orders.messages import MESSAGES, fail
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.payments.card_sessions import retire_card_sessions
from marketplace.orders.reservation import release, reserve
from marketplace.problems import Problems
from marketplace.products.units import parse_unit, price_unit
from marketplace.validation import QUANTITY, FieldProblems

MAX_NOTE = 1000


# -- placing an order ---------------------------------------------------------------------------

def _check_buyer(buyer_org: Organization, user: User) -> None:
    if not can_buy_for(user, buyer_org):
        raise PermissionDenied(str(_l("Only a buyer, or a club's buyers and board, can order.")))


def _note(problems: FieldProblems, note: str | None) -> str:
    text = rules.clean_text(note)
    if len(text) > MAX_NOTE:
        problems.add("note", "note_too_long")
    return text


class TotalChanged(Conflict):
    """The total the buyer confirmed is not what the order would cost now (the club changed the
    price or the unit meanwhile): nothing is placed, and `draft` is the order as it stands now."""

    def __init__(self, draft: Order, was_vnd: int) -> None:
        message = str(_l("The price changed since you looked: the total is now %(now)s instead of %(was)s. "
                         "Check the order and place it again.", now=formatting.money(draft.amount_vnd),
                         was=formatting.money(was_vnd)))
        super().__init__(message)
        self.draft = draft


def draft_order(db: Session, listing_id: int, buyer_org: Organization, user: User, quantity, *,
                today: date, note: str | None = None) -> Order:
    """The order a buyer would place now, every check made but nothing reserved or stored: what the
    confirmation page shows (an Order never added to the session).

    The same refusals as placing it: 422 (ValidationError) for input that can never work (not a
    number, zero, below the minimum order, a negotiable price, a total beyond any order); 409
    (Conflict) when the listing has less left than asked or is not on sale.
    """
    listing = db.get(Listing, listing_id) if rules.valid_id(listing_id) else None
    if listing is None or (listing.status == "draft" and not _manages(user, listing)):
        # A draft is visible only to its club's managers (as on the listing page).
        raise NotFound(str(_l("We could not find that listing.")))
    _check_buyer(buyer_org, user)
    problems = FieldProblems(MESSAGES)
    amount_quantity = problems.parse("quantity", quantity, QUANTITY)
    text = _note(problems, note)
    problems.raise_if_any()
    if listing.organization_id == buyer_org.id:
        fail("own_listing", error=Conflict)  # 409: never from itself (a club buys from other clubs only)
    if listing.price_vnd is None:
        fail("negotiable")
    unit = listing.unit
    checked = rules.check_quantity(amount_quantity, available=listing.quantity_available,
                                   min_order=listing.min_order)
    if checked.fields.get("quantity") == ["below_min_order"] and amount_quantity >= listing.quantity_available > 0:
        checked = Problems()  # taking everything left is allowed below the minimum
    for key in checked.fields.get("quantity", []):
        if key == "below_min_order":
            fail(key, min=formatting.number(listing.min_order), unit=formatting.unit(unit, listing.min_order))
        fail(key)
    if amount_quantity > listing_rules.MAX_QUANTITY:
        fail("too_large")
    if not listing_rules.is_public(listing.status, listing.available_to, listing.quantity_available, today):
        fail("not_on_sale", error=Conflict)
    if amount_quantity > float(listing.quantity_available):
        fail("too_little", error=Conflict, left=formatting.number(listing.quantity_available),
             unit=formatting.unit(unit, listing.quantity_available))
    draft = Order(buyer_org_id=buyer_org.id, seller_org_id=listing.organization_id, listing_id=listing.id,
                  title=listing.title, quantity=amount_quantity, unit=unit, reserved_quantity=amount_quantity,
                  unit_price_vnd=listing.price_vnd, price_unit=price_unit(unit),
                  amount_vnd=rules.order_amount(amount_quantity, listing.price_vnd, _kg_of(unit)),
                  status="requested", note=text, created_by_id=user.id)
    if draft.amount_vnd > rules.MAX_AMOUNT_VND:
        fail("too_large")
    return draft


def place_order(db: Session, listing_id: int, buyer_org: Organization, user: User, quantity, *,
                today: date, note: str | None = None, expected_amount_vnd: int | None = None,
                placing_key: str | None = None) -> Order:
    """A buyer orders a quantity (in the listing's unit) at the listing's price.

    The refusals of `draft_order`, and 409 when less is left by the time it is reserved. From the
    confirmation page, `expected_amount_vnd` is the total the buyer saw: another total now is
    TotalChanged (409), never placed at the new price; `placing_key` is the page's own, so the
    same page sent twice places one order (the second gets the first's order back).
    """
    if placing_key and (already := placed_with(db, buyer_org.id, placing_key)) is not None:
        return already
    order = draft_order(db, listing_id, buyer_org, user, quantity, today=today, note=note)
    if expected_amount_vnd is not None and order.amount_vnd != expected_amount_vnd:
        raise TotalChanged(order, expected_amount_vnd)
    listing = db.get(Listing, order.listing_id)
    # With a total confirmed, the price it was worked out from is a condition of the reservation:
    # a price changed after the listing was read (by another connection) fails it, not the buyer.
    confirmed_price = order.unit_price_vnd if expected_amount_vnd is not None else None
    if not reserve(db, listing.id, order.quantity, today=today, min_order=listing.min_order,
                   price_vnd=confirmed_price):
        _not_reserved(db, listing.id, order.unit, today, price_vnd=confirmed_price)
    db.refresh(listing)  # the reservation expired the session's copy: callers read what is left now
    order.placing_key = placing_key or None
    return _placed_once(db, order, user, today=today)


def placed_with(db: Session, buyer_org_id: int, placing_key: str) -> Order | None:
    """The order a confirmation page already placed (its key), if any."""
    return db.scalar(select(Order).where(Order.buyer_org_id == buyer_org_id, Order.placing_key == placing_key))


def _placed_once(db: Session, order: Order, user: User, *, today: date) -> Order:
    """Store an order whose quantity is reserved. Of two sends of one confirmation page at the
    same moment (PostgreSQL: both reserved), the second finds the key taken, gives its reservation
    back and returns the first's order."""
    if not order.placing_key:
        return _placed(db, order, user)
    try:
        with db.begin_nested():
            return _placed(db, order, user)
    except IntegrityError:
        release(db, order.listing_id, float(order.reserved_quantity or 0), today=today)
        already = placed_with(db, order.buyer_org_id, order.placing_key)
        if already is None:
            raise
        return already


def _manages(user: User, listing: Listing) -> bool:
    return can_manage_supply(user, listing.organization)


def _not_reserved(db: Session, listing_id: int, unit: str, today: date, *, price_vnd: int | None = None) -> None:
    """Say why a reservation failed, from the listing as it is now: its price changed (when the
    reservation named one), not on sale any more (paused, past its window, sold out), or less
    left than asked."""
    now = db.execute(select(Listing.status, Listing.available_to, Listing.quantity_available, Listing.price_vnd)
                     .where(Listing.id == listing_id)).one_or_none()
    if now is not None and price_vnd is not None and now.price_vnd != price_vnd:
        fail("price_changed", error=Conflict)
    left = float(now.quantity_available or 0) if now is not None else 0.0
    if now is None or left <= 0 or not listing_rules.is_public(now.status, now.available_to, left, today):
        fail("not_on_sale", error=Conflict)
    fail("too_little", error=Conflict, left=formatting.number(left), unit=formatting.unit(unit, left))


def _kg_of(unit_code: str) -> float | None:
    unit = parse_unit(unit_code)  # weighed packs too ("thùng 10 kg"); None when kept as typed
    return unit.kg if unit is not None else None


def _placed(db: Session, order: Order, user: User | None) -> Order:
    """Store a drafted order (its amount checked by draft_order or draft_offer_order) and its
    first history row."""
    db.add(order)
    db.flush()
    db.add(OrderEvent(order_id=order.id, from_status=None, to_status="requested",
                      by_user_id=user.id if user else None))
    db.flush()
    return order


def draft_offer_order(db: Session, offer: Offer, user: User, *, today: date, note: str | None = None) -> Order:
    """The order of an accepted offer as it would be placed now, checked but not stored: its
    quantity (in the request's unit) at its price, and what it would take from the offer's listing
    (in the listing's unit, converted through kilograms when both are weighed).

    422 for an offer that cannot be ordered (no price, units that do not convert, a note too long);
    409 when it is not accepted, already ordered, or its listing is off sale or has too little left.
    """
    buyer_org = offer.demand.organization
    _check_buyer(buyer_org, user)
    problems = FieldProblems(MESSAGES)
    text = _note(problems, note)
    problems.raise_if_any()
    if offer.status != "accepted":
        fail("offer_not_accepted", error=Conflict)
    if offer.price_vnd is None:
        fail("offer_no_price")
    if db.scalar(select(Order.id).where(Order.live_offer_id == offer.id)):
        fail("offer_ordered", error=Conflict)
    unit = offer.demand.unit
    reserved, listing_id = 0.0, None
    listing = offer.listing if offer.listing_id is not None else None
    if listing is not None:
        converted = _convert(offer.quantity, unit, listing.unit)
        if converted is None:
            fail("offer_units", offer_unit=formatting.unit(unit), listing_unit=formatting.unit(listing.unit))
        if not listing_rules.is_public(listing.status, listing.available_to, listing.quantity_available, today):
            fail("not_on_sale", error=Conflict)
        if converted > float(listing.quantity_available):
            fail("too_little", error=Conflict, left=formatting.number(listing.quantity_available),
                 unit=formatting.unit(listing.unit, listing.quantity_available))
        reserved, listing_id = converted, listing.id
    draft = Order(buyer_org_id=buyer_org.id, seller_org_id=offer.organization_id, listing_id=listing_id,
                  offer_id=offer.id, live_offer_id=offer.id, title=offer.demand.title, quantity=offer.quantity,
                  unit=unit, reserved_quantity=reserved, unit_price_vnd=offer.price_vnd,
                  price_unit=price_unit(unit),
                  amount_vnd=rules.order_amount(offer.quantity, offer.price_vnd, _kg_of(unit)),
                  status="requested", note=text, created_by_id=user.id)
    if draft.amount_vnd > rules.MAX_AMOUNT_VND:
        fail("too_large")
    return draft


def order_from_offer(db: Session, offer: Offer, user: User, *, today: date, note: str | None = None,
                     expected_amount_vnd: int | None = None, placing_key: str | None = None) -> Order:
    """The buyer orders an accepted offer (see `draft_offer_order`).

    When the offer names one of the club's listings, the quantity is reserved from it too. An
    offer whose quantity cannot be converted to its listing's unit is refused (422), rather than
    ordered without a reservation while pointing at the listing; a listing no longer on sale is a
    409 that says so. `expected_amount_vnd` and `placing_key` are the confirmation page's, as for
    `place_order`."""
    if placing_key and (already := placed_with(db, offer.demand.organization_id, placing_key)) is not None:
        return already
    order = draft_offer_order(db, offer, user, today=today, note=note)
    if expected_amount_vnd is not None and order.amount_vnd != expected_amount_vnd:
        raise TotalChanged(order, expected_amount_vnd)
    if order.listing_id is not None and not reserve(db, order.listing_id, order.reserved_quantity, today=today):
        _not_reserved(db, order.listing_id, offer.listing.unit, today)
    order.placing_key = placing_key or None
    try:
        with db.begin_nested():
            placed = _placed(db, order, user)
    except IntegrityError:
        # Another click ordered this offer a moment ago (live_offer_id is unique), or sent this very
        # confirmation page (its placing key).
        release(db, order.listing_id, float(order.reserved_quantity or 0), today=today)
        already = placed_with(db, order.buyer_org_id, placing_key) if placing_key else None
        if already is not None:
            return already
        fail("offer_ordered", error=Conflict)
    return placed


def _convert(quantity: float, from_unit: str, to_unit: str) -> float | None:
    if from_unit == to_unit:
        return quantity
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a is None or b is None or a.kg is None or b.kg is None:
        return None
    return round(quantity * a.kg / b.kg, 3)


# -- state changes ------------------------------------------------------------------------------

def change(db: Session, order: Order, action: str, *, actor: str, user: User | None, today: date,
           note: str = "") -> Order:
    """Apply one transition from the table, race-safe: the UPDATE names the status it expects,
    so of two simultaneous clicks one changes the order and the other is told it changed.

    `note` (a seller's reason for declining) is kept with the state change and shown to the
    other side."""
    text = rules.clean_text(note)
    if len(text) > MAX_NOTE:
        fail("note_too_long", "note")
    current = order.status
    target = rules.next_status(current, action, actor)
    if target is None:
        fail("status_change", "status")
    if action == "cancel" and not rules.can_cancel(current, int(order.amount_paid_vnd or 0)):
        fail("cannot_cancel", "status")
    if not move(db, order.id, current, target, user, note=text, today=today,
                extra=(Order.amount_paid_vnd == 0) if action == "cancel" else None):
        fail("changed", "status", error=Conflict)
    db.refresh(order)
    return order


def move(db: Session, order_id: int, current: str, target: str, user: User | None, *, today: date,
         note: str = "", extra=None) -> bool:
    """Move an order from `current` to `target` if it is still in `current`, with its history row;
    a releasing state gives the reservation back, and card sessions for another amount retire.
    False when someone else moved it first. Every change of status goes through here (the
    payment that makes an order paid too)."""
    conditions = [Order.id == order_id, Order.status == current]
    if extra is not None:
        conditions.append(extra)
    values: dict = {"status": target, "updated_at": utcnow()}
    if target in rules.RELEASING:
        values["live_offer_id"] = None
    result = db.execute(update(Order).where(*conditions).values(**values)
                        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    db.add(OrderEvent(order_id=order_id, from_status=current, to_status=target,
                      by_user_id=user.id if user else None, note=note[:MAX_NOTE]))
    if target in rules.RELEASING:
        row = db.execute(select(Order.listing_id, Order.reserved_quantity).where(Order.id == order_id)).one()
        release(db, row.listing_id, float(row.reserved_quantity or 0), today=today)
    retire_card_sessions(db, order_id)
    db.flush()
    return True


# -- reading ------------------------------------------------------------------------------------

def get_order(db: Session, order_id: int) -> Order:
    return or_404(db.get(Order, order_id), str(_l("We could not find that order.")))


def orders_of(db: Session, org: Organization | None, *, everyone: bool = False, limit: int = 200) -> list[Order]:
    """The organisation's orders as buyer and as seller, newest first (staff: everyone's)."""
    stmt = select(Order).order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    if not everyone:
        if org is None:
            return []
        stmt = stmt.where(or_(Order.buyer_org_id == org.id, Order.seller_org_id == org.id))
    return list(db.scalars(stmt))


# -- reminders and expiry (the worker) ---------------------------------------------------------

@dataclass
class ReminderReport:
    reminded: int = 0
    expired: int = 0
    notices: int = 0


def remind_and_expire(db: Session, now: datetime) -> ReminderReport:
    """Remind sellers once of orders unanswered for 24 hours; expire those unanswered for 72
    hours (releasing the quantity); then tell people about every state change not yet told.

    `now` is passed in (tests use a fake clock). Each step claims its rows with a conditional
    UPDATE, so two workers never remind twice or expire twice.
    """
    report = ReminderReport()
    today = now.astimezone(VIETNAM).date()
    expire_before = now - timedelta(hours=rules.EXPIRE_AFTER_HOURS)
    stale = list(db.scalars(select(Order.id).where(Order.status == "requested", Order.created_at <= expire_before)
                            .order_by(Order.id)))
    for order_id in stale:
        if move(db, order_id, "requested", "expired", None, today=today,
                note=f"{rules.EXPIRE_AFTER_HOURS} h"):
            report.expired += 1
    remind_before = now - timedelta(hours=rules.REMIND_AFTER_HOURS)
    due = list(db.scalars(select(Order).where(Order.status == "requested", Order.reminded_at.is_(None),
                                              Order.created_at <= remind_before).order_by(Order.id)))
    for order in due:
        claimed = db.execute(update(Order).where(Order.id == order.id, Order.status == "requested",
                                                 Order.reminded_at.is_(None)).values(reminded_at=now)
                             .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue
        notices.send_reminder(db, order)
        report.reminded += 1
    report.notices = notices.send_notices(db)
    db.flush()
    return report
