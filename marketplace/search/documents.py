"""What goes into the index for each kind of object, built from database rows.

Documents hold nothing that changes by itself with the date: credentials are indexed with the
day they stop being valid (`<type>_until`) and listings with their last day, and the query
compares those with today. So a certificate that expires overnight drops out of the filters at
once, without a write to the index; a suspension or a new status is a database change and comes
through the outbox like any other.

A document carries a fingerprint of its content, so that `search check` can tell an index that
is merely present from one that is up to date, and the indexer can skip documents that did not
change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import Organization
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.credentials.rules import OCOP_CERTIFIED_STARS
from marketplace.demand.models import DemandPost
from marketplace.demand.rules import split_certificates
from marketplace.listings.models import Listing
from marketplace.places.models import Commune
from marketplace.products.taxonomy import VARIETY_NAMES_EN
from marketplace.vietnamese import clean

CERTIFICATE_TYPES = ("vietgap", "globalgap", "organic")
OCOP_LEVELS = (3, 4, 5)
FOREVER = date(9999, 12, 31).toordinal()  # a credential with no end date
NO_PRICE = 10**15  # sorts after every real price
SNIPPET_CHARS = 240

Key = tuple[str, int]  # ("listing" | "demand" | "org", id)


def doc_id(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def _fingerprint(fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _finish(fields: dict) -> dict:
    fields["fingerprint"] = _fingerprint(fields)
    return fields


def _join(*parts: str | None) -> str:
    return clean(" ".join(p for p in parts if p))


def _place(commune: Commune | None) -> dict:
    if commune is None:
        return {"place": "", "commune_code": "", "province_code": ""}
    return {"place": _join(commune.name, commune.province.name), "commune_code": commune.code,
            "province_code": commune.province_code}


def _until(day: date | None) -> int:
    return day.toordinal() if day else FOREVER


def _timestamp(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def credential_fields(certificates: Iterable[Certificate], codes: Iterable[PlantingCode]) -> dict:
    """The last valid day of each kind of credential a listing or organisation can show.

    Only verified (active) credentials count; an OCOP rating counts for its stars and every
    level below. A packing-house code alone is not a planting code.
    """
    fields: dict[str, int] = {}

    def extend(name: str, until: int) -> None:
        fields[name] = max(fields.get(name, 0), until)

    for certificate in certificates:
        if certificate.status != "active":
            continue
        if certificate.type in CERTIFICATE_TYPES:
            extend(f"{certificate.type}_until", _until(certificate.expires_on))
        elif certificate.type == "ocop" and certificate.stars in OCOP_CERTIFIED_STARS:
            for level in OCOP_LEVELS:
                if certificate.stars >= level:
                    extend(f"ocop{level}_until", _until(certificate.expires_on))
    for code in codes:
        if code.status == "active" and code.kind == "growing_area":
            extend("code_until", _until(code.valid_until))
    return fields


def _product_names(product, variety, variety_text: str) -> str:
    # The title first, as it reads ("Xoài cát Chu"), so that the title in quotes is a phrase match.
    names = [product.name_vi, variety.name if variety is not None else variety_text, product.name_en,
             " ".join(product.synonym_list)]
    if variety is not None:
        names.append(" ".join(variety.synonym_list + variety.staff_synonym_list))
        # The English name exporters use, where the catalogue gives one ("Soursop", "Hoa Loc
        # mango"): an English search finds the variety too, not only the product.
        names.append(VARIETY_NAMES_EN.get((product.slug, variety.name), ""))
    return _unique_words(_join(*names))


def _unique_words(text: str) -> str:
    """Each word once (whatever its case): a name repeated across synonyms ("dừa", "trái dừa",
    "dừa tươi") must not outweigh a name said once."""
    seen: dict[str, str] = {}
    for word in text.split():
        seen.setdefault(word.lower(), word)
    return " ".join(seen.values())


def listing_document(listing: Listing) -> dict:
    org = listing.organization
    live = listing.status == "published" and listing.quantity_available > 0
    return _finish({
        "doc_id": doc_id("listing", listing.id), "type": "listing", "object_id": listing.id,
        "ref": listing.ref or "", "org_id": str(org.id), "org_name": org.name, "kind": org.kind,
        "title": listing.title,
        # The grade ("loại 1") describes, it does not name: in the name field it would lengthen
        # the name and push the listing below shorter names for the same words.
        "name": _product_names(listing.product, listing.variety, listing.variety_text),
        "org": org.name,
        "body": _join(listing.grade, listing.description, listing.delivery_area, listing.producer_name)[:2000],
        "category": listing.product.category_code,
        **_place(org.commune),
        "state": "live" if live else listing.status,
        "live_until": listing.available_to.toordinal(),
        "window_from": listing.available_from.toordinal(), "window_to": listing.available_to.toordinal(),
        "price": listing.price_vnd if listing.price_vnd is not None else NO_PRICE,
        "published": _timestamp(listing.published_at or listing.created_at),
        "quantity": float(listing.quantity_available), "unit": listing.unit,
        **credential_fields(listing.certificates, listing.planting_codes),
    })


def demand_document(demand: DemandPost) -> dict:
    """The buyer's name is not indexed: visitors who are not signed in do not see it."""
    org = demand.organization
    fields = {
        "doc_id": doc_id("demand", demand.id), "type": "demand", "object_id": demand.id,
        "ref": demand.ref or "", "org_id": str(org.id), "org_name": "", "kind": org.kind,
        "title": demand.title,
        "name": _product_names(demand.product, demand.variety, demand.variety_text),
        "org": "",
        "body": _join(demand.quality_notes)[:2000],
        "category": demand.product.category_code,
        **_place(demand.delivery_commune or org.commune),
        "state": "live" if demand.status == "open" else demand.status,
        "live_until": demand.needed_to.toordinal(),
        "window_from": demand.needed_from.toordinal(), "window_to": demand.needed_to.toordinal(),
        "price": demand.price_max_vnd or demand.price_min_vnd or NO_PRICE,
        "published": _timestamp(demand.created_at),
        "quantity": float(demand.quantity), "unit": demand.unit,
    }
    # On the buyer's side a credential filter means "asks for it", for as long as it is needed.
    needed_until = demand.needed_to.toordinal()
    for certificate in split_certificates(demand.required_certificates):
        if certificate in CERTIFICATE_TYPES:
            fields[f"{certificate}_until"] = needed_until
    if demand.min_ocop_stars:
        for level in OCOP_LEVELS:
            if level <= max(demand.min_ocop_stars, 3):
                fields[f"ocop{level}_until"] = needed_until
    if demand.needs_planting_code:
        fields["code_until"] = needed_until
    return _finish(fields)


