"""The /reports page (staff): choose a unit (the province or one of its communes) and a period, read
a summary, download the report as .xlsx, PDF or CSV, and file it (after a confirmation step). A
filed report is what every download of its unit and period gives from then on. Views parse,
authorise, call a service, commit once."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace import db
from marketplace.access import role_required
from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict, NotFound
from marketplace.notifications.wording import word_notices
from marketplace.places.models import Commune, Province
from marketplace.reports import exports, filing, jobs, notices
from marketplace.reports.forms import FileForm
from marketplace.reports.periods import Period, default_period, parse_period, period_of
from marketplace.reports.report_labels import FORMAT_LABELS, TARGET_LABELS, period_name
from marketplace.reports.units import HOME_PROVINCE, Unit, read_unit
from marketplace.saving import saving

bp = Blueprint("reports", __name__)
word_notices(bp, notices.PREFIX, notices.describe_notice)


@bp.record_once
def _register_job(state) -> None:
    jobs.init_app(state.app)


@bp.app_context_processor
def _labels() -> dict:
    return {"report_target_labels": TARGET_LABELS, "report_format_labels": FORMAT_LABELS,
            "report_period_name": period_name}


def _choice(unit_text: str | None, period_text: str | None) -> tuple[Unit, Period, dict[str, str]]:
    """The unit and period asked for; what could not be read falls back to the home province and
    the report due next, with a message for each."""
    problems: dict[str, str] = {}
    unit = read_unit(db.session, unit_text)
    if unit is None:
        problems["unit"] = _("There is no province or commune with the code “%(code)s”.", code=(unit_text or "")[:20])
        unit = read_unit(db.session, HOME_PROVINCE)
    period = parse_period(period_text) if period_text else default_period(today_in_vietnam())
    if period is None:
        problems["period"] = _("Write the period like 2026-H1, 2026-H2 or 2026.")
        period = default_period(today_in_vietnam())
    return unit, period, problems


def _strict(unit_text: str | None, period_text: str | None) -> tuple[Unit, Period]:
    """For a download or a filing: the unit and period exactly as asked, or not found."""
    unit, period = read_unit(db.session, unit_text), parse_period(period_text or "")
    if unit is None or period is None:
        raise NotFound(_("There is no such report."))
    return unit, period


def _period_choices(current: Period) -> list[Period]:
    year = today_in_vietnam().year
    found = [period_of(y, half) for y in (year, year - 1) for half in (1, 2, None)]
    return found if current in found else [current, *found]


def _unit_choices(unit: Unit) -> tuple[Province | None, list[Commune]]:
    province = db.session.get(Province, unit.province_code)
    communes = list(db.session.scalars(select(Commune).where(Commune.province_code == unit.province_code)
                                       .order_by(Commune.name)))
    return province, communes


def _page(unit: Unit, period: Period, problems: dict[str, str], *, form: FileForm | None = None,
          status: int = 200, template: str = "reports/reports.html"):
    report = filing.report_for(db.session, unit, period, today_in_vietnam())
    province, communes = _unit_choices(unit)
    form = form or FileForm(unit=unit.code, period=period.key)
    return render_template(template, unit=unit, period=period, report=report, problems=problems,
                           province=province, communes=communes, periods=_period_choices(period), form=form,
                           filed_reports=filing.filed_reports(db.session), unit_names=_unit_names(),
                           formats=list(exports.FORMATS)), status


def _unit_names() -> dict[str, str]:
    """Names of the units filed reports are for, for the list."""
    provinces = dict(db.session.execute(select(Province.code, Province.name)).all())
    codes = list(db.session.scalars(select(filing.FiledReport.unit_code).distinct()))
    communes = dict(db.session.execute(select(Commune.code, Commune.name).where(Commune.code.in_(codes))).all())
    return {**provinces, **communes}


@bp.route("/reports")
@role_required("staff")
def index():
    unit, period, problems = _choice(request.args.get("unit"), request.args.get("period"))
    return _page(unit, period, problems)


@bp.route("/reports/download.<fmt>")
@role_required("staff")
def download(fmt: str):
    if fmt not in exports.FORMATS:
        raise NotFound(_("There is no such report."))
    unit, period = _strict(request.args.get("unit"), request.args.get("period"))
    report = filing.report_for(db.session, unit, period, today_in_vietnam())
    data = exports.file_bytes(db.session, report, fmt)
    return Response(data, mimetype=exports.FORMATS[fmt], headers={
        "Content-Disposition": f"attachment; filename={exports.filename(report, fmt)}",
        "Cache-Control": "private, no-store"})


@bp.route("/reports/file", methods=["GET", "POST"])
@role_required("staff")
def file():
    """GET: what filing means, with the note and the button; POST: file it."""
    form = FileForm()
    unit, period = _strict(form.unit.data if form.is_submitted() else request.args.get("unit"),
                           form.period.data if form.is_submitted() else request.args.get("period"))
    if not form.is_submitted():
        form = FileForm(unit=unit.code, period=period.key)
    elif form.validate():
        with saving(form, catch=(Conflict,), show=lambda error: None,
                    done=_("The report is filed: its figures stay as they are now.")) as saved:
            filing.file_report(db.session, unit, period, today_in_vietnam(), current_user, form.note.data or "")
        if saved:
            return redirect(url_for("reports.index", unit=unit.code, period=period.key))
        return _page(unit, period, {"filing": saved.error.message}, status=409)
    if filing.filed_report(db.session, unit, period) is not None and not form.errors:
        return _page(unit, period, {"filing": _("The report for %(unit)s, %(period)s was filed already; it stays "
                                                "as filed.", unit=unit.name, period=period.key)}, status=409)
    page = _page(unit, period, {}, form=form, template="reports/file.html")[0]
    return page, 422 if form.errors else 200
