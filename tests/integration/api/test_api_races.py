"""Races that really race: several people send the same thing at the same moment, each from a
client and database connection of their own (threads released together by a Barrier), on a
database of this module's own where every request commits (SQLite here, PostgreSQL when
MARKETPLACE_TEST_DATABASE_URL is set). The checks are on what was stored, not only on statuses.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

import tests.database as suite
from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.messaging.models import Conversation, ConversationMessage
from tests.races import at_once

CLICKS = 8


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    app = suite.make_test_app(suite.fresh_database_url(tmp_path_factory, "apirace"))
    suite.prepare_database(app)
    yield app
    db.get_registry(app).remove()
    db.get_engine(app).dispose()
    suite.forget_database("apirace")


_names = iter(range(10**6))


def _member(app: Flask, kind: str, role: str) -> tuple[int, str]:
    """A new organisation of `kind` with one member; (org id, the member's API token)."""
    n = next(_names)
    with app.app_context():
        org = accounts.create_organization(db.session, kind=kind, name=f"Tổ chức đua {n}", commune_code="30244")
        user = accounts.create_user(db.session, name=f"Người đua {n}", password=suite.TEST_PASSWORD,
                                    email=f"race-{kind}-{n}@example.test")
        accounts.add_member(db.session, org, user, role)
        token = accounts.create_api_token(db.session, user, "race")
        db.session.commit()
        return org.id, token


def _all_at_once(app: Flask, send: Callable) -> list:
    """Run send(client) in CLICKS threads released together; each its own test client (and so
    its own scoped database session and connection). Returns the responses."""
    def click(_n: int, go):
        client = app.test_client()
        go()
        return send(client)

    return at_once(CLICKS, click)


def _count(app: Flask, statement) -> int:
    with app.app_context():
        return db.session.scalar(statement)


def _post(client, path: str, body: dict, token: str):
    return client.post(path, data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def _listing_body(today) -> dict:
    return {"ref": "RACE-XOAI-1", "product": "xoài", "quantity": "100", "unit": "kg", "price_vnd": "30000",
            "available_from": today.isoformat(), "available_to": (today + timedelta(days=10)).isoformat()}


def _demand_body(today) -> dict:
    return {"ref": "RACE-NHU-CAU-1", "product": "xoài", "quantity": "5", "unit": "tấn", "frequency": "weekly",
            "needed_from": today.isoformat(), "needed_to": (today + timedelta(days=30)).isoformat()}


@pytest.mark.parametrize("kind, role, path, body_for, model", [
    pytest.param("club", "seller", "/api/v1/listings", _listing_body, Listing, id="listing"),
    pytest.param("supermarket", "buyer", "/api/v1/demand", _demand_body, DemandPost, id="demand"),
])
def test_the_same_ref_posted_at_once_is_stored_once(race_app, kind, role, path, body_for, model):
    """Eight POSTs with one import ref: one 201, seven 409 — and one row, whatever the order the
    database saw them in."""
    org_id, token = _member(race_app, kind, role)
    body = body_for(today_in_vietnam())
    responses = _all_at_once(race_app, lambda client: _post(client, path, body, token))
    assert Counter(r.status_code for r in responses) == {201: 1, 409: CLICKS - 1}
    assert all(set(r.get_json()) == {"error", "fields"} for r in responses if r.status_code == 409)
    assert _count(race_app, select(func.count()).select_from(model).where(model.ref == body["ref"])) == 1
    assert _count(race_app, select(func.count()).select_from(model).where(model.organization_id == org_id)) == 1


def test_first_questions_sent_at_once_open_one_thread(race_app):
    """A buyer's colleagues ask about the same listing at the same moment: one thread between the
    two organisations about it, holding every question; each caller's list shows that thread alone."""
    club_id, _seller_token = _member(race_app, "club", "seller")
    today = today_in_vietnam()
    with race_app.app_context():
        club = db.session.get(Organization, club_id)
        listing = listings.save_listing(db.session, club, listings.ListingInput(
            product="bưởi", quantity="300", unit="kg", price_vnd="25000", available_from=today,
            available_to=today + timedelta(days=10)), None, today=today, publish=True)
        db.session.commit()
        listing_id = listing.id
    buyer_org_id, _first = _member(race_app, "supermarket", "buyer")
    tokens = []
    with race_app.app_context():
        org = db.session.get(Organization, buyer_org_id)
        for n in range(CLICKS):
            user = accounts.create_user(db.session, name=f"Đồng nghiệp {n}", password=suite.TEST_PASSWORD,
                                        email=f"colleague-{buyer_org_id}-{n}@example.test")
            accounts.add_member(db.session, org, user, "buyer")
            tokens.append(accounts.create_api_token(db.session, user, "race"))
        db.session.commit()
    asked = iter(range(CLICKS))
    lock = threading.Lock()

    def ask(client):
        with lock:
            n = next(asked)
        return _post(client, "/api/v1/conversations", {"listing_id": listing_id, "body": f"Còn bưởi không? {n}"},
                     tokens[n])

    responses = _all_at_once(race_app, ask)
    assert all(r.status_code in (200, 201) for r in responses), [r.status_code for r in responses]
    threads = {r.get_json()["id"] for r in responses}
    assert len(threads) == 1
    [thread_id] = threads
    assert _count(race_app, select(func.count()).select_from(Conversation)
                  .where(Conversation.buyer_org_id == buyer_org_id)) == 1
    with race_app.app_context():
        bodies = db.session.scalars(select(ConversationMessage.body).where(ConversationMessage.conversation_id == thread_id)).all()
    assert sorted(bodies) == sorted(f"Còn bưởi không? {n}" for n in range(CLICKS))
    client = race_app.test_client()
    for token in tokens:
        listed = client.get("/api/v1/conversations", headers={"Authorization": f"Bearer {token}"}).get_json()
        assert [t["id"] for t in listed["results"]] == [thread_id]
