"""The throwaway instance of the load check: the demo data made ready for many buyers, and the
counts taken from the database afterwards (nothing oversold, nothing paid twice).

Runs in check/load_run.py's process, inside an app context of the instance under test."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from sqlalchemy import String, func, select, text, update

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.rules import BUYER_KINDS
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.orders.models import Order, Payment
from marketplace.orders.rules import RELEASING

LOAD_DOMAIN = "load.chohoiquan.invalid"
PASSWORD = "load-check-password-2026"
PLENTY = 1_000_000  # units on sale on every ordinary listing: buyers never run it out
HOT_STOCK = 5  # units on each contested listing: sold out early in the run, then 409s
HOT_LISTINGS = ("demo-l-tra-sen", "demo-l-mut-sen")
# A card payment must stay under Stripe's 99.999.999 ₫: weighed goods are ordered in small amounts.
ORDER_QUANTITY = {"tấn": 0.5, "tạ": 1, "kg": 5}


@dataclass
class Plan:
    """What the simulated users need to know: who they are, what they may order."""

    password: str
    buyers: list[str] = field(default_factory=list)
    sellers: dict[str, str] = field(default_factory=dict)  # org id → a seller's e-mail
    listings: list[dict] = field(default_factory=list)  # id, org_id, quantity, hot
    org_ids: list[int] = field(default_factory=list)
    listing_ids: list[int] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


def prepare(db, buyers: int) -> Plan:
    """Stock every priced listing generously (two of them scarcely), keep them on sale for the run,
    and add `buyers` buyer accounts spread over the demo's buyer organisations and one seller
    account per selling organisation. Commits."""
    today = today_in_vietnam()
    password_hash = hash_password(PASSWORD)
    plan = Plan(password=PASSWORD)
    priced = db.scalars(select(Listing).where(Listing.price_vnd.is_not(None)).order_by(Listing.id)).all()
    for listing in priced:
        hot = listing.ref in HOT_LISTINGS
        stock = HOT_STOCK if hot else PLENTY
        db.execute(update(Listing).where(Listing.id == listing.id).values(
            quantity=stock, quantity_available=stock, min_order=None, status="published",
            available_from=min(listing.available_from, today), available_to=today + timedelta(days=60)))
        plan.listings.append({"id": listing.id, "org_id": listing.organization_id, "hot": hot,
                              "quantity": 1 if hot else ORDER_QUANTITY.get(listing.unit, 1)})
    # Orders the demo placed on these listings are called off, so that the stock set above is the
    # whole story the final count checks.
    db.execute(update(Order).where(Order.listing_id.in_([lst.id for lst in priced]),
                                   Order.status.not_in(RELEASING))
               .values(status="cancelled"))
    db.flush()

    buyer_orgs = db.scalars(select(Organization).where(Organization.kind.in_(BUYER_KINDS))
                            .order_by(Organization.id)).all()
    buyer_orgs = [org for org in buyer_orgs if org.ref and org.ref.startswith("demo-")]
    for n in range(buyers):
        user = _user(db, f"buyer{n:03d}", f"Người mua thử {n}", password_hash)
        accounts.add_member(db, buyer_orgs[n % len(buyer_orgs)], user, "buyer")
        plan.buyers.append(user.email)
    for org_id in sorted({lst["org_id"] for lst in plan.listings}):
        user = _user(db, f"seller{org_id}", f"Người bán thử {org_id}", password_hash)
        accounts.add_member(db, db.get(Organization, org_id), user, "seller")
        plan.sellers[str(org_id)] = user.email
    plan.org_ids = list(db.scalars(select(Organization.id).order_by(Organization.id)))
    plan.listing_ids = list(db.scalars(select(Listing.id).where(Listing.status == "published").order_by(Listing.id)))
    db.commit()
    return plan


def _user(db, login: str, name: str, password_hash: str) -> User:
    user = User(email=f"{login}@{LOAD_DOMAIN}", name=name, password_hash=password_hash)
    db.add(user)
    db.flush()
    return user


@dataclass
class Counts:
    orders: int = 0
    orders_by_status: dict[str, int] = field(default_factory=dict)
    payments_by_provider: dict[str, int] = field(default_factory=dict)
    stripe_outcomes: dict[str, int] = field(default_factory=dict)
    oversold: list[str] = field(default_factory=list)  # listings with more held than they had
    stock_drift: list[str] = field(default_factory=list)  # available + held ≠ quantity
    double_paid: list[str] = field(default_factory=list)  # orders paid more than once or over
    scarce: list[str] = field(default_factory=list)  # how the contested listings ended

    @property
    def broken(self) -> bool:
        return bool(self.oversold or self.stock_drift or self.double_paid)


def count(db) -> Counts:
    """Read the end state: per listing, what live orders hold against what it had; per order, the
    payments applied against its amount."""
    counts = Counts()
    counts.orders = db.scalar(select(func.count()).select_from(Order))
    counts.orders_by_status = dict(db.execute(select(Order.status, func.count()).group_by(Order.status)).all())
    counts.payments_by_provider = dict(db.execute(select(Payment.provider, func.count())
                                                  .group_by(Payment.provider)).all())
    counts.stripe_outcomes = dict(db.execute(text("SELECT outcome, count(*) FROM stripe_events GROUP BY outcome"))
                                  .all())

    held = (select(Order.listing_id, func.coalesce(func.sum(Order.reserved_quantity), 0).label("held"))
            .where(Order.status.not_in(RELEASING), Order.listing_id.is_not(None))
            .group_by(Order.listing_id).subquery())
    name = func.coalesce(Listing.ref, "listing " + func.cast(Listing.id, String))
    rows = db.execute(select(name, Listing.quantity, Listing.quantity_available, func.coalesce(held.c.held, 0))
                      .outerjoin(held, held.c.listing_id == Listing.id)).all()
    for ref, quantity, available, held_quantity in rows:
        quantity, available, held_quantity = float(quantity), float(available), float(held_quantity)
        if ref in HOT_LISTINGS:
            counts.scarce.append(f"{ref}: {held_quantity:g} of {quantity:g} held by orders, {available:g} left")
        if held_quantity > quantity + 1e-6 or available < -1e-6:
            counts.oversold.append(f"{ref}: quantity {quantity:g}, held by orders {held_quantity:g}, "
                                   f"available {available:g}")
        elif abs(available + held_quantity - quantity) > 1e-6:
            counts.stock_drift.append(f"{ref}: quantity {quantity:g} ≠ available {available:g} + held "
                                      f"{held_quantity:g}")

    paid = (select(Payment.order_id, func.count().label("n"), func.sum(Payment.amount_vnd).label("total"))
            .group_by(Payment.order_id).subquery())
    rows = db.execute(select(Order.id, Order.payment_option, Order.amount_vnd, Order.amount_paid_vnd,
                             paid.c.n, paid.c.total).join(paid, paid.c.order_id == Order.id)).all()
    for order_id, option, amount, amount_paid, payments, total in rows:
        allowed = 2 if option == "deposit" else 1  # a deposit and its balance
        if payments > allowed or int(total) != int(amount_paid) or int(amount_paid) > int(amount):
            counts.double_paid.append(f"order {order_id}: {payments} payments totalling {int(total)} ₫, "
                                      f"paid {int(amount_paid)} of {int(amount)} ₫")
    return counts
