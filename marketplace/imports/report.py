"""What an import run reports: errors and warnings per row, what each stored row became, counts
per sheet, example rows skipped, notices."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowProblem:
    """An error (the row cannot be stored) or, in `ImportReport.warnings`, an adjustment (the row
    was stored, and `reason` says how)."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str  # translated


@dataclass(frozen=True)
class RowOutcome:
    """A row that is stored: created or updated, under which key, and what it became, read back
    from the stored record (the catalogue's product name, the unit as read, the status it has)."""

    sheet: str
    row: int
    key: str  # the ref, certificate number or code, as stored
    created: bool
    summary: str  # translated


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0


@dataclass
class ImportReport:
    problems: list[RowProblem] = field(default_factory=list)  # errors: nothing is stored
    warnings: list[RowProblem] = field(default_factory=list)  # adjustments of stored rows; never a failure
    counts: dict[str, SheetCounts] = field(default_factory=dict)  # in import order
    notices: list[str] = field(default_factory=list)  # translated; never a failure
    outcomes: list[RowOutcome] = field(default_factory=list)  # every stored row, in sheet and row order
    examples_skipped: dict[str, list[int]] = field(default_factory=dict)  # sheet → row numbers
    credentials_pending: int = 0  # credential rows stored as pending (unverified)
    credentials_verified: int = 0  # credential rows recorded as verified by the person importing

    @property
    def ok(self) -> bool:
        """No errors: warnings do not count."""
        return not self.problems

    @property
    def stores_anything(self) -> bool:
        return bool(self.outcomes)

    @property
    def examples_skipped_count(self) -> int:
        return sum(len(rows) for rows in self.examples_skipped.values())

    def outcomes_of(self, sheet: str) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.sheet == sheet]

    def warnings_of(self, sheet: str) -> list[RowProblem]:
        return [w for w in self.warnings if w.sheet == sheet]

    def problems_of(self, sheet: str) -> list[RowProblem]:
        return [p for p in self.problems if p.sheet == sheet]

    def fingerprint(self) -> str:
        """What the run would do, independent of the language and of credential verification: the
        confirmation compares it with the preview's, so that it stores exactly what was shown."""
        shape = {
            "stored": [(o.sheet, o.row, o.key, o.created) for o in self.outcomes],
            "warnings": sorted({(w.sheet, w.row, w.column) for w in self.warnings}),
            "problems": sorted({(p.sheet, p.row, p.column) for p in self.problems}),
            "examples": sorted((sheet, rows) for sheet, rows in self.examples_skipped.items()),
        }
        return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()
