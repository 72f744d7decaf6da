"""`marketplace credentials expire` (issue #14: no test ran it): marks the active credentials
past their end date as expired, with an event by nobody (the system), tells search about their
organisation in the same transaction, prints how many, and is a no-op the second time.
The day is pinned, so a run that crosses midnight in Việt Nam cannot change the outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace import dates
from marketplace.changes.models import SearchOutbox
from marketplace.credentials.models import Certificate, CredentialEvent, PlantingCode
from tests.clients import app_session
from tests.factories import make_certificate, make_org, make_planting_code


@pytest.fixture
def today(monkeypatch):
    day = dates.today_in_vietnam()
    monkeypatch.setattr(dates, "today_in_vietnam", lambda: day)
    return day


def status_of(session, model, record_id: int) -> str:
    return session.get(model, record_id).status


def expiry_events(session, column, record_id: int) -> list[tuple]:
    return [(e.action, e.from_status, e.to_status, e.actor_id)
            for e in session.scalars(select(CredentialEvent).where(column == record_id,
                                                                   CredentialEvent.action == "expire"))]


def test_credentials_expire_marks_what_ended_and_prints_the_count(app, today):
    long_ago = today - timedelta(days=400)
    with app_session(app) as session:
        club, other = make_org("club"), make_org("club")
        due = make_certificate(club, issued_on=long_ago, expires_on=today - timedelta(days=1))
        last_day = make_certificate(club, expires_on=today)
        pending_old = make_certificate(club, status="pending", issued_on=long_ago, expires_on=today - timedelta(days=1))
        revoked_old = make_certificate(club, status="revoked", issued_on=long_ago, expires_on=today - timedelta(days=1))
        ocop = make_certificate(other, "ocop", issued_on=long_ago)  # 36 months: still valid
        code_due = make_planting_code(other, valid_until=today - timedelta(days=1))
        code_open = make_planting_code(other)  # no end date
        ids = {name: record.id for name, record in (("due", due), ("last_day", last_day),
                                                   ("pending_old", pending_old), ("revoked_old", revoked_old),
                                                   ("ocop", ocop), ("code_due", code_due), ("code_open", code_open))}
        outbox_before = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()).limit(1)) or 0

    result = app.test_cli_runner().invoke(args=["credentials", "expire"])
    assert result.exit_code == 0, result.output
    assert result.output == "expired 2 credentials\n"

    with app_session(app) as session:
        assert {name: status_of(session, Certificate, ids[name])
                for name in ("due", "last_day", "pending_old", "revoked_old", "ocop")} == {
            "due": "expired", "last_day": "active", "pending_old": "pending", "revoked_old": "revoked",
            "ocop": "active"}
        assert status_of(session, PlantingCode, ids["code_due"]) == "expired"
        assert status_of(session, PlantingCode, ids["code_open"]) == "active"
        assert expiry_events(session, CredentialEvent.certificate_id, ids["due"]) == [
            ("expire", "active", "expired", None)]
        assert expiry_events(session, CredentialEvent.planting_code_id, ids["code_due"]) == [
            ("expire", "active", "expired", None)]
        assert expiry_events(session, CredentialEvent.certificate_id, ids["last_day"]) == []
        # Search hears about both organisations (their badges go), in the command's transaction.
        changed = {tuple(row) for row in session.execute(select(SearchOutbox.entity, SearchOutbox.entity_id)
                                                         .where(SearchOutbox.id > outbox_before))}
        assert {("org", club.id), ("org", other.id)} <= changed

    again = app.test_cli_runner().invoke(args=["credentials", "expire"])
    assert again.exit_code == 0 and again.output == "expired 0 credentials\n"
    with app_session(app) as session:
        assert len(expiry_events(session, CredentialEvent.certificate_id, ids["due"])) == 1


def test_credentials_expire_the_next_day_takes_the_last_day_ones(app, today, monkeypatch):
    with app_session(app) as session:
        last_day = make_certificate(make_org("club"), expires_on=today)
    assert app.test_cli_runner().invoke(args=["credentials", "expire"]).output == "expired 0 credentials\n"
    monkeypatch.setattr(dates, "today_in_vietnam", lambda: today + timedelta(days=1))
    assert app.test_cli_runner().invoke(args=["credentials", "expire"]).output == "expired 1 credentials\n"
    with app_session(app) as session:
        assert status_of(session, Certificate, last_day.id) == "expired"
