"""Reading a catalog as it is now: the catalog, its sections and entries with each listing's live
state, valid credentials and booth number, in a handful of queries (the public page, the PDF and
the API read the same EntryView). Visits, exhibitors and the staff's search for entries to add.

Services take the session and flush; the view commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import Organization
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.fairs import catalog_rules as rules
from marketplace.fairs.models import BoothApplication, BoothApplicationListing, Catalog, CatalogEntry, CatalogVisit
from marketplace.listings import services as listings
from marketplace.listings.models import Listing

HELD_BOOTH = ("approved", "confirmed")  # applications that hold a booth (and its number)


@dataclass(frozen=True)
class Credential:
    """A credential shown on an entry: valid on the day the catalog is read."""

    kind: str  # vietgap, globalgap, organic, ocop, growing_area, packing_house
    number: str
    stars: int | None = None
    until: date | None = None
    markets: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryView:
    id: int
    section_id: int
    position: int
    org_id: int
    org_name: str
    commune_code: str | None
    commune_name: str
    phone: str
    zalo: str
    listing_id: int | None
    title: str  # product and variety in Vietnamese; the organisation's name for an entry without listing
    title_en: str
    grade: str
    state: str  # catalog_rules.entry_state
    price_vnd: int | None
    unit: str
    photo_key: str | None
    photo_size: tuple[int, int] | None
    credentials: tuple[Credential, ...]
    booth_number: str | None
    note: str
    note_en: str

    @property
    def ocop_stars(self) -> int | None:
        stars = [c.stars or 0 for c in self.credentials if c.kind == "ocop"]
        return max(stars) if stars else None

    @property
    def facts(self) -> rules.EntryFacts:
        return rules.EntryFacts(
            section_id=self.section_id, commune_code=self.commune_code, ocop_stars=self.ocop_stars,
            certificate_types=frozenset(c.kind for c in self.credentials),
            growing_area=any(c.kind == "growing_area" for c in self.credentials))


@dataclass(frozen=True)
class SectionView:
    id: int
    title: str
    title_en: str
    entries: tuple[EntryView, ...]


@dataclass
class CatalogView:
    """A catalog read for one day: what the page, the PDF and the API show."""

    catalog: Catalog
    today: date
    sections: list[SectionView]
    communes: list[tuple[str, str]] = field(default_factory=list)  # (code, name) among the entries

    @property
    def entries(self) -> list[EntryView]:
        return [e for s in self.sections for e in s.entries]

    def filtered(self, chosen: rules.CatalogFilter) -> list[SectionView]:
        """The sections that keep an entry under the filters, with only those entries."""
        kept = [SectionView(s.id, s.title, s.title_en, tuple(e for e in s.entries if rules.matches(e.facts, chosen)))
                for s in self.sections]
        return [s for s in kept if s.entries]

    def content_hash(self, lang: str) -> str:
        c = self.catalog
        return rules.content_hash(lang, c.id, c.slug, c.title, c.title_en, c.cover_text, c.cover_text_en,
                                  c.status, c.fair_id, [(s.id, s.title, s.title_en, s.entries) for s in self.sections])


def catalog_by_slug(db: Session, slug: str) -> Catalog | None:
    return db.scalar(select(Catalog).where(Catalog.slug == slug).options(selectinload(Catalog.sections)))


def published_catalogs_of_fair(db: Session, fair_id: int) -> list[Catalog]:
    return list(db.scalars(select(Catalog).where(Catalog.fair_id == fair_id, Catalog.status == "published")
                           .order_by(Catalog.id)))


def booth_numbers(db: Session, fair_id: int | None) -> dict[int, str]:
    """Organisation → its booth number at the fair, for applications that hold a booth."""
    if fair_id is None:
        return {}
    rows = db.execute(select(BoothApplication.org_id, BoothApplication.booth_number).where(
        BoothApplication.fair_id == fair_id, BoothApplication.status.in_(HELD_BOOTH),
        BoothApplication.booth_number.is_not(None)))
    return {org: number for org, number in rows}


def _valid(certificates, codes, today: date) -> tuple[Credential, ...]:
    shown = [Credential(c.type, c.number, c.stars, c.expires_on, tuple(c.market_list))
             for c in certificates
             if rules.credential_counts(c.status, c.expires_on, today, stars=c.stars, cert_type=c.type)]
    shown += [Credential(c.kind, c.code, None, c.valid_until, tuple(c.market_list))
              for c in codes if rules.credential_counts(c.status, c.valid_until, today)]
    return tuple(shown)


def read_catalog(db: Session, catalog: Catalog, today: date) -> CatalogView:
    """The catalog's sections and entries as they are today (five queries whatever its size)."""
    rows = db.execute(
        select(CatalogEntry, Organization, Listing)
        .join(Organization, Organization.id == CatalogEntry.org_id)
        .outerjoin(Listing, Listing.id == CatalogEntry.listing_id)
        .where(CatalogEntry.catalog_id == catalog.id)
        .options(selectinload(Listing.photos), selectinload(Listing.certificates),
                 selectinload(Listing.planting_codes), selectinload(Listing.variety))
        .order_by(CatalogEntry.section_id, CatalogEntry.position, CatalogEntry.id)).all()
    bare_orgs = {org.id for _entry, org, listing in rows if listing is None}
    org_certificates: dict[int, list] = {}
    org_codes: dict[int, list] = {}
    if bare_orgs:
        for c in db.scalars(select(Certificate).where(Certificate.organization_id.in_(bare_orgs))):
            org_certificates.setdefault(c.organization_id, []).append(c)
        for c in db.scalars(select(PlantingCode).where(PlantingCode.organization_id.in_(bare_orgs))):
            org_codes.setdefault(c.organization_id, []).append(c)
    booths = booth_numbers(db, catalog.fair_id)
    by_section: dict[int, list[EntryView]] = {}
    communes: dict[str, str] = {}
    for entry, org, listing in rows:
        if org.commune is not None:
            communes[org.commune_code] = org.commune.short_name
        by_section.setdefault(entry.section_id, []).append(_entry_view(entry, org, listing, today, booths,
                                                                       org_certificates, org_codes))
    sections = [SectionView(s.id, s.title, s.title_en, tuple(by_section.get(s.id, ())))
                for s in catalog.sections]
    return CatalogView(catalog, today, sections, sorted(communes.items(), key=lambda kv: kv[1]))


