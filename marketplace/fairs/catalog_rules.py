"""Pure rules for catalogs: what an entry is now (from its listing's facts), which credentials
count on a day, reading the page's filters, and the content hash the printed catalog is kept by.

No Flask and no database: the services hand in plain facts (catalog_reading.EntryView)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

from marketplace.credentials import rules as credential_rules
from marketplace.listings import rules as listing_rules
from marketplace.vietnamese import fold, slugify

STATUSES: tuple[str, ...] = ("draft", "published")
# The certificate kinds a visitor can filter on (OCOP has its own filter, by stars).
CERTIFICATE_FILTERS: tuple[str, ...] = ("vietgap", "globalgap", "organic")
OCOP_FILTER_STARS: tuple[int, ...] = (3, 4, 5)
MAX_TEXT = {"title": 200, "title_en": 200, "cover_text": 4000, "cover_text_en": 4000,
            "note": 1000, "note_en": 1000}
# A listing opened from a printed or web catalog carries ?src=fair-<fair id> or ?src=catalog-<catalog id>.
_SOURCE = re.compile(r"^(fair|catalog)-([1-9][0-9]{0,9})$")


def entry_state(listing_status: str | None, available_to: date | None, quantity_available: float | None,
                today: date) -> str:
    """What an entry shows now: "on_sale", "sold_out", "paused", "expired", "withdrawn" (the
    listing went back to draft or was deleted) or "organisation" (an entry without a listing).

    Computed from the listing as it is today, never stored: publishing a catalog copies nothing.
    """
    if listing_status is None:
        return "organisation"
    if available_to is None or quantity_available is None:
        return "withdrawn"
    status = listing_rules.effective_status(listing_status, available_to, quantity_available, today)
    return {"published": "on_sale", "draft": "withdrawn"}.get(status, status)


def credential_counts(status: str, valid_until: date | None, on: date, *, stars: int | None = None,
                      cert_type: str | None = None) -> bool:
    """A credential is shown as valid only when staff verified it and it has not expired on that day
    (and an OCOP rating has at least three stars): the credentials package's own rule."""
    return credential_rules.validity(status, valid_until, on, stars=stars, cert_type=cert_type).valid


@dataclass(frozen=True)
class CatalogFilter:
    """The filters a visitor chose (GET parameters): each one narrows the entries."""

    section: int | None = None
    ocop: int | None = None  # at least this many OCOP stars
    certificates: tuple[str, ...] = ()  # every one of these, valid
    growing_area: bool = False  # a valid growing-area code
    commune: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.section or self.ocop or self.certificates or self.growing_area or self.commune)


def read_filter(args: Mapping[str, str] | object, sections: Iterable[int], communes: Iterable[str]) -> CatalogFilter:
    """The filters from the query string; anything not among the catalog's own choices is ignored
    (a stale link still opens the catalog)."""
    get = args.get  # type: ignore[attr-defined]
    getlist = getattr(args, "getlist", lambda name: [get(name)] if get(name) else [])
    section = _int(get("section"))
    ocop = _int(get("ocop"))
    commune = (get("commune") or "").strip()
    return CatalogFilter(
        section=section if section in set(sections) else None,
        ocop=ocop if ocop in OCOP_FILTER_STARS else None,
        certificates=tuple(c for c in CERTIFICATE_FILTERS if c in set(getlist("cert"))),
        growing_area=(get("code") or "") in ("1", "on", "yes"),
        commune=commune if commune in set(communes) else None,
    )


def _int(value) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@dataclass(frozen=True)
class EntryFacts:
    """What the filters look at in one entry."""

    section_id: int
    commune_code: str | None
    ocop_stars: int | None
    certificate_types: frozenset[str] = field(default_factory=frozenset)
    growing_area: bool = False


def matches(facts: EntryFacts, chosen: CatalogFilter) -> bool:
    if chosen.section is not None and facts.section_id != chosen.section:
        return False
    if chosen.ocop is not None and (facts.ocop_stars or 0) < chosen.ocop:
        return False
    if any(c not in facts.certificate_types for c in chosen.certificates):
        return False
    if chosen.growing_area and not facts.growing_area:
        return False
    return chosen.commune is None or facts.commune_code == chosen.commune


def read_source(text: str | None) -> tuple[str, int] | None:
    """?src=fair-12 → ("fair", 12); ?src=catalog-3 → ("catalog", 3); anything else → None."""
    found = _SOURCE.match((text or "").strip())
    return (found.group(1), int(found.group(2))) if found else None


def source_of(catalog_id: int, fair_id: int | None) -> str:
    """The src a catalog puts on its listing links: the fair's when it has one."""
    return f"fair-{fair_id}" if fair_id else f"catalog-{catalog_id}"


def content_hash(*parts) -> str:
    """A short, stable digest of what a printed catalog shows (dataclasses, dicts, lists, dates):
    the same content gives the same name; any change to it a new one."""
    def plain(value):
        if hasattr(value, "__dataclass_fields__"):
            return plain(asdict(value))
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        if isinstance(value, (list, tuple, set, frozenset)):
            items = [plain(v) for v in value]
            return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return str(value)
    text = json.dumps([plain(p) for p in parts], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def catalog_slug(title: str, taken: Iterable[str]) -> str:
    """A URL name from the title ("Sản phẩm OCOP Đồng Tháp" → "san-pham-ocop-dong-thap"), made
    unique with -2, -3 …"""
    base = (slugify(title) or "catalog")[:100].strip("-") or "catalog"
    used = set(taken)
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


def text_matches(query: str, *texts: str) -> bool:
    """Every word of the query in the texts, accents optional ("xoai cat" finds "Xoài cát Hòa Lộc")."""
    words = fold(query).split()
    haystack = " ".join(fold(t or "") for t in texts)
    return all(w in haystack for w in words)


def moved(ids: list[int], item: int, step: int) -> list[int]:
    """ids with item moved one place up (step -1) or down (+1); unchanged at either end."""
    if item not in ids:
        return ids
    i = ids.index(item)
    j = i + step
    if not 0 <= j < len(ids):
        return ids
    result = list(ids)
    result[i], result[j] = result[j], result[i]
    return result


def check_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """Problem keys per field: "required" for an empty title, "too_long" past MAX_TEXT."""
    problems = {}
    for name, value in texts.items():
        if name == "title" and not (value or "").strip():
            problems[name] = "required"
        elif len(value or "") > MAX_TEXT.get(name, 4000):
            problems[name] = "too_long"
    return problems
