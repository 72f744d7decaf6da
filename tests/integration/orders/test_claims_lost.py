"""What the worker does when another worker, or a person, got there between its read and its
conditional UPDATE: nothing twice, nothing counted that it did not do. The interleaving is made
every time with tests.races.meanwhile (the thread races of test_concurrency.py reach it by chance).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.listings.models import Listing
from marketplace.notifications.models import Notification
from marketplace.orders import lifecycle as orders
from marketplace.orders import notices
from marketplace.orders.models import Order, OrderEvent
from tests.clients import app_session
from tests.factories import make_market
from tests.races import meanwhile


@pytest.fixture
def market(app):
    with app_session(app):
        return make_market("Hội quán Xoài tranh phần", "Siêu thị tranh phần")


def _place(session, market, quantity: str) -> Order:
    return orders.place_order(session, market.listing.id, session.merge(market.buyer_org),
                              session.merge(market.buyer), quantity, today=today_in_vietnam())


def _notices(session, kind: str) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == kind))


def test_a_state_change_another_worker_is_telling_is_not_told_twice(app, market):
    with app_session(app) as session:
        order = _place(session, market, "10")

        def other_worker(s):
            s.execute(update(OrderEvent).where(OrderEvent.order_id == order.id).values(notified_at=utcnow()))

        with meanwhile("order_events", other_worker) as ran:
            told = notices.send_notices(session)
        assert ran
        assert told == 0
        assert _notices(session, "order_new") == 0  # the other worker tells it, not this one
        assert notices.send_notices(session) == 0  # and nothing is left to tell


def test_an_order_cancelled_while_the_worker_expires_it_is_neither_expired_nor_released_twice(app, market):
    with app_session(app) as session:
        order = _place(session, market, "20")
        notices.send_notices(session)
        now = utcnow()
        session.execute(update(Order).where(Order.id == order.id).values(created_at=now - timedelta(hours=73)))

        def buyer_cancels(s):
            orders.move(s, order.id, "requested", "cancelled", s.merge(market.buyer), today=today_in_vietnam())

        with meanwhile("orders", buyer_cancels) as ran:
            report = orders.remind_and_expire(session, now)
        assert ran
        assert (report.expired, report.reminded) == (0, 0)
        session.expire_all()
        assert session.get(Order, order.id).status == "cancelled"
        statuses = session.scalars(select(OrderEvent.to_status).where(OrderEvent.order_id == order.id)
                                   .order_by(OrderEvent.id)).all()
        assert statuses == ["requested", "cancelled"]
        assert float(session.get(Listing, market.listing.id).quantity_available) == 100  # released once


def test_an_order_another_worker_reminded_is_not_reminded_again(app, market):
    with app_session(app) as session:
        order = _place(session, market, "10")
        notices.send_notices(session)
        now = utcnow()
        session.execute(update(Order).where(Order.id == order.id).values(created_at=now - timedelta(hours=25)))

        def other_worker(s):
            s.execute(update(Order).where(Order.id == order.id).values(reminded_at=now))

        with meanwhile("orders", other_worker) as ran:
            report = orders.remind_and_expire(session, now)
        assert ran
        assert (report.expired, report.reminded) == (0, 0)
        assert _notices(session, "order_reminder") == 0
        session.expire_all()
        assert session.get(Order, order.id).status == "requested"
