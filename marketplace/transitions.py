"""A state machine written as a table: (status, action) → (new status, who may take it).

Fairs' booth applications and tourism bookings move this way (orders, with several actors per
step, keep their own table in orders/rules.py)."""

from __future__ import annotations


class Transitions:
    def __init__(self, table: dict[tuple[str, str], tuple[str, str]]) -> None:
        self.table = table

    def next_status(self, status: str, action: str, actor: str) -> str | None:
        """The status `action` leads to from `status` when `actor` may take it, else None."""
        found = self.table.get((status, action))
        if found is None or found[1] != actor:
            return None
        return found[0]

    def allowed_from(self, action: str) -> tuple[str, ...]:
        """The statuses an action can be taken from (what a conditional UPDATE expects)."""
        return tuple(status for (status, name) in self.table if name == action)
