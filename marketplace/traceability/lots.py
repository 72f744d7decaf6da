"""Use cases for lots: record one (from a listing, a product as typed, or other lots: a split or a
packing), add its events and corrections, name the lots an order delivered, the buyer's receipt,
and the queries the pages and the API read. Services take the session and flush, never commit.

Events are append-only. The database refuses UPDATE and DELETE of lot_events (triggers, migration
0021); the ORM refuses first, with a domain error a page can show (`_refuse_changed_events`), so
that a bug never reaches the database as a 500 with a trigger's words.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import event as orm_event
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from marketplace import code_sharing
from marketplace.accounts.models import Organization, User
from marketplace.accounts.permissions import can_manage_demand, can_manage_supply, member_or_staff
from marketplace.credentials import rules as credential_rules
from marketplace.credentials.models import PlantingCode
from marketplace.dates import VIETNAM, NotADate, parse_date
from marketplace.errors import Conflict, DomainError, NotFound, ValidationError
from marketplace.listings.models import Listing
from marketplace.numbers import MAX_ID
from marketplace.orders.models import Order
from marketplace.orders.rules import RELEASING
from marketplace.places.models import Commune
from marketplace.products.goods import GOODS_MESSAGES
from marketplace.products.services import product_and_unit, product_of
from marketplace.products.units import UNITS
from marketplace.traceability import lot_rules as rules
from marketplace.traceability.models import Lot, LotEvent, LotLink, OrderLot
from marketplace.validation import DATE, QUANTITY, FieldProblems
from marketplace.vietnamese import clean, fold

MESSAGES = {
    **GOODS_MESSAGES,
    "required": _l("This field is required."),
    "positive": _l("Enter a number above zero."),
    "too_large": _l("That number is too large."),
    "too_long": _l("This text is too long."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "not_a_time": _l("Enter a date and time as dd/mm/yyyy HH:MM, e.g. 31/08/2027 07:30."),
    "time_future": _l("This time has not come yet."),
    "code_spaces": _l("A lot code has no spaces: write LO-12, not LO 12."),
    "code_characters": _l("A lot code uses only letters without accents, digits and - _ ."),
    "code_taken": _l("This lot code is already used: choose another, or leave it empty to get one."),
    "gtin_form": _l("A GTIN is 8, 12, 13 or 14 digits."),
    "gtin_check": _l("This GTIN's last digit does not match: check the number on the barcode."),
    "listing_unknown": _l("Choose one of your own listings."),
    "code_unknown": _l("We do not know this code: add it under your certificates and codes first."),
    "foreign_code": _l("This code is held by another organisation: choose one of your own."),
    "code_kind_growing_area": _l("This is not a growing-area code."),
    "code_kind_packing_house": _l("This is not a packing-house code."),
    "code_product": _l("This growing-area code is for %(crop)s, not %(product)s: give the code of the area "
                       "where this lot was grown."),
    "harvest_future": _l("The harvest date cannot be in the future."),
    "best_before_order": _l("Best-before cannot be before the harvest."),
    "source_unknown": _l("We could not find this lot among your lots."),
    "source_twice": _l("Each lot is named once."),
    "source_product": _l("Only lots of the same product can be packed together."),
    "source_more": _l("More than is left of this lot (%(left)s %(unit)s)."),
    "lot_more": _l("More than was taken from the lots it is made of (%(taken)s %(unit)s)."),
    "sources_few": _l("Name at least two lots to pack together."),
    "shipments_few": _l("Give the quantity of each shipment."),
    "shipments_more": _l("The shipments add up to more than is left of the lot (%(left)s %(unit)s)."),
    "kind_unknown": _l("Choose a step from the list."),
    "kind_not_yours": _l("Only the buyer records that the goods were received, when confirming the order."),
    "kind_order": _l("This step comes before one already recorded: if a step was wrong, correct it."),
    "commune_unknown": _l("Choose a commune from the list."),
    "correction_unknown": _l("Choose an event of this lot to correct."),
    "correction_not_yours": _l("You can only correct what your organisation recorded."),
    "correction_kind": _l("A correction keeps the step of what it corrects."),
    "correction_note": _l("Say what was wrong."),
    "order_unknown": _l("We could not find that order among your orders."),
    "order_closed": _l("This order was declined, cancelled or expired: no lots can be named for it."),
    "order_not_ready": _l("Lots are named once the order is confirmed: name them when you accept it."),
    "receipt_early": _l("The receipt is confirmed once the order has been delivered."),
    "lots_required": _l("Choose at least one lot."),
    "lot_product": _l("This lot is not of the product ordered."),
}
ORDER_CLOSED = RELEASING  # orders that never went ahead: what they named was not delivered
NAMING = frozenset({"confirmed", "paid", "delivered"})  # an order that goes ahead, not yet completed
RECEIVING = frozenset({"delivered", "completed"})
CODE_ATTEMPTS = 8
FUTURE_SLACK = timedelta(minutes=10)  # a phone's clock a little ahead is not a lie
# "31/08/2027 07:30", "31/08/2027 7h30", "31/08/2027 7g": the date, then an hour and minutes.
_TIME = re.compile(r"^(?P<date>.+?)(?:[ T,]+(?P<h>\d{1,2})[:hg](?P<m>\d{2})?)?$")


class EventsAreAppendOnly(DomainError):
    status_code = 409


# What an event says (the columns the triggers guard); who recorded it and its order may be
# cleared when those rows go (organization_id to NULL only: migration 0022).
_CONTENT = ("lot_id", "kind", "happened_at", "commune_code", "place", "actor_name", "quantity", "unit", "note",
            "corrects_id", "buyer_named", "created_at", "lot", "corrects", "commune")


@orm_event.listens_for(LotEvent, "before_update")
def _refuse_changed_events(_mapper, _connection, target: LotEvent) -> None:
    state = inspect(target)
    # Who recorded it may only be cleared (its organisation deleted), never moved to another.
    moved = state.attrs["organization_id"].history.has_changes() and target.organization_id is not None
    if not moved and not any(state.attrs[name].history.has_changes() for name in _CONTENT):
        return
    raise EventsAreAppendOnly(str(_l("A recorded event cannot be changed: record a correction.")))


@orm_event.listens_for(LotEvent, "before_delete")
def _refuse_deleted_events(_mapper, _connection, target: LotEvent) -> None:
    raise EventsAreAppendOnly(str(_l("A recorded event cannot be deleted: record a correction.")))


# --- input -----------------------------------------------------------------------------------

@dataclass
class SourceInput:
    code: str
    quantity: object = None


@dataclass
class LotInput:
    """What a form or the API says about a new lot, before parsing."""

    quantity: object = None
    unit: str = ""
    code: str = ""
    listing_id: int | None = None
    product: str = ""
    variety: str = ""
    gtin: str = ""
    growing_area_code: str = ""
    packing_house_code: str = ""
    harvested_on: object = None
    best_before: object = None
    producer_name: str = ""
    note: str = ""
    sources: list[SourceInput] = field(default_factory=list)
    grade: str = ""  # read_goods' shape: a lot has no grade of its own
    category: str | None = None


@dataclass
class EventInput:
    kind: str
    happened_at: object = None  # a datetime, or "31/08/2027 07:30"; None: now
    commune_code: str | None = None
    place: str = ""
    actor_name: str = ""
    quantity: object = None
    unit: str = ""
    note: str = ""
    corrects_event_id: int | None = None
    order_id: int | None = None


def _row_id(value) -> int | None:
    """An id as given (a number, or its digits as text) when a row can have it, else None (a
    PostgreSQL integer overflows beyond MAX_ID; True is not 1)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def _problems() -> FieldProblems:
    return FieldProblems(MESSAGES)


