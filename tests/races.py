"""Races that really race: several threads do the same thing at the same moment, released together
by a Barrier once each is ready (its client made, its connection open, its app context pushed).
Used by the tests of simultaneous orders, payments, API posts, card clicks and index writers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

# Seconds: far beyond what a start or a run takes, so only a thread that never gets there fails.
READY_WAIT = 60
RUN_WAIT = 120


def at_once(count: int, work: Callable[[int, Callable[[], None]], Result], *, ready_wait: float = READY_WAIT,
            run_wait: float = RUN_WAIT) -> list[Result]:
    """Run work(n, go) for n in range(count), each in a thread of its own. Each calls go() when it
    is ready and waits there until all are; from then on they race. Returns what each returned, in
    the order of n. Fails the test if a thread has not finished after run_wait seconds, or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def go() -> None:
        barrier.wait(timeout=ready_wait)

    def run(n: int) -> None:
        try:
            results[n] = work(n, go)
        except BaseException as error:  # noqa: BLE001 - reported below, with the others
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=run_wait)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    assert not errors, errors[:3]
    return results
