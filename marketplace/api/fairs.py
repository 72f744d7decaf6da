"""API v1 for fairs: the published fairs with their catalogs, and a fair's published catalog."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace import db
from marketplace.access import public
from marketplace.accounts.models import Organization
from marketplace.api import caller, fair_schemas
from marketplace.api.blueprint import blp, listed
from marketplace.errors import NotFound
from marketplace.fairs import catalog_reading as reading
from marketplace.fairs.models import Catalog, Fair
from marketplace.listings.models import Listing
from marketplace.places.models import Commune


def _catalog_ref(catalog: Catalog) -> dict:
    return {"id": catalog.id, "slug": catalog.slug, "title": catalog.title, "title_en": catalog.title_en,
            "url": url_for("catalogs.show", slug=catalog.slug, _external=True),
            "pdf": url_for("catalogs.pdf", slug=catalog.slug, _external=True)}


@blp.route("/fairs")
@public
@blp.response(200, fair_schemas.FairListSchema)
def list_fairs():
    """Published fairs, the latest first, each with its published catalogs."""
    fairs = list(db.session.scalars(select(Fair).where(Fair.status == "published")
                                    .order_by(Fair.starts_on.desc(), Fair.id).limit(500)))
    catalogs: dict[int, list[Catalog]] = {}
    for catalog in db.session.scalars(select(Catalog).where(Catalog.status == "published",
                                                            Catalog.fair_id.in_([f.id for f in fairs]))
                                      .order_by(Catalog.id)):
        catalogs.setdefault(catalog.fair_id, []).append(catalog)
    communes = {c.code: c for c in db.session.scalars(select(Commune).where(
        Commune.code.in_({f.commune_code for f in fairs if f.commune_code})))}
    return listed([{"id": f.id, "slug": f.slug, "kind": f.kind, "name": f.name, "name_en": f.name_en,
                    "starts_on": f.starts_on, "ends_on": f.ends_on, "venue": f.venue,
                    "commune": communes.get(f.commune_code),
                    "catalogs": [_catalog_ref(c) for c in catalogs.get(f.id, [])]} for f in fairs])


@blp.route("/fairs/<int:fair_id>/catalog")
@public
@blp.response(200, fair_schemas.FairCatalogSchema)
def fair_catalog(fair_id: int):
    """The fair's published catalog: sections with their entries as they are today (each listing
    in the shape of /listings, its booth number and the curator's note)."""
    fair = db.session.get(Fair, fair_id)
    catalogs = reading.published_catalogs_of_fair(db.session, fair_id) if fair and fair.status == "published" else []
    if not catalogs:
        raise NotFound(_("This fair has no published catalog."))
    catalog = catalogs[0]
    view = reading.read_catalog(db.session, catalog, caller.today())
    shown = {e.listing_id for e in view.entries if e.listing_id is not None}
    listings = {listing.id: listing for listing in db.session.scalars(
        select(Listing).where(Listing.id.in_(shown)).options(
            selectinload(Listing.photos), selectinload(Listing.certificates),
            selectinload(Listing.planting_codes), selectinload(Listing.variety)))} if shown else {}
    sections = [{"id": s.id, "title": s.title, "title_en": s.title_en, "entries": [
        {"id": e.id, "org": db.session.get(Organization, e.org_id),
         "listing": listings.get(e.listing_id) if e.listing_id else None, "state": e.state,
         "booth_number": e.booth_number, "note": e.note, "note_en": e.note_en} for e in s.entries]}
        for s in view.sections]
    return {**_catalog_ref(catalog), "fair_id": fair.id, "cover_text": catalog.cover_text,
            "cover_text_en": catalog.cover_text_en, "published_at": catalog.published_at, "sections": sections}