def _fail(name: str, key: str, error=ValidationError, **values) -> None:
    message = str(MESSAGES[key]) % values if values else str(MESSAGES[key])
    raise error(message, fields={name: [message]})


def _number(value: float) -> str:
    return f"{value:,.3f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")


def _lock(db: Session, lots: list[Lot | None]) -> None:
    """Hold these lots' rows until the transaction ends (PostgreSQL; SQLite's writing
    transactions begin IMMEDIATE and are one at a time already), in id order so that two packings
    naming the same lots never wait for each other: what is left of them is read and taken by
    one writer at a time, never two at once from the same reading."""
    ids = sorted({lot.id for lot in lots if lot is not None and lot.id is not None})
    if ids:
        db.execute(select(Lot.id).where(Lot.id.in_(ids)).order_by(Lot.id).with_for_update())


# --- reading -----------------------------------------------------------------------------------

def get_lot(db: Session, code: str) -> Lot:
    """The lot by its code as people type it (any case, spaces around)."""
    lot = db.scalar(select(Lot).where(Lot.code == rules.normalise_code(code)))
    if lot is None:
        raise NotFound(str(_l("We could not find that lot.")))
    return lot


def lot_for(db: Session, user: User | None, code: str) -> Lot:
    """The lot, for its organisation's members and staff; NotFound for anyone else (a lot of
    another club is not told apart from one that does not exist)."""
    lot = get_lot(db, code)
    if not member_or_staff(user, lot.organization_id):
        raise NotFound(str(_l("We could not find that lot.")))
    return lot


