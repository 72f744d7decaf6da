"""Units of quantity a listing or demand post can use, and how they convert to kilograms.

Besides the base units (kg, tấn, trái, túi, thùng, cành…), a seller may give a pack's weight:
"thùng 10 kg", "bao 50kg", "túi 0,5 kg", "Thùng (10 kg)", "túi 500g". Such a weighed pack is a
unit of its own, stored by a canonical code ("thùng 10 kg", "túi 500 g": base unit, the number
with a Vietnamese decimal comma, "kg" or "g") whose `kg` is the pack's weight, so quantities
convert through kilograms like tấn or tạ. Its price is per kilogram, as markets quote produce
(`price_unit`): 20 thùng 10 kg at 38.000 ₫/kg is 200 kg × 38.000 ₫.

`UNITS` lists the base units (the choices a form offers); looking a stored code up in it
(`UNITS.get(code)`, `UNITS[code]`) also answers for a weighed pack's canonical code, so code
that converts stored units through `UNITS` handles packs without knowing about them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from marketplace.vietnamese import fold, nfc

MAX_CODE_LENGTH = 40  # the unit columns' width


@dataclass(frozen=True)
class Unit:
    code: str  # what is stored and what import sheets use
    name_vi: str
    name_en: str
    kg: float | None  # kilograms per unit, None when a count cannot be weighed
    plural_en: str = ""  # "tonnes", "boxes"; empty where the English name does not change

    def english(self, count: float | None = None) -> str:
        """The English name for a count: singular for one (and when no count is given, as in
        "per box"), plural otherwise."""
        if count is None or count == 1:
            return self.name_en
        return self.plural_en or self.name_en


class _Units(dict):
    """The base units by code; a weighed pack's canonical code ("thùng 10 kg") is found too."""

    def __missing__(self, code):
        unit = _pack_by_code(code) if isinstance(code, str) else None
        if unit is None:
            raise KeyError(code)
        return unit

    def get(self, code, default=None):
        try:
            return self[code]
        except KeyError:
            return default


UNITS: dict[str, Unit] = _Units(
    (u.code, u)
    for u in (
        Unit("kg", "kg", "kg", 1.0, "kg"),
        Unit("yến", "yến (10 kg)", "lot of 10 kg", 10.0, "lots of 10 kg"),
        Unit("tạ", "tạ (100 kg)", "quintal (100 kg)", 100.0, "quintals (100 kg)"),
        Unit("tấn", "tấn", "tonne", 1000.0, "tonnes"),
        Unit("trái", "trái", "fruit", None, "fruit"),
        # In the delta a chục of fruit is often 12 to 14 pieces, not 10: not converted.
        Unit("chục", "chục", "lot of 10–14 fruit", None, "lots of 10–14 fruit"),
        Unit("nải", "nải", "hand (bananas)", None, "hands (bananas)"),
        Unit("buồng", "buồng", "bunch (bananas, coconuts)", None, "bunches (bananas, coconuts)"),
        Unit("bó", "bó", "bunch", None, "bunches"),
        Unit("cành", "cành", "stem", None, "stems"),
        Unit("bông", "bông", "flower head", None, "flower heads"),
        Unit("chậu", "chậu", "pot", None, "pots"),
        Unit("cây", "cây", "plant", None, "plants"),
        Unit("con", "con", "head", None, "head"),
        Unit("túi", "túi", "bag", None, "bags"),
        Unit("bao", "bao", "sack", None, "sacks"),
        Unit("thùng", "thùng", "crate", None, "crates"),
        Unit("kiện", "kiện", "package", None, "packages"),
        Unit("giỏ", "giỏ", "basket", None, "baskets"),
        Unit("khay", "khay", "tray", None, "trays"),
        Unit("hộp", "hộp", "box", None, "boxes"),
        Unit("gói", "gói", "packet", None, "packets"),
        Unit("hũ", "hũ", "jar", None, "jars"),
        Unit("chai", "chai", "bottle", None, "bottles"),
        # A litre of honey or fish sauce does not weigh a kilogram: not converted.
        Unit("lít", "lít", "litre", None, "litres"),
        Unit("lượt", "lượt khách", "visit", None, "visits"),
        Unit("đêm", "đêm", "night", None, "nights"),
    )
)
# Accent-free and English spellings people type in sheets.
UNIT_ALIASES: dict[str, str] = {
    "kilogram": "kg", "kgs": "kg", "kilo": "kg", "ký": "kg", "kí": "kg", "ky": "kg", "ki": "kg",
    "ký lô": "kg", "kí lô": "kg", "ki lo": "kg", "kilôgam": "kg", "kilogam": "kg",
    "yen": "yến", "ta": "tạ", "tan": "tấn", "ton": "tấn", "tonne": "tấn", "t": "tấn",
    "trai": "trái", "qua": "trái", "quả": "trái", "piece": "trái",
    "chuc": "chục", "nai": "nải", "buong": "buồng",
    "bo": "bó", "bunch": "bó", "canh": "cành", "stem": "cành", "bong": "bông",
    "chau": "chậu", "pot": "chậu", "cay": "cây", "plant": "cây", "head": "con",
    "tui": "túi", "bag": "túi", "sack": "bao", "thung": "thùng", "crate": "thùng", "carton": "thùng",
    "kien": "kiện", "package": "kiện", "gio": "giỏ", "basket": "giỏ", "tray": "khay",
    "hop": "hộp", "box": "hộp", "goi": "gói", "packet": "gói", "hu": "hũ", "jar": "hũ", "bottle": "chai",
    "lit": "lít", "l": "lít", "litre": "lít", "liter": "lít",
    "luot": "lượt", "visit": "lượt", "dem": "đêm", "night": "đêm",
}

