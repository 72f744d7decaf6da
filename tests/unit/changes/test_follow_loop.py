"""The one follow loop of the change log, with no app and no database: a fake log (rows in a list)
stands in for the table, a dict for where the position is kept. What matters: every row is handed
over once per batch, the position moves only after the batch was handled and recorded, the job's
commit is what ends each transaction, and a crash in between hands the same rows over again."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from marketplace.changes import follow as changes
from marketplace.changes.follow import Position


class Log:
    """The change log as a list; `unhandled_rows` reads it as the real query does."""

    def __init__(self, count: int) -> None:
        written = datetime.now(UTC)  # recent: a gap below a handled row is waited for
        self.rows = [SimpleNamespace(id=i, entity="listing", entity_id=100 + i, created_at=written)
                     for i in range(1, count + 1)]

    def unhandled(self, _db, position: Position, batch: int) -> list:
        top = max(position.seen, default=position.upto)
        late = [r for r in self.rows if position.upto < r.id <= top and r.id not in position.seen]
        return late + [r for r in self.rows if r.id > top][:batch]


class Kept:
    """A position store (what a search index keeps beside itself)."""

    def __init__(self) -> None:
        self.state: dict = {}

    def load(self) -> dict:
        return dict(self.state)

    def save(self, state: dict) -> None:
        self.state = dict(state)


@pytest.fixture
def log(monkeypatch) -> Log:
    fake = Log(7)
    monkeypatch.setattr(changes, "unhandled_rows", fake.unhandled)
    return fake


def test_every_row_is_handed_over_once_in_batches_and_the_position_moves_past_them(log):
    kept, batches, events = Kept(), [], []

    def handle(rows):
        batches.append([row.id for row in rows])
        events.append("handle")
        return len(rows)

    handled = changes.follow(None, kept, handle, commit=lambda: events.append("commit"),
                             record=lambda n: events.append(f"record {n}"), batch=3)

    assert handled == 7
    assert batches == [[1, 2, 3], [4, 5, 6], [7]]
    assert Position.load(kept.state).upto == 7
    # The read ends (commit) before recording; the position is committed after each batch.
    assert events[:4] == ["handle", "commit", "record 3", "commit"]
    assert changes.follow(None, kept, handle, commit=lambda: None) == 0  # nothing new: nothing handed over
    assert len(batches) == 3


def test_a_crash_while_handling_leaves_the_position_behind_and_the_rows_come_again(log):
    kept, seen = Kept(), []

    def crashing(rows):
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        changes.follow(None, kept, crashing, commit=lambda: None, batch=3)
    assert Position.load(kept.state).upto == 0

    changes.follow(None, kept, lambda rows: seen.extend(row.id for row in rows), commit=lambda: None, batch=3)
    assert seen == [1, 2, 3, 4, 5, 6, 7]


def test_a_late_row_below_a_handled_one_is_waited_for_then_handed_over(log):
    kept, seen = Kept(), []
    late = log.rows.pop(2)  # row 3 still uncommitted (PostgreSQL gave its id, its transaction runs on)
    changes.follow(None, kept, lambda rows: seen.extend(row.id for row in rows), commit=lambda: None)
    position = Position.load(kept.state)
    assert (position.upto, sorted(position.seen)) == (2, [4, 5, 6, 7])

    log.rows.insert(2, late)  # committed now
    changes.follow(None, kept, lambda rows: seen.extend(row.id for row in rows), commit=lambda: None)
    assert seen == [1, 2, 4, 5, 6, 7, 3]
    assert Position.load(kept.state).upto == 7


def test_the_changed_objects_of_a_batch_are_named_once():
    rows = [SimpleNamespace(entity="org", entity_id=1), SimpleNamespace(entity="org", entity_id=1),
            SimpleNamespace(entity="listing", entity_id=2)]
    assert changes.changed(rows) == {("org", 1), ("listing", 2)}
