"""Marshmallow schemas of the JSON shapes promised in architecture.md: one definition per shape.

Views return objects (models, or small result objects) and the schema given to `@blp.response`
serialises them, so the OpenAPI document and the JSON sent are the same declaration. Values that
depend on the day or on the caller are computed here (`caller`), never by the view. Validity is
computed for today, so an expired or suspended credential is never reported as valid.
"""

from __future__ import annotations

from flask import request, url_for
from marshmallow import Schema, fields, post_dump, validate

from marketplace import db, formatting
from marketplace.api import caller
from marketplace.api.fields import (
    ComputedBoolean,
    ComputedDate,
    ComputedInteger,
    ComputedList,
    ComputedNested,
    ComputedString,
    Quantity,
    Timestamp,
)
from marketplace.credentials.services import certificates_of, codes_of, ocop_stars
from marketplace.demand import rules as demand_rules
from marketplace.listings import rules as listing_rules
from marketplace.markets import market_names
from marketplace.numbers import MAX_ID
from marketplace.verification.services import verified_dates

CONTACT_FIELDS = ("phone", "zalo", "email")


class ProblemSchema(Schema):
    """Every API error (errors.json_error): a message in the caller's language, and messages per field."""

    error = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", required=True, keys=fields.String(), metadata={
        "description": "field name: list of messages (for a list parameter, messages per item index)"})


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
    """An organisation, its valid credentials counted for today; contact details only for
    signed-in callers (left out, not null, for the others)."""

    commune = fields.Nested(CommuneSchema, allow_none=True)
    address = fields.String()
    description = fields.String()
    members_count = fields.Integer(allow_none=True)
    founded_on = fields.Date(allow_none=True)
    founded_from = fields.Nested(OrgRefSchema, allow_none=True)
    tourism = fields.Boolean()
    verified = fields.Boolean()
    verified_on = ComputedDate("verified_on_of", allow_none=True, metadata={
        "description": "the day staff verified it (null: not verified, or verified before the log was kept)"})
    is_demo = fields.Boolean()
    certificates = ComputedList("certificates_of", fields.Nested("CertificateSchema"))
    planting_codes = ComputedList("codes_of", fields.Nested("PlantingCodeSchema"))
    ocop_stars = ComputedInteger("ocop_stars_of", allow_none=True)
    phone = fields.String(metadata={"description": "Only for signed-in callers"})
    zalo = fields.String(metadata={"description": "Only for signed-in callers"})
    email = fields.String(metadata={"description": "Only for signed-in callers"})

    def certificates_of(self, org):
        return certificates_of(db.session, org)

    def codes_of(self, org):
        return codes_of(db.session, org)

    def ocop_stars_of(self, org):
        return ocop_stars(certificates_of(db.session, org), caller.today())

    def verified_on_of(self, org):
        if not org.verified:
            return None
        known = request.environ.get(_VERIFIED_ON, {})
        if org.id in known:
            return known[org.id]
        return verified_dates(db.session, [org.id]).get(org.id)

    @post_dump
    def _contact_for_signed_in_callers(self, data: dict, **kwargs) -> dict:
        if not caller.is_signed_in():
            for name in CONTACT_FIELDS:
                data.pop(name, None)
        return data


_VERIFIED_ON = "marketplace.api.verified_on"


def preload_verified_on(orgs: list) -> None:
    """The days a list's verified organisations were verified, in one query for the whole list."""
    request.environ[_VERIFIED_ON] = verified_dates(db.session, [org.id for org in orgs if org.verified])


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


class _CredentialSchema(Schema):
    """Status and validity as of today: a credential past its end date reads `expired`."""

    status = ComputedString("status_today", metadata={
        "description": "pending, active, suspended, revoked or expired"})
    valid = ComputedBoolean("valid_today", metadata={"description": "verified by staff and not expired today"})

    def status_today(self, credential) -> str:
        return "expired" if credential.validity_on(caller.today()).state == "expired" else credential.status

    def valid_today(self, credential) -> bool:
        return credential.validity_on(caller.today()).valid


