"""API v1: the index, the caller, organisations and places. Thin: parse (smorest), authorise,
call one service, return objects that the declared schema serialises.

The other endpoints live by resource beside this module (listings, demand, matches, search,
conversations, orders), all on the one blueprint of `blueprint.py`.
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from marketplace import db
from marketplace.access import public, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.api import schemas
from marketplace.api.blueprint import BEARER, blp, listed
from marketplace.places.services import search_communes


@blp.route("/")
@public
@blp.response(200, schemas.IndexSchema)
def index():
    """What this API is and where its OpenAPI document lives."""
    return {"name": "Chợ Hội Quán", "version": "v1",
            "openapi": url_for("api-docs.openapi_json")}


@blp.route("/me")
@signed_in
@blp.response(200, schemas.MeSchema)
@blp.doc(security=BEARER)
def me():
    """The caller's account and the organisations they act for."""
    return current_user


@blp.route("/orgs")
@public
@blp.arguments(schemas.OrgQuerySchema, location="query")
@blp.response(200, schemas.OrganizationListSchema)
def list_orgs(query: dict):
    """Organisations, optionally one import `ref` or one `kind`."""
    stmt = select(Organization).order_by(Organization.id)
    if query.get("ref"):
        stmt = stmt.where(Organization.ref == query["ref"])
    if query.get("kind"):
        stmt = stmt.where(Organization.kind == query["kind"])
    orgs = list(db.session.scalars(stmt.limit(500)))
    schemas.preload_verified_on(orgs)
    return listed(orgs)


@blp.route("/orgs/<int:org_id>")
@public
@blp.response(200, schemas.OrganizationSchema)
def get_org(org_id: int):
    """One organisation; contact details only for signed-in callers."""
    return accounts.get_organization(db.session, org_id)


@blp.route("/places/communes")
@public
@blp.arguments(schemas.CommuneQuerySchema, location="query")
@blp.response(200, schemas.CommuneListSchema)
def communes(query: dict):
    """Communes and wards whose name contains the words typed, accents optional."""
    results = search_communes(db.session, query["q"], limit=query["limit"])
    return listed(results)
