"""An index folder that cannot be written — read-only, a full disk (ENOSPC), a file-size limit
(EFBIG) — gives a clear message in `search sync`, `search reindex` and the worker's log, loses
nothing (the change log position does not move past what was not applied), and the index catches
up once the folder can be written again.

The read-only case is real: the folder is chmod-ed and the command runs in a child process. As
root, permission bits do not bind, so the child then runs without the capabilities that let root
ignore them (setpriv), which makes root an ordinary owner of its files. The full disk is
simulated: Whoosh's file writes and the position file fail with the chosen errno once a budget
of bytes is spent, part way through a segment.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from marketplace.dates import today_in_vietnam
from marketplace.search import services as search
from marketplace.search import store as search_store
from marketplace.search.backend import WhooshBackend
from marketplace.search.query import read_request
from tests.clients import app_session
from tests.factories import make_listing, make_org
from tests.integration.search.support import MARKETPLACE, child_environment

TODAY = today_in_vietnam()
SETPRIV = shutil.which("setpriv")
WITHOUT_ROOT_OVERRIDES = [SETPRIV or "setpriv", "--inh-caps=-dac_override,-dac_read_search",
                          "--bounding-set=-dac_override,-dac_read_search"]


def titles(backend, text: str) -> set[str]:
    return {hit.title for hit in backend.search(read_request({"q": text})[0], TODAY).hits}


@pytest.fixture
def behind(live_app, tmp_path):
    """An index that followed the database, then changes it has not applied yet."""
    directory = tmp_path / "index"
    backend = WhooshBackend(directory)
    with app_session(live_app) as session:
        org = make_org("club", name="Hội quán Ổ Đĩa Đầy")
        make_listing(org, "xoài", variety="cát Chu")
        session.commit()
        search.reindex(session, backend, commit=session.commit)
        search.sync(session, backend, commit=session.commit)
        make_listing(org, "sen")
        org.name = "Hội quán Ổ Đĩa Trống"
        session.commit()
        waiting = search.pending(session, backend)
    assert waiting
    return directory, waiting


def assert_nothing_lost_yet(live_app, directory: Path, waiting: int) -> None:
    backend = WhooshBackend(directory)
    with app_session(live_app) as session:
        assert search.pending(session, backend) == waiting  # the position did not move
        differences = search.check(session, backend)
        assert not differences.clean and differences.consistent  # behind, not wrong
        session.rollback()
    assert titles(backend, "o dia day") == {"Hội quán Ổ Đĩa Đầy", "Xoài cát Chu"}  # the old index answers


def assert_caught_up(live_app, directory: Path) -> None:
    backend = WhooshBackend(directory)
    with app_session(live_app) as session:
        assert search.check(session, backend).clean
        assert search.pending(session, backend) == 0
        session.rollback()
    assert titles(backend, "o dia trong") == {"Hội quán Ổ Đĩa Trống", "Xoài cát Chu", "Hoa sen"}


# -- a read-only folder (chmod) ----------------------------------------------------------------

def set_writable(directory: Path, writable: bool) -> None:
    for path in [directory, *directory.rglob("*")]:
        if path.is_symlink():
            continue
        mode = 0o755 if path.is_dir() else 0o644
        os.chmod(path, mode if writable else mode & ~0o222)


def run_unprivileged(app, directory: Path, *args: str) -> subprocess.CompletedProcess:
    prefix = WITHOUT_ROOT_OVERRIDES if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *MARKETPLACE, *args], env=child_environment(app, directory),  # noqa: S603
                          capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(os.geteuid() == 0 and SETPRIV is None, reason="root ignores permission bits without setpriv")
def test_a_read_only_index_folder_fails_clearly_and_catches_up(live_app, behind):
    directory, waiting = behind
    current = (directory / "current").resolve()
    set_writable(directory, False)
    try:
        sync = run_unprivileged(live_app, directory, "search", "sync")
        reindex = run_unprivileged(live_app, directory, "search", "reindex")
        worker = run_unprivileged(live_app, directory, "worker", "--rounds", "3", "--interval", "0")
    finally:
        set_writable(directory, True)

    assert sync.returncode == 1, sync.stdout + sync.stderr
    assert f"error: the search index folder {directory} cannot be written (Permission denied" in sync.stderr
    assert f"Nothing is lost: {waiting} changes wait in the change log" in sync.stderr
    assert reindex.returncode == 1, reindex.stdout + reindex.stderr
    assert "cannot be written (Permission denied" in reindex.stderr
    assert "The index in use is left as it was" in reindex.stderr
    assert (directory / "current").resolve() == current
    assert worker.returncode == 0, worker.stdout + worker.stderr  # it goes on with its other steps
    told = [line for line in worker.stderr.splitlines() if "cannot be written" in line]
    assert len(told) == 1 and "ERROR" in told[0] and "(Permission denied" in told[0]  # once, not each round
    for output in (sync.stderr, reindex.stderr, worker.stderr):
        assert "Traceback" not in output
    assert_nothing_lost_yet(live_app, directory, waiting)

    caught_up = run_unprivileged(live_app, directory, "search", "sync")  # writable again
    assert caught_up.returncode == 0, caught_up.stdout + caught_up.stderr
    assert f"outbox rows: {waiting}" in caught_up.stdout
    assert_caught_up(live_app, directory)


# -- a full disk, a file-size limit (simulated) ------------------------------------------------

class Disk:
    """Whoosh's writes and the position file, failing with `error` once `room` bytes are spent."""

    def __init__(self, monkeypatch, error: int) -> None:
        self.error = error
        self.room: int | None = None  # None: not full
        original_create = FileStorage.create_file
        original_write_json = search_store._write_json
        disk = self

        class Failing:
            def __init__(self, file) -> None:
                self._file = file

            def write(self, data) -> int:
                disk.spend(len(data))
                return self._file.write(data)

            def __getattr__(self, name):
                return getattr(self._file, name)

        def create_file(storage, name, *args, **kwargs):
            disk.spend(0)
            struct = original_create(storage, name, *args, **kwargs)
            struct.file = Failing(struct.file)
            return struct

        def write_json(path, data) -> None:
            disk.spend(len(str(data)))
            original_write_json(path, data)

        monkeypatch.setattr(FileStorage, "create_file", create_file)
        monkeypatch.setattr(search_store, "_write_json", write_json)

    def fill(self, leaving: int = 0) -> None:
        self.room = leaving

    def free(self) -> None:
        self.room = None

    def spend(self, size: int) -> None:
        if self.room is None:
            return
        if size > self.room or (size == 0 and self.room == 0):
            raise OSError(self.error, os.strerror(self.error))
        self.room -= size


