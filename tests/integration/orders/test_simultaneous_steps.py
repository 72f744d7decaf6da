"""Steps taken twice at the same moment, on a database of the module's own where each commits:
two clicks ordering one accepted offer, two workers reminding and expiring, one statement
uploaded twice. Each happens once, and nothing reserved or paid is left behind by the loser.

On SQLite the write lock serialises them, so the second finds the first's work done before it
starts; on PostgreSQL both start, and the conditional UPDATEs and unique keys decide (the losing
offer click has reserved from the listing by then, and must give it back). Run both.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask_babel import gettext
from sqlalchemy import func, select, update

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.demand.models import Offer
from marketplace.errors import Conflict
from marketplace.listings.models import Listing
from marketplace.notifications.models import Notification
from marketplace.orders import lifecycle as orders
from marketplace.orders.messages import MESSAGES
from marketplace.orders.models import Order, OrderEvent, Payment
from marketplace.orders.payments import recording
from marketplace.orders.statement import parse_statement
from tests.clients import app_session
from tests.database import own_database_app
from tests.factories import make_demand, make_listing, make_market, make_offer
from tests.races import at_once


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "simultaneous") as app:
        yield app


def test_two_clicks_ordering_one_offer_make_one_order_and_one_reservation(own_app):
    with app_session(own_app) as session:
        market = make_market("Hội quán Hai cú bấm", "Siêu thị Hai cú bấm")
        listing = make_listing(market.club, quantity="8", unit="tấn", price_vnd="38000")
        request = make_demand(market.buyer_org, quantity="5", unit="tấn")
        offer = make_offer(request, market.club, "2", price_vnd="40000", listing_id=listing.id)
        offer.status = "accepted"
        session.commit()
        offer_id, listing_id, buyer_id = offer.id, listing.id, market.buyer.id

    def click(_n: int, go) -> str:
        with own_app.app_context():
            from marketplace.accounts.models import User

            buyer, mine = db.session.get(User, buyer_id), db.session.get(Offer, offer_id)
            db.session.commit()  # nothing held while waiting for the other click (SQLite's write lock)
            go()
            try:
                orders.order_from_offer(db.session, mine, buyer, today=today_in_vietnam())
                db.session.commit()
                return "ordered"
            except Conflict as refused:
                db.session.rollback()
                return refused.message

    results = at_once(2, click)
    with app_session(own_app) as session:
        message = str(MESSAGES["offer_ordered"])
        assert sorted(results) == sorted(["ordered", message])
        assert session.scalar(select(func.count()).select_from(Order).where(Order.offer_id == offer_id)) == 1
        assert float(session.get(Listing, listing_id).quantity_available) == 6  # 2 tấn taken once


def test_two_workers_at_once_remind_once_expire_once_and_tell_once(own_app):
    with app_session(own_app) as session:
        market = make_market("Hội quán Hai máy chạy", "Siêu thị Hai máy chạy")
        today = today_in_vietnam()
        waiting = orders.place_order(session, market.listing.id, market.buyer_org, market.buyer, "10", today=today)
        forgotten = orders.place_order(session, market.listing.id, market.buyer_org, market.buyer, "20", today=today)
        now = utcnow()
        for order, age in ((waiting, 25), (forgotten, 73)):
            session.execute(update(Order).where(Order.id == order.id).values(created_at=now - timedelta(hours=age)))
        session.commit()
        ids, seller_id, buyer_id, listing_id = (waiting.id, forgotten.id), market.seller.id, market.buyer.id, \
            market.listing.id

    def worker(_n: int, go) -> tuple[int, int, int]:
        with own_app.app_context():
            go()
            report = orders.remind_and_expire(db.session, utcnow())
            db.session.commit()
            return report.reminded, report.expired, report.notices

    reports = at_once(2, worker)
    assert sum(r[0] for r in reports) == 1 and sum(r[1] for r in reports) == 1
    with app_session(own_app) as session:
        assert [session.get(Order, i).status for i in ids] == ["requested", "expired"]
        assert session.scalar(select(func.count()).select_from(OrderEvent).where(
            OrderEvent.order_id == ids[1], OrderEvent.to_status == "expired")) == 1
        assert float(session.get(Listing, listing_id).quantity_available) == 90  # 20 kg given back once

        def told(user_id: int, kind: str) -> int:
            return session.scalar(select(func.count()).select_from(Notification).where(
                Notification.user_id == user_id, Notification.kind == kind))

        assert (told(seller_id, "order_new"), told(seller_id, "order_reminder"), told(buyer_id, "order_expired")) \
            == (2, 1, 1)


def test_one_statement_uploaded_twice_at_once_counts_each_line_once(own_app):
    with app_session(own_app) as session:
        market = make_market("Hội quán Hai lần tải", "Siêu thị Hai lần tải")
        today = today_in_vietnam()
        order = orders.place_order(session, market.listing.id, market.buyer_org, market.buyer, "10", today=today)
        orders.change(session, order, "confirm", actor="seller", user=market.seller, today=today)
        session.commit()
        order_id, club_id, seller_id = order.id, market.club.id, market.seller.id
    content = f"Ngày;Số tiền;Nội dung\n29/11/2026;300.000;CHQ {order_id} DH\n".encode()

    def upload(_n: int, go) -> tuple[int, list[str]]:
        with own_app.app_context():
            from marketplace.accounts.models import Organization, User

            club, seller = db.session.get(Organization, club_id), db.session.get(User, seller_id)
            lines = parse_statement(content)
            db.session.commit()  # nothing held while waiting for the other upload (SQLite's write lock)
            go()
            result = recording.apply_statement(db.session, club, lines, seller)
            db.session.commit()
            return len(result.matched), [why for _line, _text, why in result.unmatched]

    results = at_once(2, upload)
    assert sorted(matched for matched, _why in results) == [0, 1]
    [refused] = [why for matched, why in results if not matched]
    with app_session(own_app) as session:
        assert refused == [gettext("Already counted.")]
        paid = session.get(Order, order_id)
        assert (paid.status, paid.amount_paid_vnd) == ("paid", 300_000)
        assert session.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id)) == 1


def test_one_confirmation_page_sent_twice_at_once_places_one_order_and_reserves_once(own_app):
    """A double tap on "Đặt hàng": two sends of one confirmation page (its key, its total) at the
    same moment. On PostgreSQL both reserve; the second insert fails on the page's key, gives its
    reservation back and returns the first's order."""
    with app_session(own_app) as session:
        market = make_market("Hội quán Hai lần đặt", "Siêu thị Hai lần đặt")  # 100 kg at 30.000 ₫
        session.commit()
        listing_id, buyer_id, buyer_org_id = market.listing.id, market.buyer.id, market.buyer_org.id

    def tap(_n: int, go) -> int:
        with own_app.app_context():
            from marketplace.accounts.models import Organization, User

            buyer, org = db.session.get(User, buyer_id), db.session.get(Organization, buyer_org_id)
            db.session.commit()  # nothing held while waiting for the other tap (SQLite's write lock)
            go()
            order = orders.place_order(db.session, listing_id, org, buyer, "10", today=today_in_vietnam(),
                                       expected_amount_vnd=300_000, placing_key="trang-xac-nhan-1")
            db.session.commit()
            return order.id

    results = at_once(2, tap)
    assert results[0] == results[1]
    with app_session(own_app) as session:
        assert session.scalar(select(func.count()).select_from(Order).where(Order.listing_id == listing_id)) == 1
        assert float(session.get(Listing, listing_id).quantity_available) == 90  # 10 kg taken once
