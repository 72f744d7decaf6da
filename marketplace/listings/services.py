"""Use cases for listings: create and edit, quick updates from a phone, status changes, queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import Organization, User
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.db import utcnow
from marketplace.errors import ValidationError, or_404
from marketplace.listings import rules
from marketplace.listings.households import Household
from marketplace.listings.models import Listing
from marketplace.products.goods import GOODS_MESSAGES, read_goods
from marketplace.products.services import product_of
from marketplace.validation import DATE, PRICE, QUANTITY, FieldProblems
from marketplace.vietnamese import clean

MESSAGES = {
    **GOODS_MESSAGES,
    "required": _l("This field is required."),
    "positive": _l("Enter a number above zero."),
    "too_large": _l("That number is too large."),
    "above_quantity": _l("The minimum order cannot be more than the quantity."),
    "price_or_negotiable": _l("Enter a price or tick “Price negotiable”."),
    "price_range": _l("Enter a price between 0 and 10 billion đồng."),
    "window_order": _l("The end date must be on or after the start date."),
    "window_past": _l("The end date has passed: choose a date from today on."),
    "too_long": _l("This text is too long."),
    "not_a_price": _l("Enter a price in đồng, e.g. 38000 or 38k."),
    "not_a_date": _l("Enter a date as dd/mm/yyyy."),
    "foreign_credential": _l("Choose only your own organisation's certificates and codes."),
    "foreign_household": _l("Choose one of the club's households."),
    "below_ordered": _l("Buyers have already ordered more than that."),
    "status_change": _l("That change is not possible from the listing's current status."),
}


@dataclass
class ListingInput:
    """What a form, the API or an import row says about a listing, before parsing."""

    product: str
    quantity: object
    unit: str
    available_from: object
    available_to: object
    variety: str = ""
    grade: str = ""
    min_order: object = None
    price_vnd: object = None
    price_negotiable: bool = False
    delivery_area: str = ""
    description: str = ""
    producer_name: str = ""
    certificate_ids: list[int] = field(default_factory=list)
    planting_code_ids: list[int] = field(default_factory=list)
    household_id: int | None = None  # one of the club's households ("Hộ trồng"), optional
    ref: str | None = None
    category: str | None = None  # where a product the catalogue lacks is kept (imports say it)


def save_listing(db: Session, org: Organization, data: ListingInput, user: User | None, *, today: date,
                 listing: Listing | None = None, publish: bool = False,
                 usable_codes: list[PlantingCode] | None = None, flush: bool = True) -> Listing:
    """Create or update a listing; every problem is reported at once, nothing is half-saved.

    `flush=False`: the caller flushes (an import writes its rows in batches).

    `usable_codes`: the codes the organisation may attach besides its own (its cooperatives' shared
    codes: cooperatives.sharing.usable_codes, called with lock=True by the caller); None: its own
    only. Codes already on the listing may stay (a cooperative's are taken off when the club leaves)."""
    problems = FieldProblems(MESSAGES)
    goods = read_goods(db, problems, data)
    min_order, price, available_from, available_to = problems.parse_fields(
        data, min_order=QUANTITY, price_vnd=PRICE, available_from=DATE, available_to=DATE)
    texts = {"variety": goods.variety_text, "grade": goods.grade, "delivery_area": clean(data.delivery_area),
             "description": (data.description or "").strip(), "producer_name": clean(data.producer_name),
             "product": goods.product_text, "ref": data.ref or ""}  # ref: PostgreSQL refuses > 60
    checked = rules.check_listing(
        quantity=goods.quantity, min_order=min_order, price_vnd=price,
        price_negotiable=bool(data.price_negotiable), available_from=available_from,
        available_to=available_to, texts=texts, today=today,
        publishing=publish or (listing is not None and listing.status == "published"),
    )
    problems.merge(checked)
    certificates = _own(db, Certificate, data.certificate_ids, org, problems, "certificate_ids")
    if usable_codes is None:
        codes = _own(db, PlantingCode, data.planting_code_ids, org, problems, "planting_code_ids")
    else:
        allowed = {c.id for c in usable_codes} | {c.id for c in (listing.planting_codes if listing else [])}
        codes = _allowed(db, PlantingCode, data.planting_code_ids, allowed, problems, "planting_code_ids")
    household = _household(db, data.household_id, org, listing, problems)
    reserved = (listing.quantity - listing.quantity_available) if listing is not None else 0
    if goods.quantity is not None and listing is not None and goods.quantity < reserved:
        problems.add("quantity", "below_ordered")
    problems.raise_if_any()

    product = product_of(db, goods.choice)  # a name the catalogue lacks is stored only now, all checks passed
    if listing is None:
        listing = Listing(organization=org, created_by=user, status="draft")
    listing.ref = data.ref or listing.ref
    listing.product, listing.product_text = product, texts["product"]
    listing.variety = goods.choice.variety
    listing.variety_text = texts["variety"]
    listing.grade, listing.unit = texts["grade"], goods.unit
    listing.quantity, listing.quantity_available = goods.quantity, goods.quantity - reserved
    listing.min_order = min_order
    listing.price_vnd = price
    listing.price_negotiable = price is None or bool(data.price_negotiable)
    listing.available_from, listing.available_to = available_from, available_to
    listing.delivery_area, listing.description = texts["delivery_area"], texts["description"]
    listing.producer_name = texts["producer_name"]
    listing.certificates, listing.planting_codes = certificates, codes
    listing.household = household
    if publish and listing.status != "published":
        _apply_status(listing, "publish")
    db.add(listing)
    if flush:
        db.flush()
    return listing


def households_for(db: Session, org: Organization, listing: Listing | None = None) -> list[Household]:
    """The households a listing of `org` may name: its active ones, and the one it names already."""
    found = list(db.scalars(select(Household).where(Household.organization_id == org.id, Household.active.is_(True))
                            .order_by(Household.name)))
    if listing is not None and listing.household is not None and listing.household not in found:
        found.append(listing.household)
    return found


def _own(db: Session, model, ids: list[int], org: Organization, problems: FieldProblems, field_name: str) -> list:
    if not ids:
        return []
    records = list(db.scalars(select(model).where(model.id.in_(ids))))
    if len(records) != len(set(ids)) or any(r.organization_id != org.id for r in records):
        problems.add(field_name, "foreign_credential")
        return []
    return records


def _household(db: Session, household_id: int | None, org: Organization, listing: Listing | None,
               problems: FieldProblems) -> Household | None:
    """The club's household a listing names: an active one, or the one it named already (a
    household that has left keeps its past listings)."""
    if household_id is None:
        return None
    household = db.get(Household, household_id)
    kept = listing is not None and listing.household_id == household_id
    if household is None or household.organization_id != org.id or not (household.active or kept):
        problems.add("household_id", "foreign_household")
        return None
    return household


def _allowed(db: Session, model, ids: list[int], allowed: set[int], problems: FieldProblems, field_name: str) -> list:
    if not ids:
        return []
    if not set(ids) <= allowed:
        problems.add(field_name, "foreign_credential")
        return []
    return list(db.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))


