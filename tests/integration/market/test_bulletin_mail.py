"""The weekly bulletin mail: once per organisation and week to its board members who take mail
for the bulletin topic, in each reader's language; nothing for an organisation with nothing to say."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace import worker
from marketplace.accounts.models import User
from marketplace.dates import today_in_vietnam
from marketplace.market import bulletin_jobs
from marketplace.market.models import BulletinSend
from marketplace.market.rules import week_of
from marketplace.notifications import preferences
from marketplace.notifications.models import OutgoingMail
from tests.clients import app_session
from tests.factories import make_board_member, make_org
from tests.integration.market.bulletin_scene import make_scene


def _mails(session, kind="bulletin"):
    return list(session.scalars(select(OutgoingMail).where(OutgoingMail.kind == kind).order_by(OutgoingMail.id)))


def test_the_job_is_registered(app):
    assert "market bulletin" in worker.jobs(app)


def test_twice_in_a_week_is_one_mail_per_board_member(app):
    with app_session(app) as session:
        scene = make_scene()
        english = make_board_member(scene.club, "Board member in English")
        session.get(User, english.id).locale = "en"
        silent = make_board_member(scene.club, "Không nhận thư")
        preferences.save(session, session.get(User, silent.id), {"bulletin": {"bell"}})
        off = make_board_member(scene.club, "Tắt thư")
        session.get(User, off.id).mail_notifications = "off"
        session.commit()
        today = today_in_vietnam()
        first = bulletin_jobs.send_weekly(session, today, commit=session.commit)
        again = bulletin_jobs.send_weekly(session, today + timedelta(days=(6 - today.weekday())),
                                          commit=session.commit)  # Sunday of the same week
        session.commit()
        mails = [m for m in _mails(session) if m.user_id in {scene.chair.id, english.id, silent.id, off.id,
                                                              scene.member.id}]
        assert sorted(m.user_id for m in mails) == sorted([scene.chair.id, english.id])
        assert first[1] >= 2 and again == (0, 0)
        row = session.scalar(select(BulletinSend).where(BulletinSend.organization_id == scene.club.id))
        assert row.week_of == week_of(today) and row.week_of.weekday() == 0 and row.recipients == 2
        vi, en = (next(m for m in mails if m.user_id == uid) for uid in (scene.chair.id, english.id))
        assert vi.subject.startswith("Bản tin thị trường") and "Siêu thị cần 40 tấn xoài cát Chu VietGAP" in vi.body
        assert f"/orgs/{scene.club.id}/bulletin" in vi.body
        assert en.subject.startswith("Market bulletin") and "40 tonnes" in en.body and "What buyers ask for" in en.body
        # Next week: again.
        next_week = bulletin_jobs.send_weekly(session, today + timedelta(days=7), commit=session.commit)
        assert next_week[1] >= 2


def test_a_week_claimed_by_another_worker_sends_nothing(app):
    with app_session(app) as session:
        scene = make_scene()
        today = today_in_vietnam()
        session.add(BulletinSend(organization_id=scene.club.id, week_of=week_of(today)))
        session.commit()
        assert bulletin_jobs.mail_bulletin(session, scene.club, today) is None
        assert not [m for m in _mails(session) if m.user_id == scene.chair.id]


def test_nothing_to_say_no_mail(app):
    with app_session(app) as session:
        quiet = make_org("club", name="Hội quán yên ắng", grows="bông súng")
        board = make_board_member(quiet)
        assert bulletin_jobs.mail_bulletin(session, quiet, today_in_vietnam()) == 0
        session.commit()
        assert not [m for m in _mails(session) if m.user_id == board.id]
