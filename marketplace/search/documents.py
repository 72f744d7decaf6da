"""What goes into the index for each kind of object, built from database rows.

A document carries a fingerprint of its content, so that `search check` can tell an index
that is merely present from one that is up to date.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization


def _fingerprint(fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def organization_document(org: Organization) -> dict:
    commune = org.commune
    place = f"{commune.name} {commune.province.name}" if commune else ""
    fields = {
        "doc_id": f"org:{org.id}",
        "type": "org",
        "object_id": org.id,
        "ref": org.ref,
        "kind": org.kind,
        "title": org.name,
        "body": " ".join(part for part in (org.description, org.address, place) if part),
        "commune_code": commune.code if commune else "",
        "province_code": commune.province_code if commune else "",
    }
    fields["fingerprint"] = _fingerprint(fields)
    return fields


def all_documents(db: Session) -> Iterator[dict]:
    for org in db.scalars(select(Organization).order_by(Organization.id)):
        yield organization_document(org)
