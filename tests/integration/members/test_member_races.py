"""Races that really race (tests/races.py): two taps on "Accept" make one membership, and two board
members removing each other at once leave one board member. On a database of this module's own
where every request commits (PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

import tests.database as suite
from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Membership, Organization
from marketplace.members import services as members
from tests.clients import csrf_token
from tests.races import at_once

_names = iter(range(10**6))


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    app = suite.make_test_app(suite.fresh_database_url(tmp_path_factory, "memberrace"))
    suite.prepare_database(app)
    yield app
    db.get_registry(app).remove()
    db.get_engine(app).dispose()
    suite.forget_database("memberrace")


def _user(name: str):
    n = next(_names)
    return accounts.create_user(db.session, name=f"{name} {n}", password=suite.TEST_PASSWORD,
                                email=f"member-race-{n}@example.test")


def _club_with_board(app: Flask, board_size: int):
    with app.app_context():
        club = accounts.create_organization(db.session, kind="club", name=f"Hội quán đua {next(_names)}",
                                            commune_code="30244")
        board = [_user("Ban") for _ in range(board_size)]
        memberships = [accounts.add_member(db.session, club, user, "seller", board=True) for user in board]
        db.session.commit()
        return club.id, [(u.email, m.id) for u, m in zip(board, memberships, strict=True)]


def _client(app: Flask, email: str):
    client = app.test_client()
    assert client.post("/login", data={"csrf_token": csrf_token(client), "identifier": email,
                                       "password": suite.TEST_PASSWORD}).status_code == 302
    return client


def _count(app: Flask, statement) -> int:
    with app.app_context():
        return db.session.scalar(statement)


def test_two_taps_on_accept_make_one_membership(race_app):
    club_id, board = _club_with_board(race_app, 1)
    with race_app.app_context():
        club = db.session.get(Organization, club_id)
        chair = db.session.get(Membership, board[0][1]).user
        invited = members.invite(db.session, club, chair, name="Anh Ba", contact="0912 345 678", role="seller")
        person = _user("Anh Ba")
        db.session.commit()
        token, email = invited.token, person.email
    clients = []
    for _ in range(2):  # one person, two phones (or a double tap): two sessions holding the invitation
        client = _client(race_app, email)
        assert client.get(f"/join/{token}").status_code == 302
        clients.append((client, csrf_token(client)))

    def tap(n: int, go):
        client, csrf = clients[n]
        go()
        return client.post("/join/accept", data={"csrf_token": csrf}).status_code

    assert at_once(2, tap) == [302, 302]
    assert _count(race_app, select(func.count(Membership.id)).where(Membership.organization_id == club_id)) == 2


def test_two_board_members_removing_each_other_leave_one(race_app):
    club_id, board = _club_with_board(race_app, 2)
    (first_email, first_id), (second_email, second_id) = board
    sides = [(_client(race_app, first_email), second_id), (_client(race_app, second_email), first_id)]
    tokens = [csrf_token(client) for client, _ in sides]

    def remove(n: int, go):
        client, other = sides[n]
        go()
        return client.post(f"/orgs/{club_id}/members/{other}/remove", data={"csrf_token": tokens[n]}).status_code

    statuses = at_once(2, remove)
    assert all(status in (302, 403) for status in statuses)
    assert _count(race_app, select(func.count(Membership.id)).where(Membership.organization_id == club_id,
                                                                   Membership.board.is_(True))) == 1
