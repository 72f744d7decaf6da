"""The reports' tests: figures made by hand stand in for the counting (reports.compute), so the
documents, filing, page and command are tested whatever the counting says."""

from __future__ import annotations

import pytest

from marketplace.reports import compute
from tests.report_figures import sample_figures


class FakeCounting:
    """report_figures as the tests want it: the sample, with `cooperatives` as set."""

    def __init__(self) -> None:
        self.cooperatives = 2
        self.calls = 0

    def __call__(self, db, unit, period, today):
        self.calls += 1
        return sample_figures(period=period.key, as_of=period.as_of(today), unit_code=unit.code,
                              unit_name=unit.name, cooperatives=self.cooperatives)


@pytest.fixture
def counting(monkeypatch) -> FakeCounting:
    fake = FakeCounting()
    monkeypatch.setattr(compute, "report_figures", fake)
    return fake
