"""API v1 for demand posts: open demand, one post, a new post."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import public
from marketplace.accounts.permissions import buying_org_for
from marketplace.api import caller, schemas
from marketplace.api.blueprint import YES, blp, conflict_if, listed, signed_in_endpoint, text_of
from marketplace.demand import services as demand_service
from marketplace.errors import Conflict, PermissionDenied


@blp.route("/demand")
@public
@blp.arguments(schemas.DemandQuerySchema, location="query")
@blp.response(200, schemas.DemandListSchema)
def list_demand(query: dict):
    """Open demand (in its window), or the post with that import `ref`. Buyers shown to signed-in callers."""
    if not query.get("ref"):
        return listed(demand_service.open_demand(db.session, today=caller.today()))
    found = demand_service.demand_by_ref(db.session, query["ref"])
    return listed([found] if found is not None else [])


@blp.route("/demand/<int:demand_id>")
@public
@blp.response(200, schemas.DemandSchema)
def get_demand(demand_id: int):
    """One demand post; `org` (the buyer) only for signed-in callers."""
    return demand_service.get_demand(db.session, demand_id)


@signed_in_endpoint("/demand", methods=("POST",), arguments=schemas.DemandInputSchema,
                    response=(201, schemas.DemandSchema))
def create_demand(body: dict):
    """Post a demand for the caller's buying organisation: a buyer's, or a club's or cooperative's
    (its buyers and board); `?org=<id>` for another of theirs.

    422 with a message per field: negative quantity, window end before start, minimum price above
    maximum, unknown unit, a text that is not a number, too-long text.
    """
    org = buying_org_for(current_user, request.args.get("org"))
    if org is None:
        raise PermissionDenied(_("Only a buyer, or a club's buyers and board, can post a request."))
    data = demand_service.DemandInput(
        ref=text_of(body.get("ref")) or None, product=text_of(body.get("product")),
        variety=text_of(body.get("variety")), grade=text_of(body.get("grade")),
        quantity=body.get("quantity"), unit=text_of(body.get("unit")),
        frequency=text_of(body.get("frequency")) or "once",
        needed_from=body.get("needed_from"), needed_to=body.get("needed_to"),
        commune_code=text_of(body.get("commune_code")) or None, price_min_vnd=body.get("price_min_vnd"),
        price_max_vnd=body.get("price_max_vnd"), required_certificates=body.get("required_certificates") or "",
        min_ocop_stars=body.get("min_ocop_stars"),
        needs_planting_code=body.get("needs_planting_code") in YES,
        export_market=text_of(body.get("export_market")), quality_notes=text_of(body.get("quality_notes")),
    )

    def taken() -> bool:
        return bool(data.ref) and demand_service.demand_by_ref(db.session, data.ref) is not None

    if taken():
        raise Conflict(_("A request with this reference already exists."))
    with conflict_if(taken, _("A request with this reference already exists.")):
        demand = demand_service.save_demand(db.session, org, data, current_user, today=caller.today())
        db.session.commit()
    return demand, 201
