"""Linked sales chains: a buyer organisation proposes one to clubs and cooperatives, each answers,
orders are delivered against it (placed from the chain page for a planned delivery, or an existing
order attached), either side cancels it before any delivery or ends it after; and what the chain
page, the API and staff show of it (its rows and figures).

Who may: the buyer organisation's buyers propose, cancel and end for the buyer; a party's sellers
answer, cancel and end for the party; an admin may act for either. Members of either side and
staff see a chain; anyone else is told it does not exist.

Services take the session, flush and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts.models import Membership, Organization, User
from marketplace.accounts.permissions import role_in
from marketplace.chains import notices, rules
from marketplace.chains.messages import FIELD_MESSAGES, REFUSALS
from marketplace.chains.models import Chain, ChainDelivery, ChainOrder, ChainParty
from marketplace.dates import VIETNAM, NotADate, as_utc, parse_date
from marketplace.db import utcnow
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.listings.models import Listing
from marketplace.numbers import MAX_ID, NotANumber, parse_vnd
from marketplace.orders import lifecycle
from marketplace.orders.models import Order, OrderEvent
from marketplace.products.services import choose_product, product_of
from marketplace.products.units import price_unit as price_unit_of
from marketplace.traceability import lineage
from marketplace.traceability.models import Lot, OrderLot
from marketplace.validation import FieldProblems, date_message
from marketplace.vietnamese import clean, clean_message, fold, nfc

ORDERS_CLOSED = frozenset({"declined", "cancelled", "expired"})


def refuse(key: str, error=Conflict, field_name: str | None = None):
    message = str(REFUSALS[key])
    raise error(message, fields={field_name: [message]} if field_name else None)


def as_written(text: str | None) -> str:
    return nfc(clean_message(text))


# -- who is who ---------------------------------------------------------------------------------

def side_of(user: User | None, chain: Chain) -> str | None:
    """"buyer" for the buyer organisation's members, "party" for a party's members, "staff", else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    orgs = {m.organization_id for m in user.memberships}
    if chain.buyer_org_id in orgs:
        return "buyer"
    if any(p.org_id in orgs for p in chain.parties):
        return "party"
    return "staff" if user.is_staff else None


def visible(user: User | None, chain: Chain | None) -> Chain:
    """The chain for its two sides and staff; anyone else: not found (a chain is a private contract)."""
    if chain is None or side_of(user, chain) is None:
        raise NotFound()
    return chain


def acting_buyer(user: User, chain: Chain) -> bool:
    return user.is_admin or any(m.organization_id == chain.buyer_org_id and m.role == "buyer"
                                for m in user.memberships)


def acting_parties(user: User, chain: Chain) -> list[ChainParty]:
    """The parties this person answers and acts for (as their seller; an admin for every one)."""
    if user.is_admin:
        return list(chain.parties)
    return [p for p in chain.parties if any(m.organization_id == p.org_id and m.role == "seller"
                                            for m in user.memberships)]


def get_chain(db: Session, chain_id: int) -> Chain | None:
    if not 0 < chain_id <= MAX_ID:
        return None
    return db.get(Chain, chain_id)


def chains_of(db: Session, user: User) -> list[Chain]:
    """The chains of the person's organisations (as buyer or as a party), newest first."""
    orgs = [m.organization_id for m in user.memberships]
    if not orgs:
        return []
    party = select(ChainParty.chain_id).where(ChainParty.org_id.in_(orgs))
    return list(db.scalars(select(Chain).where(or_(Chain.buyer_org_id.in_(orgs), Chain.id.in_(party)))
                           .order_by(Chain.id.desc()).limit(500)))


def all_chains(db: Session) -> list[Chain]:
    return list(db.scalars(select(Chain).order_by(Chain.id.desc()).limit(1000)))


def find_parties(db: Session, query: str, *, limit: int = 30) -> list[Organization]:
    """Clubs and cooperatives whose name holds the query (accents or not)."""
    rows = db.scalars(select(Organization).where(Organization.kind.in_(sorted(rules.PARTY_KINDS)))
                      .order_by(Organization.name).limit(2000))
    wanted = fold(clean(query or ""))
    return [org for org in rows if wanted in fold(org.name)][:limit]