def can_record(user: User | None, lot: Lot) -> bool:
    """Add events, split, pack, name for orders: the lot's organisation's sellers (or an admin)."""
    return can_manage_supply(user, lot.organization)


def lots_of(db: Session, org: Organization, *, product_id: int | None = None, state: str | None = None,
            limit: int = 200) -> list[Lot]:
    """The organisation's lots, newest first; `state` is the furthest step recorded ("new": none)."""
    stmt = select(Lot).where(Lot.organization_id == org.id)
    if product_id:
        stmt = stmt.where(Lot.product_id == product_id)
    found = list(db.scalars(stmt.order_by(Lot.created_at.desc(), Lot.id.desc()).limit(limit)))
    if state:
        found = [lot for lot in found if state_of(lot) == state]
    return found


def state_of(lot: Lot) -> str:
    """The furthest step recorded for the lot, or "new"."""
    kinds = [e.kind for e in lot.events if e.kind in rules.EVENT_KINDS]
    return max(kinds, key=rules.step) if kinds else "new"


def sources_of(db: Session, lot: Lot) -> list[LotLink]:
    """One step back: the lots this one was made from."""
    return list(db.scalars(select(LotLink).where(LotLink.lot_id == lot.id).order_by(LotLink.id)))


def destinations_of(db: Session, lot: Lot) -> list[LotLink]:
    """One step forward: the lots this one went into."""
    return list(db.scalars(select(LotLink).where(LotLink.source_id == lot.id).order_by(LotLink.id)))


def orders_of_lot(db: Session, lot: Lot) -> list[OrderLot]:
    return list(db.scalars(select(OrderLot).where(OrderLot.lot_id == lot.id).order_by(OrderLot.id)))


def lots_of_order(db: Session, order: Order) -> list[OrderLot]:
    return list(db.scalars(select(OrderLot).where(OrderLot.order_id == order.id).order_by(OrderLot.id)))


def corrections_of(lot: Lot) -> dict[int, list[LotEvent]]:
    """Each corrected event's id → the corrections that name it, oldest first."""
    found: dict[int, list[LotEvent]] = {}
    for event in lot.events:
        if event.corrects_id is not None:
            found.setdefault(event.corrects_id, []).append(event)
    return found


def left_of(db: Session, lot: Lot) -> float:
    """What is left of the lot, in its unit, after what went into other lots (what went into a
    lot in another unit that cannot be compared is not counted: see lot_rules) and what orders
    that were not declined, cancelled or expired took of it (in the lot's unit)."""
    taken = [_in_unit_of(lot, float(link.quantity), link.lot.unit) if link.quantity is not None
             else float(lot.quantity) for link in destinations_of(db, lot)]
    delivered = db.scalars(select(OrderLot.quantity).join(Order, Order.id == OrderLot.order_id)
                           .where(OrderLot.lot_id == lot.id, OrderLot.quantity.is_not(None),
                                  Order.status.not_in(ORDER_CLOSED)))
    taken += [float(q) for q in delivered]
    return max(float(lot.quantity) - sum(t for t in taken if t is not None), 0.0)


def _in_unit_of(source: Lot, quantity: float, unit: str) -> float | None:
    a, b = UNITS.get(unit), UNITS.get(source.unit)
    return rules.in_source_unit(quantity, a.kg if a else None, b.kg if b else None, same_unit=unit == source.unit)


# --- recording a lot ---------------------------------------------------------------------------

