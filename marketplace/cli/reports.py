"""`marketplace report`: the semi-annual or annual report of a unit as a file, as the /reports page
gives it (the filed report when there is one; `--live` counts again)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.reports import exports, filing
from marketplace.reports.document import vn_day
from marketplace.reports.periods import parse_period
from marketplace.reports.units import HOME_PROVINCE, read_unit


@click.command("report")
@click.option("--period", "period_text", required=True, help="2026-H1, 2026-H2 or 2026 (the year).")
@click.option("--unit", "unit_text", default=HOME_PROVINCE, show_default=True,
              help="A province's code (87, Đồng Tháp's before July 2025, reads as 82) or a commune's.")
@click.option("--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), default=None,
              help="xlsx, csv or pdf; without it, the output file's extension.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="The file to write.")
@click.option("--live", is_flag=True, help="Count the figures now even when the report was filed.")
@with_appcontext
def report_command(period_text: str, unit_text: str, fmt: str | None, output: Path, live: bool) -> None:
    """Write the report of a unit and period as .xlsx, .csv or .pdf (always in Vietnamese)."""
    period = parse_period(period_text)
    if period is None:
        raise click.BadParameter(f"“{period_text}” is not a period: write 2026-H1, 2026-H2 or 2026.",
                                 param_hint="--period")
    unit = read_unit(db.session, unit_text)
    if unit is None:
        raise click.BadParameter(f"no province or commune has the code “{unit_text}”.", param_hint="--unit")
    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in exports.FORMATS:
        raise click.BadParameter("say --format xlsx, csv or pdf (or end the file name with one of them).",
                                 param_hint="--format")
    if not output.parent.is_dir():
        raise click.BadParameter(f"the folder {output.parent} does not exist.", param_hint="--output")
    report = filing.report_for(db.session, unit, period, today_in_vietnam(), live=live)
    data = exports.file_bytes(db.session, report, fmt)
    db.session.rollback()
    output.write_bytes(data)
    if unit.level == "province" and unit.code != unit_text.strip().zfill(2):
        click.echo(f"unit {unit_text} read as {unit.code} ({unit.name})")
    figures = report.figures
    state = (f"the report as filed on {vn_day(report.filed_on)}" if report.filed
             else "counted now (not filed)" if not live or not filing.filed_report(db.session, unit, period)
             else "counted now (--live; a filed report exists)")
    click.echo(f"wrote {output} ({fmt}): {unit.name}, {period.key}, figures as of {vn_day(figures.as_of)}; {state}")