# -- proposing ----------------------------------------------------------------------------------

@dataclass
class ChainInput:
    """A chain as typed in the form (or sent by a client)."""

    title: str = ""
    product: str = ""
    variety: str = ""
    season_from: str = ""
    season_to: str = ""
    total_quantity: str = ""
    per_delivery_quantity: str = ""
    price_terms: str = "fixed"
    price_vnd: str = ""
    price_unit: str = ""
    price_note: str = ""
    quality_standard: str = ""
    requires_growing_area_code: bool = True
    certificates: list[str] = field(default_factory=list)
    schedule_kind: str = "weekly"
    every_days: str = ""
    first_delivery: str = ""
    last_delivery: str = ""
    dates: str = ""
    schedule_note: str = ""
    party_ids: list[int] = field(default_factory=list)


def _date(problems: FieldProblems, name: str, text: str) -> date | None:
    try:
        return parse_date(text)
    except NotADate as error:
        problems.say(name, date_message(error, FIELD_MESSAGES["not_a_date"]))
        return None


def _schedule(problems: FieldProblems, data: ChainInput, season: tuple[date | None, date | None]) -> list[date]:
    if data.schedule_kind not in rules.SCHEDULE_KINDS:
        problems.add("schedule_kind", "unknown_choice")
        return []
    if data.schedule_kind == "dates":
        days = [d for d in (_date(problems, "dates", t) for t in rules.split_dates(data.dates)) if d]
        if "dates" in problems.fields:
            return []
        return days
    first = _date(problems, "first_delivery", data.first_delivery) or (
        season[0] if not clean(data.first_delivery) else None)
    last = _date(problems, "last_delivery", data.last_delivery) or (
        season[1] if not clean(data.last_delivery) else None)
    if first is None or last is None:
        return []
    if data.schedule_kind == "weekly":
        return rules.weekly(first, last)
    text = clean(data.every_days)
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 90):
        problems.add("every_days", "every_days")
        return []
    return rules.every(first, last, int(text))


def _parties(db: Session, problems: FieldProblems, ids: list[int], buyer_org: Organization) -> list[Organization]:
    wanted = list(dict.fromkeys(i for i in ids if 0 < i <= MAX_ID))
    if not wanted:
        return []
    found = {org.id: org for org in db.scalars(select(Organization).where(Organization.id.in_(wanted)))}
    orgs = [found.get(i) for i in wanted]
    if any(o is None or o.kind not in rules.PARTY_KINDS or o.id == buyer_org.id for o in orgs):
        problems.add("party_ids", "not_a_party")
        return []
    return orgs