def record_lot(db: Session, org: Organization, data: LotInput, user: User | None, *, today: date) -> Lot:
    """A new lot of the organisation; with `sources`, made from those lots (a packing, or a
    shipment split from one). Every problem is reported at once; nothing is half-stored."""
    problems = _problems()
    listing = _own_listing(db, org, data.listing_id, problems)
    product_text, variety_text, unit_text = clean(data.product), clean(data.variety), clean(data.unit)
    if listing is not None:
        product_text = product_text or listing.product_text or listing.product.name_vi
        variety_text = variety_text or listing.variety_text or (listing.variety.name if listing.variety else "")
        unit_text = unit_text or listing.unit
    sources = [s for s in data.sources if clean(s.code) or clean(str(s.quantity or ""))]
    source_lots = [_own_lot(db, org, s.code, problems, f"sources-{i}-code") for i, s in enumerate(sources)]
    _lock(db, source_lots)
    if not product_text and source_lots and source_lots[0] is not None:
        product_text = source_lots[0].product.name_vi
        variety_text = variety_text or source_lots[0].variety_text
        unit_text = unit_text or source_lots[0].unit
    choice, unit = product_and_unit(db, problems, product_text, unit_text, variety_text)
    quantity = problems.parse("quantity", data.quantity, QUANTITY)
    harvested_on, best_before = problems.parse_fields(data, harvested_on=DATE, best_before=DATE)
    checked = rules.Problems()
    rules.check_quantity(checked, "quantity", quantity)
    rules.check_dates(checked, harvested_on, best_before, today=today)
    texts = {"product": product_text, "variety": variety_text, "producer_name": clean(data.producer_name),
             "note": (data.note or "").strip()}
    rules.check_lengths(checked, texts)
    problems.merge(checked)
    code = _chosen_code(db, data.code, problems)
    gtin, gtin_problem = rules.read_gtin(data.gtin)
    if gtin_problem:
        problems.add("gtin", gtin_problem)
    day = harvested_on or today
    growing_area = _own_code(db, org, data.growing_area_code, "growing_area", problems, "growing_area_code", day)
    packing_house = _own_code(db, org, data.packing_house_code, "packing_house", problems, "packing_house_code",
                              day)
    if listing is not None and not clean(data.growing_area_code):
        growing_area = _only(listing.planting_codes, "growing_area")
    if listing is not None and not clean(data.packing_house_code):
        packing_house = _only(listing.planting_codes, "packing_house")
    links = _source_links(db, sources, source_lots, unit, problems)
    _check_made_from(db, links, quantity, unit, problems)
    known_sources = [s for s in source_lots if s is not None]
    for i, source in enumerate(source_lots):
        if source is not None and known_sources and source.product_id != known_sources[0].product_id:
            problems.add(f"sources-{i}-code", "source_product")
    if known_sources and choice is not None and choice.product is not None \
            and choice.product.id != known_sources[0].product_id:
        problems.add("product", "source_product")
    known_product = known_sources[0].product if known_sources else (choice.product if choice is not None else None)
    if growing_area is not None and clean(data.growing_area_code) and growing_area.product is not None \
            and known_product is not None and growing_area.product_id != known_product.id:
        problems.say("growing_area_code", str(MESSAGES["code_product"]) % {
            "crop": growing_area.product.name_vi, "product": known_product.name_vi})
    problems.raise_if_any()

    # Made from other lots: their product, whatever the text says (a name the catalogue lacks
    # is read again to the same product; one it maps is checked above).
    product = known_sources[0].product if known_sources else product_of(db, choice)
    lot = Lot(code=code or _new_code(db, org, today), organization=org, listing=listing, product=product,
              product_text=texts["product"], variety=choice.variety, variety_text=choice.variety_text or variety_text,
              gtin=gtin, growing_area=growing_area, packing_house=packing_house, harvested_on=harvested_on,
              best_before=best_before, quantity=quantity, unit=unit, producer_name=texts["producer_name"],
              note=texts["note"], created_by=user)
    if growing_area is None and len(source_lots) == 1 and source_lots[0] is not None:
        source = source_lots[0]  # a shipment split from a harvest: where and when it was grown
        lot.growing_area, lot.harvested_on = source.growing_area, lot.harvested_on or source.harvested_on
    db.add(lot)
    db.flush()
    for source, taken in links:
        db.add(LotLink(source_id=source.id, lot_id=lot.id, quantity=taken))
    db.flush()
    return lot


