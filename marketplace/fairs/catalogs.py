"""Curating catalogs (staff): create and edit a catalog, its sections and entries (add, order,
move between sections, note, remove), publish and unpublish.

Services take the session, flush and never commit; the view commits once. Checks collect every
problem and raise one ValidationError (FieldProblems)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.db import utcnow
from marketplace.errors import ValidationError
from marketplace.fairs import catalog_rules as rules
from marketplace.fairs.catalog_labels import PROBLEMS
from marketplace.fairs.models import Catalog, CatalogEntry, CatalogSection, Fair
from marketplace.listings.models import Listing
from marketplace.validation import FieldProblems
from marketplace.vietnamese import clean


@dataclass
class CatalogInput:
    title: str
    title_en: str = ""
    cover_text: str = ""
    cover_text_en: str = ""
    fair_id: int | None = None


def _checked(db: Session, data: CatalogInput) -> CatalogInput:
    texts = {"title": clean(data.title), "title_en": clean(data.title_en),
             "cover_text": (data.cover_text or "").strip(), "cover_text_en": (data.cover_text_en or "").strip()}
    problems = FieldProblems(PROBLEMS)
    for name, key in rules.check_texts(texts).items():
        problems.add(name, key)
    if data.fair_id is not None and db.get(Fair, data.fair_id) is None:
        problems.add("fair_id", "fair")
    problems.raise_if_any()
    return CatalogInput(fair_id=data.fair_id, **texts)


def create_catalog(db: Session, data: CatalogInput, user: User | None) -> Catalog:
    data = _checked(db, data)
    taken = db.scalars(select(Catalog.slug).where(Catalog.slug.like(f"{rules.catalog_slug(data.title, [])}%")))
    catalog = Catalog(slug=rules.catalog_slug(data.title, taken), title=data.title, title_en=data.title_en,
                      cover_text=data.cover_text, cover_text_en=data.cover_text_en, fair_id=data.fair_id,
                      created_by_id=user.id if user else None)
    db.add(catalog)
    db.flush()
    return catalog


def update_catalog(db: Session, catalog: Catalog, data: CatalogInput) -> None:
    data = _checked(db, data)
    catalog.title, catalog.title_en = data.title, data.title_en
    catalog.cover_text, catalog.cover_text_en, catalog.fair_id = data.cover_text, data.cover_text_en, data.fair_id
    touch(catalog)


def touch(catalog: Catalog) -> None:
    """A change inside the catalog (a section, an entry) changes the catalog too."""
    catalog.updated_at = utcnow()


def _check_section_texts(title: str, title_en: str) -> tuple[str, str]:
    title, title_en = clean(title), clean(title_en)
    problems = FieldProblems(PROBLEMS)
    for name, key in rules.check_texts({"title": title, "title_en": title_en}).items():
        problems.add(name, key)
    problems.raise_if_any()
    return title, title_en


def add_section(db: Session, catalog: Catalog, title: str, title_en: str = "") -> CatalogSection:
    title, title_en = _check_section_texts(title, title_en)
    position = max((s.position for s in catalog.sections), default=-1) + 1
    section = CatalogSection(title=title, title_en=title_en, position=position)
    catalog.sections.append(section)
    touch(catalog)
    db.flush()
    return section


def rename_section(db: Session, section: CatalogSection, title: str, title_en: str = "") -> None:
    section.title, section.title_en = _check_section_texts(title, title_en)
    touch(section.catalog)
    db.flush()


def move_section(db: Session, section: CatalogSection, step: int) -> None:
    catalog = section.catalog
    order = rules.moved([s.id for s in catalog.sections], section.id, step)
    for position, s in enumerate(sorted(catalog.sections, key=lambda s: order.index(s.id))):
        s.position = position
    touch(catalog)
    db.flush()


def remove_section(db: Session, section: CatalogSection) -> None:
    """The section and its entries go."""
    catalog = section.catalog
    catalog.sections.remove(section)
    touch(catalog)
    db.flush()


def _section_of(catalog: Catalog, section_id: int | None, problems: FieldProblems) -> CatalogSection | None:
    if not catalog.sections:
        problems.add("section_id", "no_section")
        return None
    section = next((s for s in catalog.sections if s.id == section_id), None)
    if section is None:
        problems.add("section_id", "section")
    return section


def add_entry(db: Session, catalog: Catalog, *, section_id: int | None, org_id: int | None,
              listing_id: int | None = None, note: str = "", note_en: str = "") -> CatalogEntry:
    """An organisation, with one of its listings or alone, at the end of a section."""
    problems = FieldProblems(PROBLEMS)
    section = _section_of(catalog, section_id, problems)
    org = db.get(Organization, org_id) if org_id else None
    listing = db.get(Listing, listing_id) if listing_id else None
    if listing is not None and org is None:
        org = listing.organization
    if org is None:
        problems.add("org_id", "org")
    elif listing_id and (listing is None or listing.organization_id != org.id):
        problems.add("listing_id", "listing")
    elif listing is not None and listing.status == "draft":
        problems.add("listing_id", "listing_draft")
    note, note_en = _check_notes(problems, note, note_en)
    problems.raise_if_any()
    position = (db.scalar(select(func.max(CatalogEntry.position)).where(CatalogEntry.section_id == section.id))
                or 0) + 1
    entry = CatalogEntry(catalog_id=catalog.id, section_id=section.id, org_id=org.id,
                         listing_id=listing.id if listing else None, note=note, note_en=note_en, position=position)
    db.add(entry)
    touch(catalog)
    db.flush()
    return entry


def _check_notes(problems: FieldProblems, note: str, note_en: str) -> tuple[str, str]:
    note, note_en = (note or "").strip(), (note_en or "").strip()
    for name, key in rules.check_texts({"note": note, "note_en": note_en}).items():
        problems.add(name, key)
    return note, note_en


def update_entry(db: Session, catalog: Catalog, entry: CatalogEntry, *, section_id: int | None,
                 note: str, note_en: str) -> None:
    """Its note, and the section it is in (moved there, at the end)."""
    problems = FieldProblems(PROBLEMS)
    section = _section_of(catalog, section_id, problems)
    note, note_en = _check_notes(problems, note, note_en)
    problems.raise_if_any()
    entry.note, entry.note_en = note, note_en
    if section.id != entry.section_id:
        entry.position = max((e.position for e in section.entries), default=0) + 1
        entry.section = section
    touch(catalog)
    db.flush()


def move_entry(db: Session, entry: CatalogEntry, step: int) -> None:
    """One place up (-1) or down (+1) within its section."""
    entries = entry.section.entries
    order = rules.moved([e.id for e in entries], entry.id, step)
    for position, e in enumerate(sorted(entries, key=lambda e: order.index(e.id)), start=1):
        e.position = position
    touch(entry.section.catalog)
    db.flush()


def remove_entry(db: Session, entry: CatalogEntry) -> None:
    catalog = entry.section.catalog
    entry.section.entries.remove(entry)
    touch(catalog)
    db.flush()


def publish(db: Session, catalog: Catalog) -> None:
    if not any(s.entries for s in catalog.sections):
        raise ValidationError(str(PROBLEMS["empty"]))
    catalog.status = "published"
    catalog.published_at = catalog.published_at or utcnow()
    touch(catalog)
    db.flush()


def unpublish(db: Session, catalog: Catalog) -> None:
    catalog.status = "draft"
    touch(catalog)
    db.flush()


def all_catalogs(db: Session) -> list[Catalog]:
    return list(db.scalars(select(Catalog).order_by(Catalog.updated_at.desc())))


def fairs_to_choose(db: Session) -> list[Fair]:
    return list(db.scalars(select(Fair).where(Fair.status != "cancelled").order_by(Fair.starts_on.desc())))
