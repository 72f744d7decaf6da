"""Races of issue #19's verification: two board members send the first founding decision at the same
moment (the organisation row is locked, so the second finds the first's record: one record, never
two), and two staff resolve one code-borrowing flag at once (the flag row is locked: one stands).
On SQLite the writes queue behind one another anyway; on PostgreSQL this is the locks' work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.credentials import services as credentials
from marketplace.credentials.models import CodeClaimFlag, CredentialScan
from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.verification import rules
from marketplace.verification import services as verification
from marketplace.verification.models import OrganizationEvent, OrganizationRecord
from tests.clients import app_session
from tests.database import own_database_app
from tests.factories import make_board_member, make_org, make_user
from tests.races import at_once

BOARD = 4


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "verificationrace", SERVER_NAME=None) as app:
        yield app


def test_simultaneous_first_submits_make_one_record(race_app):
    with app_session(race_app) as session:
        club = make_org("club", name="Hội quán Đua xác minh", commune_code="30076")
        members = [make_board_member(club, f"Ban chủ nhiệm {n}").id for n in range(BOARD)]
        scans = []
        for n in range(BOARD):
            scan = CredentialScan(key=f"race-scan-{n}", organization_id=club.id, media="pdf", filename="qd.pdf",
                                  size_bytes=100, pages=1)
            session.add(scan)
            session.flush()
            scans.append(scan.id)
        session.commit()
        club_id = club.id

    def submit(n: int, go) -> str:
        with race_app.app_context():
            org = db.session.get(Organization, club_id)
            user = db.session.get(User, members[n])
            scan = db.session.get(CredentialScan, scans[n])
            db.session.commit()  # end the reading transaction (on SQLite it holds the write lock)
            go()
            record = verification.submit_decision(db.session, org, rules.Decision(
                f"{100 + n}/QĐ-UBND", date(2019, 8, 1), "30076"), scan, user, today=today_in_vietnam())
            status = record.status
            db.session.commit()
        return status

    assert at_once(BOARD, submit) == ["pending"] * BOARD
    with race_app.app_context():
        assert db.session.scalar(select(func.count(OrganizationRecord.id))
                                 .where(OrganizationRecord.organization_id == club_id)) == 1
        # One submit event per submit: the first creates the record, the others change its number.
        assert db.session.scalar(select(func.count(OrganizationEvent.id))
                                 .where(OrganizationEvent.organization_id == club_id)) == BOARD


def test_two_staff_resolving_one_flag_at_once_resolve_it_once(race_app):
    """The flag row is locked: one resolution stands, the other is told the flag is done."""
    with app_session(race_app) as session:
        holder = make_org("cooperative", name="HTX Đua cảnh báo")
        claimant = make_org("club", name="Hội quán Đua cảnh báo")
        staff = [make_user("staff", name=f"Cán bộ {n}").id for n in range(2)]
        flag = CodeClaimFlag(code="VN-DTOR-0999", holder_id=holder.id, claimant_id=claimant.id)
        session.add(flag)
        session.commit()
        flag_id = flag.id

    def resolve(n: int, go) -> str:
        with race_app.app_context():
            found = db.session.get(CodeClaimFlag, flag_id)
            user = db.session.get(User, staff[n])
            db.session.commit()
            go()
            try:
                credentials.resolve_flag(db.session, found, ("cleared", "confirmed")[n], f"ghi chú {n}", user)
                db.session.commit()
                return "resolved"
            except ValidationError:
                db.session.rollback()
                return "refused"

    assert sorted(at_once(2, resolve)) == ["refused", "resolved"]