class CertificateSchema(_CredentialSchema):
    type = fields.String()
    number = fields.String()
    stars = fields.Integer(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    issuer = fields.String(metadata={"description": "who issued it, as written; empty when not given"})
    products = fields.String(attribute="product_text", metadata={
        "description": "the products it covers, as written on it"})
    area_ha = fields.Float(allow_none=True, metadata={"description": "area covered, in hectares"})
    markets = fields.List(fields.String(), attribute="market_list", metadata={
        "description": "export markets it covers: ISO 3166 codes, and EU"})


class PlantingCodeSchema(_CredentialSchema):
    code = fields.String()
    kind = fields.String(metadata={"description": "growing_area or packing_house"})
    markets = fields.List(fields.String(), attribute="market_list")
    valid_until = fields.Date(allow_none=True)
    issuer = fields.String(metadata={"description": "who issued the code, as written; empty when not given"})
    area_ha = fields.Float(allow_none=True, metadata={"description": "area of the planting area, in hectares"})
    held_by = fields.Nested(OrgRefSchema, metadata={
        "description": "on a listing: the cooperative whose code it is, when not the listing's organisation "
                       "(shared with its member club); left out for the organisation's own codes"})


class _CodeOnListing:
    """A code as a listing carries it: the code, and who holds it when that is another organisation."""

    def __init__(self, code, listing) -> None:
        self._code = code
        if code.organization_id != listing.organization_id:
            self.held_by = code.organization

    def __getattr__(self, name):
        return getattr(self._code, name)


class _ProductSchema(Schema):
    """What listings and demand posts share: the product as read, and as typed."""

    product = fields.String(attribute="product.name_vi")
    variety = fields.String(attribute="variety_name")
    product_text = fields.String(metadata={"description": "the product as it was typed"})
    in_catalogue = fields.Boolean(attribute="product.in_catalogue", metadata={
        "description": "false while the product is a name the catalogue lacks, kept as typed for staff to map"})
    grade = fields.String(metadata={"description": "grade as written, e.g. loại 1, xuất khẩu"})
    category = fields.String(attribute="product.category_code")
    name_en = fields.String(attribute="title_en", metadata={
        "description": "product and variety in English, e.g. Hoa Loc mango (product and variety stay Vietnamese)"})
    unit_en = ComputedString("unit_in_english", metadata={
        "description": "the unit in English for the quantity, e.g. tonnes, fruit, visits (unit stays the stored code)"})

    def unit_in_english(self, post) -> str:
        return formatting.unit(post.unit, post.quantity, "en")


class HouseholdRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ListingSchema(_ProductSchema):
    id = fields.Integer()
    ref = fields.String(allow_none=True)
    quantity = Quantity()
    quantity_available = Quantity()
    unit = fields.String()
    min_order = Quantity(allow_none=True)
    price_vnd = fields.Integer(allow_none=True, metadata={
        "description": "whole đồng per kg for kg, tạ and tấn, else per unit; null when negotiable"})
    price_negotiable = fields.Boolean()
    available_from = fields.Date()
    available_to = fields.Date()
    status = ComputedString("status_today",
                            metadata={"description": "draft, published, paused, sold_out or expired"})
    org = fields.Nested(OrgRefSchema, attribute="organization")
    commune = fields.Nested(CommuneSchema, attribute="organization.commune", allow_none=True)
    certificates = fields.List(fields.Nested(CertificateSchema))
    ocop_stars = ComputedInteger("ocop_stars_today", allow_none=True,
                                 metadata={"description": "stars of a valid OCOP rating, else null"})
    planting_codes = ComputedList("codes_on", fields.Nested(PlantingCodeSchema))
    producer_name = fields.String()
    household = fields.Nested(HouseholdRefSchema, allow_none=True, metadata={
        "description": "the club's household it was grown by (Hộ trồng), or null"})
    delivery_area = fields.String()
    description = fields.String()
    photos = ComputedList("photo_urls", fields.Url())

    def status_today(self, listing) -> str:
        return listing_rules.effective_status(listing.status, listing.available_to, listing.quantity_available,
                                              caller.today())

    def codes_on(self, listing) -> list:
        return [_CodeOnListing(code, listing) for code in listing.planting_codes]

    def ocop_stars_today(self, listing) -> int | None:
        return ocop_stars(listing.certificates, caller.today())

    def photo_urls(self, listing) -> list[str]:
        return [url_for("media.photo", key=p.key, size="detail", _external=True) for p in listing.photos]


class ListingListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(ListingSchema))


class ListingQuerySchema(Schema):
    ref = fields.String(load_default=None)
    org = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                         metadata={"description": "only this organisation's listings"})


class ListingInputSchema(Schema):
    """Values are taken as given and checked by the listing rules, which answer in the caller's
    language; numbers may be JSON numbers or text such as "2,5" or "38k"."""

    class Meta:
        unknown = "exclude"

    # allow_none: a null reaches the listing rules, which answer in the caller's language
    # (marshmallow's own "Field may not be null." is English only).

    ref = fields.Raw(allow_none=True, load_default=None)
    product = fields.Raw(allow_none=True, load_default="", metadata={"description": "name or synonym, e.g. xoài, khóm"})
    variety = fields.Raw(allow_none=True, load_default="")
    grade = fields.Raw(allow_none=True, load_default="")
    quantity = fields.Raw(allow_none=True, load_default=None)
    unit = fields.Raw(allow_none=True, load_default="")
    min_order = fields.Raw(allow_none=True, load_default=None)
    price_vnd = fields.Raw(allow_none=True, load_default=None)
    price_negotiable = fields.Raw(allow_none=True, load_default=False)
    available_from = fields.Raw(allow_none=True, load_default=None,
                                metadata={"description": "YYYY-MM-DD or dd/mm/yyyy"})
    available_to = fields.Raw(allow_none=True, load_default=None)
    delivery_area = fields.Raw(allow_none=True, load_default="")
    description = fields.Raw(allow_none=True, load_default="")
    producer_name = fields.Raw(allow_none=True, load_default="")
    household_id = fields.Raw(allow_none=True, load_default=None,
                              metadata={"description": "one of the club's active households (id), optional"})
    certificates = fields.Raw(allow_none=True, load_default=None,
                              metadata={"description": "the org's certificate numbers"})
    planting_codes = fields.Raw(allow_none=True, load_default=None,
                                metadata={"description": "the org's planting codes"})
    publish = fields.Raw(allow_none=True, load_default=True)


