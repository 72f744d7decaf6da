"""Marshmallow schemas of the JSON shapes promised in architecture.md."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from marketplace.numbers import MAX_ID


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
    commune = fields.Nested(CommuneSchema, allow_none=True)
    address = fields.String()
    description = fields.String()
    members_count = fields.Integer(allow_none=True)
    founded_on = fields.Date(allow_none=True)
    founded_from = fields.Nested(OrgRefSchema, allow_none=True)
    tourism = fields.Boolean()
    verified = fields.Boolean()
    is_demo = fields.Boolean()
    certificates = fields.List(fields.Nested("CertificateSchema"))
    planting_codes = fields.List(fields.Nested("PlantingCodeSchema"))
    ocop_stars = fields.Integer(allow_none=True)
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


class CertificateSchema(Schema):
    type = fields.String()
    number = fields.String()
    stars = fields.Integer(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    status = fields.String(metadata={"description": "pending, active, suspended, revoked or expired"})
    valid = fields.Boolean(metadata={"description": "verified by staff and not expired today"})


class PlantingCodeSchema(Schema):
    code = fields.String()
    kind = fields.String(metadata={"description": "growing_area or packing_house"})
    status = fields.String()
    markets = fields.List(fields.String())
    valid_until = fields.Date(allow_none=True)
    valid = fields.Boolean()


class ListingSchema(Schema):
    id = fields.Integer()
    ref = fields.String(allow_none=True)
    product = fields.String()
    variety = fields.String()
    product_text = fields.String(metadata={"description": "the product as it was typed"})
    in_catalogue = fields.Boolean(metadata={
        "description": "false while the product is a name the catalogue lacks, kept as typed for staff to map"})
    grade = fields.String(metadata={"description": "grade as written, e.g. loại 1, xuất khẩu"})
    category = fields.String()
    quantity = fields.Float()
    quantity_available = fields.Float()
    unit = fields.String()
    min_order = fields.Float(allow_none=True)
    price_vnd = fields.Integer(allow_none=True, metadata={
        "description": "whole đồng per kg for kg, tạ and tấn, else per unit; null when negotiable"})
    price_negotiable = fields.Boolean()
    available_from = fields.Date()
    available_to = fields.Date()
    status = fields.String(metadata={"description": "draft, published, paused, sold_out or expired"})
    org = fields.Nested(OrgRefSchema)
    commune = fields.Nested(CommuneSchema, allow_none=True)
    certificates = fields.List(fields.Nested(CertificateSchema))
    ocop_stars = fields.Integer(allow_none=True, metadata={"description": "stars of a valid OCOP rating, else null"})
    planting_codes = fields.List(fields.Nested(PlantingCodeSchema))
    producer_name = fields.String()
    delivery_area = fields.String()
    description = fields.String()
    photos = fields.List(fields.Url())


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
    certificates = fields.Raw(allow_none=True, load_default=None,
                              metadata={"description": "the org's certificate numbers"})
    planting_codes = fields.Raw(allow_none=True, load_default=None,
                                metadata={"description": "the org's planting codes"})
    publish = fields.Raw(allow_none=True, load_default=True)


class DemandSchema(Schema):
    id = fields.Integer()
    ref = fields.String(allow_none=True)
    product = fields.String()
    variety = fields.String()
    product_text = fields.String(metadata={"description": "the product as it was typed"})
    in_catalogue = fields.Boolean(metadata={
        "description": "false while the product is a name the catalogue lacks, kept as typed for staff to map"})
    grade = fields.String(metadata={"description": "grade as written, e.g. loại 1, xuất khẩu"})
    category = fields.String()
    quantity = fields.Float()
    unit = fields.String()
    frequency = fields.String(metadata={"description": "once, weekly, monthly or seasonal"})
    needed_from = fields.Date()
    needed_to = fields.Date()
    price_min_vnd = fields.Integer(allow_none=True)
    price_max_vnd = fields.Integer(allow_none=True)
    required_certificates = fields.List(fields.String())
    min_ocop_stars = fields.Integer(allow_none=True)
    needs_planting_code = fields.Boolean()
    export_market = fields.String()
    status = fields.String(metadata={"description": "open, paused, closed, fulfilled or expired"})
    org = fields.Nested(OrgRefSchema, allow_none=True, metadata={"description": "null for anonymous callers"})
    commune = fields.Nested(CommuneSchema, allow_none=True)
    quality_notes = fields.String()


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


class SearchQuerySchema(Schema):
    """Documents the parameters; the values are read by marketplace.search.query.read_request,
    which reports every unreadable one (422) instead of guessing."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(metadata={"description": "words, with or without accents; \"quoted phrase\"; "
                                               "certificate names (vietgap, hữu cơ) and ocop act as filters"})
    type = fields.String(metadata={"description": "listing | demand | org"})
    category = fields.String(metadata={"description": "category code, e.g. fruit"})
    commune = fields.String(metadata={"description": "5-digit commune code"})
    certificate = fields.List(fields.String(), metadata={
        "description": "vietgap | globalgap | organic (repeat or comma-separate); valid credentials only"})
    min_ocop = fields.String(metadata={"description": "1–5; a valid OCOP rating with at least these stars"})
    has_planting_code = fields.String(metadata={"description": "true: an active growing-area code"})
    available_from = fields.String(metadata={"description": "dd/mm/yyyy or yyyy-mm-dd"})
    available_to = fields.String(metadata={"description": "dd/mm/yyyy or yyyy-mm-dd"})
    price_min = fields.String(metadata={"description": "đồng per unit (per kg for goods sold by weight); 38k works"})
    price_max = fields.String()
    sort = fields.String(metadata={"description": "relevance | price | newest | harvest"})
    page = fields.String(metadata={"description": "from 1"})
    per_page = fields.String(metadata={"description": "1–100, default 20"})


