"""The background worker: a registry of jobs that each package fills at start-up, and the rounds
that run them (`marketplace worker`).

A package registers its jobs in its own jobs.py (`init_app(app)`, called from its blueprint's
`record_once`, or from the app factory for packages without pages):

    worker.register(app, "orders", remind_and_expire)             # every round
    worker.register(app, "change-log pruning", prune, every=3600)  # at most once an hour
    worker.register(app, "matching", follow_changes, single=True)  # one worker of all hosts at a time

A job takes no arguments, uses `db.session` and commits its own work: only jobs (and views)
commit. One failing job is logged and retried next round while the others go on; a job that
raises `Unavailable` (an operator must act: a full disk) is told plainly, once and then every
REMINDER seconds, not every round. SIGTERM stops the worker between two jobs, never inside one.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask

from marketplace import db

log = logging.getLogger(__name__)

REMINDER = 300.0  # seconds between two log lines saying a job still cannot run
LAST = 90  # `order` of the jobs that must see every other job's work of the round (mail)


class Unavailable(Exception):  # noqa: N818 - a state the operator reads, not a programming error
    """The job cannot run until an operator acts; the message says what to do."""


@dataclass(frozen=True)
class Job:
    name: str  # also what the log says: "<name> round failed; retrying"
    run: Callable[[], object]
    every: float | None = None  # seconds between two runs; None: every round
    order: int = 50  # lower runs first within a round
    poll: float | None = None  # also run every `poll` seconds while the worker waits between rounds
    # Platform-wide work that two workers (two hosts on one database) must not both do at once:
    # the worker that finds another running it skips it this round (db.one_at_a_time).
    single: bool = False


def register(app: Flask, name: str, run: Callable[[], object], *, every: float | None = None,
             order: int = 50, poll: float | None = None, single: bool = False) -> None:
    app.extensions.setdefault("worker_jobs", {})[name] = Job(name, run, every, order, poll, single)


def jobs(app: Flask) -> dict[str, Job]:
    """The app's jobs by name (tests may replace one)."""
    return app.extensions.setdefault("worker_jobs", {})


class Worker:
    """Runs an app's jobs round after round; remembers when each last ran and which cannot run."""

    def __init__(self, app: Flask, *, once: bool = False) -> None:
        self.app = app
        self.once = once
        self.last_run: dict[str, float] = {}
        self.last_told: dict[str, float] = {}
        self.last_failed: dict[str, float] = {}  # polled jobs: when their failure was last logged

    def due(self, now: float) -> list[Job]:
        return [job for job in sorted(jobs(self.app).values(), key=lambda j: j.order)
                if job.every is None or now - self.last_run.get(job.name, -job.every) >= job.every]

    def round(self, stopping: threading.Event) -> None:
        """Each due job once, in order; with `once`, the first failure is raised."""
        for job in self.due(time.monotonic()):
            self.last_run[job.name] = time.monotonic()
            self._run(job)
            if stopping.is_set():
                break

    def _run(self, job: Job) -> None:
        registry = db.get_registry(self.app)
        try:
            self._run_alone(job) if job.single else job.run()
            self.last_told.pop(job.name, None)
        except Unavailable as problem:
            db.session.rollback()
            if self.once:
                raise
            self._tell(job.name, problem)
        except Exception:
            # "database is locked", a full disk: the job catches up on a later round; the
            # other jobs must not stop with it.
            db.session.rollback()
            if self.once:
                raise
            if job.poll and time.monotonic() - self.last_failed.get(job.name, -REMINDER) < REMINDER:
                return  # a polled job runs four times a second: its traceback once every REMINDER s
            self.last_failed[job.name] = time.monotonic()
            log.exception("%s round failed; retrying", job.name)
        finally:
            registry.remove()  # a fresh session (and snapshot) for each job

    def _run_alone(self, job: Job) -> None:
        with db.one_at_a_time(self.app, job.name) as mine:
            if mine:
                job.run()
            else:
                log.debug("%s: another worker runs it now", job.name)

    def wait(self, stopping: threading.Event, interval: float) -> None:
        """The pause between two rounds, in which the jobs registered with `poll` run every
        `poll` seconds: the search index's, so that an edit is searchable well within a second of
        its commit, where rounds come a second apart (or more, after a long round)."""
        deadline = time.monotonic() + interval
        polled = [job for job in jobs(self.app).values() if job.poll]
        while not stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if stopping.wait(min([left, *(job.poll for job in polled)])):
                return
            now = time.monotonic()
            for job in polled:
                if now < deadline and now - self.last_run.get(job.name, 0.0) >= job.poll:
                    self.last_run[job.name] = now
                    self._run(job)

    def _tell(self, name: str, problem: Unavailable) -> None:
        """Plainly (no traceback), once and then every REMINDER seconds."""
        now = time.monotonic()
        if name not in self.last_told or now - self.last_told[name] >= REMINDER:
            log.error("%s: %s", name, problem)
            self.last_told[name] = now

    def run(self, *, rounds: int | None = None, interval: float = 1.0) -> int:
        """Rounds until SIGTERM (or `rounds`, or one with `once`); returns how many ran."""
        done = 0
        with stopped_by_sigterm() as stopping:
            while not stopping.is_set():
                self.round(stopping)
                done += 1
                if self.once or (rounds is not None and done >= rounds):
                    return done
                self.wait(stopping, interval)
            log.info("worker stopped (SIGTERM) after %d rounds", done)
        return done


@contextmanager
def stopped_by_sigterm() -> Iterator[threading.Event]:
    """SIGTERM (what `make run`, systemd and supervisors send) ends the worker between two jobs,
    never inside one: each job's transaction commits or rolls back whole, and the exit is clean."""
    stopping = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stopping  # signals reach the main thread only
        return
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    try:
        yield stopping
    finally:
        signal.signal(signal.SIGTERM, previous)
