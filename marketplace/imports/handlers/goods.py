"""What the listings and demand sheets share: rows keyed by `ref` and owned by an organisation, the
category cell (only a check), a window that is over (stored as ended, with a warning), and a
product or unit kept as typed (a warning)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import Organization
from marketplace.dates import NotADate, parse_date
from marketplace.imports.cells import RowCheck
from marketplace.imports.readers import Row
from marketplace.imports.run import ImportRun
from marketplace.products.models import Category
from marketplace.products.services import find_product
from marketplace.products.units import parse_unit
from marketplace.vietnamese import fold

ENDED = "expired"  # listings.rules.STATUSES and demand.rules.STATUSES: over, kept for the record


def owned_rows(run: ImportRun, sheet: str, rows: list[Row], field_columns: dict[str, str],
               seen: dict[str, int]) -> Iterator[tuple[RowCheck, str, Organization | None]]:
    """Each row's check, its `ref` (a ref may appear once per sheet: `seen` maps it to its first row)
    and the organisation it names (None when that is a problem), read in this order."""
    for number, values in rows:
        row = run.row(sheet, number, values)
        row.field_columns = dict(field_columns)
        ref = row.text("ref", 60, required=True)
        row.unique(seen, ref, "ref")
        yield row, ref, run.org_for(row)


def categories(run: ImportRun) -> list[Category]:
    return list(run.db.scalars(select(Category).order_by(Category.position)))


def has_passed(value: Any, today: date) -> bool:
    """The end date in a cell is before today (a cell that is not a date is the service's to report)."""
    try:
        end = parse_date(value)
    except NotADate:
        return False
    return end is not None and end < today


def warn_kept_as_typed(row: RowCheck, record: Any) -> None:
    """A listing's or request's product or unit that the catalogue lacks was kept as typed."""
    if not getattr(record.product, "in_catalogue", True):
        row.warn("product", _("Not yet in the catalogue: kept as typed and queued for staff."))
    if parse_unit(record.unit) is None:
        row.warn("unit", _("Unit kept as typed, with no conversion."))


def read_category(run: ImportRun, row: RowCheck, categories: list[Category], product_text: str) -> str | None:
    """`category` is only a check: a category that names none, or not the product's own, is
    ignored with a warning (the catalogue's category is the one used). Returns the code it names,
    if any: where a product the catalogue lacks is kept."""
    text = row.text("category")
    if not text:
        return None
    wanted = fold(text)
    category = next((c for c in categories
                     if wanted in (fold(c.code), fold(c.name_vi), fold(c.name_en))), None)
    if category is None:
        row.warn("category", _("Category ignored: it is none of %(choices)s; the product's own category "
                               "is used.", choices=", ".join(c.code for c in categories)))
        return None
    product = find_product(run.db, product_text) if product_text else None
    if product is not None and product.category_code != category.code:
        row.warn("category", _("%(product)s belongs to the category %(category)s: that category is used.",
                               product=product.name_vi, category=product.category_code))
    return category.code
