"""Writing the outbox: every flush that touches something searchable adds outbox rows in the
same transaction, so a rolled-back change never reaches the index and a committed one always
does (the indexer follows the outbox after commit).

Bulk `UPDATE` statements bypass the flush: code that uses them calls `enqueue` itself.
"""

from __future__ import annotations

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.demand.models import DemandPost, Offer
from marketplace.listings.models import Listing
from marketplace.search.models import SearchOutbox


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


@event.listens_for(Session, "after_flush")
def _record_changes(db: Session, _flush_context) -> None:
    changed = set()
    for instance in list(db.new) + list(db.deleted):
        changed.add(_entity(instance))
    for instance in db.dirty:
        if db.is_modified(instance, include_collections=True):
            changed.add(_entity(instance))
    changed.discard(None)
    enqueue(db, changed)
