"""Two workers send the week's bulletins at the same moment: each organisation's mail goes out
once per board member (the BulletinSend row, unique per organisation and week, is claimed first)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.market import bulletin_jobs
from marketplace.market.models import BulletinSend
from marketplace.notifications.models import OutgoingMail
from tests.clients import app_session
from tests.database import own_database_app
from tests.integration.market.bulletin_scene import make_scene
from tests.races import at_once


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "bulletinrace", SERVER_NAME=None) as app:
        yield app


def test_two_workers_at_once_send_one_bulletin(race_app):
    with app_session(race_app):
        scene = make_scene()
        club_id, chair_id = scene.club.id, scene.chair.id
    today = today_in_vietnam()

    def work(_n: int, go) -> int:
        with race_app.app_context():
            go()
            _mailed, mails = bulletin_jobs.send_weekly(db.session, today, commit=db.session.commit)
            db.session.commit()
        return mails

    results = at_once(2, work)
    with race_app.app_context():
        assert db.session.scalar(select(func.count(BulletinSend.id))
                                 .where(BulletinSend.organization_id == club_id)) == 1
        assert db.session.scalar(select(func.count(OutgoingMail.id)).where(
            OutgoingMail.kind == "bulletin", OutgoingMail.user_id == chair_id)) == 1
        # What the two workers say they queued is what the queue holds: nothing twice.
        assert sum(results) == db.session.scalar(select(func.count(OutgoingMail.id))
                                                 .where(OutgoingMail.kind == "bulletin"))
