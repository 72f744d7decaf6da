"""The unit a report is for: a province (its 2-digit code) or a commune (its 5-digit code)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.places.models import Commune, Province

HOME_PROVINCE = "82"  # Đồng Tháp since 1 July 2025 (with the former Tiền Giang)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # "Tỉnh Đồng Tháp", "Xã Mỹ Xương"
    level: str  # "province" or "commune"
    province_code: str

    def covers(self, commune_code: str | None) -> bool:
        """Whether a record in this commune counts for the unit (a record with no commune counts
        for its province only through the organisation's commune, so here it never does)."""
        if not commune_code:
            return False
        if self.level == "commune":
            return commune_code == self.code
        return True  # the caller limits to the province's communes (`commune_codes`)


def read_unit(db: Session, text: str | None) -> Unit | None:
    """"82" → the province, "29893" → the commune; empty → the home province; unknown → None."""
    code = (text or "").strip() or HOME_PROVINCE
    if not code.isdecimal():
        return None
    if len(code) <= 2:
        province = db.get(Province, code.zfill(2))
        if province is None:
            return None
        return Unit(province.code, province.name, "province", province.code)
    commune = db.get(Commune, code.zfill(5))
    if commune is None:
        return None
    return Unit(commune.code, commune.name, "commune", commune.province_code)


def commune_codes(db: Session, unit: Unit) -> list[str]:
    """The communes a unit covers: itself, or every commune of the province."""
    if unit.level == "commune":
        return [unit.code]
    return list(db.scalars(select(Commune.code).where(Commune.province_code == unit.code).order_by(Commune.code)))