def _own_listing(db: Session, org: Organization, listing_id, problems: FieldProblems) -> Listing | None:
    if listing_id in (None, ""):
        return None
    number = _row_id(listing_id)
    listing = db.get(Listing, number) if number else None
    if listing is None or listing.organization_id != org.id:
        problems.add("listing_id", "listing_unknown")
        return None
    return listing


def _own_lot(db: Session, org: Organization, code: str, problems: FieldProblems, name: str) -> Lot | None:
    lot = db.scalar(select(Lot).where(Lot.code == rules.normalise_code(code))) if clean(code) else None
    if lot is None or lot.organization_id != org.id:
        problems.add(name, "source_unknown" if clean(code) else "required")
        return None
    return lot


def _only(codes: list[PlantingCode], kind: str) -> PlantingCode | None:
    of_kind = [c for c in codes if c.kind == kind]
    return of_kind[0] if len(of_kind) == 1 else None


def _own_code(db: Session, org: Organization, text: str, kind: str, problems: FieldProblems,
              name: str, day: date) -> PlantingCode | None:
    """The organisation's code, or its cooperative's while a member on `day` (the harvest's)."""
    typed = credential_rules.normalize_code(clean(text))
    if not typed:
        return None
    found = db.scalar(select(PlantingCode).where(PlantingCode.code == typed))
    if found is None:
        problems.add(name, "code_unknown")
    elif not code_sharing.usable_on(db, found, org.id, day):
        problems.add(name, "foreign_code")
    elif found.kind != kind:
        problems.add(name, f"code_kind_{kind}")
    else:
        return found
    return None


def _chosen_code(db: Session, typed: str, problems: FieldProblems) -> str:
    code = rules.normalise_code(typed)
    if not code:
        return ""
    problem = rules.check_code(code)
    if problem:
        problems.add("code", problem)
    elif db.scalar(select(Lot.id).where(Lot.code == code)) is not None:
        problems.add("code", "code_taken")
    return code


def _new_code(db: Session, org: Organization, today: date) -> str:
    province = org.commune.province.short_name if org.commune is not None else ""
    prefix = "".join(word[:1] for word in fold(province).split()) or rules.DEFAULT_PREFIX
    for _attempt in range(CODE_ATTEMPTS):
        code = rules.generate_code(prefix, today, secrets.choice)
        if db.scalar(select(Lot.id).where(Lot.code == code)) is None:
            return code
    raise Conflict(str(_l("We could not make a new lot code: try again.")))


def _source_links(db: Session, sources: list[SourceInput], lots: list[Lot | None], unit: str,
                  problems: FieldProblems) -> list[tuple[Lot, float | None]]:
    """(source, quantity taken) for each named source, checking what is left of each."""
    links: list[tuple[Lot, float | None]] = []
    seen: set[int] = set()
    for i, (source, lot) in enumerate(zip(sources, lots, strict=True)):
        taken = problems.parse(f"sources-{i}-quantity", source.quantity, QUANTITY)
        if lot is None:
            continue
        if lot.id in seen:
            problems.add(f"sources-{i}-code", "source_twice")
            continue
        seen.add(lot.id)
        checked = rules.Problems()
        rules.check_quantity(checked, f"sources-{i}-quantity", taken, required=False)
        problems.merge(checked)
        left = left_of(db, lot)
        too_much = str(MESSAGES["source_more"]) % {"left": _number(left), "unit": lot.unit}
        if taken is None:
            # All that is left: written down in the source's unit when the new lot shares it
            # (a link without a quantity means the whole source).
            if left <= 0:
                problems.say(f"sources-{i}-quantity", too_much)
            elif unit == lot.unit:
                taken = left
        elif unit and not rules.fits([_in_unit_of(lot, taken, unit)], left):
            problems.say(f"sources-{i}-quantity", too_much)
        links.append((lot, taken))
    return links