FAULTS = {"ENOSPC": (errno.ENOSPC, "No space left on device"), "EFBIG": (errno.EFBIG, "File too large")}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("leaving", [0, 300])  # full at once, or part way through a segment
def test_a_full_disk_in_search_sync_and_reindex(live_app, behind, monkeypatch, fault, leaving):
    directory, waiting = behind
    number, words = FAULTS[fault]
    disk = Disk(monkeypatch, number)
    monkeypatch.setitem(live_app.extensions, "search_backend", WhooshBackend(directory))
    runner = live_app.test_cli_runner()
    current = (directory / "current").resolve()

    disk.fill(leaving)
    sync = runner.invoke(args=["search", "sync"])
    disk.fill(leaving)
    reindex = runner.invoke(args=["search", "reindex"])
    disk.free()

    assert sync.exit_code == 1
    assert f"error: the search index folder {directory} cannot be written ({words})" in sync.output
    assert f"Nothing is lost: {waiting} changes wait" in sync.output
    assert reindex.exit_code == 1
    assert f"cannot be written ({words})" in reindex.output
    assert "The index in use is left as it was" in reindex.output
    assert (directory / "current").resolve() == current
    assert [path.name for path in directory.glob("build-*")] == [current.name]  # the half build swept
    assert_nothing_lost_yet(live_app, directory, waiting)

    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert_caught_up(live_app, directory)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_worker_says_the_disk_is_full_once_and_catches_up_when_freed(live_app, behind, monkeypatch, caplog,
                                                                         fault):
    from dataclasses import replace

    from marketplace import worker

    directory, waiting = behind
    number, words = FAULTS[fault]
    disk = Disk(monkeypatch, number)
    monkeypatch.setitem(live_app.extensions, "search_backend", WhooshBackend(directory))
    seen = []
    alerts_job = worker.jobs(live_app)["saved-search alerts"]
    real_alerts_step = alerts_job.run

    def alerts_step():
        # Runs after each round's sync: look at what the full disk left, and free it after round 3.
        with app_session(live_app) as session:
            seen.append(search.pending(session, WhooshBackend(directory)))
        if len(seen) == 3:
            disk.free()
        real_alerts_step()

    monkeypatch.setitem(worker.jobs(live_app), "saved-search alerts", replace(alerts_job, run=alerts_step))
    disk.fill(200)
    result = live_app.test_cli_runner().invoke(args=["worker", "--rounds", "5", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert seen == [waiting, waiting, waiting, 0, 0]  # nothing skipped while full; caught up once freed
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1, [r.getMessage() for r in errors]  # said once, not every round
    assert f"cannot be written ({words})" in errors[0].getMessage()
    assert errors[0].exc_info is None  # a plain message, no traceback
    assert any("writable again after" in r.getMessage() and f"caught up with {waiting} changes" in r.getMessage()
               for r in caplog.records)
    assert_caught_up(live_app, directory)