def organization_document(org: Organization, certificates: Iterable[Certificate] = (),
                          codes: Iterable[PlantingCode] = ()) -> dict:
    return _finish({
        "doc_id": doc_id("org", org.id), "type": "org", "object_id": org.id,
        "ref": org.ref, "org_id": str(org.id), "org_name": org.name, "kind": org.kind,
        "title": org.name, "name": _unique_words(_join(org.name)), "org": "",
        "body": _join(org.grows, org.description, org.tourism_offer, org.address)[:2000],
        "category": "",
        **_place(org.commune),
        "state": "live", "live_until": FOREVER,
        "price": NO_PRICE, "published": _timestamp(org.created_at),
        **credential_fields(certificates, codes),
    })


def _listing_query():
    return select(Listing).options(
        selectinload(Listing.certificates), selectinload(Listing.planting_codes), selectinload(Listing.variety))


def _demand_query():
    return select(DemandPost).options(selectinload(DemandPost.variety), selectinload(DemandPost.delivery_commune))


def _org_documents(db: Session, orgs: list[Organization]) -> Iterator[dict]:
    ids = [o.id for o in orgs]
    certificates: dict[int, list] = {i: [] for i in ids}
    codes: dict[int, list] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        for c in db.scalars(select(Certificate).where(Certificate.organization_id.in_(chunk))):
            certificates[c.organization_id].append(c)
        for c in db.scalars(select(PlantingCode).where(PlantingCode.organization_id.in_(chunk))):
            codes[c.organization_id].append(c)
    for org in orgs:
        yield organization_document(org, certificates[org.id], codes[org.id])


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def all_documents(db: Session, batch: int = 1000) -> Iterator[dict]:
    """Every document, in batches so that 100,000 listings never sit in memory at once."""
    for model, query, build in ((Organization, select(Organization), None),
                                (Listing, _listing_query(), listing_document),
                                (DemandPost, _demand_query(), demand_document)):
        ids = list(db.scalars(select(model.id).order_by(model.id)))
        for chunk in _chunks(ids, batch):
            rows = list(db.scalars(query.where(model.id.in_(chunk)).order_by(model.id)))
            if build is None:
                yield from _org_documents(db, rows)
            else:
                yield from (build(row) for row in rows)


def documents_for(db: Session, keys: Iterable[Key]) -> dict[str, dict | None]:
    """The current document of each key, or None where the object is gone.

    An org key also brings the org's listings and demand posts, whose documents show its name,
    place and credentials.
    """
    listing_ids, demand_ids, org_ids = set(), set(), set()
    for kind, object_id in keys:
        {"listing": listing_ids, "demand": demand_ids, "org": org_ids}[kind].add(object_id)
    if org_ids:
        listing_ids |= set(db.scalars(select(Listing.id).where(Listing.organization_id.in_(org_ids))))
        demand_ids |= set(db.scalars(select(DemandPost.id).where(DemandPost.organization_id.in_(org_ids))))
    found: dict[str, dict | None] = {}
    for kind, ids in (("listing", listing_ids), ("demand", demand_ids), ("org", org_ids)):
        for object_id in ids:
            found[doc_id(kind, object_id)] = None
    for chunk in _chunks(sorted(listing_ids)):
        for listing in db.scalars(_listing_query().where(Listing.id.in_(chunk))):
            found[doc_id("listing", listing.id)] = listing_document(listing)
    for chunk in _chunks(sorted(demand_ids)):
        for demand in db.scalars(_demand_query().where(DemandPost.id.in_(chunk))):
            found[doc_id("demand", demand.id)] = demand_document(demand)
    for chunk in _chunks(sorted(org_ids)):
        orgs = list(db.scalars(select(Organization).where(Organization.id.in_(chunk))))
        for document in _org_documents(db, orgs):
            found[document["doc_id"]] = document
    return found
