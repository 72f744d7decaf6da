"""Units of quantity a listing or demand post can use, and how they convert to kilograms."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.vietnamese import nfc


@dataclass(frozen=True)
class Unit:
    code: str  # what is stored and what import sheets use
    name_vi: str
    name_en: str
    kg: float | None  # kilograms per unit, None when a count cannot be weighed


UNITS: dict[str, Unit] = {
    u.code: u
    for u in (
        Unit("kg", "kg", "kg", 1.0),
        Unit("tạ", "tạ (100 kg)", "quintal (100 kg)", 100.0),
        Unit("tấn", "tấn", "tonne", 1000.0),
        Unit("trái", "trái", "piece", None),
        Unit("bó", "bó", "bunch", None),
        Unit("chậu", "chậu", "pot", None),
        Unit("cây", "cây", "plant", None),
        Unit("hộp", "hộp", "box", None),
        Unit("chai", "chai", "bottle", None),
        Unit("con", "con", "head", None),
        Unit("lượt", "lượt khách", "visit", None),
        Unit("đêm", "đêm", "night", None),
    )
}
# Accent-free and English spellings people type in sheets.
UNIT_ALIASES: dict[str, str] = {
    "ta": "tạ", "tan": "tấn", "ton": "tấn", "tonne": "tấn", "t": "tấn", "trai": "trái",
    "qua": "trái", "quả": "trái", "piece": "trái", "bo": "bó", "chau": "chậu", "pot": "chậu",
    "cay": "cây", "hop": "hộp", "box": "hộp", "bottle": "chai", "luot": "lượt",
    "visit": "lượt", "dem": "đêm", "night": "đêm", "kilogram": "kg", "kgs": "kg",
}


def parse_unit(text: str | None) -> Unit | None:
    """The unit named by text (any case, with or without accents), or None when unknown."""
    if not text:
        return None
    key = nfc(text).strip().lower()  # decomposed accents (old keyboards) must match too
    code = key if key in UNITS else UNIT_ALIASES.get(key)
    return UNITS.get(code) if code else None


def to_kg(quantity: float, unit: Unit) -> float | None:
    return quantity * unit.kg if unit.kg is not None else None


def price_unit(unit_code: str) -> str:
    """What a price is per: a kilogram for weighed goods (as markets quote them, even when the
    quantity is in tấn), else the unit itself (trái, chậu, hộp…)."""
    unit = UNITS.get(unit_code)
    return "kg" if unit is not None and unit.kg is not None else unit_code
