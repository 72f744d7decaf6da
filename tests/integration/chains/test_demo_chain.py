"""The demo has the issue's chain: the demo supermarket and HTX Xoài Mỹ Xương, 60 tấn of xoài cát
Chu with codes, accepted by both, with its planned deliveries, the first of them delivered with the
demo lots' 1,2 tấn shipment (paid, lot named, received); loaded once, and the chain's page shows
the figures and the trace link."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.chains import services
from marketplace.chains.models import Chain, ChainOrder
from marketplace.dates import today_in_vietnam
from marketplace.demo import demo_email, load_demo
from marketplace.orders.models import Order
from marketplace.traceability.models import Lot, LotEvent, OrderLot
from tests.clients import app_session, signed_in, text_of


def test_the_demo_chain(app):
    with app_session(app) as session:
        load_demo(session, "demo-password-123")
        session.commit()
        again = load_demo(session, "demo-password-123")
        assert (again["chains"], again["chain_orders"]) == (0, 0)
        session.commit()
        [chain] = session.scalars(select(Chain))
        assert (chain.status, float(chain.total_quantity), chain.unit) == ("active", 60, "tấn")
        assert chain.requires_growing_area_code and chain.required_certificate_list == ["vietgap"]
        assert [p.org.name for p in chain.parties] == ["HTX Xoài Mỹ Xương"]
        assert chain.parties[0].accepted_at is not None and chain.buyer_accepted_at is not None
        assert len(chain.deliveries) >= 10
        assert round(sum(float(d.quantity) for d in chain.deliveries), 3) <= 60
        [link] = session.scalars(select(ChainOrder).where(ChainOrder.chain_id == chain.id))
        assert link.delivery_id == chain.deliveries[0].id
        order = session.get(Order, link.order_id)
        assert (order.status, float(order.quantity), order.unit) == ("delivered", 1.2, "tấn")
        [code] = session.scalars(select(Lot.code).join(OrderLot, OrderLot.lot_id == Lot.id)
                                 .where(OrderLot.order_id == order.id))
        kinds = [e.kind for e in session.scalars(select(LotEvent).where(LotEvent.order_id == order.id))]
        assert kinds == ["shipped", "received"]
        figures = services.view(session, chain, today=today_in_vietnam()).figures
        assert (figures.delivered_orders, figures.delivered_quantity, figures.on_time_percent,
                figures.traceable_percent, figures.with_codes_and_traceability) == (1, 1.2, 100, 100, True)
        buyer = session.scalar(select(User).where(User.email == demo_email("muahang.sieuthi")))
        chain_id = chain.id
    page = text_of(signed_in(app, buyer, password="demo-password-123").get(f"/chains/{chain_id}"))
    assert f'href="/t/{code}"' in page and 'data-testid="traced-badge"' in page
    assert 'data-testid="traceable">1/1 (100 %)' in page
