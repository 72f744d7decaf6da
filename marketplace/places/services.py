"""Loading administrative units from the vietnamadminunits package and looking them up."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import metadata, resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketplace.places.models import Commune, PlaceSource, Province
from marketplace.vietnamese import clean, fold

SOURCE_PACKAGE = "vietnamadminunits"
SOURCE_LICENCE = "MIT"


@dataclass(frozen=True)
class UnitRow:
    province_code: str
    province_name: str
    province_short: str
    province_lat: float | None
    province_lon: float | None
    code: str
    name: str
    short_name: str
    kind: str
    lat: float | None
    lon: float | None


def read_source_units() -> list[UnitRow]:
    """Every post-2025 unit shipped by vietnamadminunits (its bundled SQLite data set)."""
    dataset = resources.files(SOURCE_PACKAGE) / "data" / "dataset.db"
    with resources.as_file(dataset) as path, sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT provinceCode, province, provinceShort, provinceLat, provinceLon,"
            " wardCode, ward, wardShort, wardType, wardLat, wardLon"
            " FROM admin_units ORDER BY provinceCode, wardCode"
        ).fetchall()
    return [UnitRow(*row) for row in rows]


def load_places(db: Session) -> PlaceSource | None:
    """Insert the provinces and communes when the tables are empty; return the source record.

    Idempotent: a database that already holds them is left as it is.
    """
    if db.scalar(select(func.count()).select_from(Commune)):
        return None
    units = read_source_units()
    provinces: dict[str, Province] = {}
    for unit in units:
        if unit.province_code not in provinces:
            provinces[unit.province_code] = Province(
                code=unit.province_code,
                name=unit.province_name,
                short_name=unit.province_short,
                latitude=unit.province_lat,
                longitude=unit.province_lon,
            )
    db.add_all(provinces.values())
    db.flush()
    db.execute(
        Commune.__table__.insert(),
        [
            {
                "code": u.code,
                "province_code": u.province_code,
                "name": u.name,
                "short_name": u.short_name,
                "kind": u.kind,
                "latitude": u.lat,
                "longitude": u.lon,
                "search_key": fold(f"{u.name} {u.province_short}"),
            }
            for u in units
        ],
    )
    source = PlaceSource(
        package=SOURCE_PACKAGE,
        version=metadata.version(SOURCE_PACKAGE),
        licence=SOURCE_LICENCE,
        provinces=len(provinces),
        communes=len(units),
    )
    db.add(source)
    db.flush()
    return source


def search_communes(db: Session, query: str, limit: int = 10, prefer_province: str = "82") -> list[Commune]:
    """Communes whose folded name contains every folded word typed, home province first."""
    words = fold(query).split()
    if not words:
        return []
    stmt = select(Commune)
    for word in words[:6]:
        stmt = stmt.where(Commune.search_key.contains(word))
    stmt = stmt.order_by((Commune.province_code != prefer_province), Commune.short_name).limit(limit)
    return list(db.scalars(stmt))


def resolve_commune(db: Session, code: str | None, text: str | None) -> Commune | None:
    """The commune a form meant: by its code, else by a typed name that names exactly one."""
    if code and code.strip().isdigit():
        found = db.get(Commune, code.strip().zfill(5))
        if found:
            return found
    if text:
        matches = search_communes(db, text, limit=50)
        typed = clean(text).lower()
        # Typed accents tell "Xã Phú Hựu" from "Xã Phú Hữu"; the folded names cannot.
        accented = [c for c in matches if typed in (c.name.lower(), c.label.lower())]
        if len(accented) == 1:
            return accented[0]
        exact = [c for c in matches if fold(c.label) == fold(text) or fold(c.name) == fold(text)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
    return None
