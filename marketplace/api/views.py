"""API v1 endpoints. Thin: parse (smorest), authorise, call one service, serialise."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace import db
from marketplace.access import public, signed_in
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import can_list_for, can_manage_demand, can_manage_supply
from marketplace.accounts.rules import BUYER_KINDS
from marketplace.api import schemas, serializers
from marketplace.credentials import rules as credential_rules
from marketplace.credentials import services as credentials
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.listings import services as listings
from marketplace.matching import services as matching
from marketplace.messaging import limits
from marketplace.places.services import search_communes
from marketplace.request_text import ParserWithoutNul
from marketplace.search import services as search
from marketplace.search import views as search_views
from marketplace.search.query import read_request as read_search_request

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Chợ Hội Quán API v1")
blp.ARGUMENTS_PARSER = ParserWithoutNul()  # NUL dropped from bodies, as from every form (request_text)

def _org_json(org: Organization) -> dict:
    # Dumped here rather than by @blp.response, which documents the shape: what a caller
    # sees depends on who they are.
    return serializers.org_json(db.session, org, today_in_vietnam(), with_contact=current_user.is_authenticated)


@blp.route("/")
@public
@blp.response(200, schemas.IndexSchema)
def index():
    """What this API is and where its OpenAPI document lives."""
    return {"name": "Chợ Hội Quán", "version": "v1",
            "openapi": url_for("api-docs.openapi_json")}


@blp.route("/me")
@signed_in
@blp.response(200, schemas.MeSchema)
@blp.doc(security=[{"bearerAuth": []}])
def me():
    """The caller's account and the organisations they act for."""
    return current_user


@blp.route("/orgs")
@public
@blp.arguments(schemas.OrgQuerySchema, location="query")
@blp.response(200, schemas.OrganizationListSchema)
def list_orgs(query: dict):
    """Organisations, optionally one import `ref` or one `kind`."""
    stmt = select(Organization).order_by(Organization.id)
    if query.get("ref"):
        stmt = stmt.where(Organization.ref == query["ref"])
    if query.get("kind"):
        stmt = stmt.where(Organization.kind == query["kind"])
    orgs = list(db.session.scalars(stmt.limit(500)))
    return jsonify({"total": len(orgs), "results": [_org_json(o) for o in orgs]})


@blp.route("/orgs/<int:org_id>")
@public
@blp.response(200, schemas.OrganizationSchema)
def get_org(org_id: int):
    """One organisation; contact details only for signed-in callers."""
    return jsonify(_org_json(accounts.get_organization(db.session, org_id)))


@blp.route("/places/communes")
@public
@blp.arguments(schemas.CommuneQuerySchema, location="query")
@blp.response(200, schemas.CommuneListSchema)
def communes(query: dict):
    """Communes and wards whose name contains the words typed, accents optional."""
    results = search_communes(db.session, query["q"], limit=query["limit"])
    return {"total": len(results), "results": results}



@blp.route("/listings")
@public
@blp.arguments(schemas.ListingQuerySchema, location="query")
@blp.response(200, schemas.ListingListSchema)
def list_listings(query: dict):
    """Listings on sale now (published, in their window, something left), or one import `ref`."""
    today = today_in_vietnam()
    if query.get("ref"):
        found = listings.listing_by_ref(db.session, query["ref"])
        visible = [found] if found is not None and _may_see(found, today) else []
    else:
        org = accounts.get_organization(db.session, query["org"]) if query.get("org") else None
        visible = listings.public_listings(db.session, today=today, org=org, limit=200)
    return jsonify({"total": len(visible), "results": [serializers.listing_json(x, today) for x in visible]})


@blp.route("/listings/<int:listing_id>")
@public
@blp.response(200, schemas.ListingSchema)
def get_listing(listing_id: int):
    """One listing; drafts only for the organisation that owns them."""
    today = today_in_vietnam()
    listing = listings.get_listing(db.session, listing_id)
    if not _may_see(listing, today):
        raise NotFound(_("We could not find that listing."))
    return jsonify(serializers.listing_json(listing, today))


