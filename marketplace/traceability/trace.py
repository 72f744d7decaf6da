"""What the public trace page of a lot shows, read from the database into a plain view-model.

The lot (product, variety, quantity, best-before, its club and the club's address), one step back
(the lots it was made from, each linking to its own page) and forward (the lots made from it, how
many orders delivered it), every harvest it comes from with its growing-area code as that code
stood on the harvest day (credentials.history.validity_on) and the markets the code is for, the
packing house's code as it stood on the packing day, the producers' certificates on their harvest
days, the OCOP stars, and the events of the lot and of every lot it came from as a timeline, each
event shown as last corrected ("đã sửa").

What is public, and what is not:
- shown: product, variety, lot codes, quantities, dates, communes and places of events, who did a
  step as the club wrote it (`actor_name`), the household a harvest was grown by (`producer_name`),
  the club's name and address, codes and certificate numbers with their state;
- never shown: any phone number or e-mail (of members or of the club), the lot's and the events'
  `note` (free text a club writes for itself, and the reason of a correction: the page says only
  that the event was corrected), prices and orders, a buyer's name unless its "received" event has
  `buyer_named` (the buyer agreed) — without it, that event's place and person are left out too, as
  they would name the buyer —, who recorded an event on the platform (`recorded_by`);
- a listing's photo only while the listing is published (a draft listing's photos are private).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace import code_sharing
from marketplace.credentials.history import validity_on
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.formatting import in_vietnam
from marketplace.markets import market_name
from marketplace.orders.models import Order
from marketplace.products.naming import title_en
from marketplace.traceability import lineage
from marketplace.traceability.models import Lot, LotEvent

HIDDEN_CERTIFICATE_STATES = frozenset({"pending", "rejected", "not_issued"})


@dataclass(frozen=True)
class CodeLine:
    """A growing-area or packing-house code as it stood on a day."""

    code: str
    kind: str
    state: str  # validity_on's state: active, expired, suspended, revoked, pending, not_issued
    valid: bool
    on: date | None
    valid_until: date | None
    markets: tuple[str, ...]  # "Trung Quốc (CN)", in the reader's language
    commune: str
    held_by: str = ""  # the cooperative whose code it is, on its member club's lot


@dataclass(frozen=True)
class CertificateLine:
    type: str
    number: str
    stars: int | None
    state: str
    valid: bool
    expires_on: date | None
    organization: str


@dataclass(frozen=True)
class OriginLine:
    """One harvest this lot comes from."""

    code: str
    harvested_on: date | None
    producer: str
    organization: str
    growing_area: CodeLine | None
    reason: str  # lineage.check_origin's: ok, no_code, no_harvest_date, or the code's state


@dataclass(frozen=True)
class EventLine:
    lot_code: str
    kind: str
    at: datetime  # in Việt Nam
    commune: str
    place: str
    actor: str
    quantity: float | None
    unit: str
    corrected: bool
    buyer: str  # a "received" event's buyer, only when it agreed to be named


@dataclass(frozen=True)
class LinkLine:
    code: str
    quantity: float | None
    unit: str


@dataclass(frozen=True)
class Photo:
    key: str
    width: int
    height: int
    alt: str


@dataclass
class TraceView:
    code: str
    gtin: str
    product: str
    variety: str
    quantity: float
    unit: str
    harvested_on: date | None  # the lot's own, else its latest harvest's
    packed_on: date | None
    best_before: date | None
    organization_id: int
    organization: str
    address: str
    photo: Photo | None
    origins: list[OriginLine] = field(default_factory=list)
    packing_house: CodeLine | None = None
    certificates: list[CertificateLine] = field(default_factory=list)
    ocop_stars: int | None = None
    events: list[EventLine] = field(default_factory=list)
    made_from: list[LinkLine] = field(default_factory=list)
    made_into: list[LinkLine] = field(default_factory=list)
    deliveries: int = 0
    buyers: list[str] = field(default_factory=list)  # named buyers only
    harvest_from: date | None = None  # its earliest harvest, when it comes from several days

    @property
    def traceable(self) -> bool:
        return bool(self.origins) and all(o.reason == "ok" for o in self.origins)


def find_lot(db: Session, code: str) -> Lot | None:
    return db.scalar(select(Lot).where(Lot.code == code))


def _markets(code: PlantingCode, lang: str) -> tuple[str, ...]:
    return tuple(f"{market_name(m, lang)} ({m})" for m in code.market_list)


def _commune_name(commune) -> str:
    return commune.name if commune is not None else ""


def code_line(db: Session, code: PlantingCode, day: date | None, lang: str, org_id: int | None = None) -> CodeLine:
    """The code as it stood on the day; on a lot of `org_id`, a cooperative's code counts only on a
    day the club was its member ("not_member" otherwise)."""
    if day is None:
        state, valid = "no_harvest_date", False
    elif org_id is not None and not code_sharing.usable_on(db, code, org_id, day):
        state, valid = "not_member", False
    else:
        validity = validity_on(db, code, day)
        state, valid = validity.state, validity.valid
    held_by = code.organization.name if org_id is not None and code.organization_id != org_id else ""
    return CodeLine(code=code.code, kind=code.kind, state=state, valid=valid, on=day, valid_until=code.valid_until,
                    markets=_markets(code, lang), commune=_commune_name(code.commune), held_by=held_by)


def shown_events(events: list[LotEvent]) -> list[tuple[LotEvent, bool]]:
    """Each event as last corrected: (the event to show, whether it was corrected). A correction
    (an event with `corrects_id`) takes the place of the one it corrects, and may itself be
    corrected; corrections are not shown on their own."""
    by_id = {e.id: e for e in events}
    latest: dict[int, LotEvent] = {}
    for event in sorted(events, key=lambda e: e.id):
        if event.corrects_id is None:
            continue
        original = event.corrects_id
        seen = set()
        while original in by_id and by_id[original].corrects_id is not None and original not in seen:
            seen.add(original)
            original = by_id[original].corrects_id
        latest[original] = event
    return [(latest.get(e.id, e), e.id in latest) for e in events if e.corrects_id is None]


def _events_of(db: Session, lot_ids: list[int]) -> list[LotEvent]:
    """The lots' events, without the shipments of orders that never went ahead (named for an order
    later declined, cancelled or expired: nothing was delivered)."""
    never_went = (select(Order.id).where(Order.status.in_(lineage.CLOSED_ORDERS))
                  .scalar_subquery())
    return list(db.scalars(select(LotEvent).where(LotEvent.lot_id.in_(lot_ids))
                           .where(~((LotEvent.kind == "shipped") & LotEvent.order_id.in_(never_went)))
                           .options(selectinload(LotEvent.commune), selectinload(LotEvent.organization),
                                    selectinload(LotEvent.lot))
                           .order_by(LotEvent.id)))


def _event_line(event: LotEvent, corrected: bool) -> EventLine:
    buyer, place, actor = "", event.place, event.actor_name
    if event.kind == "received":
        if event.buyer_named and event.organization is not None:
            buyer = event.organization.name
        else:  # the buyer's warehouse or staff would name it: only when and in which commune
            place = actor = ""
    return EventLine(lot_code=event.lot.code, kind=event.kind, at=in_vietnam(event.happened_at),
                     commune=_commune_name(event.commune), place=place, actor=actor,
                     quantity=event.quantity, unit=event.unit, corrected=corrected, buyer=buyer)


def _photo(lot: Lot) -> Photo | None:
    listing = lot.listing
    if listing is None or listing.status != "published" or not listing.photos:
        return None
    first = listing.photos[0]
    return Photo(first.key, first.width, first.height, first.alt or listing.title)


def _certificates(db: Session, origins: list[Lot], product_id: int) -> list[CertificateLine]:
    """The certificates of the organisations the harvests come from, each as it stood on every
    harvest day of that organisation (valid only if valid on each): those that cover this product
    or no product in particular. Not-yet-verified, refused and not-yet-issued ones are left out."""
    days: dict[int, set[date]] = {}
    for origin in origins:
        if origin.harvested_on is not None:
            days.setdefault(origin.organization_id, set()).add(origin.harvested_on)
    if not days:
        return []
    rows = db.scalars(select(Certificate).where(Certificate.organization_id.in_(list(days)))
                      .order_by(Certificate.organization_id, Certificate.type, Certificate.id))
    lines = []
    for cert in rows:
        if cert.product_id is not None and cert.product_id != product_id:
            continue
        states = [validity_on(db, cert, day) for day in sorted(days[cert.organization_id])]
        bad = next((v for v in states if not v.valid), None)
        state = bad.state if bad else "active"
        if state in HIDDEN_CERTIFICATE_STATES:
            continue
        lines.append(CertificateLine(type=cert.type, number=cert.number, stars=cert.stars, state=state,
                                     valid=bad is None, expires_on=cert.expires_on,
                                     organization=cert.organization.name))
    return lines


def _address(lot: Lot) -> str:
    org = lot.organization
    commune = org.commune.name if getattr(org, "commune", None) is not None else ""
    parts = [p for p in (org.address.strip(), commune) if p]
    if len(parts) == 2 and commune and commune.lower() in parts[0].lower():
        parts = parts[:1]
    return ", ".join(parts)


def read_trace(db: Session, lot: Lot, lang: str) -> TraceView:
    """Everything the trace page shows of `lot`, in the reader's language `lang` ("vi" or "en")."""
    ancestors = lineage.ancestors(db, lot)
    origin_lots = lineage.origins(db, lot)
    variety = lot.variety.name if lot.variety else lot.variety_text
    product = (f"{lot.product.name_vi} {variety}".strip() if lang == "vi" else title_en(lot.product, variety))

    chain = [lot, *ancestors]
    events = _events_of(db, [x.id for x in chain])
    lines = sorted((_event_line(e, corrected) for e, corrected in shown_events(events)), key=lambda e: e.at)
    packed = [e.at.date() for e in lines if e.kind == "packed"]
    packed_on = packed[-1] if packed else None

    origins = []
    for origin in sorted(origin_lots, key=lambda o: (o.harvested_on or date.min, o.code)):
        check = lineage.check_origin(db, origin)
        area = origin.growing_area
        origins.append(OriginLine(
            code=origin.code, harvested_on=origin.harvested_on, producer=origin.producer_name,
            organization=origin.organization.name,
            growing_area=code_line(db, area, origin.harvested_on, lang, origin.organization_id)
            if area is not None else None,
            reason=check.reason))
    harvest_days = [o.harvested_on for o in origin_lots if o.harvested_on is not None]
    harvested_on = lot.harvested_on or (max(harvest_days) if harvest_days else None)

    house = next((x.packing_house for x in chain if x.packing_house is not None), None)
    packing = (code_line(db, house, packed_on or harvested_on, lang, lot.organization_id)
               if house is not None else None)

    certificates = _certificates(db, origin_lots, lot.product_id)
    stars = [c.stars for c in certificates if c.type == "ocop" and c.valid and c.stars]

    back = lineage.one_step_back(db, [lot.id])
    forward = lineage.one_step_forward(db, [lot.id])
    descendants = lineage.descendants(db, lot)
    delivered = lineage.deliveries(db, lot)
    later = _events_of(db, [x.id for x in descendants]) if descendants else []
    buyers = sorted({line.buyer for line in (_event_line(e, c) for e, c in shown_events(later))
                     if line.buyer} | {e.buyer for e in lines if e.buyer})

    return TraceView(
        code=lot.code, gtin=lot.gtin, product=product, variety=variety, quantity=lot.quantity, unit=lot.unit,
        harvested_on=harvested_on, packed_on=packed_on, best_before=lot.best_before,
        organization_id=lot.organization_id, organization=lot.organization.name, address=_address(lot),
        photo=_photo(lot), origins=origins, packing_house=packing, certificates=certificates,
        ocop_stars=max(stars) if stars else None, events=lines,
        made_from=[LinkLine(link.source.code, link.quantity, link.source.unit) for link in back],
        made_into=[LinkLine(link.lot.code, link.quantity, link.lot.unit) for link in forward],
        deliveries=len({d.order_id for d in delivered}), buyers=buyers,
        harvest_from=min(harvest_days) if lot.harvested_on is None and len(set(harvest_days)) > 1 else None)
