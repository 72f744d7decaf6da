"""`marketplace match refresh` (issue #14: no test ran it): rematches every open request now,
remembers the full matches, tells both sides of a new good one once (in the app, and mail queued
for those who want it), forgets full matches of requests that closed, and prints the counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace import dates
from marketplace.demand import services as demand_service
from marketplace.demand.models import DemandPost
from marketplace.matching.models import MatchState
from marketplace.notifications.models import Notification, OutgoingMail
from tests.clients import app_session
from tests.factories import make_demand, make_listing, make_planting_code


@pytest.fixture
def today(monkeypatch):
    day = dates.today_in_vietnam()
    monkeypatch.setattr(dates, "today_in_vietnam", lambda: day)
    return day


def refresh(app) -> str:
    result = app.test_cli_runner().invoke(args=["match", "refresh"])
    assert result.exit_code == 0, result.output
    return result.output


def match_notices(session) -> list[tuple[int, str]]:
    return sorted(session.execute(select(Notification.user_id, Notification.url)
                                  .where(Notification.kind == "match")).all())


def test_match_refresh_remembers_notifies_once_and_forgets_closed_requests(app, people, today):
    with app_session(app) as session:
        codes = [make_planting_code(people.club, markets="US"),
                 make_planting_code(people.club, kind="packing_house", markets="US")]
        listing = make_listing(people.club, "xoài", variety="cát Chu", quantity="5000", planting_codes=codes)
        wanted = make_demand(people.exporter, "xoài", variety="cát Chu", quantity="5", export_market="US",
                             user=people.buyer, needed_to=today + timedelta(days=45))
        unmet = make_demand(people.other_org, "sầu riêng", quantity="2", user=people.other_buyer)
        assert session.scalar(select(func.count()).select_from(MatchState)) == 0
        mail_before = session.scalar(select(func.count()).select_from(OutgoingMail))

    assert refresh(app) == "2 requests rematched, 1 full matches, 4 notifications\n"
    with app_session(app) as session:
        [state] = session.scalars(select(MatchState)).all()
        assert (state.demand_id, state.listing_id, state.full) == (wanted.id, listing.id, True)
        assert state.notified_at is not None and state.first_full_at is not None
        assert match_notices(session) == sorted(
            [(user.id, f"/demand/{wanted.id}#matches") for user in (people.buyer, people.quiet_buyer)]
            + [(user.id, f"/listings/{listing.id}#matches") for user in (people.chair, people.quiet_chair)])
        # Mail only for those who chose it (the quiet ones chose none), waiting for the worker.
        mail = session.scalars(select(OutgoingMail).order_by(OutgoingMail.id).offset(mail_before)).all()
        assert sorted(m.user_id for m in mail) == sorted([people.buyer.id, people.chair.id])
        assert all(m.sent_at is None for m in mail)
        assert session.get(DemandPost, unmet.id).status == "open"

    # Again: the same match, nobody told twice.
    assert refresh(app) == "2 requests rematched, 1 full matches, 0 notifications\n"
    with app_session(app) as session:
        assert len(match_notices(session)) == 4
        assert session.scalar(select(func.count()).select_from(MatchState)) == 1

    # The exporter closes its request: no longer a full match.
    with app_session(app) as session:
        demand_service.change_status(session, session.get(DemandPost, wanted.id), "close", today=today)
        session.commit()
    assert refresh(app) == "1 requests rematched, 0 full matches, 0 notifications\n"
    with app_session(app) as session:
        [state] = session.scalars(select(MatchState)).all()
        assert state.full is False
        assert len(match_notices(session)) == 4


def test_match_refresh_with_nothing_open(app, today):
    assert refresh(app) == "0 requests rematched, 0 full matches, 0 notifications\n"
