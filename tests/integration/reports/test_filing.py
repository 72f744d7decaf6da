"""Filing a report: kept as filed (its figures never change afterwards), once per unit and period."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict
from marketplace.reports import exports, filing
from marketplace.reports.periods import parse_period
from marketplace.reports.units import read_unit
from tests.factories import make_user


def _cooperatives(data: bytes) -> int:
    rows = list(load_workbook(io.BytesIO(data))["Chỉ tiêu"].iter_rows(values_only=True))
    return next(row[3] for row in rows if row[1] == "Hợp tác xã thành lập từ Hội quán")


def test_a_filed_report_does_not_change_after_new_data(session, counting):
    staff = make_user("staff")
    unit, period = read_unit(session, "82"), parse_period("2026-H1")
    today = today_in_vietnam()
    filed = filing.file_report(session, unit, period, today, staff, "  Gửi Sở NN&MT  ")
    assert (filed.unit_code, filed.period, filed.note, filed.filed_by_id) == ("82", "2026-H1", "Gửi Sở NN&MT", staff.id)
    assert filed.as_of == period.as_of(today)

    counting.cooperatives = 5  # the data changed after filing
    report = filing.report_for(session, unit, period, today)
    assert report.filed is not None and report.filed_on == today
    assert report.figures.target("cooperatives_from_clubs").actual == 2
    assert report.figures == filing.figures_of(filed)
    assert _cooperatives(exports.file_bytes(session, report, "xlsx")) == 2
    assert exports.filename(report, "xlsx") == "bao-cao-82-2026-H1-da-nop.xlsx"

    live = filing.report_for(session, unit, period, today, live=True)
    assert live.filed is None and live.figures.target("cooperatives_from_clubs").actual == 5
    assert _cooperatives(exports.file_bytes(session, live, "xlsx")) == 5


def test_filing_twice_is_refused(session, counting):
    unit, period = read_unit(session, "82"), parse_period("2026")
    filing.file_report(session, unit, period, today_in_vietnam(), None)
    with pytest.raises(Conflict):
        filing.file_report(session, unit, period, today_in_vietnam(), None)
    other = filing.file_report(session, read_unit(session, "30244"), period, today_in_vietnam(), None)
    assert other.unit_code == "30244"  # another unit's report for the same period is its own


def test_commune_names_come_from_the_places(session, counting):
    report = filing.report_for(session, read_unit(session, "82"), parse_period("2026-H1"), today_in_vietnam())
    assert filing.commune_names(session, report.figures) == {"30112": "Xã Mỹ Hiệp", "30244": "Xã Phú Hựu"}


def test_former_province_code_reads_as_the_province_it_joined(session):
    assert read_unit(session, "87").code == "82"
    assert read_unit(session, "82").name == "Tỉnh Đồng Tháp"
    assert read_unit(session, "30244").level == "commune"
    assert read_unit(session, "99") is None and read_unit(session, "8a") is None


def test_two_filing_at_once_one_is_refused(session, counting, monkeypatch):
    """Another person's filing lands between the check and the insert: the unique key refuses
    the second, and the first stays whole."""
    unit, period = read_unit(session, "82"), parse_period("2026-H2")
    first = filing.file_report(session, unit, period, today_in_vietnam(), None, "đầu tiên")
    monkeypatch.setattr(filing, "filed_report", lambda db, unit, period: None)  # read before the other's commit
    with pytest.raises(Conflict):
        filing.file_report(session, unit, period, today_in_vietnam(), None, "thứ hai")
    monkeypatch.undo()
    assert filing.filed_report(session, unit, period).note == "đầu tiên"
    assert first.id is not None


def test_a_period_that_has_not_begun_cannot_be_filed(session, counting):
    """Filing freezes the figures: an empty report for next year would take the real one's place."""
    today = today_in_vietnam()
    unit, coming = read_unit(session, "82"), parse_period(str(today.year + 1))
    with pytest.raises(Conflict):
        filing.file_report(session, unit, coming, today, None)
    assert filing.filed_report(session, unit, coming) is None
    assert filing.file_report(session, unit, coming, coming.start, None).period == coming.key  # from its first day