def _check_made_from(db: Session, links: list[tuple[Lot, float | None]], quantity: float | None, unit: str,
                     problems: FieldProblems) -> None:
    """A lot made from other lots holds no more than was taken from them, in its own unit (not
    checked when a source's unit cannot be compared with it: see lot_rules)."""
    if quantity is None or not links or not unit:
        return
    taken: list[float | None] = []
    for source, quantity_taken in links:
        if quantity_taken is not None:
            taken.append(quantity_taken)  # typed in the new lot's unit
        else:  # the whole source: what was left of it, in the new lot's unit
            a, b = UNITS.get(source.unit), UNITS.get(unit)
            taken.append(rules.in_source_unit(left_of(db, source),
                                              a.kg if a else None, b.kg if b else None, same_unit=unit == source.unit))
    if not rules.made_within(quantity, taken):
        problems.say("quantity", str(MESSAGES["lot_more"]) % {"taken": _number(sum(t or 0 for t in taken)),
                                                               "unit": unit})


def split_lot(db: Session, source: Lot, quantities: list[object], user: User | None, *, today: date,
              codes: list[str] | None = None) -> list[Lot]:
    """The lot split into shipments: one new lot per quantity (in the source's unit), each one
    step forward from the source. Together they may not be more than what is left of it."""
    problems = _problems()
    read = [problems.parse(f"shipments-{i}", q, QUANTITY) for i, q in enumerate(quantities)
            if clean(str(q or ""))]
    checked = rules.Problems()
    for i, q in enumerate(read):
        if q is not None:
            rules.check_quantity(checked, f"shipments-{i}", q)
    problems.merge(checked)
    if not read:
        problems.add("shipments-0", "shipments_few")
    problems.raise_if_any()
    _lock(db, [source])
    left = left_of(db, source)
    if not rules.fits(list(read), left):
        _fail("shipments-0", "shipments_more", left=_number(left), unit=source.unit)
    codes = codes or []
    made = []
    for i, quantity in enumerate(read):
        made.append(record_lot(db, source.organization, LotInput(
            quantity=quantity, unit=source.unit, product=source.product.name_vi, variety=source.variety_text,
            code=codes[i] if i < len(codes) else "", gtin=source.gtin, best_before=source.best_before,
            producer_name=source.producer_name, sources=[SourceInput(source.code, quantity)]), user, today=today))
        made[-1].listing, made[-1].packing_house = source.listing, source.packing_house
    db.flush()
    return made


def pack_lots(db: Session, org: Organization, sources: list[SourceInput], user: User | None, *, today: date,
              code: str = "", unit: str = "", packing_house_code: str = "", quantity: object = None,
              best_before: object = None, happened_at: object = None, place: str = "",
              commune_code: str | None = None, actor_name: str = "") -> Lot:
    """Several lots of one product packed into one new lot, with its "packed" event. Without a
    quantity the new lot holds what was taken from each source (all that was left, when no
    quantity is given for a source)."""
    named = [s for s in sources if clean(s.code)]
    if len(named) < 2:
        _fail("sources-0-code", "sources_few")
    lots = [db.scalar(select(Lot).where(Lot.code == rules.normalise_code(s.code))) for s in named]
    _lock(db, [lot for lot in lots if lot is not None and lot.organization_id == org.id])
    first = next((lot for lot in lots if lot is not None and lot.organization_id == org.id), None)
    unit = clean(unit) or (first.unit if first else "")
    filled = []
    for source, lot in zip(named, lots, strict=True):
        given = clean(str(source.quantity or ""))
        # All that is left, written out in the new lot's unit when it is the source's (else the
        # link says "the whole source" and record_lot converts it).
        filled.append(SourceInput(source.code, source.quantity if given or lot is None or lot.organization_id != org.id
                                  or lot.unit != unit else _number_text(left_of(db, lot))))
    if quantity in (None, "") and all(lot is not None and lot.unit == unit for lot in lots):
        try:
            quantity = sum(float(QUANTITY.parser(s.quantity)) for s in filled)
        except (TypeError, ValueError):
            quantity = None
    lot = record_lot(db, org, LotInput(
        quantity=quantity, unit=unit, code=code, product=first.product.name_vi if first else "",
        variety=first.variety_text if first else "", packing_house_code=packing_house_code, best_before=best_before,
        sources=filled), user, today=today)
    add_event(db, lot, EventInput("packed", happened_at=happened_at, place=place, commune_code=commune_code,
                                  actor_name=actor_name, quantity=lot.quantity, unit=lot.unit), org, user)
    return lot