def _entry_view(entry, org, listing, today, booths, org_certificates, org_codes) -> EntryView:
    if listing is not None:
        state = rules.entry_state(listing.status, listing.available_to, listing.quantity_available, today)
        # A listing back in draft is private again: its photos are served to its club alone, so
        # neither the page nor the printed catalog shows one.
        photo = listing.photos[0] if listing.photos and state != "withdrawn" else None
        credentials = _valid(listing.certificates, listing.planting_codes, today)
        title, title_en, grade = listing.title, listing.title_en, listing.grade
        price = listing.price_vnd if not listing.price_negotiable else None
        unit = listing.unit
    else:
        state, photo, title, title_en, grade, price, unit = "organisation", None, org.name, org.name, "", None, ""
        credentials = _valid(org_certificates.get(org.id, ()), org_codes.get(org.id, ()), today)
    shown_listing = listing.id if listing is not None and state != "withdrawn" else None
    return EntryView(
        id=entry.id, section_id=entry.section_id, position=entry.position, org_id=org.id, org_name=org.name,
        commune_code=org.commune_code, commune_name=org.commune.short_name if org.commune else "",
        phone=org.phone, zalo=org.zalo, listing_id=shown_listing, title=title, title_en=title_en, grade=grade,
        state=state, price_vnd=price, unit=unit, photo_key=photo.key if photo else None,
        photo_size=(photo.width, photo.height) if photo else None, credentials=credentials,
        booth_number=booths.get(org.id), note=entry.note, note_en=entry.note_en)


def record_visit(db: Session, catalog: Catalog, entry_id: int | None = None) -> None:
    """A view of the catalog page, or of one entry's listing opened from it: how many, not who."""
    db.add(CatalogVisit(catalog_id=catalog.id, entry_id=entry_id))
    db.flush()


def record_listing_visit(db: Session, source: str | None, listing_id: int) -> bool:
    """A listing opened from a catalog (?src=fair-<id> or catalog-<id>): a visit of that entry of
    the published catalog that holds the listing. False when the source names no such entry."""
    read = rules.read_source(source)
    if read is None:
        return False
    kind, ident = read
    stmt = (select(CatalogEntry.id, CatalogEntry.catalog_id).join(Catalog, Catalog.id == CatalogEntry.catalog_id)
            .where(CatalogEntry.listing_id == listing_id, Catalog.status == "published")
            .where(Catalog.fair_id == ident if kind == "fair" else Catalog.id == ident)
            .order_by(CatalogEntry.id).limit(1))
    found = db.execute(stmt).first()
    if found is None:
        return False
    db.add(CatalogVisit(catalog_id=found.catalog_id, entry_id=found.id))
    db.flush()
    return True


@dataclass(frozen=True)
class Candidate:
    """Something staff can add: an organisation with one of its listings, or alone."""

    org: Organization
    listing: Listing | None
    booth_number: str | None = None


def exhibitors(db: Session, fair_id: int | None, today: date) -> list[Candidate]:
    """The fair's exhibitors (applications holding a booth), each with the listings it said it
    will bring, else its listings on sale now, else alone."""
    if fair_id is None:
        return []
    applications = list(db.scalars(
        select(BoothApplication).where(BoothApplication.fair_id == fair_id, BoothApplication.status.in_(HELD_BOOTH))
        .order_by(BoothApplication.booth_number, BoothApplication.id)))
    picked: dict[int, list[int]] = {}
    for application_id, listing_id in db.execute(
            select(BoothApplicationListing.application_id, BoothApplicationListing.listing_id)
            .where(BoothApplicationListing.application_id.in_([a.id for a in applications]))):
        picked.setdefault(application_id, []).append(listing_id)
    found: list[Candidate] = []
    for application in applications:
        org = db.get(Organization, application.org_id)
        chosen = [db.get(Listing, i) for i in picked.get(application.id, [])]
        chosen = [listing for listing in chosen if listing is not None] or listings.public_listings(
            db, today=today, org=org, limit=20)
        found += [Candidate(org, listing, application.booth_number) for listing in chosen] or [
            Candidate(org, None, application.booth_number)]
    return found


def search_candidates(db: Session, query: str, today: date, limit: int = 40) -> list[Candidate]:
    """Listings on sale now and organisations whose product, variety, club or commune has every
    word of the query, accents optional."""
    if not query.strip():
        return []
    on_sale = listings.public_listings(db, today=today, limit=5000)
    found = [Candidate(listing.organization, listing) for listing in on_sale
             if rules.text_matches(query, listing.title, listing.organization.name,
                                   listing.organization.commune.short_name if listing.organization.commune else "")]
    orgs = db.scalars(select(Organization).where(Organization.kind.in_(("club", "cooperative", "coop_group",
                                                                         "business"))).order_by(Organization.name))
    found += [Candidate(org, None) for org in orgs if rules.text_matches(query, org.name)]
    return found[:limit]
