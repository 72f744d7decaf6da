"""The report reminder notice (bell and mail, through #7's notifications): "Báo cáo 6 tháng đầu
năm 2027 hạn nộp 20/05/2027 (còn 10 ngày)", pointing at /reports?period=…. The words are made when
read, in the reader's language, from the params stored."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from marketplace import formatting
from marketplace.accounts.models import User
from marketplace.notifications import services as notifications
from marketplace.reports.periods import Period

PREFIX = "report_"
KIND = "report_due"


def report_due(db: Session, user: User, period: Period, due_on: date, today: date, unit_code: str) -> int:
    params = {"period": period.key, "due": due_on.isoformat(), "left": (due_on - today).days}
    url = f"/reports?period={period.key}&unit={unit_code}"
    return notifications.notify(db, [user], notifications.Message(KIND, params, url))


def describe_notice(kind: str, params: dict) -> str | None:
    if kind != KIND:
        return None
    try:
        due = formatting.day(date.fromisoformat(str(params.get("due") or "")))
    except ValueError:
        due = str(params.get("due") or "")
    year, _dash, half = str(params.get("period") or "").partition("-")
    words = {"year": year, "due": due, "left": params.get("left", "")}
    if half == "H1":
        return _("Report for the first half of %(year)s due on %(due)s (%(left)s days left).", **words)
    if half == "H2":
        return _("Report for the second half of %(year)s due on %(due)s (%(left)s days left).", **words)
    return _("Annual report %(year)s due on %(due)s (%(left)s days left).", **words)
