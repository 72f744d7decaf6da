"""Reminding staff of the report due next (the home province's semi-annual report by 20 May, the
annual one by 20 November): within the two weeks before (periods.reminder_due), while it is not
filed, each active staff member once per due day. The ReportReminder row (unique per person and
due day) goes in first, so two workers never remind anyone twice. Takes the session, flushes,
never commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts import services as accounts
from marketplace.reports import filing, notices
from marketplace.reports.models import ReportReminder
from marketplace.reports.periods import reminder_due
from marketplace.reports.units import HOME_PROVINCE, read_unit


def remind(db: Session, today: date) -> int:
    """Remind the staff not yet reminded of the report due within two weeks; returns how many."""
    due = reminder_due(today)
    if due is None:
        return 0
    due_on, period = due
    unit = read_unit(db, HOME_PROVINCE)
    if unit is None or filing.filed_report(db, unit, period) is not None:
        return 0
    reminded = set(db.scalars(select(ReportReminder.user_id).where(ReportReminder.due_on == due_on)))
    count = 0
    for user in accounts.staff_members(db):
        if user.id in reminded:
            continue
        try:
            with db.begin_nested():
                db.add(ReportReminder(user_id=user.id, due_on=due_on))
                db.flush()
        except IntegrityError:
            continue  # another worker reminded this person a moment ago
        notices.report_due(db, user, period, due_on, today, unit.code)
        count += 1
    return count
