"""Two first saves of one user's channels at the same moment (two tabs, a double tap) both end
well, with one row per topic: on its own database (SQLite here, PostgreSQL when
MARKETPLACE_TEST_DATABASE_URL is set), each save in its own thread and connection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.notifications import preferences
from marketplace.notifications.models import NoticePreference
from marketplace.notifications.notifier import FakeNotifier
from tests.database import TEST_PASSWORD, own_database_app
from tests.races import at_once


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "noticerace", SERVER_NAME=None) as app:
        app.extensions["notifiers"] = {"zalo": FakeNotifier(), "sms": FakeNotifier()}
        yield app


def test_two_first_saves_at_once_leave_one_row_per_topic(race_app):
    with race_app.app_context():
        user = accounts.create_user(db.session, name="Chủ nhiệm đua", password=TEST_PASSWORD,
                                    email="noticerace@example.test")
        db.session.commit()
        user_id = user.id

    def save(n: int, go) -> str:
        with race_app.app_context():
            me = db.session.get(User, user_id)
            db.session.commit()  # nothing held while waiting for the other save (SQLite's write lock)
            go()
            preferences.save(db.session, me, {"orders": {"bell", "zalo"} if n == 0 else {"sms"},
                                              "offers": {"mail"}})
            db.session.commit()
            return "saved"

    assert at_once(2, save) == ["saved", "saved"]
    with race_app.app_context():
        rows = db.session.scalars(select(NoticePreference).where(NoticePreference.user_id == user_id)).all()
        assert sorted(r.topic for r in rows) == ["offers", "orders"]
        assert {r.channels for r in rows if r.topic == "orders"} <= {"bell;zalo", "sms"}
