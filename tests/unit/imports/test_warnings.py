"""Warnings: what the importer adjusted in a row it stored (a product or unit kept as typed, an
ended window), as opposed to errors; and the report's split between the two."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.imports.handlers import goods
from marketplace.imports.report import ImportReport, RowProblem

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(("cell", "passed"), [
    (date(2026, 6, 14), True),
    ("14/06/2026", True),
    ("2026-06-14", True),
    (date(2026, 6, 15), False),  # ends today: still current
    ("31/12/2026", False),
    (None, False),
    ("hôm qua", False),  # not a date: the service reports it as an error
])
def test_an_end_date_has_passed(cell, passed):
    assert goods.has_passed(cell, TODAY) is passed


def test_warnings_never_make_a_report_fail():
    report = ImportReport(warnings=[RowProblem("listings", 3, "available_to", "01/05/2026", "ended")])
    assert report.ok
    report.problems.append(RowProblem("listings", 4, "unit", "x", "unknown"))
    assert not report.ok
