"""API v1 for lots (issue #18): record a lot, add an event to one, and read one — the lot's
organisation's private view, for its members and staff (404 for anyone else, as for a lot that
does not exist)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace import db
from marketplace.access import signed_in
from marketplace.accounts.permissions import can_list_for
from marketplace.api import caller
from marketplace.api.blueprint import BEARER, blp, conflict_if, text_of
from marketplace.api.lot_schemas import EventInputSchema, LotEventSchema, LotInputSchema, LotSchema
from marketplace.api.schemas import ProblemSchema
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.traceability import lot_rules, lots
from marketplace.traceability.models import Lot


def _refusals(*answers: tuple[int, str]):
    def document(view):
        for status, description in reversed(answers):
            view = blp.alt_response(status, schema=ProblemSchema, description=description)(view)
        return blp.doc(security=BEARER)(view)
    return document


def lot_view(lot: Lot) -> dict:
    """The lot as LotSchema writes it."""
    def linked(link, other):  # the quantity is in the receiving lot's unit
        return {"code": other.code, "quantity": link.quantity, "unit": link.lot.unit}

    return {"id": lot.id, "code": lot.code, "trace_path": url_for("trace.show", code=lot.code), "org": lot.organization,
            "state": lots.state_of(lot), "product_id": lot.product_id, "product": lot.product.name_vi,
            "product_text": lot.product_text,
            "variety": lot.variety.name if lot.variety else lot.variety_text, "gtin": lot.gtin,
            "growing_area_code": lot.growing_area.code if lot.growing_area else None,
            "packing_house_code": lot.packing_house.code if lot.packing_house else None,
            "harvested_on": lot.harvested_on, "best_before": lot.best_before, "quantity": lot.quantity,
            "unit": lot.unit, "producer_name": lot.producer_name, "note": lot.note, "listing_id": lot.listing_id,
            "created_at": lot.created_at, "events": list(lot.events),
            "sources": [linked(link, link.source) for link in lots.sources_of(db.session, lot)],
            "destinations": [linked(link, link.lot) for link in lots.destinations_of(db.session, lot)],
            "orders": [{"order_id": ol.order_id, "quantity": ol.quantity}
                       for ol in lots.orders_of_lot(db.session, lot)]}


DIGITS = ("gtin", "commune_code")  # digits: a JSON number is read as its digits


def _texts(body: dict, *names: str) -> dict[str, str]:
    """The text fields asked for, as text ("" when left out); a 422 naming every field given as
    something else (a list, an object, true…), rather than storing "['xoai']"."""
    wrong = [name for name in names if body.get(name) is not None and not isinstance(body[name], str)
             and not (name in DIGITS and isinstance(body[name], int) and not isinstance(body[name], bool))]
    if wrong:
        message = _("Write this as text.")
        raise ValidationError(message, fields={name: [message] for name in wrong})
    return {name: text_of(body.get(name)) for name in names}


def _sources(value) -> list[lots.SourceInput]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else [value]
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str | None):
            message = _("Give each source as {\"code\": …, \"quantity\": …}.")
            raise ValidationError(message, fields={f"sources-{i}-code": [message]})
        found.append(lots.SourceInput(text_of(item.get("code")), item.get("quantity")))
    return found


@blp.route("/lots", methods=["POST"])
@signed_in
@blp.arguments(LotInputSchema)
@blp.response(201, LotSchema)
@_refusals((403, "the caller is not a seller of a club or cooperative"),
           (409, "a lot with this code was stored meanwhile"),
           (422, "bad input: a message per field (sources-<i>-code, sources-<i>-quantity for each source)"))
def create_lot(body: dict):
    """Record a lot of the caller's organisation: from one of its listings (`listing_id`), a
    product as written, or other lots of its own (`sources`: a packing or a split shipment).

    The growing-area and packing-house codes must be the organisation's own."""
    org = current_user.organization
    if not can_list_for(current_user, org):
        raise PermissionDenied(_("Only a seller of a club or cooperative can record lots."))
    data = lots.LotInput(
        **_texts(body, "code", "product", "variety", "gtin", "growing_area_code", "packing_house_code", "unit",
                 "producer_name", "note"),
        listing_id=body.get("listing_id"), harvested_on=body.get("harvested_on"), quantity=body.get("quantity"),
        best_before=body.get("best_before"), sources=_sources(body.get("sources")))
    def taken() -> bool:
        return bool(data.code.strip()) and db.session.scalar(
            select(Lot.id).where(Lot.code == lot_rules.normalise_code(data.code))) is not None

    with conflict_if(taken, _("This lot code is already used: choose another, or leave it empty to get one.")):
        lot = lots.record_lot(db.session, org, data, current_user, today=caller.today())
        db.session.commit()
    return lot_view(lot), 201


def _lot(code: str) -> Lot:
    if len(code) > 100:
        raise NotFound(_("We could not find that lot."))
    return lots.lot_for(db.session, current_user, code)


@blp.route("/lots/<code>/events", methods=["POST"])
@signed_in
@blp.arguments(EventInputSchema)
@blp.response(201, LotEventSchema)
@_refusals((403, "the caller is a member or staff but not a seller of the lot's organisation"),
           (404, "no such lot, or not the caller's organisation's"),
           (422, "bad input, a step before one already recorded, or a correction that says nothing"))
def add_lot_event(body: dict, code: str):
    """Add an event to the lot (its organisation's sellers). A correction names the event it
    corrects in `corrects_event_id` and says what was wrong in `note`; nothing is ever changed."""
    lot = _lot(code)
    if not lots.can_record(current_user, lot):
        raise PermissionDenied(_("Only the sellers of the lot's organisation can record its events."))
    texts = _texts(body, "kind", "commune_code", "place", "actor_name", "unit", "note")
    data = lots.EventInput(
        **{**texts, "commune_code": texts["commune_code"] or None}, happened_at=body.get("happened_at"),
        quantity=body.get("quantity"), corrects_event_id=body.get("corrects_event_id"), order_id=body.get("order_id"))
    event = lots.add_event(db.session, lot, data, lot.organization, current_user)
    db.session.commit()
    return event, 201


@blp.route("/lots/<code>")
@signed_in
@blp.response(200, LotSchema)
@_refusals((404, "no such lot, or not the caller's organisation's (staff see every lot)"))
def get_lot(code: str):
    """One lot as its organisation sees it: its events (corrections name what they correct), the
    lots it came from and went into (one step each way), and the orders it went with."""
    return lot_view(_lot(code))