def _apply_status(listing: Listing, action: str) -> None:
    target = rules.next_status(listing.status, action)
    if target is None:
        raise ValidationError(str(MESSAGES["status_change"]), fields={"status": [str(MESSAGES["status_change"])]})
    listing.status = target
    if target == "published":
        listing.published_at = utcnow()


def change_status(db: Session, listing: Listing, action: str, *, today: date) -> None:
    if action == "publish" and listing.available_to < today:
        raise ValidationError(str(MESSAGES["window_past"]), fields={"available_to": [str(MESSAGES["window_past"])]})
    _apply_status(listing, action)
    db.flush()


def quick_update(db: Session, listing: Listing, *, quantity=None, price_vnd=None, available_to=None,
                 today: date) -> Listing:
    """The phone's two-tap update: quantity left, price, last day available — any of them."""
    problems = FieldProblems(MESSAGES)
    new_quantity = problems.parse("quantity", quantity, QUANTITY)
    new_price = problems.parse("price_vnd", price_vnd, PRICE)
    new_end = problems.parse("available_to", available_to, DATE)
    problems.raise_if_any()
    reserved = listing.quantity - listing.quantity_available
    if new_quantity is not None:
        # The chair types what is left to sell now; what buyers ordered stays reserved.
        if new_quantity < 0:
            problems.add("quantity", "positive")
        elif new_quantity > rules.MAX_QUANTITY:
            problems.add("quantity", "too_large")
    if new_price is not None and not 0 <= new_price <= rules.MAX_PRICE_VND:
        problems.add("price_vnd", "price_range")
    if new_end is not None and new_end < listing.available_from:
        problems.add("available_to", "window_order")
    elif new_end is not None and new_end < today:
        problems.add("available_to", "window_past")
    problems.raise_if_any()
    if new_quantity is not None:
        listing.quantity_available = new_quantity
        listing.quantity = new_quantity + reserved
        if new_quantity > 0 and listing.status == "sold_out":
            listing.status = "published"
    if new_price is not None:
        listing.price_vnd, listing.price_negotiable = new_price, False
    if new_end is not None:
        listing.available_to = new_end
    db.flush()
    return listing


def get_listing(db: Session, listing_id: int) -> Listing:
    return or_404(db.get(Listing, listing_id), str(_l("We could not find that listing.")))


def listings_of(db: Session, org: Organization) -> list[Listing]:
    stmt = (select(Listing).where(Listing.organization_id == org.id)
            .options(selectinload(Listing.photos)).order_by(Listing.updated_at.desc()))
    return list(db.scalars(stmt))


def public_listings(db: Session, *, today: date, org: Organization | None = None, limit: int = 50) -> list[Listing]:
    """Published, still in their window, something left: what visitors, search and matching see."""
    stmt = (select(Listing).where(Listing.status == "published", Listing.available_to >= today,
                                  Listing.quantity_available > 0)
            .options(selectinload(Listing.photos)).order_by(Listing.published_at.desc()).limit(limit))
    if org is not None:
        stmt = stmt.where(Listing.organization_id == org.id)
    return list(db.scalars(stmt))


def listing_by_ref(db: Session, ref: str) -> Listing | None:
    return db.scalar(select(Listing).where(Listing.ref == ref))
