"""API v1 for trade between organisations (issue #19): offers on a request, deciding them, and
the seller's side of an order (confirm, decline, record a bank transfer, deliver).

Clubs and cooperatives buy as buyers do (accounts.rules.may_buy_as), so every endpoint here serves
a club buying from another club as well as a supermarket buying from a club. The rules are the
demand and order services'; this module maps their refusals to statuses: 403 (not the caller's to
do), 404 (no such thing), 409 (the state does not allow it now: decided a moment ago, a closed
request, the caller's own request), 422 (bad input).
"""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, fields
from sqlalchemy import select

from marketplace import db
from marketplace.access import signed_in
from marketplace.accounts.permissions import can_list_for, can_manage_demand, selling_org_for, selling_orgs
from marketplace.api import caller
from marketplace.api.blueprint import BEARER, blp, listed, text_of
from marketplace.api.fields import Quantity, Timestamp
from marketplace.api.orders import OrderSchema
from marketplace.api.schemas import OrgRefSchema, ProblemSchema
from marketplace.demand import services as demand_service
from marketplace.demand.models import Offer
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import limiter
from marketplace.orders import lifecycle as orders
from marketplace.orders import rules as order_rules
from marketplace.orders.messages import MESSAGES
from marketplace.orders.models import Order, Payment
from marketplace.orders.payments import recording
from marketplace.orders.permissions import actor_for, can_take_payments, sides
from marketplace.validation import PRICE

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 200


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


# One budget per user for every write of this module (config TRADE_API_RATE_LIMIT).
trade_writes = limiter.shared_limit(lambda: current_app.config["TRADE_API_RATE_LIMIT"], scope="trade-api",
                                    key_func=_user_key, methods=["POST"])


class OfferInputSchema(Schema):
    """What the web offer form takes; checked by the demand rules, which answer in the caller's language."""

    class Meta:
        unknown = EXCLUDE

    quantity = fields.Raw(allow_none=True, load_default=None,
                          metadata={"description": "in the request's unit; a number or text such as \"2,5\""})
    price_vnd = fields.Raw(allow_none=True, load_default=None,
                           metadata={"description": "đồng per the request's price unit; e.g. 38000 or \"38k\""})
    delivery_date = fields.Raw(allow_none=True, load_default=None,
                               metadata={"description": "YYYY-MM-DD or dd/mm/yyyy, within the request's dates"})
    listing_id = fields.Raw(allow_none=True, load_default=None,
                            metadata={"description": "one of the seller's listings"})
    note = fields.Raw(allow_none=True, load_default="")


class OfferSchema(Schema):
    id = fields.Integer()
    demand_id = fields.Integer()
    status = fields.String(metadata={"description": "pending, accepted, declined or withdrawn"})
    quantity = Quantity()
    unit = fields.String(attribute="demand.unit")
    price_vnd = fields.Integer(allow_none=True)
    delivery_date = fields.Date(allow_none=True)
    listing_id = fields.Integer(allow_none=True)
    note = fields.String()
    seller = fields.Nested(OrgRefSchema, attribute="organization")
    created_at = Timestamp()
    decided_at = Timestamp(allow_none=True)


class OfferListSchema(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(OfferSchema))


class OrderActionInputSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    note = fields.Raw(allow_none=True, load_default="",
                      metadata={"description": "on decline: the reason, shown to the buyer"})


class PaymentInputSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    amount_vnd = fields.Raw(allow_none=True, load_default=None,
                            metadata={"description": "what arrived, in đồng (e.g. 300000 or \"300k\")"})
    accept_other_amount = fields.Boolean(
        load_default=False,
        metadata={"description": "record an amount other than the one due (a part payment, or the whole amount "
                                 "on a deposit); without it such an amount is 422"})


class PaymentSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    provider = fields.String()
    amount_vnd = fields.Integer()
    at = Timestamp()
    order = fields.Nested(OrderSchema)


def _refusals(*answers: tuple[int, str]):
    """Document the answers other than success, and the bearer security."""
    def document(view):
        for status, description in reversed(answers):
            view = blp.alt_response(status, schema=ProblemSchema, description=description)(view)
        return blp.doc(security=BEARER)(view)
    return document


def _valid(row_id: int, message: str) -> int:
    if not order_rules.valid_id(row_id):
        raise NotFound(message)  # no row has it (the database would overflow)
    return row_id


def _offer(offer_id: int) -> Offer:
    return demand_service.get_offer(db.session, _valid(offer_id, _("We could not find that offer.")))


def _order(order_id: int) -> Order:
    return orders.get_order(db.session, _valid(order_id, _("We could not find that order.")))


