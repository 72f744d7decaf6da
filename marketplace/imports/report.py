"""What an import run reports: errors and warnings per row, counts per sheet, notices."""

from __future__ import annotations

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

    @property
    def ok(self) -> bool:
        """No errors: warnings do not count."""
        return not self.problems
