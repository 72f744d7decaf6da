"""Following the change log: one loop for every follower (a search index, matching, alerts).

A follower keeps a `Position` — in the database for a platform-wide follower (a name, one row of
outbox_positions), or anywhere else through a `PositionStore` (a search index keeps its own beside
the index, so a rebuild swaps index and position together). `follow` reads the rows the position
has not handled, hands them over a batch at a time, and only then moves the position: a crash in
between hands the same rows over again, so handling must be safe to repeat. It never commits by
itself: the job passes its `commit`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marketplace.changes.models import OutboxPositionRecord, SearchOutbox
from marketplace.dates import as_utc
from marketplace.db import reading

BATCH = 500
LATE_WINDOW = timedelta(minutes=2)  # longer than any write transaction runs between flush and commit
RETENTION = timedelta(days=7)  # rows older than this are pruned; an index this far behind is rebuilt


@dataclass
class Position:
    """How far one follower has read the log.

    Every row up to `upto` is handled; `seen` holds rows above it already handled (id → when the
    row was written). The log is not a queue — several hosts can each keep an index following one
    PostgreSQL database — so rows are not deleted when handled but pruned after RETENTION.
    PostgreSQL hands out ids at insert time, so a slow transaction can commit a row *below* one
    already handled: gaps under a handled row are waited for, up to LATE_WINDOW, before they are
    given up as rolled back.
    """

    upto: int = 0
    seen: dict[int, float] = field(default_factory=dict)
    updated_at: float = 0.0

    @classmethod
    def load(cls, state: dict) -> Position:
        return cls(upto=int(state.get("upto", 0)), seen={int(k): v for k, v in state.get("seen", {}).items()},
                   updated_at=float(state.get("updated_at", 0.0)))

    def dump(self) -> dict:
        return {"upto": self.upto, "seen": {str(k): v for k, v in self.seen.items()}, "updated_at": self.updated_at}

    def handled(self, row_id: int) -> bool:
        return row_id <= self.upto or row_id in self.seen

    def mark(self, rows: Sequence, now: float) -> None:
        """These rows are handled: remember them, then move on past every contiguous one."""
        for row in rows:
            self.seen[row.id] = row_timestamp(row.created_at)
        self.advance(now)
        self.updated_at = now

    def advance(self, now: float) -> None:
        for row_id in sorted(self.seen):
            contiguous = row_id == self.upto + 1
            if contiguous or self.seen[row_id] < now - LATE_WINDOW.total_seconds():
                self.upto = row_id
                del self.seen[row_id]
            else:
                break


class PositionStore(Protocol):
    """Where a follower that is not platform-wide keeps its position (as a JSON-able dict)."""

    def load(self) -> dict: ...

    def save(self, state: dict) -> None: ...


class DatabasePosition:
    """A platform-wide follower's position: one outbox_positions row, whose JSON may also hold the
    follower's own keys (matching's `rematched_on`), kept as they are."""

    def __init__(self, db: Session, name: str) -> None:
        self.db = db
        self.name = name

    def load(self) -> dict:
        return saved_state(self.db, self.name)

    def save(self, state: dict) -> None:
        save_state(self.db, self.name, saved_state(self.db, self.name) | state)


def saved_state(db: Session, name: str) -> dict:
    record = db.get(OutboxPositionRecord, name)
    return json.loads(record.state or "{}") if record is not None else {}


def save_state(db: Session, name: str, state: dict) -> None:
    """Replace the follower's stored state (flushes; the job commits)."""
    record = db.get(OutboxPositionRecord, name)
    if record is None:
        record = OutboxPositionRecord(consumer=name, state="{}")
        db.add(record)
    record.state = json.dumps(state)
    db.flush()


def now() -> float:
    return datetime.now(UTC).timestamp()


def row_timestamp(moment: datetime) -> float:
    return as_utc(moment).timestamp()


def unhandled_rows(db: Session, position: Position, batch: int) -> list:
    """Rows the position has not handled: late ones below its highest, then up to batch new."""
    columns = (SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id, SearchOutbox.created_at)
    top = max(position.seen, default=position.upto)
    late = [row for row in db.execute(select(*columns).where(SearchOutbox.id > position.upto,
                                                             SearchOutbox.id <= top).order_by(SearchOutbox.id))
            if row.id not in position.seen]
    new = db.execute(select(*columns).where(SearchOutbox.id > top).order_by(SearchOutbox.id).limit(batch)).all()
    return late + list(new)


def changed(rows: Sequence) -> set[tuple[str, int]]:
    """The (entity, id) pairs the rows name, each once."""
    return {(row.entity, row.entity_id) for row in rows}


def follow(db: Session, follower: str | PositionStore, handle: Callable[[list], Any], *,
           commit: Callable[[], None], record: Callable[[Any], None] | None = None,
           batch: int = BATCH) -> int:
    """Hand every row the follower has not handled to `handle`, a batch at a time; returns how
    many rows were handled.

    `handle(rows)` runs in the read-only transaction the rows were read in (on SQLite it never
    holds the write lock); what it returns goes to `record`, which runs after that transaction
    ended and writes in short transactions of its own (committing through the job's `commit`).
    Then the position moves and is saved, and `commit` is called.
    """
    store = DatabasePosition(db, follower) if isinstance(follower, str) else follower
    total = 0
    while True:
        with reading():
            position = Position.load(store.load())
            rows = unhandled_rows(db, position, batch)
            result = handle(rows) if rows else None
            commit()  # ends the read
        if rows and record is not None:
            record(result)
        position.mark(rows, now())
        store.save(position.dump())
        commit()
        total += len(rows)
        if not rows:
            return total


def latest_before(db: Session, moment: datetime) -> int:
    """The id of the last row written before `moment` (0 when none): where a rebuilt follower
    starts, so that rows written during the rebuild are handled again."""
    return db.scalar(select(func.max(SearchOutbox.id)).where(SearchOutbox.created_at < moment)) or 0


def prune(db: Session, moment: datetime) -> int:
    """Delete rows older than RETENTION that every platform-wide follower has passed (a search
    index this far behind rebuilds itself); returns how many. Flushes; the job commits."""
    cutoff = moment - RETENTION
    passed = [Position.load(json.loads(state or "{}")).upto
              for state in db.scalars(select(OutboxPositionRecord.state))]
    statement = delete(SearchOutbox).where(SearchOutbox.created_at < cutoff)
    if passed:
        statement = statement.where(SearchOutbox.id <= min(passed))
    return db.execute(statement).rowcount or 0
