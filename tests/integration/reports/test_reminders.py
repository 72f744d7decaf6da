"""Staff are reminded of the report due within two weeks, once each, and not after it is filed.
Days are passed in: 10 May 2027 is the issue's story (the semi-annual report due 20 May)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from marketplace import worker
from marketplace.notifications.models import Notification, OutgoingMail
from marketplace.notifications.presentation import describe
from marketplace.reports import filing, reminders
from marketplace.reports.models import ReportReminder
from marketplace.reports.periods import parse_period
from marketplace.reports.units import read_unit
from tests.factories import make_club, make_user

MAY_10 = date(2027, 5, 10)


def _staff(session):
    return [make_user("staff", name="Lê Thị Tâm"), make_user("admin", name="Trần Văn Quản")]


def test_staff_are_reminded_on_10_may_once_each(session):
    staff = _staff(session)
    _club, chair = make_club()
    inactive = make_user("staff")
    inactive.active = False
    session.flush()
    assert reminders.remind(session, MAY_10) == 2
    notices = list(session.scalars(select(Notification).where(Notification.kind == "report_due")))
    assert sorted(n.user_id for n in notices) == sorted(u.id for u in staff)
    assert {n.url for n in notices} == {"/reports?period=2027-H1&unit=82"}
    assert describe(notices[0].kind, notices[0].params) == "Báo cáo 6 tháng đầu năm 2027 hạn nộp 20/05/2027 (còn 10 ngày)."
    mails = list(session.scalars(select(OutgoingMail).where(OutgoingMail.user_id.in_([u.id for u in staff]))))
    assert len(mails) == 2 and "hạn nộp 20/05/2027" in mails[0].subject
    assert "/reports?period=2027-H1&unit=82" in mails[0].body
    assert not session.scalars(select(Notification).where(Notification.user_id == chair.id)).all()

    # Later rounds and later days before the due day remind nobody again.
    assert reminders.remind(session, MAY_10) == 0
    assert reminders.remind(session, date(2027, 5, 18)) == 0
    assert session.scalar(select(ReportReminder.due_on).limit(1)) == date(2027, 5, 20)
    # A staff member who joined since is reminded (once).
    newcomer = make_user("staff")
    assert reminders.remind(session, date(2027, 5, 12)) == 1
    assert session.query(ReportReminder).filter_by(user_id=newcomer.id).count() == 1


def test_only_within_two_weeks_of_the_due_day(session):
    _staff(session)
    assert reminders.remind(session, date(2027, 5, 5)) == 0  # 15 days before
    assert reminders.remind(session, date(2027, 5, 21)) == 0  # after: the annual report is far off
    assert reminders.remind(session, date(2027, 11, 5)) == 0  # 15 days before the annual one
    assert reminders.remind(session, date(2027, 11, 6)) == 2  # 14 days before
    notice = session.scalar(select(Notification).where(Notification.kind == "report_due").limit(1))
    assert describe(notice.kind, notice.params) == "Báo cáo năm 2027 hạn nộp 20/11/2027 (còn 14 ngày)."
    assert notice.url == "/reports?period=2027&unit=82"


def test_no_reminder_once_the_report_is_filed(session, counting):
    _staff(session)
    filing.file_report(session, read_unit(session, "82"), parse_period("2027-H1"), MAY_10, None)
    assert reminders.remind(session, MAY_10) == 0
    assert session.query(ReportReminder).count() == 0


def test_the_worker_job_is_registered(app):
    assert "report reminders" in worker.jobs(app)
