"""The plan's targets as they stood on a day (issue #20), for `reports.compute.report_figures`:
cooperatives founded from clubs, growing-area codes of clubs tied to fruit cooperatives, chains with
codes and traceability, clubs with rural tourism, OCOP products. Each function counts what stood on
`as_of` in the given communes (the owning organisation's commune) and returns a `Target` with the
records behind its number. How each is counted: the docstrings, and docs/reports.md. Read-only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.chains import services as chain_services
from marketplace.chains.models import Chain, ChainParty
from marketplace.cooperatives import sharing
from marketplace.cooperatives.models import CooperativeMember
from marketplace.credentials import history
from marketplace.credentials.models import Certificate, CredentialEvent, PlantingCode
from marketplace.credentials.rules import add_months
from marketplace.dates import VIETNAM, as_utc
from marketplace.listings.models import Listing
from marketplace.products.models import Product
from marketplace.reports.figures import TARGET_GOALS, Record, Target
from marketplace.tourism.models import TourismOffer

CLUB = "club"
COOPERATIVE = "cooperative"
# Organisations whose OCOP-rated products count: clubs, cooperatives and cooperative groups.
OCOP_HOLDER_KINDS = ("club", "cooperative", "coop_group")
FRUIT = "fruit"  # the category code of fruit in the catalogue (products/catalogue.toml)
EXPIRING_MONTHS = 6


# -- helpers ------------------------------------------------------------------------------------

def _org_url(org_id: int) -> str:
    return f"/orgs/{org_id}"


def _split(records: Iterable[Record]) -> dict[str, int]:
    return dict(sorted(Counter(r.commune_code for r in records if r.commune_code).items()))


def _target(key: str, records: list[Record], detail: dict[str, int] | None = None) -> Target:
    return Target(key=key, goal=TARGET_GOALS[key], actual=len(records), by_commune=_split(records),
                  records=records, detail=detail or {})


def orgs_in(communes: set[str]):
    return Organization.commune_code.in_(sorted(communes))


# -- the plan's targets -------------------------------------------------------------------------

def targets(db: Session, communes: set[str], as_of: date) -> list[Target]:
    """The five targets in the order of TARGET_GOALS."""
    found = {
        "cooperatives_from_clubs": cooperatives_from_clubs(db, communes, as_of),
        "growing_area_codes": growing_area_codes(db, communes, as_of),
        "traceable_chains": traceable_chains(db, communes, as_of),
        "tourism_clubs": tourism_clubs(db, communes, as_of),
        "ocop_products": ocop_products(db, communes, as_of),
    }
    return [found[key] for key in TARGET_GOALS]


def cooperatives_from_clubs(db: Session, communes: set[str], as_of: date) -> Target:
    """Cooperatives founded from a club: organisations of kind "cooperative" whose `founded_from`
    is a club (set when staff record the founding step, cooperatives/steps.py) and whose
    `founded_on` is on or before the day counted. Counted in the cooperative's commune."""
    club = select(Organization.id, Organization.name).where(Organization.kind == CLUB).subquery()
    rows = db.execute(
        select(Organization, club.c.name).join(club, club.c.id == Organization.founded_from_id)
        .where(Organization.kind == COOPERATIVE, Organization.founded_on.is_not(None),
               Organization.founded_on <= as_of, orgs_in(communes))
        .order_by(Organization.founded_on, Organization.name))
    records = [Record("organization", org.id, org.name, _org_url(org.id), org.commune_code, f"từ {club_name}")
               for org, club_name in rows]
    return _target("cooperatives_from_clubs", records)


def fruit_cooperative_ids(db: Session) -> set[int]:
    """Cooperatives whose produce is fruit: at least one of their listings (whatever its status)
    or of their planting codes names a product of the catalogue's "fruit" category."""
    fruit = select(Product.id).where(Product.category_code == FRUIT)
    listed = select(Listing.organization_id).where(Listing.product_id.in_(fruit))
    coded = select(PlantingCode.organization_id).where(PlantingCode.product_id.in_(fruit))
    return set(db.scalars(select(Organization.id).where(
        Organization.kind == COOPERATIVE, or_(Organization.id.in_(listed), Organization.id.in_(coded)))))


