"""Progress of a long import (issue #21): rows read, checked and written, reported by the service
as it goes and shown by `marketplace import` on stderr, leaving stdout as scripts read it."""

from __future__ import annotations

from marketplace.cli import data as cli_data
from marketplace.dates import today_in_vietnam
from marketplace.imports import readers, run, services
from tests import import_golden
from tests.sheets import xlsx_bytes


def test_the_service_reports_rows_read_checked_and_written_as_it_goes(session, monkeypatch):
    monkeypatch.setattr(run, "PROGRESS_EVERY", 10)
    today = today_in_vietnam()
    sheets = readers.rows_from_json(import_golden.as_json_document(import_golden.golden_sheets(today, rows=60)))
    seen = []
    report = services.import_data(session, sheets, None, today,
                                  progress=lambda p: seen.append((p.read, p.checked, p.written)))
    total = sum(len(rows) for rows in sheets.values())
    assert len(seen) > 5
    assert all(read == total for read, _checked, _written in seen)
    assert [checked for _read, checked, _written in seen] == sorted(checked for _read, checked, _written in seen)
    assert seen[-1][1] == total
    assert seen[-1][2] == len(report.outcomes)


def test_the_command_shows_progress_on_stderr_for_a_long_file(app, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(cli_data, "LONG_IMPORT_ROWS", 10)
    today = today_in_vietnam()
    sheets = import_golden.seed_sheets(today)
    path = tmp_path / "season.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    result = app.test_cli_runner().invoke(args=["import", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Rows read: 12, checked: 10, written: 9 (listings)" in result.stderr  # the 10th being checked
    assert "Rows read: 12, checked: 12, written: 12 (listings)" in result.stderr
    assert "Rows read" not in result.stdout
    assert result.stdout.rstrip().endswith("Imported: everything is stored.")
