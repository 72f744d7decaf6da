"""What a listing or a request says about its goods (product, variety, grade, unit, quantity), read
the same way for both and for the import rows that save them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from marketplace.numbers import editable_number
from marketplace.products.services import ProductChoice, product_and_unit
from marketplace.validation import QUANTITY, FieldProblems
from marketplace.vietnamese import clean

# The words for the problems read_goods records, for the caller's FieldProblems messages.
GOODS_MESSAGES = {
    "not_a_number": _l("Enter a number, e.g. 1500 or 2,5."),
    "unit_unreadable": _l("Write the unit as a word or two, e.g. kg, túi, thùng 10 kg."),
    "product_unreadable": _l("Write the product in words, e.g. xoài cát Chu."),
}


class TypedGoods(Protocol):
    """A ListingInput or DemandInput: the goods as a form, the API or an import row gives them."""

    product: str
    variety: str
    grade: str
    unit: str
    quantity: object
    category: str | None


@dataclass(frozen=True)
class Goods:
    choice: ProductChoice | None  # None: no readable product (the problem is recorded)
    unit: str
    quantity: float | None  # None: not given, or not a number (recorded)
    product_text: str  # the product, variety and grade as they will be stored
    variety_text: str
    grade: str


def read_goods(db: Session, problems: FieldProblems, data: TypedGoods) -> Goods:
    """Read the goods, recording every problem (nothing is refused for being unknown: see
    product_and_unit); the caller's rules then check the texts' lengths and the quantity."""
    choice, unit = product_and_unit(db, problems, data.product, data.unit, data.variety, data.grade,
                                    category=data.category)
    quantity = problems.parse("quantity", data.quantity, QUANTITY)
    return Goods(choice, unit, quantity, product_text=clean(data.product),
                 variety_text=choice.variety_text if choice else clean(data.variety),
                 grade=choice.grade if choice else clean(data.grade))


def goods_as_typed(record) -> dict[str, str]:
    """A listing's or request's goods as a person would type them again: its edit form's values."""
    return {"product": record.product.name_vi,
            "variety": record.variety.name if record.variety else record.variety_text,
            "quantity": editable_number(record.quantity), "unit": record.unit}
