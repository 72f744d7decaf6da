"""No listing is ever oversold: 100 simultaneous one-unit orders against a 10-unit listing, sent
over real sockets to a threaded server on its own database (SQLite here, PostgreSQL when
MARKETPLACE_TEST_DATABASE_URL is set). Exactly 10 succeed, 90 are told 409, none fails."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

import tests.database as suite
from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.changes.models import SearchOutbox
from marketplace.dates import today_in_vietnam
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.orders.payments import recording
from tests.clients import app_session
from tests.database import own_database_app
from tests.factories import make_market
from tests.races import at_once

BUYERS = 100
STOCK = 10


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "ordersrace", SERVER_NAME=None) as app:
        yield app


@pytest.fixture(scope="module")
def race_server(race_app: Flask) -> Iterator[tuple[str, int]]:
    server = make_server("127.0.0.1", 0, race_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="orders-race-server", daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _market(app: Flask) -> tuple[int, list[str]]:
    """A club's 10-crate listing, and 100 API tokens of buyers (ten buyer organisations)."""
    today = today_in_vietnam()
    with app.app_context():
        club = accounts.create_organization(db.session, kind="club", name="Hội quán Đua đơn", commune_code="30244")
        listing = listings.save_listing(db.session, club, listings.ListingInput(
            product="xoài", quantity=str(STOCK), unit="hộp", price_vnd="150000", available_from=today,
            available_to=today + timedelta(days=10)), None, today=today, publish=True)
        tokens = []
        for n in range(10):
            org = accounts.create_organization(db.session, kind="supermarket", name=f"Siêu thị đua {n}",
                                               commune_code="30244")
            user = accounts.create_user(db.session, name=f"Người mua {n}", password=suite.TEST_PASSWORD,
                                        email=f"race{n}@example.test")
            accounts.add_member(db.session, org, user, "buyer")
            tokens += [accounts.create_api_token(db.session, user, f"race-{k}") for k in range(BUYERS // 10)]
        db.session.commit()
        return listing.id, tokens


def _order(host: str, port: int, token: str, listing_id: int, go: Callable[[], None]) -> tuple[int, dict]:
    body = json.dumps({"listing_id": listing_id, "quantity": 1})
    connection = http.client.HTTPConnection(host, port, timeout=120)
    try:
        connection.connect()
        go()  # every buyer connected: now all send at once
        connection.request("POST", "/api/v1/orders", body=body,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_a_hundred_buyers_ten_crates(race_app, race_server):
    host, port = race_server
    listing_id, tokens = _market(race_app)
    results = at_once(BUYERS, lambda n, go: _order(host, port, tokens[n], listing_id, go), run_wait=180)

    statuses = Counter(status for status, _body in results)
    assert statuses == {201: STOCK, 409: BUYERS - STOCK}, statuses
    for status, body in results:
        if status == 409:
            assert set(body) == {"error", "fields"}
        else:
            assert body["quantity"] == 1 and body["amount_vnd"] == 150_000

    with race_app.app_context():
        listing = db.session.get(Listing, listing_id)
        assert listing.quantity_available == 0
        assert listing.status == "sold_out"
        reserved = db.session.scalar(select(func.sum(Order.reserved_quantity)).where(Order.listing_id == listing_id))
        assert reserved == STOCK
        assert db.session.scalar(select(func.count()).select_from(Order)
                                 .where(Order.listing_id == listing_id)) == STOCK
        # Every reservation told search and matching about the listing.
        assert db.session.scalar(select(func.count()).select_from(SearchOutbox).where(
            SearchOutbox.entity == "listing", SearchOutbox.entity_id == listing_id)) >= STOCK


def test_simultaneous_payments_never_take_more_than_the_amount(race_app):
    """Eight people record the same 300.000 ₫ transfer at once, each from their own form (their
    own token): one counts, and what is paid never goes above the order's amount."""
    with app_session(race_app) as session:
        shop = make_market("Hội quán Trả tiền đua", "Siêu thị trả đua")  # 100 kg at 30.000 ₫
        today = today_in_vietnam()
        order = orders.place_order(session, shop.listing.id, shop.buyer_org, shop.buyer, "10", today=today)
        orders.change(session, order, "confirm", actor="seller", user=shop.seller, today=today)
        session.commit()
        order_id = order.id

    people = 8

    def record(n: int, go) -> bool:
        with race_app.app_context():
            go()
            recorded = recording.record_payment(db.session, order_id, 300_000, provider="manual",
                                                reference=f"manual:race-{n}")
            db.session.commit()
        return recorded

    results = at_once(people, record)
    assert sorted(results) == [False] * (people - 1) + [True]
    with race_app.app_context():
        paid = db.session.get(Order, order_id)
        assert (paid.status, paid.amount_paid_vnd) == ("paid", 300_000)