class SearchHitSchema(Schema):
    type = fields.String()
    id = fields.Integer()
    ref = fields.String(allow_none=True)
    title = fields.String()
    org = fields.Nested(OrgRefSchema, allow_none=True)
    score = fields.Float(allow_none=True, metadata={"description": "relevance; null when sorted by a field"})
    highlight = fields.String(metadata={"description": "the title as HTML-escaped text, matches in <mark>"})
    snippet = fields.String()
    price_vnd = fields.Integer(allow_none=True)
    url = fields.Url()


class SearchResultSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    results = fields.List(fields.Nested(SearchHitSchema))
    facets = fields.Dict(metadata={"description": "type, category, commune (top 12): counts; credentials: "
                                                  "counts of results with each valid credential"})
    suggestion = fields.String(allow_none=True, metadata={"description": "did you mean, when nothing matched"})


class MatchQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class MatchSchema(Schema):
    listing_id = fields.Integer(metadata={"description": "on /demand/{id}/matches"})
    listing_ref = fields.String(allow_none=True)
    demand_id = fields.Integer(metadata={"description": "on /listings/{id}/matches"})
    demand_ref = fields.String(allow_none=True)
    full = fields.Boolean(metadata={"description": "meets every hard constraint; false: a near miss"})
    score = fields.Integer(metadata={"description": "0–100, see docs/matching.md"})
    dismissed = fields.Boolean()
    reasons = fields.List(fields.String(), metadata={"description": "in the caller's language"})
    unmet = fields.List(fields.String())
    details = fields.Dict(metadata={"description": "the same as data: {code, …parameters, text}"})


class MatchListSchema(Schema):
    total = fields.Integer()
    matches = fields.List(fields.Nested(MatchSchema))


# -- conversations ------------------------------------------------------------------------------

class ConversationInputSchema(Schema):
    """What a new thread is about (one of listing_id, demand_id, offer_id; listing_id with
    demand_id means a match) and its first message."""

    class Meta:
        unknown = "exclude"

    listing_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    demand_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    offer_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    body = fields.Raw(load_default=None, metadata={"description": "the message, 1–4,000 characters"})


class MessageInputSchema(Schema):
    """Checked by the messaging rules, which answer in the caller's language."""

    class Meta:
        unknown = "exclude"

    body = fields.Raw(load_default=None, metadata={"description": "the message, 1–4,000 characters"})


class ConversationOrgSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ConversationMessageSchema(Schema):
    id = fields.Integer()
    body = fields.String()
    author = fields.String(allow_none=True)
    org_id = fields.Integer()
    mine = fields.Boolean(metadata={"description": "written by the caller's side"})
    created_at = fields.DateTime()


class ConversationSchema(Schema):
    id = fields.Integer()
    subject = fields.String()
    side = fields.String(allow_none=True,
                         metadata={"description": "buyer or seller: the caller's side; null for staff"})
    buyer_org = fields.Nested(ConversationOrgSchema)
    seller_org = fields.Nested(ConversationOrgSchema)
    listing_id = fields.Integer(allow_none=True)
    demand_id = fields.Integer(allow_none=True)
    offer_id = fields.Integer(allow_none=True)
    unread = fields.Integer(metadata={"description": "messages from the other side the caller has not read"})
    last_message_at = fields.DateTime()
    last_message = fields.Nested(ConversationMessageSchema, allow_none=True)
    messages = fields.List(fields.Nested(ConversationMessageSchema),
                           metadata={"description": "on GET /conversations/{id} and after posting"})


class ConversationListSchema(Schema):
    total = fields.Integer()
    unread = fields.Integer(metadata={"description": "threads with unread messages"})
    results = fields.List(fields.Nested(ConversationSchema))
