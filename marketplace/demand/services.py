"""Use cases for demand posts and offers: post, edit, the sellers' board, offer, accept, pool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketplace import formatting
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization, User
from marketplace.db import utcnow
from marketplace.demand import rules
from marketplace.demand.models import DemandPost, Offer
from marketplace.errors import Conflict, PermissionDenied, ValidationError, or_404
from marketplace.listings.models import Listing
from marketplace.notifications import services as notifications
from marketplace.numbers import parse_decimal
from marketplace.places.models import Commune
from marketplace.products.goods import GOODS_MESSAGES, read_goods
from marketplace.products.services import product_of
from marketplace.validation import DATE, PRICE, QUANTITY, FieldProblems, Reading
from marketplace.verification import services as verification
from marketplace.vietnamese import clean

MESSAGES = {
    **GOODS_MESSAGES,
    "required": _l("This field is required."),
    "positive": _l("Enter a number above zero."),
    "too_large": _l("That number is too large."),
    "price_range": _l("Enter a price between 0 and 10 billion đồng."),
    "min_above_max": _l("The lowest price cannot be above the highest price."),
    "window_order": _l("The end date must be on or after the start date."),
    "window_past": _l("The end date has passed: choose a date from today on."),
    "frequency_unknown": _l("Choose once, weekly, monthly or seasonal."),
    "certificate_unknown": _l("Certificates can be VietGAP, GlobalGAP, organic or OCOP."),
    "stars_range": _l("OCOP stars go from 1 to 5."),
    "too_long": _l("This text is too long."),
    "not_a_price": _l("Enter a price in đồng, e.g. 38000 or 38k."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "unknown_commune": _l("Pick a commune or ward from the list."),
    "outside_window": _l("The delivery date must be within the buyer's needed dates."),
    "not_open": _l("This request is not open for offers."),
    "already_offered": _l("Your organisation already has an offer on this request: withdraw it to make a new one."),
    "own_listing": _l("Choose one of your own listings, or none."),
    "status_change": _l("That change is not possible from the current status."),
    "own_demand": _l("This is your own organisation's request: you cannot offer on it."),
    "offer_changed": _l("This offer was changed a moment ago (accepted, declined or withdrawn). Look at it again."),
}


class RequestNotOpen(ValidationError):
    """An offer on a request that is not open (closed, paused, fulfilled, past its dates): the web
    form says it beside its field (422); the API answers 409, the request's state being the reason."""

# OCOP stars as typed: a whole number, or nothing.
STARS = Reading(lambda value: None if value in (None, "") else int(parse_decimal(value)), "not_a_number")


@dataclass
class DemandInput:
    product: str
    quantity: object
    unit: str
    needed_from: object
    needed_to: object
    frequency: str = "once"
    variety: str = ""
    commune_code: str | None = None
    price_min_vnd: object = None
    price_max_vnd: object = None
    required_certificates: object = ""
    min_ocop_stars: object = None
    needs_planting_code: bool = False
    export_market: str = ""
    quality_notes: str = ""
    ref: str | None = None
    grade: str = ""
    category: str | None = None  # where a product the catalogue lacks is kept (imports say it)


def save_demand(db: Session, org: Organization, data: DemandInput, user: User | None, *, today: date,
                demand: DemandPost | None = None, status: str | None = None, flush: bool = True) -> DemandPost:
    # flush=False: the caller flushes (an import writes its rows in batches).
    # status: what the post becomes, as given (imports: "expired" for a request whose dates have
    # passed); by default a new post opens and an existing one keeps its own.
    problems = FieldProblems(MESSAGES)
    goods = read_goods(db, problems, data)
    price_min, price_max, needed_from, needed_to, stars = problems.parse_fields(
        data, price_min_vnd=PRICE, price_max_vnd=PRICE, needed_from=DATE, needed_to=DATE, min_ocop_stars=STARS)
    commune = None
    if data.commune_code:
        commune = db.get(Commune, str(data.commune_code).strip())
        if commune is None:
            problems.add("commune_code", "unknown_commune")
    certificates, stars = rules.read_required_certificates(rules.split_certificates(data.required_certificates),
                                                           stars)
    written_market = clean(data.export_market)
    market, market_as_written = rules.read_export_market(written_market)
    texts = {"variety": goods.variety_text, "grade": goods.grade, "product": goods.product_text,
             "export_market": written_market, "quality_notes": (data.quality_notes or "").strip(),
             "ref": data.ref or ""}  # ref: PostgreSQL refuses more than its column holds
    problems.merge(rules.check_demand(
        quantity=goods.quantity, price_min=price_min, price_max=price_max, needed_from=needed_from,
        needed_to=needed_to, frequency=data.frequency or "once", certificates=certificates,
        min_ocop_stars=stars, texts=texts, today=today,
        opening=(status or (demand.status if demand is not None else "open")) == "open"))
    problems.raise_if_any()

    product = product_of(db, goods.choice)  # a name the catalogue lacks is stored only now, all checks passed
    if demand is None:
        demand = DemandPost(organization=org, created_by=user, status="open")
    if status:
        demand.status = status
    demand.ref = data.ref or demand.ref
    demand.product, demand.product_text, demand.variety = product, texts["product"], goods.choice.variety
    demand.variety_text, demand.grade = texts["variety"], texts["grade"]
    demand.quantity, demand.unit, demand.frequency = goods.quantity, goods.unit, data.frequency or "once"
    demand.needed_from, demand.needed_to = needed_from, needed_to
    demand.delivery_commune = commune
    demand.price_min_vnd, demand.price_max_vnd = price_min, price_max
    demand.required_certificates = ";".join(dict.fromkeys(certificates))
    demand.min_ocop_stars = stars
    # A market named, even one we could not read, asks for a planting area code approved for it.
    demand.needs_planting_code = bool(data.needs_planting_code) or bool(written_market)
    demand.export_market, demand.export_market_as_written = market, market_as_written
    demand.quality_notes = texts["quality_notes"]
    db.add(demand)
    if flush:
        db.flush()
    return demand


