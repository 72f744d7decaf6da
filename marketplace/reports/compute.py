"""PLACEHOLDER (replaced at merge by the targets helper's compute.py): the report's figures for a
unit and period. Here every target's actual is 0 and every list is empty, so the documents, the
filing, the /reports page and the CLI can be built and tested against the same signature."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from marketplace.reports.figures import ACTIVITY_KEYS, TARGET_GOALS, Activity, ReportFigures, Target
from marketplace.reports.periods import Period
from marketplace.reports.units import Unit


def report_figures(db: Session, unit: Unit, period: Period, today: date) -> ReportFigures:
    return ReportFigures(
        unit_code=unit.code, unit_name=unit.name, period=period.key, as_of=period.as_of(today),
        targets=[Target(key, goal, 0) for key, goal in TARGET_GOALS.items()],
        activity=[Activity(key, 0) for key in ACTIVITY_KEYS],
        club_events=[], concerns=[], fairs=[],
    )
