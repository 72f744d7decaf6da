"""Loading the taxonomy and finding products by what people type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace.products.models import Category, Product, Variety
from marketplace.products.rules import ProductNames, resolve_product
from marketplace.products.taxonomy import CATEGORIES, PRODUCTS
from marketplace.products.units import Unit, parse_unit
from marketplace.vietnamese import clean, fold, slugify


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
    stmt = select(Category).options(selectinload(Category.products)).order_by(Category.position)
    return list(db.scalars(stmt))


def product_names(product: Product) -> ProductNames:
    return ProductNames(product.id, (product.name_vi, product.name_en, *product.synonym_list))


def find_product(db: Session, text: str) -> Product | None:
    """The product meant by free text ("trái khóm", "Dứa", "pineapple"), or None."""
    products = list(db.scalars(select(Product)))
    product_id = resolve_product(text, (product_names(p) for p in products))
    return db.get(Product, product_id) if product_id else None


def find_variety(product: Product | None, text: str) -> Variety | None:
    """The product's variety named by text (name or synonym, accents optional), or None."""
    if product is None or not clean(text):
        return None
    wanted = fold(text)
    for variety in product.varieties:
        if any(fold(name) == wanted for name in (variety.name, *variety.synonym_list)):
            return variety
    return None


def product_and_unit(db: Session, problems, product_text: str, unit_text: str) -> tuple[Product | None, Unit | None]:
    """The product and unit a form or row names, recording "required", "unknown_product" and
    "unknown_unit" problems (listings, demand and imports read them the same way)."""
    product = find_product(db, product_text) if clean(product_text) else None
    if not clean(product_text):
        problems.add("product", "required")
    elif product is None:
        problems.add("product", "unknown_product")
    unit = parse_unit(unit_text)
    if unit is None:
        problems.add("unit", "unknown_unit")
    return product, unit