def _number_text(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


# --- events ------------------------------------------------------------------------------------

def read_moment(value, now: datetime) -> datetime:
    """When an event happened, as a datetime in UTC: a datetime (naive is Vietnam's time), or
    text "31/08/2027 07:30", "31/08/2027" (noon, Vietnam's time), an ISO 8601 time; None: now."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return now
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=VIETNAM)).astimezone(UTC)
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).astimezone(UTC)
    except ValueError:
        pass
    match = _TIME.match(text)
    if match is None:
        raise NotADate(text)
    day = parse_date(match["date"])
    if day is None:
        raise NotADate(text)
    hour, minute = (int(match["h"]), int(match["m"] or 0)) if match["h"] else (12, 0)
    if hour > 23 or minute > 59:
        raise NotADate(text)
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM).astimezone(UTC)


def add_event(db: Session, lot: Lot, data: EventInput, org: Organization, user: User | None, *,
              now: datetime | None = None, buyer_named: bool = False) -> LotEvent:
    """A new event of the lot recorded by `org`: the lot's holder (every kind but "received"), or
    an order's buyer ("received", through confirm_receipt). A correction (`corrects_event_id`)
    is checked as one and never changes what it corrects."""
    now = now or datetime.now(UTC)
    problems = _problems()
    kind = clean(data.kind).lower()
    buyer = org.id != lot.organization_id
    happened_at = None
    try:
        happened_at = read_moment(data.happened_at, now)
    except (NotADate, ValueError, OverflowError):
        problems.add("happened_at", "not_a_time")
    if happened_at is not None and happened_at > now + FUTURE_SLACK:
        problems.add("happened_at", "time_future")
    quantity = problems.parse("quantity", data.quantity, QUANTITY)
    checked = rules.Problems()
    rules.check_quantity(checked, "quantity", quantity, required=False)
    texts = {"place": clean(data.place), "actor_name": clean(data.actor_name), "note": (data.note or "").strip(),
             "unit": clean(data.unit)}
    rules.check_lengths(checked, texts)
    if data.corrects_event_id not in (None, ""):
        original = _event_of(db, data.corrects_event_id)
        corrected = rules.Corrected(original.lot_id, original.kind, original.organization_id) if original else None
        kind = kind or (original.kind if original else "")
        problems.merge(rules.check_correction(corrected, lot_id=lot.id, kind=kind, organization_id=org.id,
                                              note=texts["note"]))
        corrects = original
    else:
        corrects = None
        if kind not in rules.EVENT_KINDS:
            checked.add("kind", "kind_unknown" if kind else "required")
        elif not rules.may_record(kind, buyer=buyer):
            checked.add("kind", "kind_not_yours")
        else:
            order_problem = rules.check_event_order(kind, [e.kind for e in lot.events])
            if order_problem:
                checked.add("kind", order_problem)
    problems.merge(checked)
    commune_code = clean(data.commune_code) or None
    if commune_code and db.get(Commune, commune_code) is None:
        problems.add("commune_code", "commune_unknown")
    order = _event_order(db, lot, org, data.order_id, problems)
    problems.raise_if_any()
    event = LotEvent(lot=lot, kind=kind, happened_at=happened_at, commune_code=commune_code, place=texts["place"],
                     actor_name=texts["actor_name"], quantity=quantity,
                     unit=texts["unit"] or (lot.unit if quantity is not None else ""), note=texts["note"],
                     corrects=corrects, order_id=order.id if order else None, buyer_named=buyer_named,
                     organization_id=org.id, recorded_by=user)
    db.add(event)
    db.flush()
    return event


def _event_of(db: Session, event_id) -> LotEvent | None:
    number = _row_id(event_id)
    return db.get(LotEvent, number) if number else None


def _event_order(db: Session, lot: Lot, org: Organization, order_id, problems: FieldProblems) -> Order | None:
    if order_id in (None, ""):
        return None
    number = _row_id(order_id)
    order = db.get(Order, number) if number else None
    if order is None or org.id not in (order.seller_org_id, order.buyer_org_id) or lot.organization_id not in (
            order.seller_org_id,):
        problems.add("order_id", "order_unknown")
        return None
    return order


# --- orders ------------------------------------------------------------------------------------

@dataclass
class NamedLot:
    code: str
    quantity: object = None


def name_order_lots(db: Session, order: Order, named: list[NamedLot], user: User | None, *,
                    now: datetime | None = None) -> list[OrderLot]:
    """The seller names the lots the order delivered: only the seller organisation's own lots,
    of the ordered product where the order's listing says which; each gets a "shipped" event
    with the order. A lot already named for the order is not named twice. A quantity left empty
    is all that is left of the lot (written down, so that it counts in what is left); a lot with
    nothing left cannot be named."""
    problems = _problems()
    if order.status in ORDER_CLOSED:
        _fail("lots", "order_closed")
    if order.status not in NAMING:
        _fail("lots", "order_not_ready")
    org = order.seller_org
    wanted = [n for n in named if clean(n.code)]
    if not wanted:
        _fail("lots", "lots_required")
    # One naming at a time per order (a double tap): the second reads what the first named.
    db.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    already = {ol.lot_id for ol in lots_of_order(db, order)}
    read: list[tuple[int, Lot | None, float | None, bool]] = []
    for i, item in enumerate(wanted):
        lot = _own_lot(db, org, item.code, problems, f"lots-{i}-code")
        quantity = problems.parse(f"lots-{i}-quantity", item.quantity, QUANTITY)
        checked = rules.Problems()
        rules.check_quantity(checked, f"lots-{i}-quantity", quantity, required=False)
        problems.merge(checked)
        if lot is not None and order.listing is not None and lot.product_id != order.listing.product_id:
            problems.add(f"lots-{i}-code", "lot_product")
        read.append((i, lot, quantity, bool(checked)))
    # Every lot's row at once, in id order (as packings lock theirs), before what is left is read.
    _lock(db, [lot for _i, lot, _q, _bad in read if lot is not None and lot.id not in already])
    found: list[tuple[Lot, float]] = []
    asked: dict[int, float] = {}
    for i, lot, quantity, bad in read:
        if lot is None or lot.id in already or bad:
            continue
        left = left_of(db, lot) - asked.get(lot.id, 0.0)
        taking = left if quantity is None else quantity
        if left <= 0 or not rules.fits([taking], left):
            problems.say(f"lots-{i}-quantity", str(MESSAGES["source_more"]) % {"left": _number(max(left, 0.0)),
                                                                               "unit": lot.unit})
            continue
        asked[lot.id] = asked.get(lot.id, 0.0) + taking
        found.append((lot, taking))
    problems.raise_if_any()
    made = []
    for lot, quantity in found:
        if lot.id in already:
            continue
        already.add(lot.id)
        made.append(OrderLot(order=order, lot=lot, quantity=quantity))
        db.add(made[-1])
        db.add(LotEvent(lot=lot, kind="shipped", happened_at=now or datetime.now(UTC), quantity=quantity,
                        unit=lot.unit, order_id=order.id, organization_id=org.id, recorded_by=user))
    db.flush()
    return made


def confirm_receipt(db: Session, order: Order, user: User | None, *, show_name: bool = False,
                    now: datetime | None = None) -> list[LotEvent]:
    """The buyer's receipt: a "received" event per lot the order named (the last event of each),
    with the buyer organisation, and its name on the trace page only when the buyer ticked it.
    Recorded once per lot and order (confirming again adds nothing), once the order was delivered."""
    if order.status not in RECEIVING:
        _fail("lots", "receipt_early")
    # One receipt at a time per order (a double tap): the second reads what the first recorded.
    db.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    done = set(db.scalars(select(LotEvent.lot_id).where(LotEvent.order_id == order.id, LotEvent.kind == "received")))
    buyer = order.buyer_org
    made = []
    for order_lot in lots_of_order(db, order):
        lot = order_lot.lot
        if lot.id in done:
            continue
        made.append(LotEvent(lot=lot, kind="received", happened_at=now or datetime.now(UTC),
                             quantity=order_lot.quantity, unit=lot.unit if order_lot.quantity is not None else "",
                             order_id=order.id, buyer_named=bool(show_name), organization_id=buyer.id,
                             recorded_by=user))
        db.add(made[-1])
    db.flush()
    return made


def may_name_lots(user: User | None, order: Order) -> bool:
    return can_manage_supply(user, order.seller_org) and order.status in NAMING


def may_confirm_receipt(user: User | None, order: Order) -> bool:
    """The buyer's side of the order's lots (it sees them); the receipt itself waits for
    `receipt_open`."""
    return can_manage_demand(user, order.buyer_org)


def receipt_open(order: Order) -> bool:
    return order.status in RECEIVING