# -- offers -------------------------------------------------------------------------------------

@blp.route("/demand/<int:demand_id>/offers")
@signed_in
@blp.response(200, OfferListSchema)
@_refusals((403, "the caller is neither the request's buyer nor a seller"), (404, "no such request"))
def list_offers(demand_id: int):
    """The offers on a request: all of them for its buyer (and staff), a seller's own for a seller."""
    demand = demand_service.get_demand(db.session, _valid(demand_id, _("We could not find that request.")))
    if can_manage_demand(current_user, demand.organization) or current_user.is_staff:
        return listed(list(demand.offers))
    own = {org.id for org in selling_orgs(current_user)}
    if not own:
        raise PermissionDenied(_("Only the request's buyer and the clubs that offer see its offers."))
    return listed([offer for offer in demand.offers if offer.organization_id in own])


@blp.route("/demand/<int:demand_id>/offers", methods=["POST"])
@signed_in
@trade_writes
@blp.arguments(OfferInputSchema)
@blp.response(201, OfferSchema)
@_refusals((403, "the caller does not sell for a club, cooperative or group (?org= picks one of theirs)"),
           (404, "no such request, or ?org= names none of the caller's organisations"),
           (409, "the request is the caller's own organisation's, or it is not open (closed, paused, past)"),
           (422, "bad input: quantity, price, delivery date outside the request's dates, another's listing, "
                 "an offer already pending"))
def create_offer(body: dict, demand_id: int):
    """Offer all or part of a request for the caller's club (`?org=<id>` for another of theirs),
    as the web offer form does; the request's buyer is told."""
    demand = demand_service.get_demand(db.session, _valid(demand_id, _("We could not find that request.")))
    seller = selling_org_for(current_user, request.args.get("org"))
    if not can_list_for(current_user, seller):
        raise PermissionDenied(_("Only a club, cooperative or group's sellers can offer."))
    listing_id = body.get("listing_id")
    if listing_id not in (None, "") and not (str(listing_id).strip().isascii() and str(listing_id).strip().isdigit()
                                             and order_rules.valid_id(int(str(listing_id).strip()))):
        message = str(demand_service.MESSAGES["own_listing"])
        raise ValidationError(message, fields={"listing_id": [message]})
    try:
        offer = demand_service.make_offer(db.session, demand, seller, demand_service.OfferInput(
            quantity=body.get("quantity"), price_vnd=body.get("price_vnd") or None,
            delivery_date=body.get("delivery_date") or None,
            listing_id=int(str(listing_id).strip()) if listing_id not in (None, "") else None,
            note=text_of(body.get("note"))), current_user, today=caller.today())
    except demand_service.RequestNotOpen as error:
        raise Conflict(error.message, fields=error.fields) from None
    db.session.commit()
    return offer, 201


def _offer_decision(action: str):
    """The endpoint for one decision on an offer (accept or decline): a path of its own each, so
    that the OpenAPI document names both."""
    @blp.route(f"/offers/<int:offer_id>/{action}", methods=["POST"], endpoint=f"{action}_offer")
    @signed_in
    @trade_writes
    @blp.response(200, OfferSchema)
    @_refusals((403, "the caller does not buy for the request's organisation"), (404, "no such offer"),
               (409, "the offer was decided or withdrawn meanwhile, or the request is closed"))
    def decide(offer_id: int):
        offer = _offer(offer_id)
        if not can_manage_demand(current_user, offer.demand.organization):
            raise PermissionDenied(_("Only the request's buyer decides its offers."))
        try:
            demand_service.decide_offer(db.session, offer, action, current_user, today=caller.today())
        except ValidationError as error:  # the request is not open any more: its state, not the input
            raise Conflict(error.message, fields=error.fields) from None
        db.session.commit()
        return offer

    decide.__name__ = f"{action}_offer"
    decide.__doc__ = (f"The request's buyer {action}s an offer (an accepted one can still be declined). Of two "
                      "decisions sent at once, one wins and the other is a 409.")
    return decide


accept_offer = _offer_decision("accept")
decline_offer = _offer_decision("decline")


@blp.route("/offers/<int:offer_id>/withdraw", methods=["POST"])
@signed_in
@trade_writes
@blp.response(200, OfferSchema)
@_refusals((403, "the caller does not sell for the offering organisation"), (404, "no such offer"),
           (409, "the offer was declined or withdrawn already"))
def withdraw_offer(offer_id: int):
    """The offering club takes its offer back (pending or accepted)."""
    offer = _offer(offer_id)
    if not can_list_for(current_user, offer.organization):
        raise PermissionDenied(_("Only the club that made the offer can withdraw it."))
    demand_service.withdraw_offer(db.session, offer)
    db.session.commit()
    return offer


