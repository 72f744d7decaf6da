"""Chains answered and attached at the same moment, on a database of its own where every request
commits for real (SQLite here, PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is set): the two last
acceptances at once make the chain active (not proposed for good), and one order attached twice at
once counts once, the other browser told so (never a 500)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.chains import services
from marketplace.chains.models import Chain, ChainOrder
from tests.clients import app_session, csrf_token, signed_in
from tests.database import own_database_app
from tests.integration.chains.scene import active_chain, chain_input, delivered_order, make_scene
from tests.races import at_once

ROUNDS = 6


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "chainrace") as app:
        yield app
        db.get_registry(app).remove()


def test_the_two_last_acceptances_at_once_make_the_chain_active(race_app):
    with app_session(race_app) as session:
        scene = make_scene()
        chain_ids = []
        for _ in range(ROUNDS):
            chain = services.propose(session, session.get(Organization, scene.buyer_org.id),
                                     session.get(User, scene.buyer.id),
                                     chain_input(scene, party_ids=[scene.coop.id, scene.other_club.id]),
                                     today=scene.today)
            chain_ids.append(chain.id)
        session.commit()
    browsers = []
    for seller in (scene.seller, scene.other_seller):
        client = signed_in(race_app, seller)
        browsers.append((client, csrf_token(client)))
    for chain_id in chain_ids:
        def accept(n: int, go, chain_id=chain_id):
            client, token = browsers[n]
            go()
            return client.post(f"/chains/{chain_id}/answer", data={"csrf_token": token, "decision": "accept"})

        assert [r.status_code for r in at_once(2, accept)] == [302, 302]
    with app_session(race_app) as session:
        statuses = list(session.scalars(select(Chain.status).where(Chain.id.in_(chain_ids))))
        assert statuses == ["active"] * ROUNDS


def test_one_order_attached_twice_at_once_counts_once(race_app):
    with app_session(race_app) as session:
        scene = make_scene()
        chain = active_chain(scene)
        order_ids = [delivered_order(scene, on=scene.today).id for _ in range(ROUNDS)]
        session.commit()
    browsers = []
    for user in (scene.buyer, scene.seller):
        client = signed_in(race_app, user)
        browsers.append((client, csrf_token(client)))
    for order_id in order_ids:
        def attach(n: int, go, order_id=order_id):
            client, token = browsers[n]
            go()
            return client.post(f"/chains/{chain.id}/attach",
                               data={"csrf_token": token, "attach-order": f"#{order_id}"})

        assert [r.status_code for r in at_once(2, attach)] == [302, 302]
    with app_session(race_app) as session:
        counts = session.execute(select(ChainOrder.order_id, func.count()).where(ChainOrder.order_id.in_(order_ids))
                                 .group_by(ChainOrder.order_id)).all()
        assert sorted(counts) == [(order_id, 1) for order_id in order_ids]
