"""A club's tourism offers: save one as typed (season, group size, price read as people write them),
publish or pause it, and the lists the pages and the search filter show.

Services take the session, flush, and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.errors import Conflict, ValidationError
from marketplace.listings.models import Photo
from marketplace.numbers import NotANumber, parse_decimal, parse_vnd
from marketplace.problems import Problems
from marketplace.tourism import rules
from marketplace.tourism.labels import FIELD_MESSAGES, MONTH_SHORT, REFUSALS
from marketplace.tourism.models import TourismOffer, tourism_offer_photos
from marketplace.vietnamese import clean, clean_message, fold

# The kinds of organisation that publish visits.
HOST_KINDS = frozenset({"club", "cooperative", "coop_group"})


@dataclass
class OfferInput:
    kind: str = "orchard_visit"
    title: str = ""
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    months: str = ""
    min_group: str = ""
    max_group: str = ""
    price_per_person_vnd: str = ""
    included: str = ""
    directions: str = ""
    photo_ids: list[int] = field(default_factory=list)


def months_label(months: list[int]) -> str:
    """"5–8", "12–2, 5" in the reader's language; "all year" for none."""
    runs = rules.month_runs(months)
    if not runs:
        return _("all year")
    return ", ".join(str(MONTH_SHORT[a]) if a == b else f"{MONTH_SHORT[a]}–{MONTH_SHORT[b]}" for a, b in runs)


def _whole(problems: Problems, name: str, text: str) -> int | None:
    try:
        value = parse_decimal(text)
    except NotANumber:
        problems.add(name, "not_a_number")
        return None
    if value is not None and value != int(value):
        problems.add(name, "not_a_number")
        return None
    return None if value is None else int(value)


def _raise(problems: Problems) -> None:
    if problems:
        raise ValidationError(_("Some fields need attention."),
                              fields={name: [str(FIELD_MESSAGES[key]) for key in keys]
                                      for name, keys in problems.fields.items()})


def save_offer(db: Session, org: Organization, data: OfferInput, user: User,
               offer: TourismOffer | None = None) -> TourismOffer:
    """Create (a draft) or update the offer; every problem at once as a ValidationError."""
    problems = Problems()
    texts = {"title": clean(data.title), "title_en": clean(data.title_en),
             "description": clean_message(data.description), "description_en": clean_message(data.description_en),
             "included": clean_message(data.included), "directions": clean_message(data.directions),
             "months": clean(data.months)}
    try:
        months = rules.parse_months(texts["months"])
        months_ok = True
    except rules.NotMonths:
        months, months_ok = [], False
    min_group = _whole(problems, "min_group", data.min_group)
    max_group = _whole(problems, "max_group", data.max_group)
    try:
        price = parse_vnd(data.price_per_person_vnd)
    except NotANumber:
        problems.add("price_per_person_vnd", "not_a_price")
        price = None
    rules.check_offer(problems, kind=data.kind, title=texts["title"], months_ok=months_ok, min_group=min_group,
                      max_group=max_group, price=price, texts=texts)
    own_photos = set(db.scalars(select(Photo.id).where(Photo.organization_id == org.id, Photo.listing_id.is_(None))))
    if any(pid not in own_photos for pid in data.photo_ids):
        problems.add("photo_ids", "not_our_photo")
    _raise(problems)
    if offer is None:
        offer = TourismOffer(organization_id=org.id, created_by_id=user.id, status="draft")
        db.add(offer)
    offer.kind = data.kind
    offer.title, offer.title_en = texts["title"], texts["title_en"]
    offer.description, offer.description_en = texts["description"], texts["description_en"]
    offer.included, offer.directions = texts["included"], texts["directions"]
    offer.months = rules.months_text(months)
    offer.min_group, offer.max_group, offer.price_per_person_vnd = min_group, max_group, price
    offer.commune_code = offer.commune_code or org.commune_code
    db.flush()
    db.execute(delete(tourism_offer_photos).where(tourism_offer_photos.c.offer_id == offer.id))
    for position, photo_id in enumerate(dict.fromkeys(data.photo_ids)):
        db.execute(insert(tourism_offer_photos).values(offer_id=offer.id, photo_id=photo_id, position=position))
    db.flush()
    db.expire(offer, ["photos"])
    return offer


def add_photos(db: Session, offer: TourismOffer, added: list[Photo]) -> None:
    """Show these (new) photos of the club with the offer, after those it has."""
    last = db.scalar(select(func.max(tourism_offer_photos.c.position))
                     .where(tourism_offer_photos.c.offer_id == offer.id))
    start = 0 if last is None else last + 1
    for position, photo in enumerate(added, start=start):
        db.execute(insert(tourism_offer_photos).values(offer_id=offer.id, photo_id=photo.id, position=position))
    db.flush()
    db.expire(offer, ["photos"])


def change_status(db: Session, offer: TourismOffer, action: str) -> None:
    """publish (a draft or a paused offer) or pause (a published one)."""
    new = rules.next_offer_status(offer.status, action)
    if new is None:
        raise Conflict(str(REFUSALS["offer_changed"]))
    offer.status = new
    if new == "published":
        offer.organization.tourism = True  # a club with a published visit is "with tourism" (the API's flag)
    db.flush()


def org_photos(db: Session, org_id: int) -> list[Photo]:
    """The organisation page's photos an offer may show."""
    return list(db.scalars(select(Photo).where(Photo.organization_id == org_id, Photo.listing_id.is_(None))
                           .order_by(Photo.position, Photo.id)))


def offers_of(db: Session, org_id: int, *, published_only: bool = False) -> list[TourismOffer]:
    query = select(TourismOffer).where(TourismOffer.organization_id == org_id)
    if published_only:
        query = query.where(TourismOffer.status == "published")
    return list(db.scalars(query.order_by(TourismOffer.id)))


def has_published(db: Session, org_id: int) -> bool:
    return db.scalar(select(TourismOffer.id).where(TourismOffer.organization_id == org_id,
                                                   TourismOffer.status == "published").limit(1)) is not None


MAX_SEARCH_ROWS = 2000


def search(db: Session, text: str = "", kind: str = "", month: int | None = None,
           limit: int = 50) -> list[TourismOffer]:
    """Published offers whose words (title, description, kind's words, club, commune) hold every word
    typed, accents or not: "tham vuon" finds "Tham vườn". Offers are few (a few per club), so they
    are read from the database and matched in Python on folded text."""
    query = (select(TourismOffer).join(Organization, Organization.id == TourismOffer.organization_id)
             .where(TourismOffer.status == "published").order_by(TourismOffer.id.desc()).limit(MAX_SEARCH_ROWS))
    if kind in rules.KINDS:
        query = query.where(TourismOffer.kind == kind)
    words = fold(text).split()
    found = []
    for offer in db.scalars(query):
        if month and not rules.in_season_month(month, offer.month_list):
            continue
        if words:
            org = offer.organization
            haystack = fold(" ".join([offer.title, offer.title_en, offer.description, offer.included,
                                      rules.KIND_WORDS.get(offer.kind, ""), org.name,
                                      org.commune.label if org.commune else "", org.address]))
            if not all(word in haystack for word in words):
                continue
        found.append(offer)
        if len(found) >= limit:
            break
    return found
