"""Schemas of the lots endpoints (issue #18): a lot as its organisation sees it, with its events,
one step back and forward, and the orders it went with; and what a new lot or event says."""

from __future__ import annotations

from marshmallow import Schema, fields

from marketplace.api.fields import Quantity, Timestamp
from marketplace.api.schemas import CommuneSchema, OrgRefSchema


class LotInputSchema(Schema):
    """Values are taken as given and checked by the lot rules, which answer in the caller's
    language; numbers may be JSON numbers or text such as "2,5", dates YYYY-MM-DD or dd/mm/yyyy."""

    class Meta:
        unknown = "exclude"

    code = fields.Raw(allow_none=True, load_default="", metadata={
        "description": "the club's own code (letters, digits, - _ .); left out: one is made, e.g. DT-2612-7KQ4M"})
    listing_id = fields.Raw(allow_none=True, load_default=None, metadata={
        "description": "one of the organisation's listings: its product, variety, unit and codes are used"})
    product = fields.Raw(allow_none=True, load_default="", metadata={"description": "as written, e.g. xoài cát Chu"})
    variety = fields.Raw(allow_none=True, load_default="")
    gtin = fields.Raw(allow_none=True, load_default="", metadata={"description": "8, 12, 13 or 14 digits"})
    growing_area_code = fields.Raw(allow_none=True, load_default="")
    packing_house_code = fields.Raw(allow_none=True, load_default="")
    harvested_on = fields.Raw(allow_none=True, load_default=None)
    quantity = fields.Raw(allow_none=True, load_default=None)
    unit = fields.Raw(allow_none=True, load_default="")
    best_before = fields.Raw(allow_none=True, load_default=None)
    producer_name = fields.Raw(allow_none=True, load_default="", metadata={"description": "the household"})
    note = fields.Raw(allow_none=True, load_default="")
    sources = fields.Raw(allow_none=True, load_default=None, metadata={
        "description": "lots this one is made from: [{code, quantity}] (a packing, or a shipment split from one)"})


class EventInputSchema(Schema):
    class Meta:
        unknown = "exclude"

    kind = fields.Raw(allow_none=True, load_default="", metadata={
        "description": "harvested, sorted, packed or shipped (received is the buyer's, on the order)"})
    happened_at = fields.Raw(allow_none=True, load_default=None, metadata={
        "description": "RFC 3339, or dd/mm/yyyy HH:MM in Vietnam's time; left out: now"})
    commune_code = fields.Raw(allow_none=True, load_default=None)
    place = fields.Raw(allow_none=True, load_default="")
    actor_name = fields.Raw(allow_none=True, load_default="")
    quantity = fields.Raw(allow_none=True, load_default=None)
    unit = fields.Raw(allow_none=True, load_default="")
    note = fields.Raw(allow_none=True, load_default="")
    corrects_event_id = fields.Raw(allow_none=True, load_default=None, metadata={
        "description": "the event of this lot this one corrects (the note says what was wrong)"})
    order_id = fields.Raw(allow_none=True, load_default=None)


class LotEventSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    happened_at = Timestamp()
    commune = fields.Nested(CommuneSchema, allow_none=True)
    place = fields.String()
    actor_name = fields.String()
    quantity = Quantity(allow_none=True)
    unit = fields.String()
    note = fields.String()
    corrects_event_id = fields.Integer(attribute="corrects_id", allow_none=True)
    order_id = fields.Integer(allow_none=True)
    org = fields.Nested(OrgRefSchema, attribute="organization", allow_none=True,
                        metadata={"description": "who recorded it: the lot's holder, or the buyer"})
    buyer_named = fields.Boolean()
    created_at = Timestamp()


class LinkedLotSchema(Schema):
    code = fields.String()
    quantity = Quantity(allow_none=True, metadata={"description": "how much went; null: all of it"})
    unit = fields.String(metadata={"description": "the unit of the quantity: the receiving lot's"})


class LotOrderSchema(Schema):
    order_id = fields.Integer()
    quantity = Quantity(allow_none=True)


class LotSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    trace_path = fields.String(metadata={"description": "the public trace page's path"})
    org = fields.Nested(OrgRefSchema)
    state = fields.String(metadata={"description": "the furthest step recorded, or new"})
    product_id = fields.Integer()
    product = fields.String(metadata={"description": "the product's name"})
    product_text = fields.String(metadata={"description": "as the club wrote it"})
    variety = fields.String()
    gtin = fields.String()
    growing_area_code = fields.String(allow_none=True)
    packing_house_code = fields.String(allow_none=True)
    harvested_on = fields.Date(allow_none=True)
    best_before = fields.Date(allow_none=True)
    quantity = Quantity()
    unit = fields.String()
    producer_name = fields.String()
    note = fields.String()
    listing_id = fields.Integer(allow_none=True)
    created_at = Timestamp()
    events = fields.List(fields.Nested(LotEventSchema))
    sources = fields.List(fields.Nested(LinkedLotSchema), metadata={"description": "one step back"})
    destinations = fields.List(fields.Nested(LinkedLotSchema), metadata={"description": "one step forward"})
    orders = fields.List(fields.Nested(LotOrderSchema))
