"""The issue's story, through the services end to end: HTX Xoài Mỹ Xương and a supermarket sign a
season chain for 60 tấn of cát Chu with codes; three deliveries are ordered from the chain page's
service, confirmed, paid and delivered by the ordinary order lifecycle, each naming a lot from a
harvest with an active growing-area code; the chain shows 100 % delivered, on time and traceable."""

from __future__ import annotations

from datetime import timedelta

from marketplace import db
from marketplace.accounts.models import User
from marketplace.chains import services
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle
from marketplace.traceability.models import Lot, OrderLot
from tests.integration.chains.scene import chain_input, make_scene


def test_a_season_chain_delivered_in_full_and_traceable(session) -> None:
    scene = make_scene()
    buyer, seller = db.session.get(User, scene.buyer.id), db.session.get(User, scene.seller.id)
    today = scene.today
    data = chain_input(scene, dates="\n".join((today + timedelta(days=d)).strftime("%d/%m/%Y") for d in (3, 10, 17)))
    chain = services.propose(db.session, scene.buyer_org, buyer, data, today=today)
    services.answer(db.session, chain, seller, accept=True)
    assert chain.status == "active"
    listing = db.session.get(Listing, scene.listing.id)
    for n, delivery in enumerate(chain.deliveries):
        order = services.place(db.session, chain, delivery.id, listing.id, buyer, "20.000", today=today)
        for action, actor, user in (("confirm", "seller", seller), ("pay", "seller", seller),
                                    ("deliver", "seller", seller)):
            lifecycle.change(db.session, order, action, actor=actor, user=user, today=today)
        lot = Lot(code=f"MX-{n}", organization_id=scene.coop.id, listing_id=listing.id, product_id=listing.product_id,
                  growing_area_id=scene.code_id, harvested_on=today - timedelta(days=1), quantity=20000, unit="kg")
        db.session.add(lot)
        db.session.flush()
        db.session.add(OrderLot(order_id=order.id, lot_id=lot.id))
        db.session.flush()
    figures = services.view(db.session, chain, today=today).figures
    assert (figures.delivered_orders, figures.delivered_quantity, figures.delivered_percent) == (3, 60, 100)
    assert (figures.on_time_percent, figures.traceable_percent) == (100, 100)
    assert figures.with_codes_and_traceability
    services.close(db.session, chain, buyer, action="end")
    assert chain.status == "ended"
