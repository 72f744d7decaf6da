"""reserve() decides on the listing as it is when the UPDATE runs, not as the buyer read it.

Between the moment an order reads the listing (and checks the minimum order in Python) and the
moment the conditional UPDATE runs, the club may restock or other buyers may take some: another
connection changes the remaining quantity and commits in between. The UPDATE's own clauses —
enough left, and the minimum order unless the buyer takes everything left — must then decide.

On PostgreSQL the change lands inside the buyer's open transaction (READ COMMITTED: the UPDATE
re-reads the committed row). On SQLite a writing transaction holds the write lock from its first
statement, so the change cannot land inside it; there the read is its own transaction and the
change lands between that read and the reservation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

import tests.database as suite
from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.dates import today_in_vietnam
from marketplace.errors import Conflict
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders import reservation
from tests.clients import app_session
from tests.factories import make_org, make_user

# Its own database (as test_concurrency): two connections must see each other's commits.
MIN_ORDER = 20


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[Flask]:
    app = suite.make_test_app(suite.fresh_database_url(tmp_path_factory, "reserve"))
    suite.prepare_database(app)
    with app_session(app):
        club = make_org("club", name="Hội quán Giữ hàng")
        buyer_org = make_org("supermarket", name="Siêu thị Giữ hàng")
        buyer = make_user("buyer", buyer_org, name="Người mua", email="reserve-buyer@example.test")
        app.config["RESERVE_TEST_IDS"] = (club.id, buyer_org.id, buyer.id)
    yield app
    db.get_engine(app).dispose()
    suite.forget_database("reserve")


def _listing(app: Flask, left: float) -> int:
    """A published listing of the club with `left` kg remaining and a 20 kg minimum order."""
    today = today_in_vietnam()
    club_id = app.config["RESERVE_TEST_IDS"][0]
    with app.app_context():
        club = db.session.get(Organization, club_id)
        listing = listings.save_listing(db.session, club, listings.ListingInput(
            product="xoài", quantity="100", unit="kg", price_vnd="30000", min_order=str(MIN_ORDER),
            available_from=today, available_to=today + timedelta(days=10)), None, today=today, publish=True)
        db.session.flush()
        listing.quantity_available = left
        db.session.commit()
        return listing.id


def _change_underneath(app: Flask, listing_id: int, left: float) -> None:
    """Another connection sets the remaining quantity and commits (a restock, or other buyers)."""
    with db.get_engine(app).begin() as other:
        other.execute(update(Listing.__table__).where(Listing.__table__.c.id == listing_id)
                      .values(quantity_available=left))


def _now(app: Flask, listing_id: int) -> tuple[float, str]:
    with db.get_engine(app).connect() as fresh:
        row = fresh.execute(select(Listing.quantity_available, Listing.status).where(Listing.id == listing_id)).one()
    return float(row.quantity_available), row.status


def _reserve_after_change(app: Flask, listing_id: int, quantity: float, left_now: float) -> bool:
    """Read the listing, let another connection change it, then reserve; True when reserved."""
    same_transaction = db.get_engine(app).dialect.name == "postgresql"
    with app.app_context():
        session = db.session
        seen = session.get(Listing, listing_id)
        min_order = seen.min_order
        if not same_transaction:
            session.commit()  # SQLite: the read ends here, or the write lock would block the change
        _change_underneath(app, listing_id, left_now)
        reserved = reservation.reserve(session, listing_id, quantity, today=today_in_vietnam(), min_order=min_order)
        session.commit()
    return reserved


# (left when read, quantity asked, left when the UPDATE runs) → reserved?, left after, status after
CASES = {
    # Read 15 left: taking all 15 is allowed below the 20 kg minimum. Restocked to 100 meanwhile,
    # 15 kg is no longer "everything left", so the minimum applies again.
    "restocked: the minimum applies again": (15, 15, 100, False, 100, "published"),
    # 25 kg meets the minimum; others took some, 30 left: still enough.
    "others took some, enough left": (100, 25, 30, True, 5, "published"),
    # Others took all but 15: 15 kg is below the minimum but is everything left.
    "others left exactly what is asked, below the minimum": (100, 15, 15, True, 0, "sold_out"),
    # Others left 20: less than the 25 asked.
    "others left less than asked": (100, 25, 20, False, 20, "published"),
    # Others left exactly 25: all of it, and the listing sells out in the same statement.
    "others left exactly what is asked": (100, 25, 25, True, 0, "sold_out"),
    # Asked 10 of 100, below the minimum and not everything: refused whatever the change.
    "below the minimum, still plenty": (100, 10, 60, False, 60, "published"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_reserve_decides_on_the_quantity_as_it_is_now(own_app, case):
    left_read, asked, left_now, expected, left_after, status_after = CASES[case]
    listing_id = _listing(own_app, left_read)
    assert _reserve_after_change(own_app, listing_id, asked, left_now) is expected
    assert _now(own_app, listing_id) == (left_after, status_after)


@pytest.mark.skipif(not suite.POSTGRES_URL, reason="SQLite's write lock keeps the change out of the order's transaction")
@pytest.mark.parametrize(("left_read", "asked", "left_now", "placed"), [
    (15, 15, 100, False),  # took everything left at read time; restocked meanwhile → 409
    (100, 25, 30, True),
    (100, 25, 20, False),
])
def test_an_order_reserves_against_the_quantity_changed_during_it(own_app, monkeypatch, left_read, asked,
                                                                  left_now, placed):
    """The whole order: place_order has read the listing and checked the minimum when the
    quantity changes, and its reservation must still refuse what no longer holds."""
    listing_id = _listing(own_app, left_read)
    real_reserve = orders.reserve

    def reserve_after_a_change(session, listing_id_, quantity, **kwargs):
        _change_underneath(own_app, listing_id_, left_now)
        return real_reserve(session, listing_id_, quantity, **kwargs)

    monkeypatch.setattr(orders, "reserve", reserve_after_a_change)
    _club_id, buyer_org_id, buyer_id = own_app.config["RESERVE_TEST_IDS"]
    with own_app.app_context():
        session = db.session
        buyer_org = session.get(Organization, buyer_org_id)
        buyer = session.get(User, buyer_id)
        if placed:
            order = orders.place_order(session, listing_id, buyer_org, buyer, str(asked), today=today_in_vietnam())
            session.commit()
            assert order.reserved_quantity == asked
        else:
            with pytest.raises(Conflict):
                orders.place_order(session, listing_id, buyer_org, buyer, str(asked), today=today_in_vietnam())
            session.rollback()
    assert _now(own_app, listing_id)[0] == (left_now - asked if placed else left_now)
