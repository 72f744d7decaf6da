"""API v1 search: listings, demand posts and organisations from the index, with facet counts."""

from __future__ import annotations

from typing import NamedTuple

from flask import request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, fields

from marketplace import db
from marketplace.access import public
from marketplace.api import caller
from marketplace.api.blueprint import blp
from marketplace.api.fields import ComputedList, ComputedNested, ComputedString, ComputedUrl
from marketplace.api.schemas import OrgRefSchema
from marketplace.errors import ValidationError
from marketplace.search import services as search
from marketplace.search.labels import category_codes, problem_messages
from marketplace.search.query import read_request as read_search_request


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


class FoundHit(NamedTuple):
    """A hit of the index and the database object behind it (SearchPage.items())."""

    hit: object
    obj: object


class SearchHitSchema(Schema):
    """Dumps a FoundHit."""

    type = fields.String(attribute="hit.type")
    id = fields.Integer(attribute="hit.object_id")
    ref = ComputedString("ref_or_null", allow_none=True)
    title = fields.String(attribute="hit.title")
    org = ComputedNested("organization", OrgRefSchema, allow_none=True)
    score = fields.Float(attribute="hit.score", allow_none=True,
                         metadata={"description": "relevance; null when sorted by a field"})
    highlight = fields.String(attribute="hit.highlight",
                              metadata={"description": "the title as HTML-escaped text, matches in <mark>"})
    snippet = fields.String(attribute="hit.snippet")
    price_vnd = fields.Integer(attribute="hit.price", allow_none=True)
    url = ComputedUrl("page_url")

    def ref_or_null(self, found: FoundHit) -> str | None:
        return found.hit.ref or None

    def organization(self, found: FoundHit):
        if found.hit.type == "org":
            return found.obj
        if found.hit.type == "demand" and not caller.is_signed_in():
            return None  # visitors see the need but not who has it
        return found.obj.organization

    def page_url(self, found: FoundHit) -> str:
        endpoint, key = {"org": ("main.organization", "org_id"), "listing": ("listings.show", "listing_id"),
                         "demand": ("demand.show", "demand_id")}[found.hit.type]
        return url_for(endpoint, _external=True, **{key: found.obj.id})


class SearchResultSchema(Schema):
    """Dumps a search.services.SearchPage."""

    total = fields.Integer(attribute="result.total")
    page = fields.Integer(attribute="result.page")
    per_page = fields.Integer(attribute="result.per_page")
    results = ComputedList("found", fields.Nested(SearchHitSchema))
    facets = fields.Dict(attribute="result.facets", metadata={
        "description": "type, category, commune (top 12): counts; credentials: counts of results with each valid "
                       "credential"})
    suggestion = fields.String(attribute="result.suggestion", allow_none=True,
                               metadata={"description": "did you mean, when nothing matched"})

    def found(self, page) -> list[FoundHit]:
        return [FoundHit(hit, obj) for hit, obj in page.items()]


@blp.route("/search")
@public
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchResultSchema)
def search_index(_query: dict):
    """Listings, demand posts and organisations that match, with facet counts.

    Only published, unexpired listings with quantity left, open demand and organisations. 422 with
    a message per parameter that cannot be read. `org` of a demand post only for signed-in callers.
    """
    search_request, problems = read_search_request(request.args, categories=category_codes(db.session))
    if problems:
        raise ValidationError(_("Some search parameters could not be read."),
                              fields=problem_messages(problems))
    return search.run_search(db.session, search.backend(), search_request, caller.today())
