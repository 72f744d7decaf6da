"""A writer killed in the middle of a commit: the index must still open and answer, `check` must
say what differs (not crash), and the next sync must bring it up to date.

The child is the real `marketplace search sync` (or `reindex`) on a committed database, with one
function patched to tell the parent it has reached a given point of the Whoosh commit and then
wait there; the parent kills it with SIGKILL at that moment.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.listings import services as listings
from marketplace.search import services as search
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import doc_id
from marketplace.search.query import read_request
from tests.clients import app_session
from tests.factories import make_certificate, make_listing, make_org
from tests.integration.search.support import PYTHON, child_environment

# Each point: code the child runs before the command, making it stop at that point of a commit.
PAUSE = """
import os, sys, time, pathlib
READY = pathlib.Path(os.environ["CRASH_READY"])

def pause():
    READY.write_text("ready")
    time.sleep(120)  # the parent kills us here
"""

POINTS = {
    # Segment files written, no new table of contents yet.
    "before-toc": """
import whoosh.writing
original = whoosh.writing.SegmentWriter._commit_toc
def patched(self, segments):
    pause()
    return original(self, segments)
whoosh.writing.SegmentWriter._commit_toc = patched
""",
    # The new table of contents written under its temporary name, not yet renamed.
    "toc-rename": """
from whoosh.filedb.filestore import FileStorage
original = FileStorage.rename_file
def patched(self, frm, to, safe=False):
    if to.endswith(".toc"):
        pause()
    return original(self, frm, to, safe)
FileStorage.rename_file = patched
""",
    # The index committed, where it stands in the outbox not yet recorded.
    "before-state": """
from marketplace.search.backend import WhooshBackend
original = WhooshBackend.write_state
def patched(self, state):
    pause()
    return original(self, state)
WhooshBackend.write_state = patched
""",
}

RUN = "\nfrom marketplace.cli import main\nmain(prog_name='marketplace')\n"


def titles(backend, text: str) -> set[str]:
    return {hit.title for hit in backend.search(read_request({"q": text})[0], today_in_vietnam()).hits}


def run_until_killed(app, directory, tmp_path, point: str, *args: str) -> None:
    ready = tmp_path / f"ready-{point}"
    env = child_environment(app, directory) | {"CRASH_READY": str(ready)}
    child = subprocess.Popen([PYTHON, "-c", PAUSE + POINTS[point] + RUN, *args], env=env,  # noqa: S603
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            if child.poll() is not None:
                out, err = child.communicate()
                pytest.fail(f"the child finished without reaching {point}: {out}\n{err}")
            assert time.monotonic() < deadline, f"the child never reached {point}"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.fixture
def market(live_app, tmp_path):
    """A committed market indexed on disk, then changed: the outbox has rows to follow."""
    directory = tmp_path / "index"
    with app_session(live_app) as session:
        org = make_org("club", name="Hội quán Trước Sự Cố", commune_code="30076")
        vietgap = make_certificate(org, "vietgap")
        old = make_listing(org, "xoài", variety="cát Chu", certificates=[vietgap])
        paused = make_listing(org, "khóm")
        search.reindex(session, WhooshBackend(directory), commit=session.commit)
        # Changes the killed writer was applying: a new lot, a rename, a pause, a deletion.
        new = make_listing(org, "sen")
        org.name = "Hội quán Sau Sự Cố"
        listings.change_status(session, paused, "pause", today=today_in_vietnam())
        session.delete(old)
        session.commit()
        changed = {doc_id("listing", new.id), doc_id("org", org.id), doc_id("listing", paused.id),
                   doc_id("listing", old.id)}
    return directory, changed


@pytest.mark.parametrize("point", list(POINTS))
def test_a_sync_killed_mid_commit(live_app, tmp_path, market, point):
    directory, changed = market
    run_until_killed(live_app, directory, tmp_path, point, "search", "sync")

    backend = WhooshBackend(directory)
    assert backend.exists()
    assert titles(backend, "hoi quan su co")  # it opens and answers
    with app_session(live_app) as session:
        differences = search.check(session, backend)  # no crash, and only what was being written
        assert set(differences.missing + differences.extra + differences.stale) <= changed
        if point == "before-state":
            assert differences.clean  # the commit was done; only the position was lost
            assert search.pending(session, backend) > 0  # ...so the rows are followed again
        else:
            assert not differences.clean
        report = search.sync(session, backend, commit=session.commit)
        assert report.rebuilt is None
        assert search.check(session, backend).clean
        assert search.pending(session, backend) == 0
    assert titles(backend, "hoi quan sau su co") == {"Hội quán Sau Sự Cố", "Hoa sen"}
    assert titles(backend, "khom sau su co") == set()  # paused
    assert titles(WhooshBackend(directory), "xoai cat chu su co") == set()  # deleted


def test_a_reindex_killed_mid_commit_leaves_the_previous_index(live_app, tmp_path, market):
    directory, changed = market
    before = (directory / "current").resolve()
    run_until_killed(live_app, directory, tmp_path, "toc-rename", "search", "reindex")

    assert (directory / "current").resolve() == before  # never swapped
    backend = WhooshBackend(directory)
    assert titles(backend, "hoi quan truoc su co") == {"Hội quán Trước Sự Cố", "Xoài cát Chu", "Dứa"}
    with app_session(live_app) as session:
        differences = search.check(session, backend)
        assert set(differences.missing + differences.extra + differences.stale) == changed
        search.sync(session, backend, commit=session.commit)
        assert search.check(session, backend).clean
        search.reindex(session, backend, commit=session.commit)  # and the next rebuild sweeps the half-built folder
        assert search.check(session, backend).clean
    assert [path.name for path in directory.glob("build-*")] == [(directory / "current").resolve().name]
