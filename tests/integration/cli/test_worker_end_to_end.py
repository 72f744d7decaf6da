"""Every job of the worker, end to end, in one process: `marketplace worker` runs beside this test
on a committed database and an index folder of its own. Changes go in as pages make them — a
saved search, a listing and a request that fit each other, an order nobody answered for three
days — and every job's effect must come out: the listing indexed, the match stored and notified,
the saved search's alert, the order expired (its quantity back on sale) with the buyer told, and
the mail sent. Polling with a generous deadline: how fast is not the claim."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import User
from marketplace.alerts import services as alerts
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.listings.models import Listing
from marketplace.notifications.models import Notification
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from tests.clients import app_session
from tests.factories import make_listing
from tests.integration.cli import support

database = support.committed_database_fixture("workerjobs")


def test_one_worker_process_does_every_job(database, tmp_path):
    index = tmp_path / "index"
    today = today_in_vietnam()
    with app_session(database) as session:
        partners = support.make_partners("Mọi Việc")
        buyer = partners.buyer
        alerts.save(session, session.get(User, buyer.id), MultiDict({"q": "xoài cát chu"}))
        # An order placed three days ago that the club never answered (the worker expires it).
        stock = make_listing(partners.club, "bưởi", quantity="100")
        stale = orders.place_order(session, stock.id, partners.exporter, session.get(User, buyer.id), "10", today=today)
        session.execute(update(Order).where(Order.id == stale.id).values(created_at=utcnow() - timedelta(hours=80)))
        session.commit()
        stale_id, stock_id = stale.id, stock.id
    with support.running_worker(database, index, tmp_path / "worker.log") as worker:
        with app_session(database):
            listing, demand = support.make_fitting_listing_and_request(partners, today)
        with app_session(database) as session:
            emails = {session.get(User, user.id).email for user in (buyer, partners.chair)}

        def alerted() -> bool:
            return bool(support.read(database, select(Notification.id).where(
                Notification.user_id == buyer.id, Notification.kind == "alert")))

        def expired() -> bool:
            [(status,)] = support.read(database, select(Order.status).where(Order.id == stale_id))
            [(available,)] = support.read(database, select(Listing.quantity_available).where(Listing.id == stock_id))
            told = support.read(database, select(Notification.id).where(
                Notification.user_id == buyer.id, Notification.kind.like("order_%")))
            return status == "expired" and available == 100 and bool(told)

        worker.wait_for("indexing the listing",
                        lambda: support.searchable(index, listing.id, "xoài cát chu mọi việc", today))
        worker.wait_for("recording and notifying the match",
                        lambda: support.match_notified(database, demand.id, listing.id))
        worker.wait_for("alerting the saved search", alerted)
        worker.wait_for("expiring the unanswered order and telling the buyer", expired)
        worker.wait_for("sending the notice mail", lambda: support.notice_mailed(database, emails))
