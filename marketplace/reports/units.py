"""The unit a report is for: a province (its 2-digit code) or a commune (its 5-digit code)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources

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
    """"82" → the province, "29893" → the commune; empty → the home province; unknown → None.
    A province's code from before the 1 July 2025 merger reads as the province it joined: "87"
    (Đồng Tháp before) → Đồng Tháp "82" (see `former_provinces`)."""
    code = (text or "").strip() or HOME_PROVINCE
    if not code.isdecimal():
        return None
    if len(code) <= 2:
        province = db.get(Province, code.zfill(2)) or db.get(Province, former_provinces().get(code.zfill(2), ""))
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


@cache
def former_provinces() -> dict[str, str]:
    """{code before 1 July 2025: code since} for provinces whose code changed in the merger
    ("87" Đồng Tháp → "82"), read from the vietnamadminunits package the places come from: its
    legacy units give each former province's key and code, its converter the province each joined.
    A former code that is also a current code (Tiền Giang's "82") is not listed: the current one wins."""
    package = resources.files("vietnamadminunits") / "data"
    with resources.as_file(package / "dataset.db") as path, sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        old = dict(conn.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy").fetchall())
        new = dict(conn.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units").fetchall())
    joined = json.loads((package / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]
    current = set(new.values())
    return {old[former]: new[key] for key, formers in joined.items() if key in new
            for former in formers if former in old and old[former] not in current}
