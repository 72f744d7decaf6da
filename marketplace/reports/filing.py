"""Filing a report, and reading the report a unit and period has: the filed one when there is one,
else the figures computed now. A filed report keeps the figures as they were filed
(FiledReport.figures), so its documents read the same whatever the data became afterwards.
Services take the session, flush, and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts.models import User
from marketplace.errors import Conflict
from marketplace.formatting import in_vietnam
from marketplace.places.models import Commune
from marketplace.reports import compute
from marketplace.reports.figures import ReportFigures
from marketplace.reports.models import FiledReport
from marketplace.reports.periods import Period
from marketplace.reports.units import Unit

NOTE_MAX = 2000


@dataclass(frozen=True)
class Report:
    """The report of a unit and period as documents print it: its figures, and when it was filed
    (None: computed now, not filed)."""

    figures: ReportFigures
    filed: FiledReport | None

    @property
    def filed_on(self) -> date | None:
        return in_vietnam(self.filed.filed_at).date() if self.filed else None

    @property
    def note(self) -> str:
        return self.filed.note if self.filed else ""


def filed_report(db: Session, unit: Unit, period: Period) -> FiledReport | None:
    return db.scalar(select(FiledReport).where(FiledReport.unit_code == unit.code, FiledReport.period == period.key))


def figures_of(filed: FiledReport) -> ReportFigures:
    """A filed report's figures, exactly as filed."""
    return ReportFigures.from_json(filed.figures)


def report_for(db: Session, unit: Unit, period: Period, today: date, *, live: bool = False) -> Report:
    """The filed report of the unit and period, or (none filed, or `live`) the figures as of today."""
    filed = None if live else filed_report(db, unit, period)
    if filed is not None:
        return Report(figures_of(filed), filed)
    return Report(compute.report_figures(db, unit, period, today), None)


def file_report(db: Session, unit: Unit, period: Period, today: date, user: User | None,
                note: str = "") -> FiledReport:
    """File the report as computed now. One per unit and period: filing again is refused
    (Conflict), also when two people file at the same moment (the unique key decides)."""
    if period.start > today:
        # Filing freezes the figures for good: an empty report for a period to come would stand in
        # the real one's place.
        raise Conflict(_("This period has not begun: its report can be filed from %(day)s.",
                         day=period.start.strftime("%d/%m/%Y")))
    if filed_report(db, unit, period) is not None:
        raise Conflict(_("The report for %(unit)s, %(period)s was filed already; it stays as filed.",
                         unit=unit.name, period=period.key))
    figures = compute.report_figures(db, unit, period, today)
    filed = FiledReport(unit_code=unit.code, period=period.key, as_of=figures.as_of, figures=figures.to_json(),
                        note=(note or "").strip()[:NOTE_MAX], filed_by_id=user.id if user else None)
    try:
        with db.begin_nested():
            db.add(filed)
            db.flush()
    except IntegrityError as error:
        raise Conflict(_("The report for %(unit)s, %(period)s was filed already; it stays as filed.",
                         unit=unit.name, period=period.key)) from error
    return filed


def filed_reports(db: Session, limit: int = 200) -> list[FiledReport]:
    return list(db.scalars(select(FiledReport).options(selectinload(FiledReport.filed_by))
                           .order_by(FiledReport.filed_at.desc(), FiledReport.id.desc()).limit(limit)))


def commune_names(db: Session, figures: ReportFigures) -> dict[str, str]:
    """The names of the communes the figures mention, for the documents."""
    codes = {code for t in figures.targets for code in t.by_commune}
    codes |= {code for a in figures.activity for code in a.by_commune}
    codes |= {r.commune_code for t in figures.targets for r in t.records if r.commune_code}
    codes |= {e.commune_code for e in figures.club_events if e.commune_code}
    codes |= {c.commune_code for c in figures.concerns if c.commune_code}
    if not codes:
        return {}
    return dict(db.execute(select(Commune.code, Commune.name).where(Commune.code.in_(sorted(codes)))).all())
