"""`marketplace report`: writes each format, reads 87 as Đồng Tháp, uses the filed report, and
answers bad input with a clear message and exit code 2."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.dates import today_in_vietnam
from marketplace.reports import filing
from marketplace.reports.document import vn_day
from marketplace.reports.periods import parse_period
from marketplace.reports.units import read_unit
from tests.clients import app_session


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _cooperatives(path) -> int:
    rows = list(load_workbook(path)["Chỉ tiêu"].iter_rows(values_only=True))
    return next(row[3] for row in rows if row[1] == "Hợp tác xã thành lập từ Hội quán")


def test_writes_each_format(runner, counting, tmp_path):
    as_of = parse_period("2026-H2").as_of(today_in_vietnam())
    xlsx = tmp_path / "bc.xlsx"
    result = runner.invoke(args=["report", "--period", "2026-H2", "--unit", "87", "--format", "xlsx",
                                 "--output", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "unit 87 read as 82 (Tỉnh Đồng Tháp)" in result.output
    assert f"wrote {xlsx} (xlsx): Tỉnh Đồng Tháp, 2026-H2, figures as of {vn_day(as_of)}; counted now" in result.output
    assert _cooperatives(xlsx) == 2

    pdf = tmp_path / "bc.pdf"
    assert runner.invoke(args=["report", "--period", "2026", "--output", str(pdf)]).exit_code == 0
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in words and "Tỉnh Đồng Tháp" in words

    out = tmp_path / "bc.csv"
    result = runner.invoke(args=["report", "--period", "2026-h1", "--unit", "30244", "--format", "csv",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert next(r for r in rows if r["key"] == "unit")["label"] == "Xã Phú Hựu"


def test_uses_the_filed_report_unless_live(app, runner, counting, tmp_path):
    with app_session(app) as session:
        filing.file_report(session, read_unit(session, "82"), parse_period("2026-H1"), today_in_vietnam(), None)
        session.commit()
    counting.cooperatives = 4
    out = tmp_path / "filed.xlsx"
    result = runner.invoke(args=["report", "--period", "2026-H1", "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"the report as filed on {vn_day(today_in_vietnam())}" in result.output
    assert _cooperatives(out) == 2
    result = runner.invoke(args=["report", "--period", "2026-H1", "--live", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "--live; a filed report exists" in result.output
    assert _cooperatives(out) == 4


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "2026-H3"], "is not a period"),
    (["--period", "2026-H1", "--unit", "999"], "no province or commune has the code “999”"),
    (["--period", "2026-H1", "--unit", "abc"], "no province or commune has the code “abc”"),
    (["--period", "2026-H1", "--format", "docx"], "'docx' is not one of"),
])
def test_bad_input_exits_2(runner, counting, tmp_path, args, message):
    out = tmp_path / "bc.xlsx"
    result = runner.invoke(args=["report", *args, "--output", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_a_format_it_cannot_guess_exits_2(runner, counting, tmp_path):
    result = runner.invoke(args=["report", "--period", "2026", "--output", str(tmp_path / "bc.txt")])
    assert result.exit_code == 2 and "--format" in result.output
    missing = runner.invoke(args=["report", "--period", "2026", "--output", str(tmp_path / "no" / "bc.pdf")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