# The units a weight can be given for ("thùng 10 kg"): containers and bundles.
PACK_UNITS: frozenset[str] = frozenset({"túi", "bao", "thùng", "kiện", "giỏ", "khay", "hộp", "gói", "hũ", "bó"})
# Weight words, accent-free, and what one of them weighs in kilograms; "kg" or "g" in the code.
_WEIGHTS: dict[str, tuple[str, Decimal]] = {
    **{w: ("kg", Decimal(1)) for w in ("kg", "kgs", "ky", "ki", "kilo", "kilogram", "kilogam")},
    **{w: ("g", Decimal("0.001")) for w in ("g", "gr", "gam", "gram", "grams")},
}
_NUMBER = r"\d+(?:[.,]\d+)?"
# "thùng 10 kg", "thùng (10kg)", "thùng - 10 kg", "thùng/10kg", "thùng 10 ký".
_PACK_AFTER = re.compile(rf"^(?P<base>[^\d()]+?)\s*[(\-/:]?\s*(?P<number>{_NUMBER})\s*(?P<weight>[^\W\d]+)\s*\)?$")
# "10 kg/thùng", "10kg / bao".
_PACK_BEFORE = re.compile(rf"^(?P<number>{_NUMBER})\s*(?P<weight>[^\W\d]+)\s*/\s*(?P<base>[^\d()/]+)$")


def _base_unit(text: str) -> Unit | None:
    key = text.strip().lower()
    code = key if key in UNITS.keys() else UNIT_ALIASES.get(key)
    return dict.get(UNITS, code) if code else None


def parse_unit(text: str | None) -> Unit | None:
    """The unit named by text (any case, with or without accents), a weighed pack such as
    "thùng 10 kg", or None when unknown."""
    if not text:
        return None
    key = " ".join(nfc(text).strip().lower().split())  # decomposed accents (old keyboards) must match too
    return _base_unit(key) or _pack(key)


def _pack(key: str) -> Unit | None:
    found = _PACK_AFTER.match(key) or _PACK_BEFORE.match(key)
    if found is None:
        return None
    base = _base_unit(found["base"])
    weight = _WEIGHTS.get(fold(found["weight"]))
    number = _number(found["number"])
    if base is None or base.code not in PACK_UNITS or weight is None or number is None or number <= 0:
        return None
    return _weighed(base.code, number, weight[0])


def _number(text: str) -> Decimal | None:
    """A decimal comma or point ("0,5", "2.5"); a point before exactly three digits is the
    Vietnamese thousands separator ("1.500 g")."""
    if re.fullmatch(r"\d+\.\d{3}", text):
        text = text.replace(".", "")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=1024)
def _weighed(base_code: str, number: Decimal, weight_unit: str) -> Unit | None:
    base = dict.get(UNITS, base_code)
    shown = _plain(number)
    code = f"{base_code} {shown.replace('.', ',')} {weight_unit}"
    if len(code) > MAX_CODE_LENGTH:
        return None
    kg = number * _WEIGHTS[weight_unit][1]
    return Unit(code, code, f"{base.name_en} of {shown} {weight_unit}", float(kg),
                f"{base.plural_en or base.name_en} of {shown} {weight_unit}")


@lru_cache(maxsize=1024)
def _pack_by_code(code: str) -> Unit | None:
    """The weighed pack a stored canonical code names ("thùng 10 kg"), else None."""
    unit = _pack(code) if len(code) <= MAX_CODE_LENGTH else None
    return unit if unit is not None and unit.code == code else None


def to_kg(quantity: float, unit: Unit) -> float | None:
    return quantity * unit.kg if unit.kg is not None else None


def unit_name(code: str, count: float | None = None, *, english: bool = False) -> str:
    """How a stored unit is written: in Vietnamese the code itself ("tấn", "thùng 10 kg"), in
    English its name for the count ("tonnes", "crates of 10 kg"). A unit kept as typed ("bịch")
    has no English name and is shown as typed."""
    if not english:
        return code
    unit = UNITS.get(code)
    return unit.english(count) if unit is not None else code


def price_unit(unit_code: str) -> str:
    """What a price is per: a kilogram for weighed goods (as markets quote them, even when the
    quantity is in tấn or in thùng 10 kg), else the unit itself (trái, chậu, hộp…)."""
    unit = UNITS.get(unit_code)
    return "kg" if unit is not None and unit.kg is not None else unit_code
