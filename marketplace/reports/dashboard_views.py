"""The targets dashboard (/staff/targets, staff only): each target of the plan, actual against goal,
for the chosen unit (the province or one of its communes) and period, by commune, with the records
behind each number one click away (/staff/targets/<key>); and the marketplace's activity in the
period. The figures are reports.compute's, the same the report documents print."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import db
from marketplace.access import role_required
from marketplace.dates import today_in_vietnam
from marketplace.places.models import Commune
from marketplace.reports import compute, targets
from marketplace.reports.dashboard_labels import (
    ACTIVITY_LABELS,
    PERIOD_CHOICE_LABELS,
    RECORD_KIND_LABELS,
    TARGET_LABELS,
    TARGET_SHORT_LABELS,
)
from marketplace.reports.dashboard_rules import bar_percent, chosen_period, goal_percent, period_choices
from marketplace.reports.figures import TARGET_GOALS
from marketplace.reports.periods import default_period, next_due
from marketplace.reports.units import HOME_PROVINCE, read_unit

bp = Blueprint("targets", __name__)

LABELS = {"target_labels": TARGET_LABELS, "target_short_labels": TARGET_SHORT_LABELS,
          "activity_labels": ACTIVITY_LABELS, "period_choice_labels": PERIOD_CHOICE_LABELS,
          "record_kind_labels": RECORD_KIND_LABELS, "bar_percent": bar_percent, "goal_percent": goal_percent}


def _choice():
    """The unit and period asked for in the query string, each falling back to the default (the
    home province, the report due next) with a message when it cannot be read."""
    today = today_in_vietnam()
    problems: dict[str, str] = {}
    unit_text = request.args.get("unit", "")
    unit = read_unit(db.session, unit_text)
    if unit is None:
        problems["unit"] = _("We do not know the unit “%(unit)s”: showing the province.", unit=unit_text[:20])
        unit = read_unit(db.session, HOME_PROVINCE)
    period_text = request.args.get("period", "")
    period = chosen_period(period_text, today)
    if period is None:
        problems["period"] = _("We could not read the period “%(period)s” (write 2026-H1, 2026-H2 or 2026): "
                               "showing the current report.", period=period_text[:20])
        period = default_period(today)
    return today, unit, period, problems


def _communes(codes) -> dict[str, str]:
    codes = sorted(set(codes))
    if not codes:
        return {}
    return dict(db.session.execute(select(Commune.code, Commune.name).where(Commune.code.in_(codes))).all())


@bp.route("/staff/targets")
@role_required("staff")
def index():
    today, unit, period, problems = _choice()
    figures = compute.report_figures(db.session, unit, period, today)
    target_codes = sorted({code for t in figures.targets for code in t.by_commune})
    activity_codes = sorted({code for a in figures.activity for code in a.by_commune})
    province = read_unit(db.session, unit.province_code)
    units = [(province.code, province.name)] + [
        (code, name) for code, name in db.session.execute(
            select(Commune.code, Commune.name).where(Commune.province_code == province.code)
            .order_by(Commune.name))]
    choices = period_choices(today)
    if all(c.key != period.key for c in choices):
        choices = [*choices, None]  # the period asked for in the address, listed as itself
    return render_template("reports/targets.html", figures=figures, unit=unit, period=period, today=today,
                           due_on=next_due(today)[0], problems=problems, units=units, choices=choices,
                           target_codes=target_codes, activity_codes=activity_codes,
                           communes=_communes(target_codes + activity_codes), **LABELS)


@bp.route("/staff/targets/<key>")
@role_required("staff")
def records(key: str):
    if key not in TARGET_GOALS:
        abort(404)
    today, unit, period, problems = _choice()
    figures = compute.report_figures(db.session, unit, period, today)
    target = figures.target(key)
    return render_template("reports/target_records.html", figures=figures, target=target, unit=unit,
                           period=period, problems=problems, expiring=targets.expiring,
                           communes=_communes(r.commune_code for r in target.records if r.commune_code), **LABELS)
