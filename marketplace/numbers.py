"""Reading numbers the way people in Vietnam write them: 1.500 is fifteen hundred, 2,5 is two
and a half, 38k is 38,000 đồng."""

from __future__ import annotations

import re
from decimal import Decimal

_THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+$")

# Ids in URLs and API bodies above this are no row's (PostgreSQL's integer; SQLite would overflow
# on anything past 2^63): answered as "not found" before the database is asked.
MAX_ID = 2_147_483_647


class NotANumber(ValueError):
    pass


def parse_decimal(text: str | None) -> float | None:
    """A quantity: "2,5" and "2.5" are 2.5; "1.500" and "1,500" are 1500; empty is None."""
    if text is None:
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        # A number from a spreadsheet cell or JSON is already a number: as text, 1.234 would read
        # as one thousand two hundred and thirty-four.
        try:
            return _finite(float(text), text)
        except OverflowError as error:  # an integer beyond any float, e.g. 10**400 in JSON
            raise NotANumber(text) from error
    value = re.sub(r"\s+", "", str(text))
    if value == "":
        return None
    if "." in value and "," in value:
        # The last separator is the decimal one: 1.234,5 (Vietnamese) or 1,234.5 (English).
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif _THOUSANDS_DOTS.match(value):
        value = value.replace(".", "")
    elif _THOUSANDS_COMMAS.match(value):
        value = value.replace(",", "")
    else:
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError as error:
        raise NotANumber(text) from error
    return _finite(number, text)


def _finite(number: float, text) -> float:
    if number != number or number in (float("inf"), float("-inf")):
        raise NotANumber(text)
    return number


def parse_quantity(text) -> float | None:
    """A quantity as it will be stored (3 decimals): the rules then judge what is kept, so
    "0,0001 tấn" is refused as zero instead of being stored as nothing."""
    value = parse_decimal(text)
    return None if value is None else round(value, 3)


def parse_vnd(text: str | None) -> int | None:
    """Whole đồng: "38.000", "38000", "38.000đ", "38k", "1,2tr" (triệu = million)."""
    if text is None:
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        number = parse_decimal(text)
        if number != int(number):
            raise NotANumber(text)  # đồng has no smaller unit
        return int(number)
    value = re.sub(r"\s+", "", str(text)).lower()
    value = re.sub(r"(vnd|vnđ|đồng|dong|đ|₫)$", "", value)
    if value == "":
        return None
    multiplier = 1
    for suffix, factor in (("triệu", 1_000_000), ("trieu", 1_000_000), ("tr", 1_000_000), ("k", 1000),
                           ("nghìn", 1000), ("ngàn", 1000)):
        if value.endswith(suffix):
            value, multiplier = value[: -len(suffix)], factor
            break
    number = parse_decimal(value)
    if number is None:
        raise NotANumber(text)
    # In decimal, not float: 4,1 × 1,000,000 in floats is 4,099,999.9999999995.
    amount = Decimal(repr(number)) * multiplier
    if amount != amount.to_integral_value():
        raise NotANumber(text)  # đồng has no smaller unit
    return int(amount)


def editable_number(value: float | None) -> str:
    """A number for an edit form, written the Vietnamese way, that parse_decimal reads back as
    the same number: 2,5 for two and a half; 2,1250 (not 2,125, which reads as thousands).

    Not "%g": 1500000 would show as 1.5e+06.
    """
    if value is None:
        return ""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    if re.fullmatch(r"\d{1,3}\.\d{3}", text):
        text += "0"  # three decimals would read as a thousands group
    return text.replace(".", ",")
