"""API v1 for linked sales chains: one chain with its terms, parties, deliveries and figures, for
its two sides and staff (a chain is a private contract: anyone else is told it does not exist)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import signed_in
from marketplace.api import caller
from marketplace.api.blueprint import BEARER, blp
from marketplace.api.chain_schemas import ChainSchema
from marketplace.api.schemas import ProblemSchema
from marketplace.chains import services
from marketplace.errors import NotFound
from marketplace.orders.rules import order_ref


def _order(view: services.OrderView) -> dict:
    order = view.order
    return {"order_id": order.id, "ref": order_ref(order.id), "seller": order.seller_org, "status": order.status,
            "quantity": float(order.quantity), "unit": order.unit, "quantity_in_chain_unit": view.quantity,
            "delivered_on": view.delivered_on, "on_time": view.on_time, "traceable": view.traceable,
            "trace_reason": view.reason,
            "lots": [{"code": lot.code, "traceable": lot.traceable, "reasons": list(lot.reasons)} for lot in view.lots]}


def _party(party) -> dict:
    status = "accepted" if party.accepted_at else ("declined" if party.declined_at else "waiting")
    return {"org": party.org, "share_quantity": party.share_quantity, "status": status,
            "answered_at": party.accepted_at or party.declined_at, "decline_reason": party.decline_reason}


@blp.route("/chains/<int:chain_id>")
@signed_in
@blp.response(200, ChainSchema)
@blp.alt_response(404, schema=ProblemSchema, description="no such chain, or the caller is on neither side (nor staff)")
@blp.doc(security=BEARER)
def get_chain(chain_id: int):
    """One linked sales chain: for the buyer organisation's members, the parties' members, and staff."""
    chain = services.get_chain(db.session, chain_id)
    if chain is None or services.side_of(current_user, chain) is None:
        raise NotFound(_("We could not find that chain."))
    shown = services.view(db.session, chain, today=caller.today(), reader=current_user)
    f = shown.figures
    return {
        "id": chain.id, "title": chain.title, "status": chain.status, "status_reason": chain.status_reason,
        "buyer": chain.buyer_org, "product": chain.product.name_vi, "product_en": chain.product.name_en,
        "variety": chain.variety.name if chain.variety else chain.variety_text,
        "season_from": chain.season_from, "season_to": chain.season_to,
        "total_quantity": float(chain.total_quantity),
        "per_delivery_quantity": float(chain.per_delivery_quantity) if chain.per_delivery_quantity else None,
        "unit": chain.unit, "price_terms": chain.price_terms, "price_vnd": chain.price_vnd,
        "price_unit": chain.price_unit, "price_note": chain.price_note, "quality_standard": chain.quality_standard,
        "requires_growing_area_code": chain.requires_growing_area_code,
        "required_certificates": chain.required_certificate_list, "schedule_note": chain.schedule_note,
        "buyer_accepted_at": chain.buyer_accepted_at, "parties": [_party(p) for p in chain.parties],
        "deliveries": [{"id": row.delivery.id, "due_on": row.delivery.due_on, "quantity": float(row.delivery.quantity),
                        "seller": row.delivery.seller_org, "delivered_quantity": row.delivered_quantity,
                        "orders": [_order(v) for v in row.orders]} for row in shown.deliveries],
        "untied_orders": [_order(v) for v in shown.untied],
        "figures": {"planned_total": f.planned_total, "planned_to_date": f.planned_to_date,
                    "delivered_quantity": f.delivered_quantity, "delivered_percent": f.delivered_percent,
                    "delivered_orders": f.delivered_orders, "on_time_orders": f.on_time_orders,
                    "on_time_percent": f.on_time_percent, "traceable_orders": f.traceable_orders,
                    "traceable_percent": f.traceable_percent,
                    "with_codes_and_traceability": f.with_codes_and_traceability},
    }
