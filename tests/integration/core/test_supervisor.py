"""`marketplace serve`'s supervisor as a process: a program that dies is started again and the
restart is logged; SIGINT stops every program and the supervisor exits 0.

The supervised programs here are small Python sleepers that write their pid to a file, so the test
does not depend on gunicorn or a database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SUPERVISE = """
import logging, sys
from marketplace.supervisor import Supervisor
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
pids = sys.argv[1]
sleeper = "import os, time; open({!r}, 'a').write('{} %d\\\\n' % os.getpid()); time.sleep(600)"
programs = {name: [sys.executable, "-c", sleeper.format(pids, name)] for name in ("web", "worker")}
sys.exit(Supervisor.of(programs, poll_seconds=0.05, stop_grace_seconds=5).run())
"""


def _pids(path: Path) -> list[tuple[str, int]]:
    if not path.exists():
        return []
    return [(name, int(pid)) for name, pid in (line.split() for line in path.read_text().splitlines() if line)]


def _wait_for(condition, what: str, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"waited {seconds:.0f} s for {what}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child of the supervisor that ended but was not reaped yet would still answer: look at its state.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


def test_a_killed_program_is_restarted_and_ctrl_c_stops_both(tmp_path):
    pid_file = tmp_path / "pids"
    root = Path(__file__).resolve().parents[3]
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISE, str(pid_file)],  # noqa: S603 - our own script
                                  cwd=root, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "PYTHONPATH": str(root)})
    try:
        started = _wait_for(lambda: len(_pids(pid_file)) >= 2 and _pids(pid_file), "both programs to start")
        first_worker = dict(started)["worker"]
        os.kill(first_worker, signal.SIGKILL)
        restarted = _wait_for(lambda: [pid for name, pid in _pids(pid_file) if name == "worker" and pid != first_worker],
                              "the worker to be started again")
        assert not _alive(first_worker)
        survivors = [pid for _name, pid in _pids(pid_file) if pid != first_worker]
        assert all(_alive(pid) for pid in survivors) and len(survivors) == 2
        assert dict(_pids(pid_file))["web"] == dict(started)["web"]  # the other program was left alone

        supervisor.send_signal(signal.SIGINT)
        _, log = supervisor.communicate(timeout=60)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    assert supervisor.returncode == 0
    assert not any(_alive(pid) for _name, pid in _pids(pid_file))
    assert f"worker (pid {first_worker}) ended with signal SIGKILL" in log
    assert "restart 1" in log
    assert f"started worker (pid {restarted[0]})" in log
    assert "SIGINT received: stopping web, worker" in log