def propose(db: Session, buyer_org: Organization, user: User, data: ChainInput, *, today: date) -> Chain:
    """A buyer organisation proposes a chain to clubs and cooperatives; its own acceptance is
    recorded now. Every problem with what was typed is reported at once; nothing is stored then."""
    if not (user.is_admin or role_in(user, buyer_org) == "buyer"):
        raise PermissionDenied()
    problems = FieldProblems(FIELD_MESSAGES)
    choice = choose_product(db, data.product, data.variety)
    if choice is None:
        problems.add("product", "required")
    total = None
    unit = ""
    if not clean(data.total_quantity):
        problems.add("total_quantity", "required")
    else:
        read = rules.read_quantity(data.total_quantity, "tấn")
        if read is None:
            problems.add("total_quantity", "not_a_quantity")
        else:
            total, unit = read
    per_delivery = None
    if clean(data.per_delivery_quantity):
        read = rules.read_quantity(data.per_delivery_quantity, unit or "tấn")
        if read is None:
            problems.add("per_delivery_quantity", "not_a_quantity")
        elif unit:
            per_delivery = rules.convert(read[0], read[1], unit)
            if per_delivery is None:
                problems.add("per_delivery_quantity", "unit_mismatch")
    season_from = _date(problems, "season_from", data.season_from)
    season_to = _date(problems, "season_to", data.season_to)
    price = None
    try:
        price = parse_vnd(data.price_vnd) if data.price_terms in ("fixed", "floor") else None
    except NotANumber:
        problems.add("price_vnd", "not_a_price")
    certificates = tuple(dict.fromkeys(c for c in data.certificates if c))
    parties = _parties(db, problems, data.party_ids, buyer_org)
    terms = rules.Terms(title=clean(data.title), season_from=season_from, season_to=season_to,
                        total_quantity=total, per_delivery_quantity=per_delivery, price_terms=data.price_terms,
                        price_vnd=price, price_note=as_written(data.price_note),
                        quality_standard=as_written(data.quality_standard),
                        schedule_note=as_written(data.schedule_note), certificates=certificates,
                        party_count=len(parties) if parties or not data.party_ids else 1)
    problems.merge(rules.check_terms(terms, today=today))
    days = _schedule(problems, data, (season_from, season_to))
    if not any(n in problems.fields for n in ("dates", "first_delivery", "last_delivery", "every_days",
                                             "schedule_kind", "season_from", "season_to")):
        why = rules.check_schedule(days, season_from, season_to)
        if why:
            problems.add("dates" if data.schedule_kind == "dates" else "last_delivery", why)
    if choice is not None and len(choice.name) > rules.LIMITS["product"]:
        problems.add("product", "too_long")
    problems.raise_if_any()
    product = product_of(db, choice)
    chain = Chain(buyer_org_id=buyer_org.id, title=terms.title, product_id=product.id, product_text=clean(data.product),
                  variety_id=choice.variety.id if choice.variety else None,
                  variety_text=(choice.variety_text or clean(data.variety))[:120],
                  season_from=season_from, season_to=season_to, total_quantity=total,
                  per_delivery_quantity=per_delivery, unit=unit, price_terms=data.price_terms, price_vnd=price,
                  price_unit=price_unit_of(clean(data.price_unit) or "kg") if data.price_terms != "market" else "kg",
                  price_note=terms.price_note, quality_standard=terms.quality_standard,
                  requires_growing_area_code=bool(data.requires_growing_area_code),
                  required_certificates=";".join(certificates), schedule_note=terms.schedule_note,
                  status="proposed", buyer_accepted_at=utcnow(), created_by_id=user.id)
    db.add(chain)
    db.flush()
    for org in parties:
        db.add(ChainParty(chain_id=chain.id, org_id=org.id))
    for day, quantity in rules.plan(days, total, per_delivery):
        db.add(ChainDelivery(chain_id=chain.id, due_on=day, quantity=quantity))
    db.flush()
    db.refresh(chain)
    notices.proposed(db, chain)
    return chain


# -- answers and endings ------------------------------------------------------------------------

def _party(user: User, chain: Chain, org_id: int | None) -> ChainParty:
    own = acting_parties(user, chain)
    for party in own:
        if org_id is None or party.org_id == org_id:
            return party
    refuse("not_a_party", PermissionDenied)


def _fresh_parties(db: Session, chain: Chain) -> list[ChainParty]:
    """The chain's parties as stored now (not as this session read them before another answer)."""
    return list(db.scalars(select(ChainParty).where(ChainParty.chain_id == chain.id)
                           .execution_options(populate_existing=True)))


def _settle(db: Session, chain: Chain) -> None:
    """A proposed chain becomes active (or declined) once the answers say so: a conditional update,
    so two last answers at once make it active once."""
    db.refresh(chain)
    states = [rules.PartyState(p.accepted_at is not None, p.declined_at is not None)
              for p in _fresh_parties(db, chain)]
    target = rules.status_after_answers(chain.status, states)
    if target == chain.status:
        return
    done = db.execute(update(Chain).where(Chain.id == chain.id, Chain.status == "proposed")
                      .values(status=target, updated_at=utcnow())).rowcount
    db.refresh(chain)
    if done:
        notices.settled(db, chain)


