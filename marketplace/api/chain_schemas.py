"""The shapes of the chains API: a chain's terms, its parties, its planned deliveries with the
orders delivered against them and the lots they named, and its figures."""

from __future__ import annotations

from marshmallow import Schema, fields

from marketplace.api.fields import Timestamp
from marketplace.api.schemas import OrgRefSchema


class ChainPartySchema(Schema):
    org = fields.Nested(OrgRefSchema)
    share_quantity = fields.Float(allow_none=True, metadata={"description": "its part of the total; null: shares it"})
    status = fields.String(metadata={"description": "accepted, declined or waiting"})
    answered_at = Timestamp(allow_none=True)
    decline_reason = fields.String()


class ChainLotSchema(Schema):
    code = fields.String(metadata={"description": "the lot's public code; its trace page is /t/{code}"})
    traceable = fields.Boolean()
    reasons = fields.List(fields.String(), metadata={
        "description": "why a harvest it comes from is not traceable: no_code, no_harvest_date, or the "
                       "code's state on the harvest day (expired, suspended, revoked, pending, not_issued)"})


class ChainOrderSchema(Schema):
    order_id = fields.Integer()
    ref = fields.String(metadata={"description": "the order's reference, e.g. CHQ-000123"})
    seller = fields.Nested(OrgRefSchema)
    status = fields.String()
    quantity = fields.Float(metadata={"description": "in the order's unit"})
    unit = fields.String()
    quantity_in_chain_unit = fields.Float(allow_none=True, metadata={
        "description": "in the chain's unit; null when the order's unit cannot be converted"})
    delivered_on = fields.Date(allow_none=True, metadata={"description": "null: not delivered yet"})
    on_time = fields.Boolean()
    traceable = fields.Boolean()
    trace_reason = fields.String(metadata={"description": "empty when traceable; no_lots, or a harvest's reason"})
    lots = fields.List(fields.Nested(ChainLotSchema))


class ChainDeliverySchema(Schema):
    id = fields.Integer()
    due_on = fields.Date()
    quantity = fields.Float(metadata={"description": "planned, in the chain's unit"})
    seller = fields.Nested(OrgRefSchema, allow_none=True, metadata={"description": "null: any party"})
    delivered_quantity = fields.Float(metadata={"description": "delivered against it, in the chain's unit"})
    orders = fields.List(fields.Nested(ChainOrderSchema))


class ChainFiguresSchema(Schema):
    planned_total = fields.Float()
    planned_to_date = fields.Float(metadata={"description": "of the planned, what is due by today"})
    delivered_quantity = fields.Float(metadata={"description": "orders delivered or completed, in the chain's unit"})
    delivered_percent = fields.Integer(allow_none=True)
    delivered_orders = fields.Integer()
    on_time_orders = fields.Integer()
    on_time_percent = fields.Integer(allow_none=True)
    traceable_orders = fields.Integer()
    traceable_percent = fields.Integer(allow_none=True)
    with_codes_and_traceability = fields.Boolean(metadata={
        "description": "codes are required and every delivered order is traceable to an active code"})


class ChainSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    status = fields.String(metadata={"description": "proposed, active, ended, declined or cancelled"})
    status_reason = fields.String()
    buyer = fields.Nested(OrgRefSchema)
    product = fields.String()
    product_en = fields.String()
    variety = fields.String()
    season_from = fields.Date()
    season_to = fields.Date()
    total_quantity = fields.Float()
    per_delivery_quantity = fields.Float(allow_none=True)
    unit = fields.String()
    price_terms = fields.String(metadata={"description": "fixed, floor or market"})
    price_vnd = fields.Integer(allow_none=True)
    price_unit = fields.String()
    price_note = fields.String()
    quality_standard = fields.String()
    requires_growing_area_code = fields.Boolean()
    required_certificates = fields.List(fields.String())
    schedule_note = fields.String()
    buyer_accepted_at = Timestamp(allow_none=True)
    parties = fields.List(fields.Nested(ChainPartySchema))
    deliveries = fields.List(fields.Nested(ChainDeliverySchema))
    untied_orders = fields.List(fields.Nested(ChainOrderSchema), metadata={
        "description": "orders delivered against the chain but tied to no planned delivery"})
    figures = fields.Nested(ChainFiguresSchema)
