"""Races that really race: several threads do the same thing at the same moment, released together
by a Barrier once each is ready (its client made, its connection open, its app context pushed).
Used by the tests of simultaneous orders, payments, API posts, card clicks and index writers.
`meanwhile` makes one interleaving happen every time: another worker's step between a read and
the conditional UPDATE that claims what was read."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

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


@contextmanager
def meanwhile(table: str, step: Callable[[Session], object]) -> Iterator[list[bool]]:
    """Run `step(session)` just before the first ORM UPDATE of `table` that the code under test
    sends, in its own transaction: what another worker or person does between the code's read and
    its conditional claim, the moment the thread races reach only by chance. Yields a list that
    holds True once the step ran (assert it did, or the test proved nothing)."""
    ran: list[bool] = []

    def before(state) -> None:
        target = getattr(state.statement, "table", None)
        if ran or not state.is_update or target is None or target.name != table:
            return
        ran.append(True)
        step(state.session)

    event.listen(Session, "do_orm_execute", before)
    try:
        yield ran
    finally:
        event.remove(Session, "do_orm_execute", before)
