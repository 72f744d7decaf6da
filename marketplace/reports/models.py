"""Reports as filed, and the reminders sent before they are due."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import Base, IdMixin, references, utcnow


class FiledReport(IdMixin, Base):
    """A report staff filed for a unit (a province code of 2 digits or a commune code of 5) and a
    period ("2026-H1", "2026-H2", "2026"). `figures` holds the whole report as it was filed
    (reports.figures.ReportFigures as JSON), so the documents made from it later read the same
    whatever the data became. One per unit and period."""

    __tablename__ = "filed_reports"
    __table_args__ = (UniqueConstraint("unit_code", "period"),)

    unit_code: Mapped[str] = mapped_column(String(5))
    period: Mapped[str] = mapped_column(String(7))
    as_of: Mapped[date] = mapped_column(Date)
    figures: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    filed_by_id: Mapped[int | None] = references("users.id", ondelete="SET NULL")
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)

    filed_by: Mapped[User | None] = relationship()


class ReportReminder(IdMixin, Base):
    """A staff member was reminded of the report due on `due_on` (20 May or 20 November): one row
    per person and due day, so the worker reminds each person once."""

    __tablename__ = "report_reminders"
    __table_args__ = (UniqueConstraint("user_id", "due_on"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE")
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
