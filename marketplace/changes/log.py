"""Recording changes: every flush that touches a listing, a demand post, an organisation or
something shown with them adds change-log rows in the same transaction, so a rolled-back change
never reaches a follower and a committed one always does (followers read the log after commit).
The hook is registered when this package is imported (marketplace/changes/__init__.py).

Bulk `UPDATE` statements bypass the flush: code that uses them calls `enqueue` itself.
"""

from __future__ import annotations

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.changes.models import SearchOutbox
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.demand.models import DemandPost, Offer
from marketplace.listings.models import Listing, listing_certificates, listing_planting_codes
from marketplace.products.models import Product, Variety


def _entity(instance) -> tuple[str, int] | None:
    if isinstance(instance, Listing):
        return ("listing", instance.id)
    if isinstance(instance, DemandPost):
        return ("demand", instance.id)
    if isinstance(instance, Organization):
        return ("org", instance.id)
    if isinstance(instance, Offer):
        # An accepted offer changes how much of the request is still wanted (matching reads it).
        return ("demand", instance.demand_id)
    if isinstance(instance, Certificate | PlantingCode):
        # A credential shows on its organisation's page and on the listings it is attached to.
        return ("org", instance.organization_id)
    return None


def enqueue(db: Session, entities: set[tuple[str, int]]) -> None:
    rows = [{"entity": entity, "entity_id": entity_id} for entity, entity_id in sorted(entities) if entity_id]
    if rows:
        db.connection().execute(insert(SearchOutbox), rows)


def named_by(db: Session, product_ids: set[int]) -> set[tuple[str, int]]:
    """The listings and requests of these products: their documents carry the product's names,
    so a taxonomy change (a new synonym, a rename, a variety) reindexes them by itself."""
    if not product_ids:
        return set()
    connection = db.connection()
    listings = connection.scalars(select(Listing.id).where(Listing.product_id.in_(product_ids)))
    requests = connection.scalars(select(DemandPost.id).where(DemandPost.product_id.in_(product_ids)))
    return {("listing", i) for i in listings} | {("demand", i) for i in requests}


def carried_by(db: Session, certificate_ids: set[int], code_ids: set[int]) -> set[tuple[str, int]]:
    """The listings that carry these credentials: a code a cooperative shares sits on its member
    clubs' listings, whose documents show whether it is valid (suspended, revoked, expired)."""
    connection = db.connection()
    found: set[int] = set()
    for table, column, ids in ((listing_certificates, "certificate_id", certificate_ids),
                               (listing_planting_codes, "planting_code_id", code_ids)):
        if ids:
            found |= set(connection.scalars(select(table.c.listing_id).where(table.c[column].in_(sorted(ids)))))
    return {("listing", i) for i in found}


@event.listens_for(Session, "after_flush")
def _record_changes(db: Session, _flush_context) -> None:
    changed = set()
    products: set[int] = set()
    certificates: set[int] = set()
    codes: set[int] = set()
    touched = list(db.new) + list(db.deleted) + [i for i in db.dirty
                                                  if db.is_modified(i, include_collections=True)]
    for instance in touched:
        changed.add(_entity(instance))
        if isinstance(instance, Product) and instance not in db.new:
            products.add(instance.id)
        elif isinstance(instance, Variety) and instance.product_id:
            products.add(instance.product_id)
        elif isinstance(instance, Certificate) and instance not in db.new:
            certificates.add(instance.id)
        elif isinstance(instance, PlantingCode) and instance not in db.new:
            codes.add(instance.id)
    changed.discard(None)
    enqueue(db, changed | named_by(db, products) | carried_by(db, certificates, codes))