# -- the seller's side of an order --------------------------------------------------------------

def _order_step(action: str, summary: str):
    """The endpoint for one of the seller's steps on an order (a path of its own each)."""
    @blp.route(f"/orders/<int:order_id>/{action}", methods=["POST"], endpoint=f"{action}_order")
    @signed_in
    @trade_writes
    @blp.arguments(OrderActionInputSchema)
    @blp.response(200, OrderSchema)
    @_refusals((403, "the caller does not sell for the order's seller"), (404, "no such order"),
               (409, "the order is not in a state for this (already confirmed, declined, not paid yet…)"),
               (422, "a decline reason too long"))
    def step(body: dict, order_id: int):
        return _take_step(order_id, action, text_of(body.get("note")) if action == "decline" else "")

    step.__name__ = f"{action}_order"
    step.__doc__ = summary + " Of two changes sent at once, one wins and the other is a 409."
    return step


def _take_step(order_id: int, action: str, note: str) -> Order:
    order = _order(order_id)
    order_sides = sides(current_user, order)
    if not order_sides:
        raise NotFound(_("We could not find that order."))
    actor = actor_for(order_sides, order.status, action)
    if actor != "seller":
        raise PermissionDenied(_("Only the seller confirms, declines and delivers an order."))
    if order_rules.next_status(order.status, action, actor) is None:
        message = str(MESSAGES["status_change"])
        raise Conflict(message, fields={"status": [message]})
    orders.change(db.session, order, action, actor=actor, user=current_user, today=caller.today(), note=note)
    db.session.commit()
    return order


confirm_order = _order_step("confirm", "The seller confirms a requested order.")
decline_order = _order_step("decline", "The seller declines a requested order; `note`, the reason, is shown to "
                                       "the buyer.")
deliver_order = _order_step("deliver", "The seller marks a paid order delivered.")


def _idempotency_hash() -> str:
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        message = _("Send an Idempotency-Key header (1 to 200 characters), new for each payment.")
        raise ValidationError(message, fields={IDEMPOTENCY_HEADER: [message]})
    # Only its SHA-256 is stored (as the payment's reference): a repeat finds the same payment.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _payment_with(digest: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.provider == "manual",
                                                   Payment.reference == f"manual:{digest}"))


def _same_payment(found: Payment, order: Order) -> Payment:
    if found.order_id != order.id:
        raise Conflict(_("This Idempotency-Key was already used for another order's payment."))
    return found


@blp.route("/orders/<int:order_id>/payments", methods=["POST"])
@signed_in
@trade_writes
@blp.arguments(PaymentInputSchema)
@blp.response(201, PaymentSchema, description="recorded")
@blp.alt_response(200, schema=PaymentSchema,
                  description="the same Idempotency-Key again: the payment recorded then")
@_refusals((403, "the caller does not take payments for the order's seller"), (404, "no such order"),
           (409, "the order is not waiting for money, or the key was used for another order"),
           (422, "no Idempotency-Key, an amount that is not a number, above the balance, or other than the "
                 "amount due without accept_other_amount"))
def record_payment(body: dict, order_id: int):
    """The seller records a bank transfer that arrived, as on the order page. Send an
    `Idempotency-Key` header: the same key again answers 200 with the payment it recorded, never a
    second payment."""
    order = _order(order_id)
    if not sides(current_user, order):
        raise NotFound(_("We could not find that order."))
    if not can_take_payments(current_user, order.seller_org):
        raise PermissionDenied(_("Only the seller records payments received."))
    digest = _idempotency_hash()
    if (found := _payment_with(digest)) is not None:
        return _same_payment(found, order), 200
    amount = body.get("amount_vnd")
    accepted = None
    if body.get("accept_other_amount"):
        accepted = _amount(amount)
    recorded = recording.mark_received(db.session, order, amount, current_user, token=digest, accepted_vnd=accepted)
    if not recorded:
        db.session.rollback()
        if (found := _payment_with(digest)) is not None:  # the same key sent twice at once: the other won
            return _same_payment(found, order), 200
        raise Conflict(_("This payment could not be recorded: the order changed a moment ago. Look at it again."))
    db.session.commit()
    return _payment_with(digest), 201


def _amount(value) -> int | None:
    """The amount as the service reads it, for accept_other_amount to name exactly it (None when
    it is not a price: the service then says so)."""
    try:
        parsed = PRICE.parser(value)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return int(parsed) if parsed is not None else None
