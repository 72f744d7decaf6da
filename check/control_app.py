"""The product as the outside web checks see it, plus one page that is injectable on purpose.

`create_check_app()` wraps `marketplace.create_app()` and adds `/check-only/injectable?ref=`, which
pastes its query parameter into SQL. It is the positive control of the sqlmap run: if sqlmap does
not flag it, the run proves nothing and fails. The route exists only in this module, which only
the check instance (check/web_instance.py) serves; the product never imports it.

`python -m check.control_app PORT` serves it on 127.0.0.1:PORT; `--ids` prints the ids of the demo
rows the checks visit, as JSON.
"""

from __future__ import annotations

import json
import sys

from flask import Flask, request
from sqlalchemy import select, text
from werkzeug.serving import make_server

from marketplace import create_app, db
from marketplace.activity.models import ClubActivity, ClubConcern

CONTROL_PATH = "/check-only/injectable"
CONTROL_PARAMETER = "ref"
CONTROL_SAMPLE = "demo-hq-xoai-my-xuong"


def create_check_app() -> Flask:
    app = create_app()

    def injectable():
        ref = request.args.get(CONTROL_PARAMETER, "")
        # Deliberately unsafe: the control that sqlmap must catch. Never copy this.
        row = db.session.execute(text("SELECT name FROM organizations WHERE ref = '" + ref + "'")).first()  # noqa: S608
        return (f"<p>{row[0]}</p>" if row else "<p>-</p>"), 200

    app.add_url_rule(CONTROL_PATH, "check_only_injectable", injectable)
    return app


def demo_ids() -> dict[str, int | str | None]:
    from marketplace.accounts.models import Organization
    from marketplace.chains.demo import TITLE as CHAIN_TITLE
    from marketplace.chains.models import Chain
    from marketplace.demand.models import DemandPost
    from marketplace.fairs.demo import NAME as FAIR_NAME
    from marketplace.fairs.models import Fair
    from marketplace.listings.models import Listing
    from marketplace.market.models import ReferencePrice
    from marketplace.members.models import Household
    from marketplace.messaging.models import Conversation
    from marketplace.orders.models import Order
    from marketplace.tourism.models import TourismOffer
    from marketplace.traceability.models import Lot

    app = create_app()
    with app.app_context():
        session = db.get_registry(app)()

        def org(ref: str) -> int | None:
            return session.scalar(select(Organization.id).where(Organization.ref == ref))

        seller_org, buyer_org = org("demo-hq-xoai-my-xuong"), org("demo-sieu-thi-my-tho")
        return {
            "seller_org": seller_org,
            "buyer_org": buyer_org,
            "listing": session.scalar(select(Listing.id).where(
                Listing.organization_id == seller_org, Listing.status == "published").order_by(Listing.id)),
            "any_listing": session.scalar(select(Listing.id).where(Listing.status == "published").order_by(Listing.id)),
            "demand": session.scalar(select(DemandPost.id).where(DemandPost.status == "open").order_by(DemandPost.id)),
            "buyer_demand": session.scalar(select(DemandPost.id).where(
                DemandPost.organization_id == buyer_org).order_by(DemandPost.id)),
            "order": session.scalar(select(Order.id).where(Order.buyer_org_id == buyer_org).order_by(Order.id)),
            "seller_order": session.scalar(select(Order.id).where(
                Order.seller_org_id == seller_org).order_by(Order.id)),
            "conversation": session.scalar(select(Conversation.id).where(
                Conversation.buyer_org_id == buyer_org).order_by(Conversation.id)),
            # Issue #17's fair and #18's pages: a lot with a trace page (the packed export lot), the
            # chain, the seller's club's orchard visit.
            "fair_slug": session.scalar(select(Fair.slug).where(Fair.name == FAIR_NAME)),
            "lot_code": session.scalar(select(Lot.code).where(Lot.code == "MX-XK-0001"))
            or session.scalar(select(Lot.code).order_by(Lot.id)),
            "chain": session.scalar(select(Chain.id).where(Chain.title == CHAIN_TITLE)),
            # Issue #19's pages: the seller's club's household, the cooperative it is a member of.
            "household": session.scalar(select(Household.id).where(
                Household.organization_id == seller_org).order_by(Household.id)),
            "director_org": org("demo-htx-xoai-my-xuong"),
            "tourism_offer": session.scalar(select(TourismOffer.id).where(
                TourismOffer.organization_id == seller_org, TourismOffer.status == "published")
                .order_by(TourismOffer.id)),
            # Issue #20's club activity: the seller's club's first activity; a concern being handled
            # (its page shows the assign and answer forms).
            "club_activity": session.scalar(select(ClubActivity.id).where(
                ClubActivity.organization_id == seller_org).order_by(ClubActivity.id)),
            "concern": session.scalar(select(ClubConcern.id).where(ClubConcern.status == "assigned")
                                      .order_by(ClubConcern.id))
            or session.scalar(select(ClubConcern.id).order_by(ClubConcern.id)),
            # Issue #20's price board: a product with demo reference prices, and one of its rows.
            "price_product": session.scalar(select(ReferencePrice.product_id).order_by(ReferencePrice.id)),
            "reference_price": session.scalar(select(ReferencePrice.id).order_by(ReferencePrice.id)),
        }


def serve(port: int) -> None:
    server = make_server("127.0.0.1", port, create_check_app(), threaded=True)
    server.serve_forever()


if __name__ == "__main__":
    if sys.argv[1:] == ["--ids"]:
        print(json.dumps(demo_ids()))
    else:
        serve(int(sys.argv[1]))
