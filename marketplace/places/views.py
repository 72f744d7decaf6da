"""The commune picker's type-ahead endpoint."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from marketplace import db
from marketplace.access import public
from marketplace.places.services import search_communes

bp = Blueprint("places", __name__, url_prefix="/places")


@bp.route("/communes")
@public
def communes():
    query = (request.args.get("q") or "")[:80]
    results = search_communes(db.session, query, limit=10)
    response = jsonify({"results": [
        {"code": c.code, "name": c.name, "province": c.province.short_name, "label": c.label}
        for c in results
    ]})
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