def clubs_of_fruit_cooperatives(db: Session, as_of: date) -> dict[int, str]:
    """Clubs linked to a fruit cooperative on `as_of` → the cooperative's name: an active member of
    it that day (CooperativeMember accepted on or before, not ended by then), or the club it was
    founded from (founded on or before that day)."""
    cooperatives = fruit_cooperative_ids(db)
    if not cooperatives:
        return {}
    names = dict(db.execute(select(Organization.id, Organization.name)
                            .where(Organization.id.in_(cooperatives))).all())
    linked: dict[int, str] = {}
    for org_id, founded_from, founded_on in db.execute(
            select(Organization.id, Organization.founded_from_id, Organization.founded_on)
            .where(Organization.id.in_(cooperatives), Organization.founded_from_id.is_not(None))):
        if founded_on is not None and founded_on <= as_of:
            linked.setdefault(founded_from, names[org_id])
    pairs = db.execute(select(CooperativeMember.club_id, CooperativeMember.cooperative_id).where(
        CooperativeMember.cooperative_id.in_(cooperatives), CooperativeMember.status.in_(("active", "ended")))
        .distinct())
    for club_id, cooperative_id in pairs:
        if club_id not in linked and sharing.member_on(db, club_id, cooperative_id, as_of):
            linked[club_id] = names[cooperative_id]
    clubs = set(db.scalars(select(Organization.id).where(Organization.id.in_(list(linked)),
                                                         Organization.kind == CLUB)))
    return {club_id: name for club_id, name in linked.items() if club_id in clubs}


def growing_area_codes(db: Session, communes: set[str], as_of: date) -> Target:
    """Growing-area codes (kind "growing_area") held by clubs linked to a fruit cooperative
    (`clubs_of_fruit_cooperatives`), valid on `as_of`: verified by staff (active) and not expired
    that day, as the code stood then (credentials/history.py: later suspensions, revocations and
    renewals are taken back). Counted in the holding club's commune."""
    clubs = clubs_of_fruit_cooperatives(db, as_of)
    if not clubs:
        return _target("growing_area_codes", [])
    codes = db.scalars(select(PlantingCode).join(Organization, Organization.id == PlantingCode.organization_id)
                       .where(PlantingCode.kind == "growing_area", PlantingCode.organization_id.in_(list(clubs)),
                              orgs_in(communes))
                       .order_by(PlantingCode.code))
    records = [Record("planting_code", code.id, code.code,
                      f"/orgs/{code.organization_id}/credentials/code/{code.id}",
                      code.organization.commune_code,
                      f"{code.organization.name} · {clubs[code.organization_id]}")
               for code in codes if history.validity_on(db, code, as_of).valid]
    return _target("growing_area_codes", records)


def traceable_chains(db: Session, communes: set[str], as_of: date) -> Target:
    """Linked sales chains "with growing-area codes and traceability" on `as_of`, as the chains'
    own figures say (chains.rules.figures, the rule of chains.services.count_with_codes_and_
    traceability): codes required, at least one order delivered, and every delivered order
    traceable (it names lots, each traceable). A chain proposed after `as_of` does not count. It
    counts in the commune of each supplying party (a club or cooperative) in the unit that has not
    declined it; the unit's total counts each chain once. `note`: its traceable share ("100 % truy xuất")."""
    party_communes: dict[int, set[str]] = {}
    for chain_id, commune in db.execute(
            select(ChainParty.chain_id, Organization.commune_code)
            .join(Organization, Organization.id == ChainParty.org_id)
            .where(orgs_in(communes), ChainParty.declined_at.is_(None))):
        party_communes.setdefault(chain_id, set()).add(commune)
    if not party_communes:
        return _target("traceable_chains", [])
    chains = list(db.scalars(select(Chain).where(Chain.id.in_(list(party_communes))).order_by(Chain.id)))
    chains = [c for c in chains if c.created_at is None or _vietnam_day(c.created_at) <= as_of]
    records: list[Record] = []
    by_commune: Counter[str] = Counter()
    for chain, figures in chain_services.with_figures(db, chains, today=as_of):
        if not figures.with_codes_and_traceability:
            continue
        places = sorted(party_communes[chain.id])
        by_commune.update(places)
        records.append(Record("chain", chain.id, chain.title, f"/chains/{chain.id}", places[0],
                              f"{figures.traceable_percent} % truy xuất"))
    return Target(key="traceable_chains", goal=TARGET_GOALS["traceable_chains"], actual=len(records),
                  by_commune=dict(sorted(by_commune.items())), records=records)


