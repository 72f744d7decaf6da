"""The worker as one process, end to end: `marketplace worker` (the venv's own console script)
runs beside this test on a committed database and an index folder of its own; the test creates a
listing and a request that fits it through the services, as a page would, and waits — polling,
with a generous deadline, since how fast is not the claim — until the listing is searchable, the
match is remembered and notified, and the notice mail has left. Then SIGTERM, and a clean exit."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.dates import today_in_vietnam
from marketplace.matching.models import MatchState
from marketplace.notifications.models import OutgoingMail
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import doc_id
from marketplace.search.query import read_request
from tests.factories import app_session, make_demand, make_listing, make_org, make_planting_code, make_user
from tests.integration.search.support import child_environment, close_app, committed_app

WORKER = Path(sys.executable).with_name("marketplace")  # the console script pip installed in this venv
DEADLINE = 180.0  # seconds: far beyond what a round takes, so only a worker that never gets there fails


@pytest.fixture
def database(tmp_path_factory):
    app = committed_app(tmp_path_factory, "workerprocess")
    yield app
    close_app(app, "workerprocess")


def wait_for(what: str, condition, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the worker never got to {what} in {DEADLINE:.0f} s:\n{log.read_text()}")
        time.sleep(0.2)


def test_the_worker_indexes_matches_and_mails_then_stops_on_sigterm(database, tmp_path):
    index = tmp_path / "index"
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen([str(WORKER), "worker", "--interval", "0.2"],  # noqa: S603
                                  env=child_environment(database, index), stdout=output, stderr=subprocess.STDOUT)
    try:
        today = today_in_vietnam()
        with app_session(database) as session:
            exporter = make_org("exporter", name="Công ty Xuất khẩu Một Tiến Trình", commune_code="26743")
            buyer = make_user("buyer", exporter, name="Anh Mua")
            club = make_org("club", name="Hội quán Xoài Một Tiến Trình", commune_code="30244")
            chair = make_user("seller", club, name="Chị Bán")
            codes = [make_planting_code(club, markets="US"),
                     make_planting_code(club, kind="packing_house", markets="US")]
            session.commit()
            listing = make_listing(club, "xoài", variety="cát Chu", quantity="5000", planting_codes=codes)
            demand = make_demand(exporter, "xoài", variety="cát Chu", quantity="5", export_market="US", user=buyer,
                                 needed_to=today + timedelta(days=45))
            emails = {session.get(User, user.id).email for user in (buyer, chair)}

        def searchable() -> bool:
            backend = WhooshBackend(index)
            if not backend.exists():
                return False
            hits = backend.search(read_request({"q": "xoài cát chu một tiến trình"})[0], today).hits
            return doc_id("listing", listing.id) in {hit.doc_id for hit in hits}

        def matched() -> bool:
            with app_session(database) as session:
                state = session.scalar(select(MatchState).where(MatchState.demand_id == demand.id,
                                                                MatchState.listing_id == listing.id))
                session.rollback()
                return state is not None and state.full and state.notified_at is not None

        def mailed() -> bool:
            with app_session(database) as session:
                sent = set(session.scalars(select(OutgoingMail.to).where(OutgoingMail.kind == "notice",
                                                                          OutgoingMail.sent_at.is_not(None))))
                session.rollback()
                return emails <= sent

        wait_for("indexing the listing", searchable, worker, log)
        wait_for("recording and notifying the match", matched, worker, log)
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
