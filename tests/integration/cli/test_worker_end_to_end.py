"""Every job of the worker, end to end, in one process: `marketplace worker` runs beside this test
on a committed database and an index folder of its own. Changes go in as pages make them — a
saved search, a listing and a request that fit each other, an order nobody answered for three
days — and every job's effect must come out: the listing indexed, the match stored and notified,
the saved search's alert, the order expired (its quantity back on sale) with the buyer told, and
the mail sent. Polling with a generous deadline: how fast is not the claim."""

from __future__ import annotations

import signal
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from marketplace.accounts.models import User
from marketplace.alerts import services as alerts
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.listings.models import Listing
from marketplace.matching.models import MatchState
from marketplace.notifications.models import Notification, OutgoingMail
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import doc_id
from marketplace.search.query import read_request
from tests.factories import app_session, make_demand, make_listing, make_org, make_planting_code, make_user
from tests.integration.cli.test_worker_process import DEADLINE, WORKER, wait_for
from tests.integration.search.support import child_environment, close_app, committed_app


@pytest.fixture
def database(tmp_path_factory):
    app = committed_app(tmp_path_factory, "workerjobs")
    yield app
    close_app(app, "workerjobs")


def test_one_worker_process_does_every_job(database, tmp_path):
    index, log = tmp_path / "index", tmp_path / "worker.log"
    today = today_in_vietnam()
    with app_session(database) as session:
        exporter = make_org("exporter", name="Công ty Xuất khẩu Mọi Việc", commune_code="26743")
        buyer = make_user("buyer", exporter, name="Anh Mua")
        club = make_org("club", name="Hội quán Xoài Mọi Việc", commune_code="30244")
        chair = make_user("seller", club, name="Chị Bán")
        codes = [make_planting_code(club, markets="US"), make_planting_code(club, kind="packing_house", markets="US")]
        alerts.save(session, session.get(User, buyer.id), MultiDict({"q": "xoài cát chu"}))
        # An order placed three days ago that the club never answered (the worker expires it).
        stock = make_listing(club, "bưởi", quantity="100")
        stale = orders.place_order(session, stock.id, exporter, session.get(User, buyer.id), "10", today=today)
        session.execute(update(Order).where(Order.id == stale.id).values(created_at=utcnow() - timedelta(hours=80)))
        session.commit()
        stale_id, stock_id = stale.id, stock.id
    with log.open("w") as output:
        worker = subprocess.Popen([str(WORKER), "worker", "--interval", "0.2"],  # noqa: S603
                                  env=child_environment(database, index), stdout=output, stderr=subprocess.STDOUT)
    try:
        with app_session(database):
            listing = make_listing(club, "xoài", variety="cát Chu", quantity="5000", planting_codes=codes)
            demand = make_demand(exporter, "xoài", variety="cát Chu", quantity="5", export_market="US", user=buyer,
                                 needed_to=today + timedelta(days=45))
        with app_session(database) as session:
            emails = {session.get(User, user.id).email for user in (buyer, chair)}

        def read(statement):
            with app_session(database) as session:
                try:
                    return session.execute(statement).all()
                finally:
                    session.rollback()

        def searchable() -> bool:
            backend = WhooshBackend(index)
            if not backend.exists():
                return False
            hits = backend.search(read_request({"q": "xoài cát chu mọi việc"})[0], today).hits
            return doc_id("listing", listing.id) in {hit.doc_id for hit in hits}

        def matched() -> bool:
            return bool(read(select(MatchState.id).where(
                MatchState.demand_id == demand.id, MatchState.listing_id == listing.id, MatchState.full.is_(True),
                MatchState.notified_at.is_not(None))))

        def alerted() -> bool:
            return bool(read(select(Notification.id).where(Notification.user_id == buyer.id,
                                                           Notification.kind == "alert")))

        def expired() -> bool:
            [(status,)] = read(select(Order.status).where(Order.id == stale_id))
            [(available,)] = read(select(Listing.quantity_available).where(Listing.id == stock_id))
            told = read(select(Notification.id).where(Notification.user_id == buyer.id,
                                                      Notification.kind.like("order_%")))
            return status == "expired" and available == 100 and bool(told)

        def mailed() -> bool:
            sent = {to for (to,) in read(select(OutgoingMail.to).where(OutgoingMail.kind == "notice",
                                                                         OutgoingMail.sent_at.is_not(None)))}
            return emails <= sent

        wait_for("indexing the listing", searchable, worker, log)
        wait_for("recording and notifying the match", matched, worker, log)
        wait_for("alerting the saved search", alerted, worker, log)
        wait_for("expiring the unanswered order and telling the buyer", expired, worker, log)
        wait_for("sending the notice mail", mailed, worker, log)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    output = log.read_text()
    assert worker.returncode == 0, output
    assert "worker stopped (SIGTERM)" in output
    assert "Traceback" not in output
