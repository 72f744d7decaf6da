"""Objects as the JSON shapes promised in architecture.md. Validity is computed for `today`,
so an expired or suspended credential is never reported as valid."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import url_for

from marketplace.accounts.models import Organization
from marketplace.api import schemas
from marketplace.credentials.models import Certificate, PlantingCode
from marketplace.credentials.services import certificates_of, codes_of, ocop_stars
from marketplace.listings import rules as listing_rules
from marketplace.listings.models import Listing

CONTACT_FIELDS = ("phone", "zalo", "email")


def timestamp_json(moment: datetime) -> str:
    """RFC 3339 with its offset, as the schema's date-time promises: SQLite hands back the UTC
    moments it stores without their zone, PostgreSQL with it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def org_ref_json(org: Organization) -> dict:
    return {"id": org.id, "ref": org.ref, "name": org.name, "kind": org.kind}


def commune_json(commune) -> dict | None:
    if commune is None:
        return None
    return {"code": commune.code, "name": commune.name, "province": commune.province.short_name}


def certificate_json(certificate: Certificate, today: date) -> dict:
    validity = certificate.validity_on(today)
    return {"type": certificate.type, "number": certificate.number, "stars": certificate.stars,
            "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
            "status": "expired" if validity.state == "expired" else certificate.status,
            "valid": validity.valid}


def code_json(code: PlantingCode, today: date) -> dict:
    validity = code.validity_on(today)
    return {"code": code.code, "kind": code.kind,
            "status": "expired" if validity.state == "expired" else code.status,
            "markets": code.market_list,
            "valid_until": code.valid_until.isoformat() if code.valid_until else None,
            "valid": validity.valid}


def listing_json(listing: Listing, today: date) -> dict:
    variety = listing.variety.name if listing.variety else listing.variety_text
    return {
        "id": listing.id, "ref": listing.ref, "product": listing.product.name_vi, "variety": variety,
        "product_text": listing.product_text, "in_catalogue": listing.product.in_catalogue,
        "grade": listing.grade, "category": listing.product.category_code, "quantity": listing.quantity,
        "quantity_available": listing.quantity_available, "unit": listing.unit, "min_order": listing.min_order,
        "price_vnd": listing.price_vnd, "price_negotiable": listing.price_negotiable,
        "available_from": listing.available_from.isoformat(), "available_to": listing.available_to.isoformat(),
        "status": listing_rules.effective_status(listing.status, listing.available_to,
                                                 listing.quantity_available, today),
        "org": org_ref_json(listing.organization), "commune": commune_json(listing.organization.commune),
        "certificates": [certificate_json(c, today) for c in listing.certificates],
        "ocop_stars": ocop_stars(listing.certificates, today),
        "planting_codes": [code_json(c, today) for c in listing.planting_codes],
        "producer_name": listing.producer_name, "delivery_area": listing.delivery_area,
        "description": listing.description,
        "photos": [url_for("media.photo", key=p.key, size="detail", _external=True) for p in listing.photos],
    }


def org_json(db, org: Organization, today: date, *, with_contact: bool) -> dict:
    data = schemas.OrganizationSchema(exclude=("certificates", "planting_codes", "ocop_stars")).dump(org)
    certificates = certificates_of(db, org)
    data["certificates"] = [certificate_json(c, today) for c in certificates]
    data["planting_codes"] = [code_json(c, today) for c in codes_of(db, org)]
    data["ocop_stars"] = ocop_stars(certificates, today)
    if not with_contact:
        for name in CONTACT_FIELDS:
            data.pop(name, None)
    return data


def demand_json(demand, today: date, *, show_buyer: bool) -> dict:
    from marketplace.demand import rules as demand_rules

    variety = demand.variety.name if demand.variety else demand.variety_text
    return {
        "id": demand.id, "ref": demand.ref, "product": demand.product.name_vi, "variety": variety,
        "product_text": demand.product_text, "in_catalogue": demand.product.in_catalogue,
        "grade": demand.grade, "category": demand.product.category_code, "quantity": demand.quantity,
        "unit": demand.unit,
        "frequency": demand.frequency, "needed_from": demand.needed_from.isoformat(),
        "needed_to": demand.needed_to.isoformat(), "price_min_vnd": demand.price_min_vnd,
        "price_max_vnd": demand.price_max_vnd, "required_certificates": demand.certificate_list,
        "min_ocop_stars": demand.min_ocop_stars, "needs_planting_code": demand.needs_planting_code,
        "export_market": demand.export_market,
        "status": demand_rules.effective_status(demand.status, demand.needed_to, today),
        "org": org_ref_json(demand.organization) if show_buyer else None,
        "commune": commune_json(demand.delivery_commune), "quality_notes": demand.quality_notes,
    }
