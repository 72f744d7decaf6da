"""Warnings: what the importer adjusted in a row it stored (a product or unit kept as typed, an
ended window), as opposed to errors; and the report's split between the two."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from marketplace.imports.cells import RowCheck
from marketplace.imports.handlers import goods
from marketplace.imports.report import ImportReport, RowProblem

TODAY = date(2026, 6, 15)


class FakeRun:
    def __init__(self) -> None:
        self.report = ImportReport()

    def warn(self, warning: RowProblem) -> None:
        self.report.warnings.append(warning)

    def add(self, problem: RowProblem) -> None:
        self.report.problems.append(problem)


def row(values: dict) -> tuple[FakeRun, RowCheck]:
    run = FakeRun()
    return run, RowCheck(run, "listings", 7, values)


def record(*, in_catalogue: bool | None, unit: str) -> SimpleNamespace:
    product = SimpleNamespace(in_catalogue=in_catalogue) if in_catalogue is not None else SimpleNamespace()
    return SimpleNamespace(product=product, unit=unit)


@pytest.mark.parametrize(("stored", "columns"), [
    (record(in_catalogue=True, unit="kg"), []),
    (record(in_catalogue=None, unit="tấn"), []),  # a product without the flag is the catalogue's
    (record(in_catalogue=False, unit="kg"), ["product"]),
    (record(in_catalogue=True, unit="gánh"), ["unit"]),
    (record(in_catalogue=False, unit="gánh"), ["product", "unit"]),
])
def test_a_product_or_unit_kept_as_typed_is_a_warning(app, stored, columns):
    run, checked = row({"product": "trà lạ", "unit": stored.unit})
    with app.test_request_context("/?lang=en"):
        goods.warn_kept_as_typed(checked, stored)
    assert [w.column for w in run.report.warnings] == columns
    assert all(w.sheet == "listings" and w.row == 7 for w in run.report.warnings)
    assert checked.ok and run.report.problems == []  # a warning is not a problem of the row
    if "unit" in columns:
        assert run.report.warnings[-1].value == "gánh"


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
