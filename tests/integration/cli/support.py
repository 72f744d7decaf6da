"""`marketplace worker` run as a process of its own beside a test, on a committed database (see
tests/integration/search/support.py) and an index folder of its own; and what the test waits for
it to do. Polling with a generous deadline: how fast is not the claim."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace.accounts.models import Organization, User
from marketplace.demand.models import DemandPost
from marketplace.listings.models import Listing
from marketplace.matching.models import MatchState
from marketplace.notifications.models import OutgoingMail
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import doc_id
from marketplace.search.query import read_request
from tests.clients import app_session
from tests.factories import make_demand, make_listing, make_org, make_planting_code, make_user
from tests.integration.search.support import child_environment, close_app, committed_app

WORKER = Path(sys.executable).with_name("marketplace")  # the console script pip installed in this venv
DEADLINE = 180.0  # seconds: far beyond what a round takes, so only a worker that never gets there fails


def committed_database_fixture(name: str):
    """A fixture of an app on a committed database of its own for each test (see committed_app):
    the worker, another process, sees only what was committed."""
    @pytest.fixture
    def database(tmp_path_factory) -> Iterator[Flask]:
        app = committed_app(tmp_path_factory, name)
        yield app
        close_app(app, name)

    return database


@dataclass
class Partners:
    """An exporter with a buyer, and a mango club with its chair and the codes the US asks for."""
    exporter: Organization
    buyer: User
    club: Organization
    chair: User
    codes: list


def make_partners(name: str) -> Partners:
    """Committed partners; name ends both organisations' names (a search for it finds the club's)."""
    exporter = make_org("exporter", name=f"Công ty Xuất khẩu {name}", commune_code="26743")
    buyer = make_user("buyer", exporter, name="Anh Mua")
    club = make_org("club", name=f"Hội quán Xoài {name}", commune_code="30244")
    chair = make_user("seller", club, name="Chị Bán")
    codes = [make_planting_code(club, markets="US"), make_planting_code(club, kind="packing_house", markets="US")]
    return Partners(exporter, buyer, club, chair, codes)


def make_fitting_listing_and_request(partners: Partners, today: date) -> tuple[Listing, DemandPost]:
    """The club's Cát Chu mangoes, and the exporter's request for them, to the US: a full match."""
    listing = make_listing(partners.club, "xoài", variety="cát Chu", quantity="5000", planting_codes=partners.codes)
    demand = make_demand(partners.exporter, "xoài", variety="cát Chu", quantity="5", export_market="US",
                         user=partners.buyer, needed_to=today + timedelta(days=45))
    return listing, demand


@dataclass
class RunningWorker:
    process: subprocess.Popen
    log: Path

    def wait_for(self, what: str, condition: Callable[[], bool]) -> None:
        """Poll condition until it holds; fail the test if the worker exits or DEADLINE passes first."""
        deadline = time.monotonic() + DEADLINE
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}) before {what}:\n{self.log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the worker never got to {what} in {DEADLINE:.0f} s:\n{self.log.read_text()}")
            time.sleep(0.2)


@contextmanager
def running_worker(app: Flask, index: Path, log: Path) -> Iterator[RunningWorker]:
    """The worker on app's database and the index folder, its output in log, for the block; then
    SIGTERM, and it must stop cleanly: exit status 0, saying so, no traceback."""
    with log.open("w") as output:
        process = subprocess.Popen([str(WORKER), "worker", "--interval", "0.2"],  # noqa: S603
                                   env=child_environment(app, index), stdout=output, stderr=subprocess.STDOUT)
    try:
        yield RunningWorker(process, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output = log.read_text()
    assert process.returncode == 0, output
    assert "worker stopped (SIGTERM)" in output
    assert "Traceback" not in output


def read(app: Flask, statement) -> list:
    """The rows of statement, read in a transaction of its own (so the worker's commits show)."""
    with app_session(app) as session:
        try:
            return session.execute(statement).all()
        finally:
            session.rollback()


def searchable(index: Path, listing_id: int, words: str, today: date) -> bool:
    """Whether a search for words in the worker's index finds the listing."""
    backend = WhooshBackend(index)
    if not backend.exists():
        return False
    hits = backend.search(read_request({"q": words})[0], today).hits
    return doc_id("listing", listing_id) in {hit.doc_id for hit in hits}


def match_notified(app: Flask, demand_id: int, listing_id: int) -> bool:
    """Whether the listing is remembered as a full match of the request, and notified."""
    return bool(read(app, select(MatchState.id).where(
        MatchState.demand_id == demand_id, MatchState.listing_id == listing_id, MatchState.full.is_(True),
        MatchState.notified_at.is_not(None))))


def notice_mailed(app: Flask, emails: set[str]) -> bool:
    """Whether a notice mail has been sent to every one of emails."""
    sent = {to for (to,) in read(app, select(OutgoingMail.to).where(OutgoingMail.kind == "notice",
                                                                     OutgoingMail.sent_at.is_not(None)))}
    return emails <= sent
