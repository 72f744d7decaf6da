"""API v1 for matches: the listings that can serve a demand post, the demand a listing can serve."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, missing, validate

from marketplace import db
from marketplace.accounts.permissions import can_manage_demand, can_manage_supply
from marketplace.api import caller
from marketplace.api.blueprint import signed_in_endpoint
from marketplace.api.fields import ComputedDict, ComputedInteger, ComputedList, ComputedString
from marketplace.demand import services as demand_service
from marketplace.errors import PermissionDenied
from marketplace.listings import services as listings
from marketplace.matching import services as matching
from marketplace.matching.presentation import describe, reasons_json


@dataclass
class ShownMatch:
    """A match as one side sees it: the buyer sees the listing, the seller the demand post."""

    match: matching.Match
    side: str
    dismissed: bool


class MatchQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class MatchSchema(Schema):
    """Dumps a ShownMatch (api.matches): a match seen from one side, the other side's post named."""

    listing_id = ComputedInteger("listing_id_shown", metadata={"description": "on /demand/{id}/matches"})
    listing_ref = ComputedString("listing_ref_shown", allow_none=True)
    demand_id = ComputedInteger("demand_id_shown", metadata={"description": "on /listings/{id}/matches"})
    demand_ref = ComputedString("demand_ref_shown", allow_none=True)
    full = fields.Boolean(attribute="match.full",
                          metadata={"description": "meets every hard constraint; false: a near miss"})
    score = fields.Integer(attribute="match.score", metadata={"description": "0–100, see docs/matching.md"})
    dismissed = fields.Boolean()
    reasons = ComputedList("reasons_shown", fields.String(), metadata={"description": "in the caller's language"})
    unmet = ComputedList("unmet_shown", fields.String())
    details = ComputedDict("details_shown", metadata={"description": "the same as data: {code, …parameters, text}"})

    def listing_id_shown(self, shown):
        return shown.match.listing.id if shown.side == "buyer" else missing

    def listing_ref_shown(self, shown):
        return shown.match.listing.ref if shown.side == "buyer" else missing

    def demand_id_shown(self, shown):
        return shown.match.demand.id if shown.side == "seller" else missing

    def demand_ref_shown(self, shown):
        return shown.match.demand.ref if shown.side == "seller" else missing

    def reasons_shown(self, shown) -> list[str]:
        return [describe(r) for r in shown.match.reasons]

    def unmet_shown(self, shown) -> list[str]:
        return [describe(r) for r in shown.match.unmet]

    def details_shown(self, shown) -> dict:
        return {"reasons": reasons_json(shown.match.reasons), "unmet": reasons_json(shown.match.unmet)}


class MatchListSchema(Schema):
    total = fields.Integer()
    matches = fields.List(fields.Nested(MatchSchema))


def _shown(matches, side: str, limit: int) -> dict:
    hidden = matching.dismissed(db.session, side, demand_ids={m.demand.id for m in matches},
                                listing_ids={m.listing.id for m in matches}) if matches else set()
    return {"total": len(matches), "matches": [ShownMatch(m, side, m.key in hidden) for m in matches[:limit]]}


@signed_in_endpoint("/demand/<int:demand_id>/matches", arguments=MatchQuerySchema, response=(200, MatchListSchema),
                    location="query")
def demand_matches(query: dict, demand_id: int):
    """Listings that can serve this demand post: full matches first (best score first), then near
    misses with what is unmet. The buyer's own posts only (and staff)."""
    demand = demand_service.get_demand(db.session, demand_id)
    if not (can_manage_demand(current_user, demand.organization) or current_user.is_staff):
        raise PermissionDenied(_("Only the buyer who posted this request can see its matches."))
    return _shown(matching.matches_for_demand(db.session, demand.id, caller.today()), "buyer", query["limit"])


@signed_in_endpoint("/listings/<int:listing_id>/matches", arguments=MatchQuerySchema,
                    response=(200, MatchListSchema), location="query")
def listing_matches(query: dict, listing_id: int):
    """Open demand this listing can serve, full matches first. The club's own listings only (and staff)."""
    listing = listings.get_listing(db.session, listing_id)
    if not (can_manage_supply(current_user, listing.organization) or current_user.is_staff):
        raise PermissionDenied(_("Only the club that lists this can see its matches."))
    return _shown(matching.matches_for_listing(db.session, listing.id, caller.today()), "seller", query["limit"])
