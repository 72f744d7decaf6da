"""Warnings of a stored row: a product or unit kept as typed is a warning (in the reader's
language, so inside a request), not a problem of the row. The pure rules (an ended window, the
report's split) are in tests/unit/imports/test_warnings.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.imports.cells import RowCheck
from marketplace.imports.handlers import goods
from marketplace.imports.report import ImportReport, RowProblem


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
