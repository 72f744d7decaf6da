"""Never more booths given than exist: 24 organisations' applications approved at the same moment
for 20 booths, by 24 staff browsers posting at once to a database of its own where every request
commits for real (SQLite here, PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is set). Exactly 20
hold a booth with 20 different numbers; the 4 others are put on the waitlist."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace import db
from marketplace.fairs.models import BoothApplication, BoothKind
from tests.clients import app_session, csrf_token, signed_in
from tests.database import own_database_app
from tests.integration.fairs.helpers import apply_for, make_exhibitor, make_fair, make_staff
from tests.races import at_once

APPLICANTS = 24
BOOTHS = 20


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "boothrace") as app:
        yield app
        db.get_registry(app).remove()


def test_24_approvals_at_once_for_20_booths(race_app):
    with app_session(race_app):
        fair = make_fair(standard=BOOTHS, free=0)
        staff = make_staff()
        application_ids = [apply_for(fair, *make_exhibitor(100 + n)).id for n in range(APPLICANTS)]
    browsers = []
    for _ in range(APPLICANTS):
        client = signed_in(race_app, staff)
        browsers.append((client, csrf_token(client)))

    def approve(n: int, go):
        client, token = browsers[n]
        go()
        return client.post(f"/staff/fairs/applications/{application_ids[n]}/decide",
                           data={"csrf_token": token, "action": "approve"})

    responses = at_once(APPLICANTS, approve)
    assert [r.status_code for r in responses] == [302] * APPLICANTS
    with app_session(race_app) as session:
        rows = list(session.scalars(select(BoothApplication).where(BoothApplication.fair_id == fair.id)))
        assert Counter(r.status for r in rows) == {"approved": BOOTHS, "waitlisted": APPLICANTS - BOOTHS}
        numbers = [r.booth_number for r in rows if r.status == "approved"]
        assert len(set(numbers)) == BOOTHS and sorted(numbers) == [f"A-{n:02d}" for n in range(1, BOOTHS + 1)]
        assert all(r.booth_number is None for r in rows if r.status == "waitlisted")
        [kind] = session.scalars(select(BoothKind).where(BoothKind.fair_id == fair.id))
        assert (kind.given, kind.count) == (BOOTHS, BOOTHS)