def _may_see(listing, today) -> bool:
    return listing.status != "draft" or can_manage_supply(current_user, listing.organization)


@blp.route("/listings", methods=["POST"])
@signed_in
@blp.arguments(schemas.ListingInputSchema)
@blp.response(201, schemas.ListingSchema)
@blp.doc(security=[{"bearerAuth": []}])
def create_listing(body: dict):
    """Create a listing for the caller's organisation (published unless `publish` is false).

    422 with a message per field for anything wrong: unknown product or unit, a text that is
    not a number, a window that ends before it starts, a minimum order above the quantity…
    """
    org = current_user.organization
    if not can_list_for(current_user, org):
        raise PermissionDenied(_("Only a club or cooperative can list produce."))
    today = today_in_vietnam()
    certificate_ids, code_ids = _credential_ids(org, body.get("certificates"), body.get("planting_codes"))
    data = listings.ListingInput(
        ref=_text(body.get("ref")) or None, product=_text(body.get("product")), variety=_text(body.get("variety")),
        grade=_text(body.get("grade")), quantity=body.get("quantity"), unit=_text(body.get("unit")),
        min_order=body.get("min_order"), price_vnd=body.get("price_vnd"),
        price_negotiable=body.get("price_negotiable") in (True, "true", "yes", 1, "1"),
        available_from=body.get("available_from"), available_to=body.get("available_to"),
        delivery_area=_text(body.get("delivery_area")), description=_text(body.get("description")),
        producer_name=_text(body.get("producer_name")), certificate_ids=certificate_ids,
        planting_code_ids=code_ids,
    )
    def taken() -> bool:
        return bool(data.ref) and listings.listing_by_ref(db.session, data.ref) is not None

    if taken():
        raise Conflict(_("A listing with this reference already exists."))
    with _conflict_if(taken, _("A listing with this reference already exists.")):
        listing = listings.save_listing(db.session, org, data, current_user, today=today,
                                        publish=body.get("publish") not in (False, "false", "no", 0, "0"))
        db.session.commit()
    return jsonify(serializers.listing_json(listing, today)), 201


@contextmanager
def _conflict_if(taken: Callable[[], bool], message: str) -> Iterator[None]:
    """A 409 when the write breaks a unique reference that another request stored after our
    check (on PostgreSQL simultaneous requests all pass the check; the database keeps one)."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        if taken():
            raise Conflict(message) from None
        raise


def _text(value) -> str:
    return "" if value is None else str(value)


def _credential_ids(org, certificate_numbers, codes) -> tuple[list[int], list[int]]:
    """Map the org's certificate numbers and codes to ids; an unknown one is a field error."""
    fields: dict[str, list[str]] = {}
    own_certificates = {c.number: c.id for c in credentials.certificates_of(db.session, org)}
    own_codes = {c.code: c.id for c in credentials.codes_of(db.session, org)}
    result = []
    for name, values, own in (("certificates", certificate_numbers, own_certificates),
                              ("planting_codes", codes, own_codes)):
        if isinstance(values, str):
            values = [v for v in values.split(";") if v.strip()]
        elif values is not None and not isinstance(values, list):
            values = [values]  # one number given without a list: checked like any other, not a 500
        ids = []
        for value in values or []:
            # Numbers are stored normalised (VIETGAP-TT-…, a GGN without spaces): match them as typed.
            text = str(value)
            keys = ([credential_rules.normalize_code(text)] if name == "planting_codes" else
                    [text.strip(), credential_rules.normalize_code(text), re.sub(r"[\s.\-]", "", text)])
            key = next((k for k in keys if k in own), None)
            if key is None:
                fields.setdefault(name, []).append(_("%(value)s is not one of your organisation's.", value=value))
            else:
                ids.append(own[key])
        result.append(ids)
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    return result[0], result[1]


@blp.route("/demand")
@public
@blp.arguments(schemas.DemandQuerySchema, location="query")
@blp.response(200, schemas.DemandListSchema)
def list_demand(query: dict):
    """Open demand (in its window), or the post with that import `ref`. Buyers shown to signed-in callers."""
    today = today_in_vietnam()
    if query.get("ref"):
        found = demand_service.demand_by_ref(db.session, query["ref"])
        posts = [found] if found is not None else []
    else:
        posts = demand_service.open_demand(db.session, today=today)
    return jsonify({"total": len(posts), "results": [
        serializers.demand_json(p, today, show_buyer=current_user.is_authenticated) for p in posts]})