def answer(db: Session, chain: Chain, user: User, *, accept: bool, reason: str = "",
           org_id: int | None = None) -> ChainParty:
    """A party's seller accepts the chain, or declines it saying why.

    The chain's row is locked first (PostgreSQL; on SQLite a POST's transaction already holds the
    write lock): two last answers at once are settled one after the other, so the second sees the
    first's answer and the chain becomes active instead of staying proposed for good."""
    db.execute(select(Chain.id).where(Chain.id == chain.id).with_for_update())
    db.refresh(chain)
    _fresh_parties(db, chain)
    if chain.status != "proposed":
        refuse("not_open")
    party = _party(user, chain, org_id)
    reason = as_written(reason)
    if not accept and not reason.strip():
        message = str(FIELD_MESSAGES["reason_required"])
        raise ValidationError(message, fields={"reason": [message]})
    if len(reason) > rules.LIMITS["reason"]:
        message = str(FIELD_MESSAGES["too_long"])
        raise ValidationError(message, fields={"reason": [message]})
    values = {"accepted_at": utcnow(), "accepted_by_id": user.id} if accept else {
        "declined_at": utcnow(), "decline_reason": reason, "accepted_by_id": user.id}
    done = db.execute(update(ChainParty).where(ChainParty.id == party.id, ChainParty.accepted_at.is_(None),
                                               ChainParty.declined_at.is_(None)).values(**values)).rowcount
    if not done:
        refuse("already_answered")
    db.refresh(party)
    notices.answered(db, chain, party)
    _settle(db, chain)
    return party


def delivered_count(db: Session, chain: Chain) -> int:
    return len([o for o in _orders(db, chain) if o.status in rules.DELIVERED])


def close(db: Session, chain: Chain, user: User, *, action: str, reason: str = "") -> Chain:
    """Either side cancels the chain before any delivery, or ends it after."""
    side = "buyer" if acting_buyer(user, chain) else ("party" if acting_parties(user, chain) else None)
    if side is None:
        raise PermissionDenied()
    delivered = delivered_count(db, chain)
    if action == "cancel":
        if not rules.can_cancel(chain.status, delivered):
            refuse("not_cancellable")
        target, expected = "cancelled", tuple(rules.OPEN)
    elif action == "end":
        if not rules.can_end(chain.status, delivered):
            refuse("not_endable")
        target, expected = "ended", ("active",)
    else:
        raise NotFound()
    reason = as_written(reason)[: rules.LIMITS["reason"]]
    done = db.execute(update(Chain).where(Chain.id == chain.id, Chain.status.in_(expected))
                      .values(status=target, status_reason=reason, updated_at=utcnow())).rowcount
    if not done:
        refuse("not_open")
    db.refresh(chain)
    notices.closed(db, chain, user, side)
    return chain


# -- orders against the chain -------------------------------------------------------------------

def _orders(db: Session, chain: Chain) -> list[Order]:
    return list(db.scalars(select(Order).join(ChainOrder, ChainOrder.order_id == Order.id)
                           .where(ChainOrder.chain_id == chain.id).order_by(Order.id)))


def _delivery(db: Session, chain: Chain, delivery_id: int | None) -> ChainDelivery | None:
    if delivery_id is None:
        return None
    delivery = db.get(ChainDelivery, delivery_id) if 0 < delivery_id <= MAX_ID else None
    if delivery is None or delivery.chain_id != chain.id:
        refuse("no_such_delivery", ValidationError, "delivery_id")
    return delivery


