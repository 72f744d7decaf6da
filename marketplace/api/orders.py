"""API v1 for orders: see what one would cost (`POST /api/v1/orders/preview`), place one
(`POST /api/v1/orders`) and read one (`GET /api/v1/orders/{id}`).

Registered on the same flask-smorest blueprint as the rest of v1, so the endpoints appear in the
generated OpenAPI document and errors take the promised {"error", "fields"} shape.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, fields

from marketplace import db
from marketplace.access import signed_in
from marketplace.accounts.permissions import buying_org_for
from marketplace.api import caller
from marketplace.api.blueprint import BEARER, blp
from marketplace.api.fields import ComputedInteger, Timestamp
from marketplace.api.schemas import OrgRefSchema, ProblemSchema
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.orders import lifecycle as orders
from marketplace.orders import rules
from marketplace.orders.permissions import sides


class OrderPreviewInputSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # allow_none: missing values reach the order rules, which answer in the caller's language.
    listing_id = fields.Raw(allow_none=True, load_default=None, metadata={"description": "the listing to order from"})
    quantity = fields.Raw(allow_none=True, load_default=None,
                          metadata={"description": "in the listing's unit; a number or text such as \"2,5\""})


class OrderInputSchema(OrderPreviewInputSchema):
    note = fields.Raw(allow_none=True, load_default="")
    expected_amount_vnd = fields.Raw(
        allow_none=True, load_default=None,
        metadata={"description": "optional: the total the caller showed (from the preview); another total now is a "
                                 "409 and nothing is placed"})


class OrderPreviewSchema(Schema):
    listing_id = fields.Integer()
    title = fields.String()
    quantity = fields.Float()
    unit = fields.String()
    unit_price_vnd = fields.Integer()
    price_unit = fields.String(metadata={"description": "what the price is per: kg for weighed goods, else the unit"})
    amount_vnd = fields.Integer(metadata={"description": "the total, whole đồng: send it back as expected_amount_vnd"})
    deposit_vnd = ComputedInteger("deposit", metadata={"description": "a 30 % deposit of the total, rounded up"})

    def deposit(self, draft) -> int:
        return rules.deposit_amount(int(draft.amount_vnd))


class OrderPaymentSchema(Schema):
    provider = fields.String()
    amount_vnd = fields.Integer()
    at = Timestamp()


class OrderSchema(Schema):
    id = fields.Integer()
    ref = fields.String(metadata={"description": "the reference to write in a bank transfer, e.g. CHQ-000123"})
    status = fields.String(metadata={"description": "requested, confirmed, declined, paid, delivered, completed, "
                                                    "cancelled or expired"})
    listing_id = fields.Integer(allow_none=True)
    offer_id = fields.Integer(allow_none=True)
    title = fields.String()
    name_en = fields.String(attribute="title_en", metadata={"description": "what was ordered, in English"})
    quantity = fields.Float()
    unit = fields.String()
    unit_price_vnd = fields.Integer()
    price_unit = fields.String(metadata={"description": "what the price is per: kg for weighed goods, else the unit"})
    amount_vnd = fields.Integer(metadata={"description": "whole đồng"})
    amount_paid_vnd = fields.Integer()
    amount_due_vnd = ComputedInteger("due_now")
    payment_option = fields.String(metadata={"description": "full or deposit (30 %)"})
    buyer = fields.Nested(OrgRefSchema, attribute="buyer_org")
    seller = fields.Nested(OrgRefSchema, attribute="seller_org")
    created_at = Timestamp()
    payments = fields.List(fields.Nested(OrderPaymentSchema))

    def due_now(self, order) -> int:
        return rules.amount_due_vnd(order)


def _expected_amount(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= rules.MAX_AMOUNT_VND:
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 15:
        return int(value.strip())
    message = _("Give the total in whole đồng, as the preview returned it.")
    raise ValidationError(message, fields={"expected_amount_vnd": [message]})


def _listing_id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity, which JSON readers take
        number = 0
    if isinstance(value, bool) or not rules.valid_id(number) or str(value).strip() != str(number):
        message = _("Give the id of a listing.")
        raise ValidationError(message, fields={"listing_id": [message]})
    return number


def _ordering_refusals(conflict: str):
    """The answers other than success that previewing and placing an order share, for the document;
    `conflict` says when the 409 comes."""
    answers = (
        (403, "the caller does not buy for an organisation (a buyer's buyers; a club's buyers or board)"),
        (404, "no such listing (a draft is found only by its club's managers)"),
        (409, conflict),
        (422, "bad input: not a number, zero, below the minimum order, negotiable price"),
    )

    def document(view):
        for status, description in reversed(answers):
            view = blp.alt_response(status, schema=ProblemSchema, description=description)(view)
        return blp.doc(security=BEARER)(view)

    return document


@blp.route("/orders/preview", methods=["POST"])
@signed_in
@blp.arguments(OrderPreviewInputSchema)
@blp.response(200, OrderPreviewSchema)
@_ordering_refusals("the listing is the caller's organisation's own, has less available than asked, or is not on "
                    "sale")
def preview_order(body: dict):
    """What an order would cost now, with every check of placing it; nothing is reserved or stored.

    Show `amount_vnd` to the person, then place the order with it as `expected_amount_vnd`.
    """
    org = buying_org_for(current_user, request.args.get("org"))
    if org is None:
        raise PermissionDenied(_("Only a buyer, or a club's buyers and board, can order."))
    return orders.draft_order(db.session, _listing_id(body.get("listing_id")), org, current_user,
                              body.get("quantity"), today=caller.today())


@blp.route("/orders", methods=["POST"])
@signed_in
@blp.arguments(OrderInputSchema)
@blp.response(201, OrderSchema)
@_ordering_refusals("the listing is the caller's organisation's own, has less available than asked, or is not on "
                    "sale, or the total is not expected_amount_vnd any more")
def create_order(body: dict):
    """Order a quantity from a listing for the caller's buying organisation (`?org=<id>` for another of theirs).

    The quantity is reserved at once; the listing's price decides the amount (whole đồng).
    409 when the listing has less available (the message says how much is left), or when
    `expected_amount_vnd` is given and the total is not that any more (the price changed).
    """
    org = buying_org_for(current_user, request.args.get("org"))
    if org is None:
        raise PermissionDenied(_("Only a buyer, or a club's buyers and board, can order."))
    listing_id, expected = _listing_id(body.get("listing_id")), _expected_amount(body.get("expected_amount_vnd"))
    order = orders.place_order(db.session, listing_id, org, current_user,
                               body.get("quantity"), today=caller.today(),
                               note=None if body.get("note") is None else str(body.get("note")),
                               expected_amount_vnd=expected)
    db.session.commit()
    return order, 201


@blp.route("/orders/<int:order_id>")
@signed_in
@blp.response(200, OrderSchema)
@blp.alt_response(403, schema=ProblemSchema, description="the caller is neither party (nor staff)")
@blp.alt_response(404, schema=ProblemSchema, description="no such order")
@blp.doc(security=BEARER)
def get_order(order_id: int):
    """One order: for the buyer organisation's buyers, the seller organisation's sellers, and staff."""
    if not rules.valid_id(order_id):
        raise NotFound(_("We could not find that order."))  # no row has it (the database would overflow)
    order = orders.get_order(db.session, order_id)
    if not sides(current_user, order):
        raise PermissionDenied(_("Only the buyer and the seller of this order can see it."))
    return order