@blp.route("/demand/<int:demand_id>")
@public
@blp.response(200, schemas.DemandSchema)
def get_demand(demand_id: int):
    """One demand post; `org` (the buyer) only for signed-in callers."""
    today = today_in_vietnam()
    demand = demand_service.get_demand(db.session, demand_id)
    return jsonify(serializers.demand_json(demand, today, show_buyer=current_user.is_authenticated))


@blp.route("/demand", methods=["POST"])
@signed_in
@blp.arguments(schemas.DemandInputSchema)
@blp.response(201, schemas.DemandSchema)
@blp.doc(security=[{"bearerAuth": []}])
def create_demand(body: dict):
    """Post a demand for the caller's buyer organisation.

    422 with a message per field: negative quantity, window end before start, minimum price above
    maximum, unknown unit, a text that is not a number, too-long text.
    """
    org = current_user.organization
    if org is None or org.kind not in BUYER_KINDS or not can_manage_demand(current_user, org):
        raise PermissionDenied(_("Only a buyer (supermarket, trader, processor, exporter) can post demand."))
    data = demand_service.DemandInput(
        ref=_text(body.get("ref")) or None, product=_text(body.get("product")), variety=_text(body.get("variety")),
        grade=_text(body.get("grade")),
        quantity=body.get("quantity"), unit=_text(body.get("unit")), frequency=_text(body.get("frequency")) or "once",
        needed_from=body.get("needed_from"), needed_to=body.get("needed_to"),
        commune_code=_text(body.get("commune_code")) or None, price_min_vnd=body.get("price_min_vnd"),
        price_max_vnd=body.get("price_max_vnd"), required_certificates=body.get("required_certificates") or "",
        min_ocop_stars=body.get("min_ocop_stars"),
        needs_planting_code=body.get("needs_planting_code") in (True, "true", "yes", 1, "1"),
        export_market=_text(body.get("export_market")), quality_notes=_text(body.get("quality_notes")),
    )
    def taken() -> bool:
        return bool(data.ref) and demand_service.demand_by_ref(db.session, data.ref) is not None

    if taken():
        raise Conflict(_("A request with this reference already exists."))
    today = today_in_vietnam()
    with _conflict_if(taken, _("A request with this reference already exists.")):
        demand = demand_service.save_demand(db.session, org, data, current_user, today=today)
        db.session.commit()
    return jsonify(serializers.demand_json(demand, today, show_buyer=True)), 201


@blp.route("/search")
@public
@blp.arguments(schemas.SearchQuerySchema, location="query")
@blp.response(200, schemas.SearchResultSchema)
def search_index(_query: dict):
    """Listings, demand posts and organisations that match, with facet counts.

    Only published, unexpired listings with quantity left, open demand and organisations. 422 with
    a message per parameter that cannot be read. `org` of a demand post only for signed-in callers.
    """
    search_request, problems = read_search_request(request.args, categories=search_views.category_codes())
    if problems:
        raise ValidationError(_("Some search parameters could not be read."),
                              fields=search_views.problem_messages(problems))
    page = search.run_search(db.session, search.backend(), search_request, today_in_vietnam())
    results = []
    for hit, obj in page.items():
        if hit.type == "org":
            org, url = obj, url_for("main.organization", org_id=obj.id, _external=True)
        elif hit.type == "listing":
            org, url = obj.organization, url_for("listings.show", listing_id=obj.id, _external=True)
        else:
            org = obj.organization if current_user.is_authenticated else None
            url = url_for("demand.show", demand_id=obj.id, _external=True)
        results.append({"type": hit.type, "id": hit.object_id, "ref": hit.ref or None, "title": hit.title,
                        "org": serializers.org_ref_json(org) if org is not None else None,
                        "score": hit.score, "highlight": str(hit.highlight), "snippet": str(hit.snippet),
                        "price_vnd": hit.price, "url": url})
    result = page.result
    return jsonify({"total": result.total, "page": result.page, "per_page": result.per_page,
                    "results": results, "facets": result.facets, "suggestion": result.suggestion})