def attach(db: Session, chain: Chain, order_id: int | None, user: User, *,
           delivery_id: int | None = None) -> ChainOrder:
    """Count an existing order between the two sides, for the chain's product, against the chain."""
    if not (acting_buyer(user, chain) or acting_parties(user, chain)):
        raise PermissionDenied()
    if not rules.can_take_orders(chain.status):
        refuse("not_active")
    order = db.get(Order, order_id) if order_id and 0 < order_id <= MAX_ID else None
    parties = {p.org_id for p in chain.parties if p.accepted_at is not None}
    mine = {m.organization_id for m in user.memberships}
    if order is None or not (user.is_admin or order.buyer_org_id in mine or order.seller_org_id in mine):
        refuse("no_such_order", ValidationError, "order")
    if order.buyer_org_id != chain.buyer_org_id:
        refuse("wrong_buyer", ValidationError, "order")
    if order.seller_org_id not in parties:
        refuse("wrong_seller", ValidationError, "order")
    if order.listing is None or order.listing.product_id != chain.product_id:
        refuse("wrong_product", ValidationError, "order")
    if order.status in ORDERS_CLOSED:
        refuse("order_closed", ValidationError, "order")
    delivery = _delivery(db, chain, delivery_id)
    if db.scalar(select(ChainOrder.id).where(ChainOrder.order_id == order.id)) is not None:
        refuse("already_in_chain", ValidationError, "order")
    link = ChainOrder(chain_id=chain.id, order_id=order.id, delivery_id=delivery.id if delivery else None)
    try:
        with db.begin_nested():  # another attach of the same order, at the same moment, got there first
            db.add(link)
            db.flush()
    except IntegrityError:
        refuse("already_in_chain", Conflict, "order")
    return link


def place(db: Session, chain: Chain, delivery_id: int, listing_id: int, user: User, quantity, *,
          today: date, note: str | None = None) -> Order:
    """The buyer places an order for a planned delivery from a party's listing (through orders'
    own placing: its checks and reservation), and it counts against the chain."""
    if not acting_buyer(user, chain):
        raise PermissionDenied()
    if not rules.can_take_orders(chain.status):
        refuse("not_active")
    delivery = _delivery(db, chain, delivery_id)
    listings = {listing.id for listing in party_listings(db, chain)}
    if listing_id not in listings:
        refuse("not_your_listing", ValidationError, "listing_id")
    order = lifecycle.place_order(db, listing_id, chain.buyer_org, user, quantity, today=today, note=note)
    db.add(ChainOrder(chain_id=chain.id, order_id=order.id, delivery_id=delivery.id))
    db.flush()
    return order


def party_listings(db: Session, chain: Chain):
    from_parties = [p.org_id for p in chain.parties if p.accepted_at is not None]
    if not from_parties:
        return []
    return list(db.scalars(select(Listing).where(Listing.organization_id.in_(from_parties),
                                                 Listing.product_id == chain.product_id,
                                                 Listing.status == "published").order_by(Listing.id)))


# -- what the page shows ------------------------------------------------------------------------

@dataclass(frozen=True)
class LotView:
    code: str
    traceable: bool
    reasons: tuple[str, ...]  # of the harvests that are not: no_code, no_harvest_date, expired, suspended…


@dataclass(frozen=True)
class OrderView:
    order: Order
    delivery_id: int | None
    delivered_on: date | None
    quantity: float | None  # in the chain's unit; None when it cannot be converted
    on_time: bool
    lots: tuple[LotView, ...]
    traceable: bool
    reason: str  # "" when traceable, "no_lots", or a harvest's reason


@dataclass(frozen=True)
class DeliveryView:
    delivery: ChainDelivery
    orders: tuple[OrderView, ...]
    delivered_quantity: float


@dataclass(frozen=True)
class ChainView:
    chain: Chain
    deliveries: tuple[DeliveryView, ...]
    untied: tuple[OrderView, ...]  # orders not tied to a planned delivery
    figures: rules.Figures


def delivered_days(db: Session, order_ids: list[int]) -> dict[int, date]:
    """The day (in Vietnam) each order was delivered: its first move to "delivered"."""
    if not order_ids:
        return {}
    days: dict[int, date] = {}
    for order_id, at in db.execute(select(OrderEvent.order_id, OrderEvent.at)
                                   .where(OrderEvent.order_id.in_(order_ids), OrderEvent.to_status == "delivered")
                                   .order_by(OrderEvent.id)):
        days.setdefault(order_id, as_utc(at).astimezone(VIETNAM).date())
    return days


def _lot_view(db: Session, lot: Lot) -> LotView:
    checks = [lineage.check_origin(db, origin) for origin in lineage.origins(db, lot)]
    reasons = tuple(dict.fromkeys(c.reason for c in checks if not c.traceable))
    return LotView(lot.code, not reasons, reasons)


