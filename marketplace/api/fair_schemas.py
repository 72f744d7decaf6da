"""Schemas of the fairs endpoints: a published fair with its catalogs, and a fair's catalog with
its sections and entries (each entry's listing in the listings' own shape)."""

from __future__ import annotations

from marshmallow import Schema, fields

from marketplace.api.fields import Timestamp
from marketplace.api.schemas import CommuneSchema, ListingSchema, OrgRefSchema


class CatalogRefSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    title_en = fields.String()
    url = fields.Url(metadata={"description": "the catalog's page"})
    pdf = fields.Url(metadata={"description": "the printable catalog (A4 PDF)"})


class FairSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    kind = fields.String(metadata={"description": "fair, connection (supply–demand connection event) or workshop"})
    name = fields.String()
    name_en = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    venue = fields.String()
    commune = fields.Nested(CommuneSchema, allow_none=True)
    catalogs = fields.List(fields.Nested(CatalogRefSchema), metadata={"description": "its published catalogs"})


class FairListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(FairSchema))


class CatalogEntrySchema(Schema):
    id = fields.Integer()
    org = fields.Nested(OrgRefSchema)
    listing = fields.Nested(ListingSchema, allow_none=True, metadata={
        "description": "null for an organisation listed without a listing, or a listing no longer shown"})
    state = fields.String(metadata={
        "description": "on_sale, sold_out, paused, expired, withdrawn or organisation, as of today"})
    booth_number = fields.String(allow_none=True, metadata={"description": "the booth it holds at the fair"})
    note = fields.String()
    note_en = fields.String()


class CatalogSectionSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    title_en = fields.String()
    entries = fields.List(fields.Nested(CatalogEntrySchema))


class FairCatalogSchema(CatalogRefSchema):
    fair_id = fields.Integer()
    cover_text = fields.String()
    cover_text_en = fields.String()
    published_at = Timestamp(allow_none=True)
    sections = fields.List(fields.Nested(CatalogSectionSchema))
