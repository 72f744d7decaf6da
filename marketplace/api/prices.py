"""API v1 for the price board: reference prices, newest first (public, like the board)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace import db
from marketplace.access import public
from marketplace.api import price_schemas
from marketplace.api.blueprint import blp, listed
from marketplace.market.models import ReferencePrice
from marketplace.products.models import Product
from marketplace.products.services import find_product

MAX_RESULTS = 1000


@blp.route("/prices")
@public
@blp.arguments(price_schemas.PriceQuerySchema, location="query")
@blp.response(200, price_schemas.PriceListSchema)
def list_prices(query: dict):
    """Reference prices, newest first (at most 1000): of a product (its id or its name as typed),
    at a market, seen since a day. A product name that names none gives no results."""
    found = select(ReferencePrice).order_by(ReferencePrice.observed_on.desc(), ReferencePrice.id.desc())
    text = (query.get("product") or "").strip()
    if text:
        product = db.session.get(Product, int(text)) if text.isdecimal() and len(text) < 10 else find_product(
            db.session, text)
        if product is None:
            return listed([])
        found = found.where(ReferencePrice.product_id == product.id)
    if query.get("market"):
        found = found.where(ReferencePrice.market == query["market"])
    if query.get("since"):
        found = found.where(ReferencePrice.observed_on >= query["since"])
    return listed([{"id": p.id, "ref": p.ref, "product": p.product, "variety": p.variety_name, "market": p.market,
                    "observed_on": p.observed_on, "price_min_vnd": p.price_min_vnd, "price_max_vnd": p.price_max_vnd,
                    "unit": p.unit, "place": p.place, "commune_code": p.commune_code, "source": p.source}
                   for p in db.session.scalars(found.limit(MAX_RESULTS))])