def change_status(db: Session, demand: DemandPost, action: str, *, today: date) -> None:
    target = rules.next_status(rules.effective_status(demand.status, demand.needed_to, today), action)
    if target is None:
        message = str(MESSAGES["status_change"])
        raise ValidationError(message, fields={"status": [message]})
    if target == "open" and demand.needed_to < today:
        message = str(MESSAGES["window_past"])
        raise ValidationError(message, fields={"needed_to": [message]})
    demand.status = target
    db.flush()


def unread_markets(db: Session) -> list[DemandPost]:
    """Requests whose export market we could not read, for staff to look at (newest first)."""
    return list(db.scalars(select(DemandPost).where(DemandPost.export_market_as_written != "")
                           .order_by(DemandPost.created_at.desc()).limit(100)))


def get_demand(db: Session, demand_id: int) -> DemandPost:
    return or_404(db.get(DemandPost, demand_id), str(_l("We could not find that request.")))


def demand_by_ref(db: Session, ref: str) -> DemandPost | None:
    return db.scalar(select(DemandPost).where(DemandPost.ref == ref))


def demand_of(db: Session, org: Organization) -> list[DemandPost]:
    return list(db.scalars(select(DemandPost).where(DemandPost.organization_id == org.id)
                           .order_by(DemandPost.created_at.desc())))


def open_demand(db: Session, *, today: date, limit: int = 200,
                org: Organization | None = None) -> list[DemandPost]:
    stmt = (select(DemandPost).where(DemandPost.status == "open", DemandPost.needed_to >= today)
            .order_by(DemandPost.created_at.desc()).limit(limit))
    if org is not None:
        stmt = stmt.where(DemandPost.organization_id == org.id)
    return list(db.scalars(stmt))


def board(db: Session, *, today: date, seller: Organization | None, product_id: int | None = None,
          limit: int = 100) -> list[DemandPost]:
    """Open demand for sellers: what they sell first, then nearby, then the newest."""
    posts = open_demand(db, today=today, limit=500)
    if product_id:
        posts = [p for p in posts if p.product_id == product_id]
    if seller is None:
        return posts[:limit]
    sold = set(db.scalars(select(Listing.product_id).where(Listing.organization_id == seller.id)))
    province = seller.commune.province_code if seller.commune else None

    def relevance(post: DemandPost) -> tuple:
        same_product = post.product_id in sold
        nearby = bool(province and post.delivery_commune and post.delivery_commune.province_code == province)
        return (not same_product, not nearby, -post.created_at.timestamp())

    return sorted(posts, key=relevance)[:limit]


# Offers -----------------------------------------------------------------------------------

@dataclass
class OfferInput:
    quantity: object
    price_vnd: object = None
    delivery_date: object = None
    listing_id: int | None = None
    note: str = ""


def make_offer(db: Session, demand: DemandPost, seller: Organization, data: OfferInput, user: User | None,
               *, today: date) -> Offer:
    if demand.organization_id == seller.id:
        raise Conflict(str(MESSAGES["own_demand"]))
    # The request's row is locked while offering: a request closed by its buyer a moment ago is
    # read closed here, and two offers of one club at once are one after the other (already_offered).
    locked = db.execute(select(DemandPost.status, DemandPost.needed_to).where(DemandPost.id == demand.id)
                        .with_for_update()).one()
    problems = FieldProblems(MESSAGES)
    if rules.effective_status(locked.status, locked.needed_to, today) != "open":
        message = str(MESSAGES["not_open"])
        raise RequestNotOpen(message, fields={"quantity": [message]})
    if db.scalar(select(Offer.id).where(Offer.demand_id == demand.id, Offer.organization_id == seller.id,
                                        Offer.status.in_(("pending", "accepted"))).limit(1)):
        problems.add("quantity", "already_offered")
        problems.raise_if_any()
    quantity, price, delivery = problems.parse_fields(data, quantity=QUANTITY, price_vnd=PRICE, delivery_date=DATE)
    listing = None
    if data.listing_id:
        listing = db.get(Listing, int(data.listing_id))
        if listing is None or listing.organization_id != seller.id:
            problems.add("listing_id", "own_listing")
    problems.merge(rules.check_offer(quantity=quantity, price_vnd=price, delivery_date=delivery,
                                     demand_needed_from=demand.needed_from, demand_needed_to=demand.needed_to,
                                     note=(data.note or "").strip()))
    problems.raise_if_any()
    offer = Offer(demand=demand, organization=seller, listing=listing, quantity=quantity, price_vnd=price,
                  delivery_date=delivery, note=(data.note or "").strip(), created_by_id=user.id if user else None)
    db.add(offer)
    db.flush()
    _tell_buyer_about(db, offer)
    return offer


