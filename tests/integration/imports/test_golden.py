"""The import gives the same results as before it was made fast (issue #21): a generated 20,000-row
listings sheet with bad rows of every kind (tests/import_golden.py) is imported, and every row's
outcome, problem and warning, and every record it leaves in the session, are compared line by line
with what the import of before recorded (tests/data/import_golden.txt.gz)."""

from __future__ import annotations

import difflib

import pytest

from marketplace.dates import today_in_vietnam
from tests import import_golden, import_golden_demand


@pytest.mark.skipif(not import_golden.GOLDEN.exists(), reason="no golden record")
def test_a_large_sheet_imports_row_by_row_as_before(session):
    expected = import_golden.read_golden()
    got = import_golden.run_golden(session, today_in_vietnam())
    if got != expected:
        diff = list(difflib.unified_diff(expected, got, "before", "now", n=0, lineterm=""))
        pytest.fail(f"{len(diff)} lines differ; the first ones:\n" + "\n".join(diff[:40]))


@pytest.mark.skipif(not import_golden_demand.GOLDEN.exists(), reason="no golden record")
def test_a_large_demand_sheet_imports_as_before(session):
    """The same for the buyers' requests (tests/import_golden_demand.py): 5,000 rows written the way
    buyers write them, recorded before the demand sheet was batched."""
    expected = import_golden_demand.read_golden()
    got = import_golden_demand.run_golden(session, today_in_vietnam())
    if got != expected:
        diff = list(difflib.unified_diff(expected, got, "before", "now", n=0, lineterm=""))
        pytest.fail(f"{len(diff)} lines differ; the first ones:\n" + "\n".join(diff[:40]))