def sellers_shown(user: User | None, chain: Chain) -> set[int] | None:
    """Whose orders a reader sees on the chain: a party's member only its own organisation's (a
    club does not see another club's deliveries, orders and lots); the buyer and staff everyone's (None)."""
    if side_of(user, chain) != "party":
        return None
    return {m.organization_id for m in user.memberships} & {p.org_id for p in chain.parties}


def view(db: Session, chain: Chain, *, today: date, reader: User | None = None) -> ChainView:
    """The chain's rows and figures. With a `reader` from a party, its rows hold only that party's
    orders (and the delivered quantity of each planned delivery counts only those); the figures
    stay the chain's totals. Without one (the buyer, staff, the lists' figures): everything."""
    links = list(db.scalars(select(ChainOrder).where(ChainOrder.chain_id == chain.id).order_by(ChainOrder.id)))
    orders = {o.id: o for o in _orders(db, chain)}
    days = delivered_days(db, list(orders))
    lots_of: dict[int, list[Lot]] = defaultdict(list)
    if orders:
        for order_id, lot in db.execute(select(OrderLot.order_id, Lot).join(Lot, Lot.id == OrderLot.lot_id)
                                        .where(OrderLot.order_id.in_(list(orders))).order_by(OrderLot.id)):
            lots_of[order_id].append(lot)
    due = {d.id: d.due_on for d in chain.deliveries}
    views: list[OrderView] = []
    plain: list[rules.Delivered] = []
    for link in links:
        order = orders[link.order_id]
        lots = tuple(_lot_view(db, lot) for lot in lots_of[order.id])
        traced = bool(lots) and all(lot.traceable for lot in lots)
        reason = "" if traced else ("no_lots" if not lots else next(r for lot in lots for r in lot.reasons))
        delivered_on = days.get(order.id) if order.status in rules.DELIVERED else None
        item = rules.Delivered(order.id, link.delivery_id, order.status, float(order.quantity), order.unit,
                               delivered_on, traced)
        plain.append(item)
        views.append(OrderView(order, link.delivery_id, delivered_on,
                               rules.convert(float(order.quantity), order.unit, chain.unit),
                               rules.on_time(item, due.get(link.delivery_id), chain.season_from, chain.season_to),
                               lots, traced, reason))
    found = rules.figures(unit=chain.unit, season_from=chain.season_from, season_to=chain.season_to,
                          requires_codes=chain.requires_growing_area_code,
                          planned=[rules.Planned(d.id, d.due_on, float(d.quantity)) for d in chain.deliveries],
                          orders=plain, today=today)
    shown = sellers_shown(reader, chain) if reader is not None else None
    if shown is not None:
        views = [v for v in views if v.order.seller_org_id in shown]
    rows = []
    for delivery in chain.deliveries:
        mine = tuple(v for v in views if v.delivery_id == delivery.id)
        rows.append(DeliveryView(delivery, mine, round(sum(v.quantity or 0 for v in mine if v.delivered_on), 3)))
    return ChainView(chain, tuple(rows), tuple(v for v in views if v.delivery_id is None), found)


def with_figures(db: Session, chains: list[Chain], *, today: date) -> list[tuple[Chain, rules.Figures]]:
    return [(chain, view(db, chain, today=today).figures) for chain in chains]


def count_with_codes_and_traceability(db: Session, *, today: date) -> int:
    """How many chains are chains "with growing-area codes and traceability" (for the targets
    dashboard of issue #20): codes required, and every delivered order traceable."""
    return sum(1 for _chain, f in with_figures(db, all_chains(db), today=today) if f.with_codes_and_traceability)


def buyer_members(db: Session, chain: Chain) -> list[User]:
    return list(db.scalars(select(User).join(Membership, Membership.user_id == User.id)
                           .where(Membership.organization_id == chain.buyer_org_id, User.active.is_(True))))


def answered_on(moment: datetime | None) -> date | None:
    return as_utc(moment).astimezone(VIETNAM).date() if moment else None
