"""The queue of names and units kept as typed, and the mapping that re-links what used them.

Listings and requests point at a product row even when the catalogue lacked the name (a product
with `in_catalogue` false, see products.services.product_of). Mapping re-points them at the
catalogue's product and variety and removes the stand-in; adopting turns the stand-in into a
catalogue product. Either way the search outbox is told about every re-linked record in the same
transaction, so search and matching follow as soon as the indexer's next round runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from marketplace.changes.log import enqueue, named_by
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.demand.models import DemandPost
from marketplace.errors import NotFound, ValidationError
from marketplace.listings.models import Listing
from marketplace.market.models import PriceWatch, ReferencePrice
from marketplace.products.models import Category, Product, Variety
from marketplace.products.phrases import Catalogue, product_entry, read_phrase
from marketplace.products.services import choose_product, forget_catalogue, read_unit
from marketplace.products.taxonomy import PRODUCTS
from marketplace.products.units import parse_unit
from marketplace.vietnamese import clean, fold, slugify


@dataclass(frozen=True)
class TypedName:
    product: Product
    listings: int
    requests: int
    prices: int = 0  # reference prices of the price board (market) kept under the name


@dataclass(frozen=True)
class TypedUnit:
    unit: str
    listings: int
    requests: int


def typed_names(db: Session) -> list[TypedName]:
    """Names kept as typed, most used first."""
    listing_counts = dict(db.execute(select(Listing.product_id, func.count()).join(Product)
                                     .where(Product.in_catalogue.is_(False)).group_by(Listing.product_id)).all())
    demand_counts = dict(db.execute(select(DemandPost.product_id, func.count()).join(Product)
                                    .where(Product.in_catalogue.is_(False)).group_by(DemandPost.product_id)).all())
    price_counts = dict(db.execute(select(ReferencePrice.product_id, func.count()).join(Product)
                                   .where(Product.in_catalogue.is_(False)).group_by(ReferencePrice.product_id)).all())
    products = db.scalars(select(Product).where(Product.in_catalogue.is_(False)))
    names = [TypedName(p, listing_counts.get(p.id, 0), demand_counts.get(p.id, 0), price_counts.get(p.id, 0))
             for p in products]
    # A name nothing uses any more (its draft deleted, its listing re-typed) waits for nobody.
    names = [n for n in names if n.listings or n.requests or n.prices]
    return sorted(names, key=lambda n: (-(n.listings + n.requests + n.prices), fold(n.product.name_vi)))[:QUEUE_LENGTH]


QUEUE_LENGTH = 200  # the most used first; the rest follow as these are mapped


def typed_units(db: Session) -> list[TypedUnit]:
    """Units no conversion knows (kept as typed), most used first."""
    counts: dict[str, list[int]] = {}
    for column, index in ((Listing.unit, 0), (DemandPost.unit, 1)):
        for unit, count in db.execute(select(column, func.count()).group_by(column)):
            if parse_unit(unit) is None:
                counts.setdefault(unit, [0, 0])[index] += count
    units = [TypedUnit(u, c[0], c[1]) for u, c in counts.items()]
    return sorted(units, key=lambda u: (-(u.listings + u.requests), u.unit))


def get_typed_name(db: Session, product_id: int) -> Product:
    product = db.get(Product, product_id)
    if product is None or product.in_catalogue:
        raise NotFound(str(_l("That name is not waiting to be mapped.")))
    return product


def map_name(db: Session, typed: Product, phrase: str) -> Product:
    """Re-link everything that used a typed name to the catalogue product (and variety) the
    phrase names ("xoài cát Chu"); the typed name becomes a synonym so that it reads right next
    time. Returns the catalogue product."""
    choice = choose_product(db, phrase)
    if choice is None or choice.product is None or not choice.product.in_catalogue:
        message = str(_l("Name a product of the catalogue, e.g. xoài cát Chu, trà sen."))
        raise ValidationError(message, fields={"phrase": [message]})
    target, variety = choice.product, choice.variety
    affected = named_by(db, {typed.id})
    # A stand-in product has no varieties, so its records have none: the mapping names it.
    for model in (Listing, DemandPost, ReferencePrice):
        db.execute(update(model).where(model.product_id == typed.id)
                   .values(product_id=target.id, variety_id=variety.id if variety is not None else None))
    # A watch on the typed name follows it (unless the person already watches the product there).
    watched = set(db.execute(select(PriceWatch.user_id, PriceWatch.market).where(PriceWatch.product_id == target.id)))
    for watch in db.scalars(select(PriceWatch).where(PriceWatch.product_id == typed.id)):
        if (watch.user_id, watch.market) in watched:
            db.delete(watch)
        else:
            watch.product_id = target.id
    db.flush()
    for model in (Certificate, PlantingCode):  # papers whose product was read as the typed name
        db.execute(update(model).where(model.product_id == typed.id).values(product_id=target.id))
    owner = variety if variety is not None else target
    if _names_one_product(db, typed.name_vi, target):
        owner.staff_synonyms = _with_synonym(owner.staff_synonyms or "", typed.name_vi, [
            target.name_vi, *target.synonym_list, *([variety.name, *variety.synonym_list] if variety else [])])
    db.expunge(typed)  # its records now point elsewhere: delete the row without loading them
    db.execute(delete(Product).where(Product.id == typed.id))
    forget_catalogue(db)
    db.flush()
    enqueue(db, affected)
    db.expire_all()  # the bulk UPDATEs changed rows the session may hold
    return target


_KIND = {Listing: "listing", DemandPost: "demand"}


def _names_one_product(db: Session, name: str, target: Product) -> bool:
    """Whether a typed name may become a synonym: not a word that begins other products' names
    ("Cá" mapped to cá tra must not make every "cá …" cá tra), and not another product's name."""
    head = fold(name)
    for product in db.scalars(select(Product).where(Product.in_catalogue.is_(True), Product.id != target.id)):
        for other in (product.name_vi, product.name_en, *product.synonym_list):
            folded = fold(other)
            if folded == head or folded.startswith(head + " "):
                return False
    return True