def _matches_json(matches, side: str, limit: int) -> dict:
    from marketplace.matching.presentation import describe, reasons_json

    hidden = matching.dismissed(db.session, side, demand_ids={m.demand.id for m in matches},
                                listing_ids={m.listing.id for m in matches}) if matches else set()
    results = []
    for m in matches[:limit]:
        item = {"listing_id": m.listing.id, "listing_ref": m.listing.ref} if side == "buyer" else {
            "demand_id": m.demand.id, "demand_ref": m.demand.ref}
        item |= {"full": m.full, "score": m.score, "dismissed": m.key in hidden,
                 "reasons": [describe(r) for r in m.reasons], "unmet": [describe(r) for r in m.unmet],
                 "details": {"reasons": reasons_json(m.reasons), "unmet": reasons_json(m.unmet)}}
        results.append(item)
    return {"total": len(matches), "matches": results}


@blp.route("/demand/<int:demand_id>/matches")
@signed_in
@blp.arguments(schemas.MatchQuerySchema, location="query")
@blp.response(200, schemas.MatchListSchema)
@blp.doc(security=[{"bearerAuth": []}])
def demand_matches(query: dict, demand_id: int):
    """Listings that can serve this demand post: full matches first (best score first), then near
    misses with what is unmet. The buyer's own posts only (and staff)."""
    demand = demand_service.get_demand(db.session, demand_id)
    if not (can_manage_demand(current_user, demand.organization) or current_user.is_staff):
        raise PermissionDenied(_("Only the buyer who posted this request can see its matches."))
    found = matching.matches_for_demand(db.session, demand.id, today_in_vietnam())
    return jsonify(_matches_json(found, "buyer", query["limit"]))


@blp.route("/listings/<int:listing_id>/matches")
@signed_in
@blp.arguments(schemas.MatchQuerySchema, location="query")
@blp.response(200, schemas.MatchListSchema)
@blp.doc(security=[{"bearerAuth": []}])
def listing_matches(query: dict, listing_id: int):
    """Open demand this listing can serve, full matches first. The club's own listings only (and staff)."""
    listing = listings.get_listing(db.session, listing_id)
    if not (can_manage_supply(current_user, listing.organization) or current_user.is_staff):
        raise PermissionDenied(_("Only the club that lists this can see its matches."))
    found = matching.matches_for_listing(db.session, listing.id, today_in_vietnam())
    return jsonify(_matches_json(found, "seller", query["limit"]))


# -- conversations ------------------------------------------------------------------------------

def _conversation_error(error) -> None:
    from marketplace.messaging.views import error_message

    message = error_message(error.code)
    if error.code in ("empty", "too_long"):
        raise ValidationError(_("Some fields need attention."), fields={"body": [message]})
    if error.code == "not_found":
        raise NotFound(message)
    if error.code == "blocked":
        raise Conflict(message)
    raise PermissionDenied(message)


def _conversation_json(conversation, *, unread: int = 0, last=None, messages=None) -> dict:
    from marketplace.messaging import services as messaging

    side = messaging.side_of(current_user, conversation)
    mine_org = None if side is None else (
        conversation.buyer_org_id if side == "buyer" else conversation.seller_org_id)

    def message_json(m):
        return {"id": m.id, "body": m.body, "author": m.author.name if m.author else None,
                "org_id": m.author_org_id, "mine": m.author_org_id == mine_org,
                "created_at": serializers.timestamp_json(m.created_at)}

    data = {"id": conversation.id, "subject": conversation.subject, "side": side,
            "buyer_org": {"id": conversation.buyer_org.id, "name": conversation.buyer_org.name},
            "seller_org": {"id": conversation.seller_org.id, "name": conversation.seller_org.name},
            "listing_id": conversation.listing_id, "demand_id": conversation.demand_id,
            "offer_id": conversation.offer_id, "unread": unread,
            "last_message_at": serializers.timestamp_json(conversation.last_message_at),
            "last_message": message_json(last) if last is not None else None}
    if messages is not None:
        data["messages"] = [message_json(m) for m in messages]
    return data


