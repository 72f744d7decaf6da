"""Double booking under concurrency (SQLite here, PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is
set): six buyers asked an exhibitor for the same slot; the exhibitor's six members accept all six
at the same moment: exactly one meeting is accepted, the others are refused (409) and stay asked.
And one buyer asking six exhibitors for one slot at once holds exactly one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace import db
from marketplace.accounts.models import User
from marketplace.errors import Conflict
from marketplace.fairs import meeting_rules, meetings
from marketplace.fairs.models import Fair, FairMeeting
from tests.database import own_database_app
from tests.factories import make_org, make_user
from tests.integration.fairs.meeting_scene import hold_booth, make_fair, typed_day
from tests.races import at_once

RACERS = 6


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "meetingrace") as app:
        yield app


def _exhibitor(fair, name, number):
    org = make_org("cooperative", name=name)
    hold_booth(fair, org, number)
    return org


def test_one_slot_is_accepted_once(race_app):
    with race_app.app_context():
        fair = make_fair()
        exhibitor = _exhibitor(fair, "Hợp tác xã đua lịch", "A-01")
        sellers = [make_user("seller", exhibitor) for _ in range(RACERS)]
        at = meeting_rules.slot_start(fair.starts_on, time(10, 0))
        ids = []
        for n in range(RACERS):
            buyer_org = make_org("supermarket", name=f"Siêu thị đua lịch {n}")
            meeting = FairMeeting(fair_id=fair.id, buyer_org_id=buyer_org.id, exhibitor_org_id=exhibitor.id,
                                  starts_at=at, status="requested")
            db.session.add(meeting)
            db.session.flush()
            ids.append(meeting.id)
        db.session.commit()
        fair_id, seller_ids = fair.id, [s.id for s in sellers]

    def accept(n: int, go) -> str:
        with race_app.app_context():
            user = db.session.get(User, seller_ids[n])
            fair = db.session.get(Fair, fair_id)
            meeting = db.session.get(FairMeeting, ids[n])
            db.session.rollback()  # nothing read is held while waiting
            go()
            try:
                meetings.act(db.session, user, fair, meeting, "accept", seen_status="requested",
                             now=datetime.now(UTC))
                db.session.commit()
                return "accepted"
            except Conflict:
                db.session.rollback()
                return "refused"

    results = at_once(RACERS, accept)
    assert sorted(results) == ["accepted"] + ["refused"] * (RACERS - 1)
    with race_app.app_context():
        statuses = sorted(db.session.scalars(select(FairMeeting.status).where(FairMeeting.id.in_(ids))))
    assert statuses == ["accepted"] + ["requested"] * (RACERS - 1)


def test_one_buyer_holds_one_slot(race_app):
    with race_app.app_context():
        fair = make_fair()
        exhibitors = [meetings.Exhibitor(o.id, o.name, f"B-{n}") for n, o in enumerate(
            _exhibitor(fair, f"Tổ hợp tác đua {n}", f"B-{n}") for n in range(RACERS))]
        buyer_org = make_org("supermarket", name="Siêu thị hỏi nhiều nơi")
        buyers = [make_user("buyer", buyer_org) for _ in range(RACERS)]
        fair_id, buyer_ids, day = fair.id, [b.id for b in buyers], typed_day(fair)

    def ask(n: int, go) -> str:
        with race_app.app_context():
            user = db.session.get(User, buyer_ids[n])
            fair = db.session.get(Fair, fair_id)
            user.memberships  # noqa: B018 - loaded before the race
            db.session.rollback()
            go()
            try:
                meetings.request_meeting(db.session, user, fair, exhibitors[n],
                                         meetings.MeetingInput(day=day, time="14:00"), datetime.now(UTC))
                db.session.commit()
                return "asked"
            except Conflict:
                db.session.rollback()
                return "refused"

    results = at_once(RACERS, ask)
    assert sorted(results) == ["asked"] + ["refused"] * (RACERS - 1)
    with race_app.app_context():
        held = db.session.scalars(select(FairMeeting).where(FairMeeting.fair_id == fair_id)).all()
    assert len(held) == 1
