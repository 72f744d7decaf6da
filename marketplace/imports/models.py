"""A file kept between its preview and its confirmation (staff import page)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, IdMixin, references, utcnow


class PendingImport(IdMixin, Base):
    """The bytes of an uploaded import file, as previewed: "Confirm import" imports exactly these
    (checked again by their SHA-256), so the person never uploads twice and nothing else can slip
    in between. Rows go when confirmed, and when older than imports.pending.MAX_AGE."""

    __tablename__ = "pending_imports"
    __table_args__ = (Index("ix_pending_imports_created", "created_at"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE")
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportJob(IdMixin, Base):
    """A staff import too large for one request: its preview ("preview") or its confirmation
    ("confirm"), run by the background worker (imports.background). Only the person who started it
    sees it. `state` is what the worker has done (waiting → running → done or failed); while it
    runs, rows read, checked and written are in a small progress file named by `token` (not in
    this row: on SQLite the import's transaction holds the write lock). Once done, `outcome` and
    `report` (JSON) are what the page shows; the import itself commits with the "done" state, or
    not at all."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_state", "state", "created_at"),)

    user_id: Mapped[int] = references("users.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(10))  # "preview" | "confirm"
    state: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting | running | done | failed
    token: Mapped[str] = mapped_column(String(32), unique=True)  # names the progress file
    filename: Mapped[str] = mapped_column(String(255))
    # The kept bytes (imports.pending); SET NULL when they expire, and the job then says so.
    pending_id: Mapped[int | None] = references("pending_imports.id", ondelete="SET NULL")
    locale: Mapped[str] = mapped_column(String(10))  # the report's language: the page's when started
    verified: Mapped[bool] = mapped_column(default=False)  # confirm: record credentials as verified
    fingerprint: Mapped[str] = mapped_column(String(64), default="")  # confirm: what the preview showed
    # done: "preview" | "imported" | "changed" | "refused"; failed: "failed"
    outcome: Mapped[str] = mapped_column(String(10), default="")
    report: Mapped[str] = mapped_column(Text, default="")  # imports.background.report_to_json
    total_rows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