@blp.route("/conversations")
@signed_in
@blp.response(200, schemas.ConversationListSchema)
@blp.doc(security=[{"bearerAuth": []}])
def list_conversations():
    """The caller's threads (as buyer or seller), unread first, with `unread` message counts."""
    from marketplace.messaging import services as messaging

    threads = messaging.threads_for(db.session, current_user)
    return jsonify({"total": len(threads), "unread": sum(1 for t in threads if t.unread),
                    "results": [_conversation_json(t.conversation, unread=t.unread, last=t.last) for t in threads]})


@blp.route("/conversations", methods=["POST"])
@signed_in
@limits.new_conversations
@limits.messages
@blp.arguments(schemas.ConversationInputSchema)
@blp.response(201, schemas.ConversationSchema)
@blp.doc(security=[{"bearerAuth": []}])
def create_conversation(body: dict):
    """Ask about a listing (`listing_id`), answer a request (`demand_id`), talk about an offer
    (`offer_id`) or a match (`listing_id` and `demand_id`). Asking again about the same thing
    continues the same thread. 403 when the caller acts for no organisation (or for the wrong one),
    404 when the thing is not found, 409 when one side has blocked the other, 422 for an empty or
    too long message, 429 when sending too much."""
    from marketplace.messaging import services as messaging

    ids = {name: body.get(name) for name in ("listing_id", "demand_id", "offer_id")}
    if not any(value is not None for value in ids.values()):
        raise ValidationError(_("Some fields need attention."), fields={
            "listing_id": [_("Say what the conversation is about: listing_id, demand_id or offer_id.")]})
    try:
        topic = messaging.resolve_topic(db.session, current_user, **ids)
        conversation = messaging.start_conversation(db.session, current_user, topic, _text(body.get("body")))
    except messaging.ConversationError as error:
        _conversation_error(error)
    db.session.commit()
    return jsonify(_conversation_json(conversation, messages=messaging.messages_of(db.session, conversation))), 201


def _party_conversation(conversation_id: int):
    from marketplace.messaging import services as messaging
    from marketplace.messaging.models import Conversation

    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or (messaging.side_of(current_user, conversation) is None and not current_user.is_staff):
        raise NotFound(_("We could not find that conversation."))
    return conversation


@blp.route("/conversations/<int:conversation_id>")
@signed_in
@blp.response(200, schemas.ConversationSchema)
@blp.doc(security=[{"bearerAuth": []}])
def get_conversation(conversation_id: int):
    """One thread with its messages; reading it marks it read for the caller (staff reading a
    thread they are not party to is recorded)."""
    from marketplace.messaging import services as messaging
    from marketplace.messaging.views import record_reading

    conversation = _party_conversation(conversation_id)
    record_reading(conversation.id, messaging.side_of(current_user, conversation))
    conversation = _party_conversation(conversation_id)
    return jsonify(_conversation_json(conversation, messages=messaging.messages_of(db.session, conversation)))


@blp.route("/conversations/<int:conversation_id>/messages", methods=["POST"])
@signed_in
@limits.messages
@blp.arguments(schemas.MessageInputSchema)
@blp.response(201, schemas.ConversationMessageSchema)
@blp.doc(security=[{"bearerAuth": []}])
def post_conversation_message(body: dict, conversation_id: int):
    """Answer in a thread: 201 with the message; 403 for staff (they read, they do not speak for
    a side), 404 for anyone else, 409 when blocked, 422 for an empty or too long message."""
    from marketplace.messaging import services as messaging

    conversation = _party_conversation(conversation_id)
    try:
        message = messaging.post_message(db.session, current_user, conversation, _text(body.get("body")))
    except messaging.ConversationError as error:
        _conversation_error(error)
    db.session.commit()
    return jsonify({"id": message.id, "body": message.body, "author": current_user.name,
                    "org_id": message.author_org_id, "mine": True,
                    "created_at": serializers.timestamp_json(message.created_at)}), 201
