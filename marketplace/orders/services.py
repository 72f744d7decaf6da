"""Order use cases: place (reserving with one conditional UPDATE), change state (race-safe, one
transition table), record payments, reminders and expiry, bank accounts and statement matching.

Services take the session, flush and never commit. Reservation and every state change are
conditional UPDATEs checked by their row count, never read-then-write, so two buyers cannot
both take the last crate and two clicks cannot both confirm or both release.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric, and_, case, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.accounts.rules import BUYER_KINDS
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.demand.models import Offer
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.listings import rules as listing_rules
from marketplace.listings.models import Listing
from marketplace.numbers import parse_quantity, parse_vnd
from marketplace.orders import rules
from marketplace.orders.models import BankAccount, Order, OrderEvent, Payment
from marketplace.problems import Problems
from marketplace.products.units import parse_unit, price_unit
from marketplace.search import outbox
from marketplace.validation import FieldProblems

MESSAGES = {
    "required": _l("This field is required."),
    "positive": _l("Enter a number above zero."),
    "too_large": _l("That number is too large."),
    "not_a_number": _l("Enter a number, e.g. 1500 or 2,5."),
    "not_a_price": _l("Enter a price in đồng, e.g. 38000 or 38k."),
    "below_min_order": _l("The minimum order is %(min)s %(unit)s."),
    "negotiable": _l("The price of this listing is negotiable: contact the seller, or post a request and "
                     "order from their offer."),
    "not_on_sale": _l("This listing is not on sale now."),
    "too_little": _l("Only %(left)s %(unit)s left: order at most that."),
    "own_listing": _l("You cannot order from your own organisation."),
    "status_change": _l("That change is not possible from the order's current status."),
    "changed": _l("Someone else changed this order a moment ago. Look at it again."),
    "cannot_cancel": _l("Money has been received for this order: settle it with the other side instead."),
    "not_payable": _l("This order is not waiting for a payment."),
    "amount_range": _l("Enter an amount above zero, at most the amount still due."),
    "offer_not_accepted": _l("Only an accepted offer can be ordered."),
    "offer_no_price": _l("This offer has no price: ask the club for a price first."),
    "offer_ordered": _l("This offer is already ordered."),
    "option_locked": _l("The payment choice is fixed once money is received."),
    "option_unknown": _l("Choose full payment or a deposit."),
    "note_too_long": _l("This text is too long."),
    "offer_units": _l("This offer is in %(offer_unit)s but its listing is in %(listing_unit)s, which cannot be "
                      "converted: ask the club to make the offer again in %(listing_unit)s."),
}
MAX_NOTE = 1000


def _fail(key: str, field_name: str = "quantity", error=ValidationError, **params):
    message = str(MESSAGES[key]) % params if params else str(MESSAGES[key])
    raise error(message, fields={field_name: [message]})


def _qty_text(value: float) -> str:
    from marketplace.i18n import format_quantity

    return format_quantity(value)


# -- placing an order ---------------------------------------------------------------------------

def _as_numeric(value: float):
    """A quantity bound as NUMERIC: PostgreSQL has round(numeric, int), not round(float8, int)."""
    return literal(Decimal(repr(float(value))), Numeric(14, 3))


def reserve(db: Session, listing_id: int, quantity: float, *, today: date, min_order: float | None = None) -> bool:
    """Take `quantity` from a published, current listing in one conditional UPDATE.

    True when reserved. The minimum order holds unless the buyer takes everything left. The
    listing turns sold_out in the same statement when nothing is left. No read before: the
    database decides, so no number of simultaneous buyers can oversell.
    """
    t = Listing.__table__
    n = _as_numeric(quantity)
    conditions = [t.c.id == listing_id, t.c.status == "published", t.c.available_to >= today,
                  t.c.quantity_available >= n]
    if min_order:
        conditions.append(or_(n >= _as_numeric(min_order), t.c.quantity_available <= n))
    result = db.execute(
        update(t).where(and_(*conditions)).values(
            quantity_available=func.round(t.c.quantity_available - n, 3),
            status=case((t.c.quantity_available - n <= 0, "sold_out"), else_=t.c.status),
            updated_at=utcnow()))
    if result.rowcount != 1:
        return False
    _listing_changed(db, listing_id)
    return True


def release(db: Session, listing_id: int | None, quantity: float, *, today: date) -> None:
    """Give a reserved quantity back; a sold-out listing still in its window is on sale again."""
    if not listing_id or not quantity:
        return
    t = Listing.__table__
    n = _as_numeric(quantity)
    db.execute(update(t).where(t.c.id == listing_id).values(
        quantity_available=func.round(t.c.quantity_available + n, 3),
        status=case((and_(t.c.status == "sold_out", t.c.available_to >= today), "published"), else_=t.c.status),
        updated_at=utcnow()))
    _listing_changed(db, listing_id)


def _listing_changed(db: Session, listing_id: int) -> None:
    # A bulk UPDATE bypasses the flush hook: tell search and matching, and forget stale copies.
    outbox.enqueue(db, {("listing", listing_id)})
    cached = db.identity_map.get(db.identity_key(Listing, listing_id)) if hasattr(db, "identity_map") else None
    if cached is not None:
        db.expire(cached)


def _check_buyer(buyer_org: Organization, user: User) -> None:
    from marketplace.accounts.permissions import can_manage_demand

    if buyer_org is None or buyer_org.kind not in BUYER_KINDS or not can_manage_demand(user, buyer_org):
        raise PermissionDenied(str(_l("Only a buyer (supermarket, trader, processor, exporter) can order.")))


def _note(problems: FieldProblems, note: str | None) -> str:
    text = rules.clean_text(note)
    if len(text) > MAX_NOTE:
        problems.add("note", "note_too_long")
    return text


def place_order(db: Session, listing_id: int, buyer_org: Organization, user: User, quantity, *,
                today: date, note: str | None = None) -> Order:
    """A buyer orders a quantity (in the listing's unit) at the listing's price.

    422 (ValidationError) for input that can never work (not a number, zero, below the minimum
    order, a negotiable price); 409 (Conflict) when the listing has less left or is not on sale.
    """
    listing = db.get(Listing, listing_id) if rules.valid_id(listing_id) else None
    if listing is None or (listing.status == "draft" and not _manages(user, listing)):
        # A draft is visible only to its club's managers (as on the listing page).
        raise NotFound(str(_l("We could not find that listing.")))
    _check_buyer(buyer_org, user)
    problems = FieldProblems(MESSAGES)
    amount_quantity = problems.parse("quantity", quantity, parse_quantity, "not_a_number")
    text = _note(problems, note)
    problems.raise_if_any()
    if listing.organization_id == buyer_org.id:
        _fail("own_listing", error=PermissionDenied)
    if listing.price_vnd is None:
        _fail("negotiable")
    unit = listing.unit
    checked = rules.check_quantity(amount_quantity, available=listing.quantity_available,
                                   min_order=listing.min_order)
    if checked.fields.get("quantity") == ["below_min_order"] and amount_quantity >= listing.quantity_available > 0:
        checked = Problems()  # taking everything left is allowed below the minimum
    for key in checked.fields.get("quantity", []):
        if key == "below_min_order":
            _fail(key, min=_qty_text(listing.min_order), unit=unit)
        _fail(key)
    if amount_quantity > listing_rules.MAX_QUANTITY:
        _fail("too_large")
    if not listing_rules.is_public(listing.status, listing.available_to, listing.quantity_available, today):
        _fail("not_on_sale", error=Conflict)
    if not reserve(db, listing.id, amount_quantity, today=today, min_order=listing.min_order):
        _not_reserved(db, listing.id, unit, today)
    order = Order(buyer_org_id=buyer_org.id, seller_org_id=listing.organization_id, listing_id=listing.id,
                  title=listing.title, quantity=amount_quantity, unit=unit, reserved_quantity=amount_quantity,
                  unit_price_vnd=listing.price_vnd, price_unit=price_unit(unit),
                  amount_vnd=rules.order_amount(amount_quantity, listing.price_vnd, _kg_of(unit)),
                  status="requested", note=text, created_by_id=user.id)
    return _placed(db, order, user)


def _manages(user: User, listing: Listing) -> bool:
    from marketplace.accounts.permissions import can_manage_supply

    return can_manage_supply(user, listing.organization)


def _not_reserved(db: Session, listing_id: int, unit: str, today: date) -> None:
    """Say why a reservation failed, from the listing as it is now: not on sale any more (paused,
    past its window, sold out), or less left than asked."""
    now = db.execute(select(Listing.status, Listing.available_to, Listing.quantity_available)
                     .where(Listing.id == listing_id)).one_or_none()
    left = float(now.quantity_available or 0) if now is not None else 0.0
    if now is None or left <= 0 or not listing_rules.is_public(now.status, now.available_to, left, today):
        _fail("not_on_sale", error=Conflict)
    _fail("too_little", error=Conflict, left=_qty_text(left), unit=unit)


def _kg_of(unit_code: str) -> float | None:
    unit = parse_unit(unit_code)  # weighed packs too ("thùng 10 kg"); None when kept as typed
    return unit.kg if unit is not None else None


def _placed(db: Session, order: Order, user: User | None) -> Order:
    if order.amount_vnd > rules.MAX_AMOUNT_VND:
        _fail("too_large")
    db.add(order)
    db.flush()
    db.add(OrderEvent(order_id=order.id, from_status=None, to_status="requested",
                      by_user_id=user.id if user else None))
    db.flush()
    return order


def order_from_offer(db: Session, offer: Offer, user: User, *, today: date, note: str | None = None) -> Order:
    """The buyer orders an accepted offer: its quantity (in the request's unit) at its price.

    When the offer names one of the club's listings, the quantity is reserved from it too, in the
    listing's unit (converted through kilograms when the units differ and both are weighed). An
    offer whose quantity cannot be converted to its listing's unit is refused (422), rather than
    ordered without a reservation while pointing at the listing; a listing no longer on sale is a
    409 that says so."""
    buyer_org = offer.demand.organization
    _check_buyer(buyer_org, user)
    problems = FieldProblems(MESSAGES)
    text = _note(problems, note)
    problems.raise_if_any()
    if offer.status != "accepted":
        _fail("offer_not_accepted", error=Conflict)
    if offer.price_vnd is None:
        _fail("offer_no_price")
    if db.scalar(select(Order.id).where(Order.live_offer_id == offer.id)):
        _fail("offer_ordered", error=Conflict)
    unit = offer.demand.unit
    reserved, listing_id = 0.0, None
    listing = offer.listing if offer.listing_id is not None else None
    if listing is not None:
        converted = _convert(offer.quantity, unit, listing.unit)
        if converted is None:
            _fail("offer_units", offer_unit=unit, listing_unit=listing.unit)
        if not listing_rules.is_public(listing.status, listing.available_to, listing.quantity_available, today):
            _fail("not_on_sale", error=Conflict)
        if not reserve(db, listing.id, converted, today=today):
            _not_reserved(db, listing.id, listing.unit, today)
        reserved, listing_id = converted, listing.id
    order = Order(buyer_org_id=buyer_org.id, seller_org_id=offer.organization_id, listing_id=listing_id,
                  offer_id=offer.id, live_offer_id=offer.id, title=offer.demand.title, quantity=offer.quantity,
                  unit=unit, reserved_quantity=reserved, unit_price_vnd=offer.price_vnd,
                  price_unit=price_unit(unit),
                  amount_vnd=rules.order_amount(offer.quantity, offer.price_vnd, _kg_of(unit)),
                  status="requested", note=text, created_by_id=user.id)
    try:
        with db.begin_nested():
            placed = _placed(db, order, user)
    except IntegrityError:
        # Another click ordered this offer a moment ago (live_offer_id is unique).
        release(db, listing_id, reserved, today=today)
        _fail("offer_ordered", error=Conflict)
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
        _fail("note_too_long", "note")
    current = order.status
    target = rules.next_status(current, action, actor)
    if target is None:
        _fail("status_change", "status")
    if action == "cancel" and not rules.can_cancel(current, int(order.amount_paid_vnd or 0)):
        _fail("cannot_cancel", "status")
    if not _move(db, order.id, current, target, user, note=text, today=today,
                 extra=(Order.amount_paid_vnd == 0) if action == "cancel" else None):
        _fail("changed", "status", error=Conflict)
    db.refresh(order)
    return order


def _move(db: Session, order_id: int, current: str, target: str, user: User | None, *, today: date,
          note: str = "", extra=None) -> bool:
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


def retire_card_sessions(db: Session, order_id: int) -> int:
    """Open card sessions of this order for another amount than what is due now (it was cancelled,
    paid another way, expired, or the amount due changed) are marked to expire: otherwise a tab
    left open could still take money the order can no longer apply.

    Only marked here, inside the transaction: Stripe is called after commit, by the worker
    (stripe_services.expire_retired_checkouts), or by the card button before it opens a new one.
    Returns how many were marked."""
    from marketplace.orders.payments.models import CardCheckout

    row = db.execute(select(Order.status, Order.amount_vnd, Order.payment_option, Order.amount_paid_vnd)
                     .where(Order.id == order_id)).one_or_none()
    if row is None:
        return 0
    due = rules.amount_due_vnd(row)
    result = db.execute(update(CardCheckout).where(CardCheckout.order_id == order_id, CardCheckout.status == "open",
                                                   CardCheckout.amount_vnd != due)
                        .values(status="expiring").execution_options(synchronize_session=False))
    return result.rowcount or 0


def choose_payment_option(db: Session, order: Order, option: str) -> Order:
    """The buyer pays in full or a 30 % deposit; fixed once any money is received."""
    if option not in rules.PAYMENT_OPTIONS:
        _fail("option_unknown", "payment_option")
    if order.status != "confirmed":
        _fail("not_payable", "payment_option")
    result = db.execute(update(Order).where(Order.id == order.id, Order.status == "confirmed",
                                            Order.amount_paid_vnd == 0)
                        .values(payment_option=option, updated_at=utcnow())
                        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        _fail("option_locked", "payment_option", error=Conflict)
    retire_card_sessions(db, order.id)
    db.refresh(order)
    return order


# -- payments -----------------------------------------------------------------------------------

class _NotRecorded(Exception):
    pass


def record_payment(db: Session, order_id: int, amount_vnd: int, *, provider: str, reference: str,
                   by_user_id: int | None = None) -> bool:
    """Record money received for an order; the order becomes paid once what is due is reached.

    False, with nothing changed, when this (provider, reference) was recorded before (the same
    bank line or card session never counts twice), the order is not waiting for money, or the
    amount would take what is paid above the order's amount (two forms sent at once, a line
    already counted another way). Race-safe: the amount is added by a conditional UPDATE that
    checks the status and the balance, and the payment row is unique, both inside one savepoint.
    Flushes; the caller commits.
    """
    amount = int(amount_vnd)
    if amount <= 0 or amount > rules.MAX_AMOUNT_VND or not reference:
        return False
    try:
        with db.begin_nested():
            added = db.execute(
                update(Order).where(Order.id == order_id, Order.status.in_(sorted(rules.PAYABLE)),
                                    Order.amount_paid_vnd + amount <= Order.amount_vnd)
                .values(amount_paid_vnd=Order.amount_paid_vnd + amount, updated_at=utcnow())
                .execution_options(synchronize_session=False))
            if added.rowcount != 1:
                raise _NotRecorded
            db.add(Payment(order_id=order_id, provider=provider[:20], reference=reference[:200], amount_vnd=amount,
                           recorded_by_id=by_user_id))
            db.flush()
    except (_NotRecorded, IntegrityError):
        return False
    row = db.execute(select(Order.status, Order.amount_vnd, Order.payment_option, Order.amount_paid_vnd)
                     .where(Order.id == order_id)).one()
    if row.status == "confirmed" and rules.is_paid_enough(row.amount_vnd, row.payment_option, row.amount_paid_vnd):
        by = db.get(User, by_user_id) if by_user_id else None
        _move(db, order_id, "confirmed", "paid", by, today=today_in_vietnam(),
              note=f"{provider}: {reference}"[:200])
    else:
        retire_card_sessions(db, order_id)  # a part payment: what is due changed
    cached = db.identity_map.get(db.identity_key(Order, order_id))
    if cached is not None:
        db.expire(cached)
    db.flush()
    return True


def payment_already_recorded(db: Session, provider: str, reference: str) -> bool:
    return db.scalar(select(Payment.id).where(Payment.provider == provider, Payment.reference == reference)) is not None


def mark_received(db: Session, order: Order, amount, user: User, *, token: str) -> bool:
    """A seller (or staff) says a transfer arrived. `token` comes from the form shown, so a
    double submit of one form records it once."""
    problems = FieldProblems(MESSAGES)
    value = problems.parse("amount_vnd", amount, parse_vnd, "not_a_price")
    problems.raise_if_any()
    due = rules.amount_due_vnd(order)
    if order.status not in rules.PAYABLE or due <= 0:
        _fail("not_payable", "amount_vnd")
    if value is None or value <= 0 or value > rules.balance_vnd(order):
        _fail("amount_range", "amount_vnd")
    # The token is the form's own (letters, digits, - and _); anything else in it is dropped, so
    # a forged one cannot put a NUL (PostgreSQL refuses it) or another control character in the row.
    token = re.sub(r"[^A-Za-z0-9_-]", "", token or "")[:64] or secrets.token_urlsafe(16)
    return record_payment(db, order.id, value, provider="manual", reference=f"manual:{token}", by_user_id=user.id)


# -- reading ------------------------------------------------------------------------------------

def get_order(db: Session, order_id: int) -> Order:
    order = db.get(Order, order_id)
    if order is None:
        raise NotFound(str(_l("We could not find that order.")))
    return order


def orders_of(db: Session, org: Organization | None, *, everyone: bool = False, limit: int = 200) -> list[Order]:
    """The organisation's orders as buyer and as seller, newest first (staff: everyone's)."""
    stmt = select(Order).order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    if not everyone:
        if org is None:
            return []
        stmt = stmt.where(or_(Order.buyer_org_id == org.id, Order.seller_org_id == org.id))
    return list(db.scalars(stmt))


def live_order_for_offer(db: Session, offer_id: int) -> Order | None:
    return db.scalar(select(Order).where(Order.live_offer_id == offer_id))


def bank_account_of(db: Session, org_id: int) -> BankAccount | None:
    return db.scalar(select(BankAccount).where(BankAccount.organization_id == org_id))


# -- reminders, expiry and notices (the worker) --------------------------------------------------

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
    from marketplace.dates import VIETNAM
    from marketplace.notifications import services as notifications
    from marketplace.orders import presentation

    report = ReminderReport()
    today = now.astimezone(VIETNAM).date()
    expire_before = now - timedelta(hours=rules.EXPIRE_AFTER_HOURS)
    stale = list(db.scalars(select(Order.id).where(Order.status == "requested", Order.created_at <= expire_before)
                            .order_by(Order.id)))
    for order_id in stale:
        if _move(db, order_id, "requested", "expired", None, today=today,
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
        params = presentation.notice_params(order)
        message = notifications.Message("order_reminder", params, f"/orders/{order.id}")
        notifications.notify(db, notifications.members(db, order.seller_org_id, ("seller",)), message,
                         subject=lambda _u, p=params: presentation.describe_notice("order_reminder", p),
                         body=lambda _u, p=params: presentation.describe_notice("order_reminder", p))
        report.reminded += 1
    report.notices = send_notices(db)
    db.flush()
    return report


# to_status → (kind of notice, which side is told)
NOTICES: dict[str, tuple[str, str]] = {
    "requested": ("order_new", "seller"),
    "confirmed": ("order_confirmed", "buyer"),
    "declined": ("order_declined", "buyer"),
    "expired": ("order_expired", "buyer"),
    "paid": ("order_paid", "seller"),
    "delivered": ("order_delivered", "buyer"),
    "completed": ("order_completed", "seller"),
}


def send_notices(db: Session, limit: int = 200) -> int:
    """Tell the other side of each state change not yet told (in-app and mail). A cancellation
    goes to the side that did not cancel."""
    from marketplace.accounts.permissions import role_in
    from marketplace.notifications import services as notifications
    from marketplace.orders import presentation

    count = 0
    events = list(db.scalars(select(OrderEvent).where(OrderEvent.notified_at.is_(None))
                             .order_by(OrderEvent.id).limit(limit)))
    for event in events:
        claimed = db.execute(update(OrderEvent).where(OrderEvent.id == event.id, OrderEvent.notified_at.is_(None))
                             .values(notified_at=utcnow()).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue
        order = event.order
        if event.to_status == "cancelled":
            by_seller = event.by_user is not None and role_in(event.by_user, order.seller_org) == "seller"
            kind, side = "order_cancelled", "buyer" if by_seller else "seller"
        elif event.to_status in NOTICES:
            kind, side = NOTICES[event.to_status]
        else:
            continue
        org_id = order.seller_org_id if side == "seller" else order.buyer_org_id
        params = presentation.notice_params(order)
        if event.to_status == "declined" and event.note:
            params["reason"] = event.note[:300]  # the seller's reason, for the buyer
        message = notifications.Message(kind, params, f"/orders/{order.id}")
        count += notifications.notify(db, notifications.members(db, org_id, (side,)), message,
                                  subject=lambda _u, k=kind, p=params: presentation.describe_notice(k, p),
                                  body=lambda _u, k=kind, p=params: presentation.describe_notice(k, p))
    return count


# -- bank accounts ------------------------------------------------------------------------------

def save_bank_account(db: Session, org: Organization, *, bank_bin: str, account_number: str,
                      account_holder: str) -> BankAccount:
    from marketplace.orders.payments import banks

    problems = FieldProblems(BANK_MESSAGES)
    bin_ = (bank_bin or "").strip()
    if banks.bank_by_bin(bin_) is None:
        problems.add("bank_bin", "unknown_bank")
    number = banks.normalize_account_number(account_number)
    if number is None:
        problems.add("account_number", "bad_account")
    holder = banks.normalize_holder(account_holder)
    if not holder:
        problems.add("account_holder", "required")
    elif len(holder) > 70:
        problems.add("account_holder", "too_long")
    problems.raise_if_any()
    account = bank_account_of(db, org.id) or BankAccount(organization_id=org.id)
    account.bank_bin, account.account_number, account.account_holder = bin_, number, holder
    db.add(account)
    db.flush()
    return account


BANK_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "unknown_bank": _l("Choose a bank from the list."),
    "bad_account": _l("An account number has 6 to 19 digits."),
}


# -- bank statements ----------------------------------------------------------------------------

@dataclass
class StatementResult:
    matched: list[tuple[int, str, int]] = field(default_factory=list)  # (line number, order ref, amount)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, description, why)
    # Lines that paid more than the order's balance: only the balance is recorded.
    over: list[tuple[int, str, int]] = field(default_factory=list)  # (line number, order ref, amount not recorded)


def apply_statement(db: Session, org: Organization, lines, user: User) -> StatementResult:
    """Mark paid the organisation's orders named in statement lines with at least what is due.

    A line above the order's balance records the balance and reports the rest (to settle with
    the buyer): what is paid never goes above the order's amount. Each bank line counts once
    ever (its fingerprint is the payment reference), so uploading the same statement twice
    changes nothing. The caller commits the whole upload at once.
    """
    result = StatementResult()
    for line in lines:
        ids = rules.refs_in(line.description)
        candidates = [o for o in (db.get(Order, i) for i in ids) if o is not None and o.seller_org_id == org.id]
        if not candidates:
            result.unmatched.append((line.number, line.description, str(_l("No order reference of yours."))))
            continue
        order = candidates[0]
        due = rules.amount_due_vnd(order)
        reference = line.fingerprint
        if payment_already_recorded(db, "vietqr", reference):
            result.unmatched.append((line.number, line.description, str(_l("Already counted."))))
            continue
        if order.status not in rules.PAYABLE or due <= 0:
            result.unmatched.append((line.number, line.description,
                                     str(_l("%(ref)s is not waiting for a payment.", ref=order.ref))))
            continue
        if line.amount_vnd < due:
            result.unmatched.append((line.number, line.description,
                                     str(_l("%(ref)s: less than the %(due)s đồng due.", ref=order.ref,
                                            due=f"{due:,}".replace(",", ".")))))
            continue
        taken = min(line.amount_vnd, rules.balance_vnd(order))
        if record_payment(db, order.id, taken, provider="vietqr", reference=reference, by_user_id=user.id):
            result.matched.append((line.number, order.ref, taken))
            if line.amount_vnd > taken:
                result.over.append((line.number, order.ref, line.amount_vnd - taken))
        else:
            result.unmatched.append((line.number, line.description, str(_l("Already counted."))))
    db.flush()
    return result

