"""Marshmallow schemas of the JSON shapes promised in architecture.md."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class CommuneSchema(Schema):
    code = fields.String()
    name = fields.String()
    province = fields.String(attribute="province.short_name")


class OrgRefSchema(Schema):
    id = fields.Integer()
    ref = fields.String()
    name = fields.String()
    kind = fields.String()


class OrganizationSchema(OrgRefSchema):
    commune = fields.Nested(CommuneSchema, allow_none=True)
    address = fields.String()
    description = fields.String()
    members_count = fields.Integer(allow_none=True)
    founded_on = fields.Date(allow_none=True)
    founded_from = fields.Nested(OrgRefSchema, allow_none=True)
    tourism = fields.Boolean()
    verified = fields.Boolean()
    is_demo = fields.Boolean()
    phone = fields.String(metadata={"description": "Only for signed-in callers"})
    zalo = fields.String(metadata={"description": "Only for signed-in callers"})
    email = fields.String(metadata={"description": "Only for signed-in callers"})


class OrganizationListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(OrganizationSchema))


class OrgQuerySchema(Schema):
    ref = fields.String(load_default=None)
    kind = fields.String(load_default=None)


class MembershipSchema(Schema):
    role = fields.String()
    title = fields.String()
    organization = fields.Nested(OrgRefSchema)


class MeSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    locale = fields.String()
    memberships = fields.List(fields.Nested(MembershipSchema))


class CommuneQuerySchema(Schema):
    q = fields.String(load_default="")
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class CommuneListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(CommuneSchema))


class IndexSchema(Schema):
    name = fields.String()
    version = fields.String()
    openapi = fields.String()