def _with_synonym(synonyms: str, name: str, names: list[str]) -> str:
    """Add name to a ";"-list unless the product or variety already answers to it."""
    existing = [s for s in synonyms.split(";") if s]
    if fold(name) in {fold(n) for n in [*existing, *names]}:
        return synonyms
    return ";".join([*existing, clean(name).lower()])


@dataclass
class Adoption:
    name_vi: str
    name_en: str
    category: str
    synonyms: str = ""


def adopt_name(db: Session, typed: Product, data: Adoption) -> Product:
    """Make a typed name a catalogue product (its listings and requests keep pointing at it)."""
    fields: dict[str, list[str]] = {}
    name_vi, name_en = clean(data.name_vi)[:120], clean(data.name_en)[:120]
    if not name_vi:
        fields["name_vi"] = [str(_l("This field is required."))]
    if db.get(Category, data.category) is None:
        fields["category"] = [str(_l("Choose a category."))]
    slug = slugify(name_vi)[:80]
    clash = db.scalar(select(Product).where(Product.slug == slug, Product.id != typed.id))
    if name_vi and clash is None:
        clash = _answered_by_another(db, [name_vi, *_split_names(data.synonyms)], typed)
    if name_vi and clash is not None:
        fields["name_vi"] = [str(_l("The catalogue already has %(name)s: map the name to it instead.",
                                    name=clash.name_vi))]
    if fields:
        raise ValidationError(str(_l("Some fields need attention.")), fields=fields)
    synonyms = _split_names(data.synonyms)
    if fold(typed.name_vi) != fold(name_vi):
        synonyms.append(typed.name_vi)
    typed.slug, typed.name_vi, typed.name_en = slug, name_vi, name_en or name_vi
    typed.category_code, typed.in_catalogue = data.category, True
    typed.synonyms = ";".join(dict.fromkeys(synonyms))
    db.flush()  # the outbox hook reindexes the product's listings and requests
    return typed


def _split_names(text: str) -> list[str]:
    return [clean(s).lower() for s in text.replace(",", ";").split(";") if clean(s)]


