"""Keeps the web server and the background worker running side by side (`marketplace serve`).

Each program runs in its own process group, so a Ctrl-C in the terminal reaches only the
supervisor, which then stops both in order (SIGTERM, then SIGKILL after a grace period) instead of
mistaking their deaths for crashes. A program that ends on its own is started again and the restart
is logged; one that keeps dying at once waits longer each time (restart_delay), so a broken
configuration does not spin. Production hosts can let systemd do the same (docs/operations.md).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess  # nosec B404  # starts our own programs from an argument list
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# A program that lived less than this long before ending counts as failing at once.
QUICK_DEATH_SECONDS = 10.0
MAX_RESTART_DELAY_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0


def restart_delay(quick_deaths: int) -> float:
    """Seconds to wait before starting a program again, after `quick_deaths` ends in a row that each
    came soon after its start: 0.5 s for a program that ran a while, then doubling, at most 30 s."""
    return min(0.5 * 2 ** max(quick_deaths - 1, 0), MAX_RESTART_DELAY_SECONDS)


def web_and_worker(*, host: str, port: int, workers: int, python: str = sys.executable) -> dict[str, list[str]]:
    """The two programs of one host: gunicorn serving the app, and `marketplace worker`."""
    bin_dir = Path(python).parent
    marketplace = bin_dir / "marketplace"
    return {
        # No control socket: gunicorn puts it at one path per user, which two sites on a host would share.
        "web": [python, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{host}:{port}",
                "--no-control-socket", "--config", "python:marketplace.gunicorn_conf", "marketplace:create_app()"],
        "worker": [str(marketplace) if marketplace.exists() else "marketplace", "worker"],
    }


@dataclass
class Program:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # when an ended program is due to start again
    quick_deaths: int = 0
    restarts: int = 0


@dataclass
class Supervisor:
    programs: list[Program]
    poll_seconds: float = 0.2
    stop_grace_seconds: float = STOP_GRACE_SECONDS
    _stopping: bool = field(default=False, init=False)

    @classmethod
    def of(cls, argvs: dict[str, list[str]], **options) -> Supervisor:
        return cls([Program(name, argv) for name, argv in argvs.items()], **options)

    def run(self) -> int:
        """Start every program and keep them running until SIGINT or SIGTERM; returns the exit code."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._request_stop)
        for program in self.programs:
            self._start(program)
        while not self._stopping:
            now = time.monotonic()
            for program in self.programs:
                self._look_after(program, now)
            time.sleep(self.poll_seconds)
        self._stop_all()
        return 0

    def _request_stop(self, signum, _frame) -> None:
        if not self._stopping:
            log.info("%s received: stopping %s", signal.Signals(signum).name,
                     ", ".join(p.name for p in self.programs))
        self._stopping = True

    def _start(self, program: Program) -> None:
        # Own session: the terminal's Ctrl-C goes to the supervisor only, which stops the programs itself.
        program.process = subprocess.Popen(program.argv, start_new_session=True)  # noqa: S603  # nosec B603  # our own argv
        program.started_at = time.monotonic()
        program.restart_at = None
        log.info("started %s (pid %d)", program.name, program.process.pid)

    def _look_after(self, program: Program, now: float) -> None:
        if program.restart_at is not None:
            if now >= program.restart_at:
                program.restarts += 1
                self._start(program)
            return
        if program.process is None:  # start() runs before any look-after; fail loudly if that ever changes
            raise RuntimeError(f"{program.name} was never started")
        code = program.process.poll()
        if code is None:
            return
        lived = now - program.started_at
        program.quick_deaths = program.quick_deaths + 1 if lived < QUICK_DEATH_SECONDS else 0
        delay = restart_delay(program.quick_deaths)
        program.restart_at = now + delay
        log.warning("%s (pid %d) ended with %s after %.1f s; restarting it in %.1f s (restart %d)",
                    program.name, program.process.pid, _describe_exit(code), lived, delay, program.restarts + 1)

    def _stop_all(self) -> None:
        running = [p for p in self.programs if p.process is not None and p.process.poll() is None]
        for program in running:
            program.process.terminate()
        deadline = time.monotonic() + self.stop_grace_seconds
        for program in running:
            try:
                program.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("%s (pid %d) did not stop in %.0f s: killed", program.name, program.process.pid,
                            self.stop_grace_seconds)
                program.process.kill()
                program.process.wait()
        log.info("stopped %s", ", ".join(p.name for p in self.programs))


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def default_workers(environ: dict[str, str] | None = None) -> int:
    """Web worker processes: WEB_CONCURRENCY (gunicorn's own variable), else 2."""
    value = (environ if environ is not None else os.environ).get("WEB_CONCURRENCY", "").strip()
    return int(value) if value.isdecimal() and int(value) > 0 else 2