def _tell_buyer_about(db: Session, offer: Offer) -> None:
    """The buyer's members hear of a new offer (in the app; by mail as each chose)."""
    demand = offer.demand
    # In both languages: the notice is worded when read, in the reader's language.
    params = {"seller": offer.organization.name, "demand": demand.title, "demand_en": demand.title_en,
              "quantity": formatting.quantity(offer.quantity, demand.unit, "vi"),
              "quantity_en": formatting.quantity(offer.quantity, demand.unit, "en"), "offer": offer.id}
    notifications.notify(db, accounts.buyers_of(db, demand.organization_id),
                     notifications.Message("offer", params, f"/demand/{demand.id}#offer-{offer.id}"))


def decide_offer(db: Session, offer: Offer, action: str, user: User, *, today: date) -> Offer:
    """The buyer accepts or declines a pending offer; an accepted one can still be declined.

    Only while the request is open or paused: a closed, fulfilled or expired one is settled.
    """
    allowed = {"accept": ({"pending", "declined"}, "accepted"), "decline": ({"pending", "accepted"}, "declined")}
    request_status = rules.effective_status(offer.demand.status, offer.demand.needed_to, today)
    if request_status not in ("open", "paused"):
        message = str(MESSAGES["not_open"])
        raise ValidationError(message, fields={"status": [message]})
    if action not in allowed:
        message = str(MESSAGES["status_change"])
        raise ValidationError(message, fields={"status": [message]})
    _move_offer(db, offer, allowed[action][0], allowed[action][1], decided_at=utcnow(), decided_by_id=user.id)
    return offer


def withdraw_offer(db: Session, offer: Offer) -> None:
    _move_offer(db, offer, {"pending", "accepted"}, "withdrawn")


def _move_offer(db: Session, offer: Offer, expected: set[str], target: str, **values) -> None:
    """Change an offer's status only if it is still one of `expected`, in one conditional UPDATE:
    of a buyer's accept and a club's withdraw sent at once (PostgreSQL), one changes the offer and
    the other is told it changed (409), whatever each had read."""
    if offer.status not in expected:  # decided before this was asked (a second click, a stale page)
        message = str(MESSAGES["status_change"])
        raise Conflict(message, fields={"status": [message]})
    # The UPDATE names the status this request read, not any allowed one: a decline and an accept
    # from two phones, or an accept while the club withdraws, are one decision and one 409.
    result = db.execute(update(Offer).where(Offer.id == offer.id, Offer.status == offer.status)
                        .values(status=target, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.refresh(offer)
        message = str(MESSAGES["offer_changed"])
        raise Conflict(message, fields={"status": [message]})
    db.refresh(offer)


def get_offer(db: Session, offer_id: int) -> Offer:
    return or_404(db.get(Offer, offer_id), str(_l("We could not find that offer.")))


def offers_visible_to(demand: DemandPost, viewer_org: Organization | None, *, is_buyer: bool) -> list[Offer]:
    """The buyer sees every offer; a club sees only its own."""
    if is_buyer:
        return list(demand.offers)
    if viewer_org is None:
        return []
    return [o for o in demand.offers if o.organization_id == viewer_org.id]


def coverage_of(demand: DemandPost) -> rules.Coverage:
    return rules.coverage(demand.quantity, [(o.status, o.quantity) for o in demand.offers])


def verify_buyer(db: Session, org: Organization, tax_code: str, staff: User | None) -> Organization:
    """Staff mark a buyer as verified once its tax code is checked (format here, registry by hand):
    the badge and its log are verification's, as for clubs."""
    normalized = rules.normalize_tax_code(tax_code)
    if normalized is None:
        message = str(_l("A tax code has 10 digits, or 13 with the branch suffix (0123456789-001)."))
        raise ValidationError(message, fields={"tax_code": [message]})
    if org.kind not in ("business", "supermarket", "trader", "exporter"):
        raise PermissionDenied(str(_l("Only buyers are verified this way.")))
    org.tax_code = normalized
    db.flush()
    verification.verify_buyer(db, org, staff, str(_l("Tax code %(code)s checked.", code=normalized)))
    return org