def tourism_clubs(db: Session, communes: set[str], as_of: date) -> Target:
    """Clubs (kind "club") with at least one published rural-tourism offer (tourism/offers.py)
    made on or before `as_of`. Offers keep no history of being paused, so a past day reads the
    offers published now. Counted in the club's commune; `note` names its offers."""
    rows = db.execute(
        select(Organization, TourismOffer.title).join(TourismOffer, TourismOffer.organization_id == Organization.id)
        .where(Organization.kind == CLUB, TourismOffer.status == "published", orgs_in(communes))
        .order_by(Organization.name, TourismOffer.id)
        .add_columns(TourismOffer.created_at))
    offers: dict[int, tuple[Organization, list[str]]] = {}
    for org, title, created_at in rows:
        if created_at is not None and _vietnam_day(created_at) > as_of:
            continue
        offers.setdefault(org.id, (org, []))[1].append(title)
    records = [Record("organization", org.id, org.name, _org_url(org.id),
                      org.commune_code, "; ".join(titles)) for org, titles in offers.values()]
    return _target("tourism_clubs", records)


def ocop_products(db: Session, communes: set[str], as_of: date) -> Target:
    """OCOP ratings (certificates of type "ocop", 3 to 5 stars) of clubs', cooperatives' and
    cooperative groups' products, valid on `as_of`: verified by staff and not expired that day, as
    they stood then (credentials/history.py). `detail`: how many by stars ("3", "4", "5") and how
    many expire within 6 months after `as_of` ("expiring": the end date in force that day falls
    on or before `as_of` plus 6 months); those records say so in `note`."""
    certificates = db.scalars(
        select(Certificate).join(Organization, Organization.id == Certificate.organization_id)
        .where(Certificate.type == "ocop", Organization.kind.in_(OCOP_HOLDER_KINDS), orgs_in(communes))
        .order_by(Certificate.stars.desc(), Certificate.product_text, Certificate.id))
    horizon = add_months(as_of, EXPIRING_MONTHS)
    records: list[Record] = []
    stars: Counter[str] = Counter()
    expiring = 0
    for cert in certificates:
        if not history.validity_on(db, cert, as_of).valid:
            continue
        end = history.end_date_on(_events_of(db, cert), cert.expires_on, as_of)
        soon = end is not None and end <= horizon
        expiring += soon
        stars[str(cert.stars)] += 1
        product = cert.product_text or (cert.product.name_vi if cert.product else cert.number)
        note = f"hết hạn {end:%d/%m/%Y}" if soon else ""
        records.append(Record("certificate", cert.id, f"{product} — {cert.stars} sao · {cert.organization.name}",
                              f"/orgs/{cert.organization_id}/credentials/certificate/{cert.id}",
                              cert.organization.commune_code, note))
    detail = {s: stars.get(s, 0) for s in ("3", "4", "5")} | {"expiring": expiring}
    return _target("ocop_products", records, detail)


def expiring(record: Record) -> bool:
    """An OCOP record that expires within 6 months after the day counted (its note says when)."""
    return record.kind == "certificate" and record.note.startswith("hết hạn")


def _events_of(db: Session, cert: Certificate) -> list[CredentialEvent]:
    return list(db.scalars(select(CredentialEvent).where(CredentialEvent.certificate_id == cert.id)
                           .order_by(CredentialEvent.created_at, CredentialEvent.id)))


def _vietnam_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(VIETNAM).date()
