"""Schemas of the prices endpoint: reference prices of the price board, filtered by product,
market and day."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.market.models import MARKETS


class PriceQuerySchema(Schema):
    product = fields.String(load_default=None, validate=validate.Length(max=120), metadata={
        "description": "a product id, or its name as people write it (accents optional): xoai cat chu"})
    market = fields.String(load_default=None, validate=validate.OneOf(MARKETS),
                           metadata={"description": "farm_gate, wholesale, supermarket or export"})
    since = fields.Date(load_default=None, metadata={"description": "prices seen on or after this day (YYYY-MM-DD)"})


class PriceProductSchema(Schema):
    id = fields.Integer()
    name_vi = fields.String()
    name_en = fields.String()


class ReferencePriceSchema(Schema):
    id = fields.Integer()
    ref = fields.String(allow_none=True)
    product = fields.Nested(PriceProductSchema)
    variety = fields.String(metadata={"description": "the variety, chosen or as typed; empty for none"})
    market = fields.String(metadata={"description": "farm_gate, wholesale, supermarket or export"})
    observed_on = fields.Date()
    price_min_vnd = fields.Integer()
    price_max_vnd = fields.Integer()
    unit = fields.String()
    place = fields.String()
    commune_code = fields.String(allow_none=True)
    source = fields.String()


class PriceListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(ReferencePriceSchema))