def _answered_by_another(db: Session, names: list[str], typed: Product) -> Product | None:
    """A catalogue product that one of these names already reads as, whole (adopting "Khóm"
    would make a second pineapple, and every later "khóm" a tie)."""
    for name in names:
        choice = choose_product(db, name)
        if (choice is not None and choice.product is not None and choice.product.id != typed.id
                and choice.product.in_catalogue and not choice.variety_text):
            return choice.product
    return None


def map_unit(db: Session, typed_unit: str, unit_text: str) -> str:
    """Rewrite a typed unit as a known one (quantities are not converted: "bịch" → "túi")."""
    if parse_unit(typed_unit) is not None:  # never rewrite a known unit ("kg" → "tấn" would be 1000×)
        raise NotFound(str(_l("That unit is not waiting to be mapped.")))
    unit, known = read_unit(unit_text)
    if not known:
        message = str(_l("Choose a unit we know, e.g. kg, túi, thùng 10 kg."))
        raise ValidationError(message, fields={"unit": [message]})
    affected: set[tuple[str, int]] = set()
    for model in (Listing, DemandPost):
        ids = list(db.scalars(select(model.id).where(model.unit == typed_unit)))
        affected |= {(_KIND[model], i) for i in ids}
        db.execute(update(model).where(model.unit == typed_unit).values(unit=unit))
    enqueue(db, affected)
    db.expire_all()
    return unit


def _forget_variety_elsewhere(db: Session, variety: Variety, replacement: int | None) -> None:
    """Every other table that names a variety (lots, chains, whatever comes next) points at the
    replacement, or at none: their product stays, and their typed variety text keeps the words.
    Found through the schema, so that the catalogue need not import the packages that own them."""
    handled = {Listing.__table__, DemandPost.__table__}
    for table in Variety.metadata.sorted_tables:
        column = table.c.get("variety_id")
        if table in handled or column is None or not any(fk.column.table is Variety.__table__
                                                         for fk in column.foreign_keys):
            continue
        db.execute(update(table).where(column == variety.id).values(variety_id=replacement))


def retire_obsolete_varieties(db: Session) -> int:
    """Varieties the reference taxonomy no longer has (the catalogue grew: "hạt sen tươi" was a
    variety of sen and is a product now) leave the database; what used one is re-read from the
    variety's name ("hạt sen tươi" → the product Hạt sen tươi) or keeps its words as the variety
    text. Only catalogue products' varieties: staff-adopted names keep theirs. Returns how many."""
    wanted = {(slug, slugify(entry.partition("|")[0])) for slug, *_rest, varieties in PRODUCTS
              for entry in varieties}
    taxonomy_slugs = {slug for slug, *_rest in PRODUCTS}
    obsolete = [v for v in db.scalars(select(Variety).join(Product).where(Product.slug.in_(taxonomy_slugs)))
                if (v.product.slug, v.slug) not in wanted]
    if not obsolete:
        return 0
    gone = {v.id for v in obsolete}
    products = list(db.scalars(select(Product).where(Product.in_catalogue.is_(True))))
    # Read without them: an obsolete variety must not capture its own name.
    without = Catalogue(tuple(
        product_entry(p.id, p.category_code, (p.name_vi, p.name_en, *p.synonym_list),
                      ((v.id, v.name, v.synonym_list) for v in p.varieties if v.id not in gone))
        for p in products))
    affected: set[tuple[str, int]] = set()
    for variety in obsolete:
        reading = read_phrase(variety.name, without)
        values: dict[str, int | None] = {"variety_id": reading.variety_id if reading.product_id else None}
        if reading.product_id is not None:
            values["product_id"] = reading.product_id
        for model in (Listing, DemandPost):
            affected |= {(_KIND[model], i) for i in db.scalars(select(model.id).where(model.variety_id == variety.id))}
            db.execute(update(model).where(model.variety_id == variety.id).values(**values))
        _forget_variety_elsewhere(db, variety, reading.variety_id if reading.product_id == variety.product_id else None)
    for variety in obsolete:
        db.delete(variety)
    db.flush()
    forget_catalogue(db)
    enqueue(db, affected)
    db.expire_all()
    return len(obsolete)


def categories(db: Session) -> list[Category]:
    return list(db.scalars(select(Category).order_by(Category.position)))
