"""Loading the taxonomy, and reading products and units as people type them (keeping what the
catalogue lacks as typed, for staff to map)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from marketplace.products.models import Category, Product, Variety
from marketplace.products.phrases import Catalogue, guess_category, product_entry, read_phrase
from marketplace.products.taxonomy import CATEGORIES, PRODUCTS
from marketplace.products.units import parse_unit
from marketplace.vietnamese import clean, slugify


def load_taxonomy(db: Session) -> int:
    """Insert or update categories, products and varieties from the taxonomy; return changes.

    Keyed by code and slug, so running it again after the taxonomy grows adds what is new
    and renames what changed without touching ids that listings refer to.
    """
    changes = 0
    existing_categories = {c.code: c for c in db.scalars(select(Category))}
    for position, (code, name_vi, name_en) in enumerate(CATEGORIES):
        category = existing_categories.get(code)
        if category is None:
            db.add(Category(code=code, name_vi=name_vi, name_en=name_en, position=position))
            changes += 1
        else:
            category.name_vi, category.name_en, category.position = name_vi, name_en, position
    db.flush()
    existing = {
        p.slug: p for p in db.scalars(select(Product).options(selectinload(Product.varieties)))
    }
    for slug, category_code, name_vi, name_en, synonyms, unit, varieties in PRODUCTS:
        product = existing.get(slug)
        if product is None:
            product = Product(slug=slug)
            db.add(product)
            changes += 1
        product.category_code = category_code
        product.name_vi, product.name_en = name_vi, name_en
        product.synonyms, product.default_unit = synonyms, unit
        known = {v.slug: v for v in product.varieties}
        for entry in varieties:
            name, _, variety_synonyms = entry.partition("|")
            variety_slug = slugify(name)
            variety = known.get(variety_slug)
            if variety is None:
                variety = Variety(slug=variety_slug)
                product.varieties.append(variety)
                changes += 1
            variety.name, variety.synonyms = name, variety_synonyms
    db.flush()
    return changes


def categories_with_products(db: Session) -> list[Category]:
    """The catalogue by category, for pages and suggestions: names kept as typed are left out
    (they wait for staff), and so is a category with nothing in it."""
    stmt = (select(Category).options(selectinload(Category.products.and_(Product.in_catalogue.is_(True))))
            .order_by(Category.position))
    return [c for c in db.scalars(stmt) if c.products]


@dataclass(frozen=True)
class CategoryName:
    code: str
    name_vi: str
    name_en: str


def category_names(db: Session) -> tuple[CategoryName, ...]:
    """The categories with something in the catalogue, in order, as plain values (for the home
    page, kept per process by marketplace/shared_data.py)."""
    has_products = select(Product.id).where(Product.category_code == Category.code,
                                            Product.in_catalogue.is_(True)).exists()
    rows = db.execute(select(Category.code, Category.name_vi, Category.name_en).where(has_products)
                      .order_by(Category.position))
    return tuple(CategoryName(*row) for row in rows)


def catalogue(db: Session) -> Catalogue:
    """Every product's and variety's names, read once per session until a product changes."""
    cached = db.info.get(_CATALOGUE_KEY)
    if cached is None:
        products = db.scalars(select(Product).options(selectinload(Product.varieties)).order_by(Product.id))
        cached = Catalogue(tuple(
            product_entry(p.id, p.category_code, (p.name_vi, p.name_en, *p.synonym_list),
                          ((v.id, v.name, v.synonym_list, v.staff_synonym_list) for v in p.varieties),
                          in_catalogue=p.in_catalogue)
            for p in products))
        db.info[_CATALOGUE_KEY] = cached
    return cached


_CATALOGUE_KEY = "products.catalogue"


@event.listens_for(Session, "before_flush")
def _forget_catalogue(db: Session, _flush_context, _instances) -> None:
    """A product or variety added, renamed or removed: read the catalogue afresh next time."""
    if _CATALOGUE_KEY in db.info and any(isinstance(o, Product | Variety)
                                         for o in (*db.new, *db.dirty, *db.deleted)):
        del db.info[_CATALOGUE_KEY]


def forget_catalogue(db: Session) -> None:
    """For bulk statements the flush does not see (a product deleted by id)."""
    db.info.pop(_CATALOGUE_KEY, None)


@event.listens_for(Session, "after_rollback")
def _forget_catalogue_after_rollback(db: Session) -> None:
    db.info.pop(_CATALOGUE_KEY, None)


def find_product(db: Session, text: str) -> Product | None:
    """The product meant by free text ("trái khóm", "Xoài cát Chu", "pineapple"), or None.

    A name kept as typed (not yet in the catalogue) counts: it is the product people chose.
    """
    reading = read_phrase(text, catalogue(db))
    return db.get(Product, reading.product_id) if reading.product_id else None


@dataclass(frozen=True)
class ProductChoice:
    """What a listing or request names: a catalogue product (or a name it lacks, with the
    category it will be kept in), its variety and grade. Nothing is stored until `product_of`."""

    product: Product | None  # None: the catalogue lacks it; `name` is kept as typed
    name: str
    category: str
    variety: Variety | None
    variety_text: str
    grade: str

    @property
    def kept_as_typed(self) -> bool:
        return self.product is None or not self.product.in_catalogue


def choose_product(db: Session, product_text: str, variety_text: str = "", grade_text: str = "", *,
                   category: str | None = None) -> ProductChoice | None:
    """Read a product phrase and variety as typed. None: nothing was typed."""
    if not clean(product_text):
        return None
    known = catalogue(db)
    reading = read_phrase(clean(product_text), known, variety_text=clean(variety_text))
    # The grade field and grades read in the phrase, once each; when both do not fit the column,
    # the field as typed (checked for its length like any field).
    grade = ", ".join(g for g in dict.fromkeys((clean(grade_text), reading.grade)) if g)
    if len(grade) > MAX_GRADE_LENGTH:
        grade = clean(grade_text) or grade[:MAX_GRADE_LENGTH]
    if reading.product_id is not None:
        product = db.get(Product, reading.product_id)
        variety = db.get(Variety, reading.variety_id) if reading.variety_id else None
        return ProductChoice(product, product.name_vi, product.category_code, variety, reading.variety_text, grade)
    name = (reading.name or clean(product_text))[:120]
    if category is None or db.get(Category, category) is None:
        category = guess_category(name, known, OTHER_CATEGORY)
    return ProductChoice(None, name, category, None, reading.variety_text, grade)


def product_of(db: Session, choice: ProductChoice) -> Product:
    """The chosen product; a name the catalogue lacks becomes a product of its own, one per
    name whoever typed it, marked not in the catalogue (staff map or adopt it)."""
    if choice.product is not None:
        return choice.product
    # Accents kept: "dưa" and an accent-free "dua" are different names for staff to map.
    base = "typed-" + "-".join(clean(choice.name).lower().split())
    slug = base if len(base) <= _SLUG_LENGTH else (
        f"{base[:_SLUG_LENGTH - 9]}-{hashlib.blake2s(base.encode(), digest_size=4).hexdigest()}")
    product = db.scalar(select(Product).where(Product.slug == slug))
    if product is not None:
        return product
    try:
        with db.begin_nested():  # two people typing the same new name at once: one row, both use it
            product = Product(slug=slug, category_code=choice.category, name_vi=choice.name,
                              name_en=choice.name, synonyms="", default_unit="kg", in_catalogue=False)
            db.add(product)
            db.flush()
    except IntegrityError:
        product = db.scalar(select(Product).where(Product.slug == slug))
        if product is None:
            raise
    return product


OTHER_CATEGORY = "other"
_SLUG_LENGTH = 80


def read_unit(text: str | None) -> tuple[str, bool]:
    """The unit to store for what was typed: a known unit's code (or a weighed pack such as
    "thùng 10 kg"), else the text as typed, cleaned ("" when it cannot be a unit: no letter,
    symbols, too long); and whether it was known."""
    unit = parse_unit(text)
    if unit is not None:
        return unit.code, True
    typed = clean(text).lower()
    return (typed if _UNIT_AS_TYPED.fullmatch(typed) else ""), False


MAX_UNIT_LENGTH = 40
MAX_GRADE_LENGTH = 60
# A word or two people write for a unit ("bịch", "cần xé", "lố 12 trái"): letters and digits, a few
# separators, at least one letter; not a sentence and not a stray ['kg'].
_UNIT_AS_TYPED = re.compile(rf"(?=.*[^\W\d_])[\w][\w .,/()-]{{0,{MAX_UNIT_LENGTH - 1}}}")


def product_and_unit(db: Session, problems, product_text: str, unit_text: str, variety_text: str = "",
                     grade_text: str = "", *, category: str | None = None) -> tuple[ProductChoice | None, str]:
    """The product and unit a form or row names. Nothing real is refused: an unknown product
    or unit is kept as typed. Records "required" when no product or unit was given, and
    "product_unreadable" / "unit_unreadable" for text that cannot be one (listings, demand and imports read them the
    same way)."""
    if not clean(product_text):
        problems.add("product", "required")
        choice = None
    elif not any(c.isalpha() for c in product_text):
        problems.add("product", "product_unreadable")  # "!!!", "🍋🍋", "-": nothing to keep or map
        choice = None
    else:
        choice = choose_product(db, product_text, variety_text, grade_text, category=category)
    unit, _known = read_unit(unit_text)
    if not clean(unit_text):
        problems.add("unit", "required")
    elif not unit:
        problems.add("unit", "unit_unreadable")
    return choice, unit
