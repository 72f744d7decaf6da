"""Two people (or a double tap) at the same moment, on an app with a database of its own where
every transaction commits for real (SQLite here, PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is
set): two splits of one lot never take more than it holds; two packings of the same lots neither;
two receipts of one order record one "received" per lot."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.traceability import lots
from marketplace.traceability.models import LotEvent, LotLink
from tests.clients import app_session
from tests.database import own_database_app
from tests.factories import make_club, make_listing, make_org, make_user


@pytest.fixture(scope="module")
def race_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "lotrace") as app:
        yield app


def _harvest(session, org, chair, quantity: str) -> str:
    lot = lots.record_lot(session, org, lots.LotInput(quantity=quantity, unit="tấn", product="xoài"), chair,
                          today=today_in_vietnam())
    session.commit()
    return lot.code


def _race(app: Flask, work) -> list[str]:
    """work(session) by two people: the first has done it (not yet committed) when the second
    starts, and commits a moment later: the second must wait for it and read what it did (with
    no lock it reads the lot as it was and takes the same goods again). "ok" when committed,
    "refused" when refused."""
    done, results = threading.Event(), {}

    def person(n: int) -> None:
        with app.app_context():
            session = db.session
            if n:
                assert done.wait(30)
            try:
                work(session)
                session.flush()
                if not n:
                    done.set()
                    time.sleep(1.5)  # the second person's request arrives meanwhile
                session.commit()
                results[n] = "ok"
            except ValidationError:
                session.rollback()
                results[n] = "refused"
            finally:
                done.set()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [results.get(0), results.get(1)]


def test_two_splits_at_once_take_no_more_than_the_lot(race_app):
    with app_session(race_app) as session:
        org, chair = make_club("Hội quán đua tách lô")
        code = _harvest(session, org, chair, "2")
        chair_id = chair.id

    def split(session):
        lot = lots.get_lot(session, code)
        lots.split_lot(session, lot, ["2"], session.get(User, chair_id), today=today_in_vietnam())

    assert _race(race_app, split) == ["ok", "refused"]
    with app_session(race_app) as session:
        lot = lots.get_lot(session, code)
        assert session.scalar(select(func.count()).select_from(LotLink).where(LotLink.source_id == lot.id)) == 1


def test_two_packings_at_once_take_no_more_than_the_lots(race_app):
    with app_session(race_app) as session:
        org, chair = make_club("Hội quán đua đóng gói")
        codes = [_harvest(session, org, chair, "1"), _harvest(session, org, chair, "1")]
        org_id, chair_id = org.id, chair.id

    def pack(session):
        lots.pack_lots(session, session.get(Organization, org_id), [lots.SourceInput(c) for c in codes],
                       session.get(User, chair_id), today=today_in_vietnam())

    assert _race(race_app, pack) == ["ok", "refused"]


def test_two_receipts_at_once_record_one(race_app):
    today = today_in_vietnam()
    with app_session(race_app) as session:
        org, chair = make_club("Hội quán đua nhận hàng")
        listing = make_listing(org, "xoài", quantity="100", unit="kg")
        buyer_org = make_org("supermarket", name="Siêu thị đua nhận hàng")
        buyer = make_user("buyer", buyer_org)
        order = orders.place_order(session, listing.id, buyer_org, buyer, "10", today=today)
        orders.move(session, order.id, "requested", "confirmed", chair, today=today)
        lot = lots.record_lot(session, org, lots.LotInput(listing_id=listing.id, quantity="50"), chair, today=today)
        session.commit()
        session.refresh(order)
        lots.name_order_lots(session, order, [lots.NamedLot(lot.code, "10")], chair)
        orders.move(session, order.id, "confirmed", "delivered", chair, today=today)
        session.commit()
        order_id, buyer_id = order.id, buyer.id

    def receive(session):
        lots.confirm_receipt(session, session.get(Order, order_id), session.get(User, buyer_id))

    assert _race(race_app, receive) == ["ok", "ok"]
    with app_session(race_app) as session:
        kinds = list(session.scalars(select(LotEvent.kind).where(LotEvent.order_id == order_id).order_by(LotEvent.id)))
    assert kinds == ["shipped", "received"]