class MarketNamesSchema(Schema):
    vi = fields.String()
    en = fields.String()


class DemandSchema(_ProductSchema):
    id = fields.Integer()
    ref = fields.String(allow_none=True)
    quantity = Quantity()
    unit = fields.String()
    frequency = fields.String(metadata={"description": "once, weekly, monthly or seasonal"})
    needed_from = fields.Date()
    needed_to = fields.Date()
    price_min_vnd = fields.Integer(allow_none=True)
    price_max_vnd = fields.Integer(allow_none=True)
    required_certificates = fields.List(fields.String(), attribute="certificate_list")
    min_ocop_stars = fields.Integer(allow_none=True)
    needs_planting_code = fields.Boolean()
    export_market = fields.String(metadata={"description": "ISO 3166 code (or EU); empty when none was read"})
    export_market_name = ComputedNested("market_names", MarketNamesSchema, allow_none=True,
                                        metadata={"description": "the market's names; null when there is none"})
    export_market_as_written = fields.String(
        metadata={"description": "what the buyer wrote when it names no market we could read (else empty)"})
    status = ComputedString("status_today", metadata={"description": "open, paused, closed, fulfilled or expired"})
    org = ComputedNested("buyer", OrgRefSchema, allow_none=True,
                         metadata={"description": "null for anonymous callers"})
    commune = fields.Nested(CommuneSchema, attribute="delivery_commune", allow_none=True)
    quality_notes = fields.String()

    def market_names(self, demand):
        return market_names(demand.export_market)

    def status_today(self, demand) -> str:
        return demand_rules.effective_status(demand.status, demand.needed_to, caller.today())

    def buyer(self, demand):
        # Visitors see the need but not who has it.
        return demand.organization if caller.is_signed_in() else None


class DemandListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(DemandSchema))


class DemandQuerySchema(Schema):
    ref = fields.String(load_default=None)


class DemandInputSchema(Schema):
    """Checked by the demand rules, which answer in the caller's language."""

    class Meta:
        unknown = "exclude"

    ref = fields.Raw(load_default=None)
    product = fields.Raw(load_default="")
    variety = fields.Raw(load_default="")
    grade = fields.Raw(allow_none=True, load_default="")
    quantity = fields.Raw(load_default=None)
    unit = fields.Raw(load_default="")
    frequency = fields.Raw(load_default="once")
    needed_from = fields.Raw(load_default=None)
    needed_to = fields.Raw(load_default=None)
    commune_code = fields.Raw(load_default=None)
    price_min_vnd = fields.Raw(load_default=None)
    price_max_vnd = fields.Raw(load_default=None)
    required_certificates = fields.Raw(load_default=None, metadata={"description": "list or ;-separated"})
    min_ocop_stars = fields.Raw(load_default=None)
    needs_planting_code = fields.Raw(load_default=False)
    export_market = fields.Raw(load_default="")
    quality_notes = fields.Raw(load_default="")


class MemberSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    role = fields.String(metadata={"description": "seller, buyer, staff or admin"})
    board = fields.Boolean(metadata={"description": "on the organisation's board (invites and removes members)"})
    title = fields.String()
    joined_at = Timestamp()


class MemberListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(MemberSchema))


class InvitationInputSchema(Schema):
    name = fields.Raw(allow_none=True, load_default="")
    phone = fields.Raw(allow_none=True, load_default=None, metadata={"description": "0912 345 678, +84 912 345 678…"})
    email = fields.Raw(allow_none=True, load_default=None)
    role = fields.Raw(allow_none=True, load_default="seller", metadata={"description": "seller, buyer or board"})
    title = fields.Raw(allow_none=True, load_default="")


class InvitationSchema(Schema):
    id = fields.Integer()
    link = fields.String(metadata={"description": "the invitation's link, shown this once"})
    code = fields.String(metadata={"description": "the 6-digit code, shown this once"})
    expires_at = Timestamp()
    role = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
