"""Two writers on one index: the indexer's lock lets one write at a time, across threads and
processes; the other waits (or, told not to wait, gets IndexBusy) and nothing is lost."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.search import services as search
from marketplace.search.backend import WhooshBackend
from marketplace.search.store import IndexBusy
from tests.clients import app_session
from tests.factories import make_certificate, make_listing, make_org
from tests.integration.search.support import MARKETPLACE, PYTHON, child_environment
from tests.races import at_once

PRODUCTS = ["xoài", "khóm", "dừa", "quýt", "sen", "dưa hấu"]


def add_market(app, clubs: int = 4, per_club: int = 5) -> None:
    """Committed clubs and listings, for an index to follow."""
    with app_session(app) as session:
        for n in range(clubs):
            org = make_org("club", name=f"Hội quán Đồng Thời {n}", commune_code="30076")
            if n % 2:
                make_certificate(org, "vietgap")
            for k in range(per_club):
                product = PRODUCTS[(n + k) % len(PRODUCTS)]
                make_listing(org, product, unit="trái" if product == "dừa" else "kg")
        session.commit()


def edit_market(app, rounds: int) -> None:
    """Committed edits to what exists: prices, names, a status change."""
    with app_session(app) as session:
        rows = session.scalars(select(Listing).where(Listing.status == "published").order_by(Listing.id)).all()
        for n in range(rounds):
            listing = rows[n % len(rows)]
            listing.price_vnd = 10_000 + n
            if n % 5 == 0:
                listing.organization.name = f"{listing.organization.name.split(' #')[0]} #{n}"
            if n % 7 == 0:
                listings.change_status(session, listing, "pause", today=today_in_vietnam())
            session.commit()


def assert_index_matches(app, backend) -> None:
    with app_session(app) as session:
        differences = search.check(session, backend)
        assert differences.clean, differences
        assert search.pending(session, backend) == 0


def run_threads(targets) -> None:
    """Each target in a thread of its own, all started together; fails the test if one raised."""
    def run(n: int, go) -> None:
        go()
        targets[n]()

    at_once(len(targets), run, ready_wait=30)


def syncer(app, directory: Path, reports: list, rounds: int = 1):
    def target():
        backend = WhooshBackend(directory)  # each writer its own, as two processes would have
        with app.app_context():  # this thread's own session, removed when the context ends
            for _ in range(rounds):
                reports.append(search.sync(db.session, backend, commit=db.session.commit))
    return target


def test_two_threads_build_and_sync_one_index_at_once(live_app, tmp_path):
    add_market(live_app)
    directory = tmp_path / "index"
    reports: list = []
    run_threads([syncer(live_app, directory, reports), syncer(live_app, directory, reports)])
    assert len(reports) == 2
    assert sum(report.rebuilt is not None for report in reports) == 1  # the second found it built
    assert len(list(directory.glob("build-*"))) == 1
    assert_index_matches(live_app, WhooshBackend(directory))


def test_two_threads_sync_while_a_third_edits(live_app, tmp_path):
    add_market(live_app, clubs=3, per_club=4)
    directory = tmp_path / "index"
    with app_session(live_app) as session:
        search.reindex(session, WhooshBackend(directory), commit=session.commit)
    reports: list = []
    run_threads([syncer(live_app, directory, reports, rounds=4),
                 syncer(live_app, directory, reports, rounds=4),
                 lambda: edit_market(live_app, rounds=15)])
    assert len(reports) == 8
    with app_session(live_app) as session:
        search.sync(session, WhooshBackend(directory), commit=session.commit)  # what was committed after the last round
    assert_index_matches(live_app, WhooshBackend(directory))


def test_two_processes_sync_one_index_at_once(live_app, tmp_path):
    add_market(live_app, clubs=2)
    directory = tmp_path / "index"
    with app_session(live_app) as session:
        search.reindex(session, WhooshBackend(directory), commit=session.commit)
    edit_market(live_app, rounds=10)
    env = child_environment(live_app, directory)
    command = [*MARKETPLACE, "search", "sync"]
    children = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # noqa: S603
                                 text=True) for _ in range(2)]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, (out, err)
        assert "outbox rows:" in out
    assert_index_matches(live_app, WhooshBackend(directory))


def test_a_writer_that_will_not_wait_gets_index_busy(live_app, tmp_path):
    add_market(live_app, clubs=1, per_club=1)
    directory = tmp_path / "index"
    first, second = WhooshBackend(directory), WhooshBackend(directory)
    with app_session(live_app) as session:
        search.sync(session, first, commit=session.commit)
        with first.lock():
            with pytest.raises(IndexBusy):
                search.sync(session, second, timeout=0, commit=session.commit)
            with pytest.raises(IndexBusy):
                search.reindex(session, second, timeout=0, commit=session.commit)
            with pytest.raises(IndexBusy), second.lock(timeout=0):
                pass
        search.sync(session, second, timeout=0, commit=session.commit)  # free again
    assert_index_matches(live_app, second)


def test_index_busy_across_processes(live_app, tmp_path):
    directory = tmp_path / "index"
    ready = tmp_path / "holding"
    holder = subprocess.Popen([PYTHON, "-c", (  # noqa: S603
        "import sys, time, pathlib\n"
        "from marketplace.search.backend import WhooshBackend\n"
        "with WhooshBackend(sys.argv[1]).lock():\n"
        "    pathlib.Path(sys.argv[2]).write_text('ready')\n"
        "    time.sleep(60)\n"), str(directory), str(ready)],
        env=child_environment(live_app, directory), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert holder.poll() is None, holder.stderr.read()
            assert time.monotonic() < deadline, "the other process never took the lock"
            time.sleep(0.05)
        with app_session(live_app) as session, pytest.raises(IndexBusy):
            search.sync(session, WhooshBackend(directory), timeout=0, commit=session.commit)
    finally:
        holder.kill()
        holder.wait()
    with app_session(live_app) as session:
        search.sync(session, WhooshBackend(directory), timeout=5, commit=session.commit)  # a killed holder's lock is released
    assert_index_matches(live_app, WhooshBackend(directory))


def test_check_beside_a_running_indexer_never_calls_a_pending_change_wrong(live_app, tmp_path):
    """`search check` runs from monitoring while edits commit and the indexer applies them: whatever
    it reads in between, every difference it sees is explained by a pending change."""
    add_market(live_app, clubs=2, per_club=4)
    backend = WhooshBackend(tmp_path / "checked")
    with app_session(live_app) as session:
        search.sync(session, backend, commit=session.commit)
    done = threading.Event()
    verdicts = []

    def edit() -> None:
        try:
            edit_market(live_app, rounds=30)
        finally:
            done.set()

    def index() -> None:
        while not done.is_set():
            with app_session(live_app) as session:
                search.sync(session, backend, commit=session.commit)
            db.get_registry(live_app).remove()

    def check() -> None:
        while not done.is_set():
            with app_session(live_app) as session:
                differences = search.check(session, backend)
                session.rollback()
            verdicts.append(differences)

    run_threads([edit, index, check])
    assert verdicts
    for differences in verdicts:
        assert differences.consistent, differences.unexplained()
    with app_session(live_app) as session:
        search.sync(session, backend, commit=session.commit)
    assert_index_matches(live_app, backend)
