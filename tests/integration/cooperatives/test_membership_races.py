"""Races (real on PostgreSQL): two proposals for the same pair at once store one; a listing saved
with the cooperative's code while the club leaves never ends up carrying it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from marketplace import db
from marketplace.accounts.models import Organization, User
from marketplace.cooperatives import membership, sharing
from marketplace.cooperatives.models import CooperativeMember
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.errors import ValidationError
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from tests.clients import app_session
from tests.database import POSTGRES_URL, own_database_app
from tests.factories import make_listing, make_org, make_planting_code, make_user
from tests.races import at_once


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[Flask]:
    with own_database_app(tmp_path_factory, "coopmembers") as app:
        yield app


def test_two_proposals_for_one_pair_at_once_store_one(own_app):
    with app_session(own_app):
        coop, club = make_org("cooperative", name="HTX Đua thử"), make_org("club", name="Hội quán Đua thử")
        coop_chair, club_chair = make_user("seller", coop), make_user("seller", club)
        ids = coop.id, club.id, coop_chair.id, club_chair.id

    def propose(n: int, go) -> str:
        with own_app.app_context():
            coop_now, club_now = db.session.get(Organization, ids[0]), db.session.get(Organization, ids[1])
            user = db.session.get(User, ids[2 + n])
            db.session.commit()
            go()
            try:
                membership.propose(db.session, cooperative=coop_now, club=club_now,
                                   by=coop_now if n == 0 else club_now, user=user)
                db.session.commit()
                return "proposed"
            except ValidationError:
                db.session.rollback()
                return "refused"

    assert sorted(at_once(2, propose)) == ["proposed", "refused"]
    with app_session(own_app) as session:
        assert session.scalar(select(func.count()).select_from(CooperativeMember)) == 1


def test_a_listing_saved_with_the_shared_code_while_the_club_leaves_does_not_keep_it(own_app):
    today = today_in_vietnam()
    with app_session(own_app) as session:
        coop, club = make_org("cooperative", name="HTX Rời thử"), make_org("club", name="Hội quán Rời thử")
        chair = make_user("seller", club)
        code = make_planting_code(coop, "VN-DTOR-0444", status="active", valid_until=today + timedelta(days=90))
        row = CooperativeMember(cooperative_id=coop.id, club_id=club.id, status="active",
                                proposed_by_org_id=coop.id, answered_at=utcnow())
        session.add(row)
        session.commit()
        listing = make_listing(club, "xoài")
        ids = club.id, chair.id, code.id, row.id, listing.id

    def work(n: int, go) -> str:
        with own_app.app_context():
            club_now, user = db.session.get(Organization, ids[0]), db.session.get(User, ids[1])
            mine = db.session.get(Listing, ids[4])
            row_now = db.session.get(CooperativeMember, ids[3])
            db.session.commit()
            go()
            try:
                if n == 0:
                    listings.save_listing(db.session, club_now, listings.ListingInput(
                        product="xoài", quantity="1000", unit="kg", price_vnd="38000",
                        available_from=mine.available_from, available_to=mine.available_to,
                        planting_code_ids=[ids[2]]), user, today=today, listing=mine,
                        usable_codes=sharing.usable_codes(db.session, club_now, lock=True))
                else:
                    membership.act(db.session, row_now, "leave", acting=club_now, user=user, reason="Rời HTX")
                db.session.commit()
                return "done"
            except ValidationError:
                db.session.rollback()
                return "refused"

    results = at_once(2, work)
    assert results[1] == "done"
    with app_session(own_app) as session:
        assert session.get(CooperativeMember, ids[3]).status == "ended"
        assert [c.code for c in session.get(Listing, ids[4]).planting_codes] == []


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite locks the whole file: no row locks to cross")
def test_a_new_listing_saved_while_the_club_leaves_does_not_deadlock(own_app):
    """A new listing locks the club's membership rows (sharing.usable_codes(lock=True)), then its
    INSERT takes FOR KEY SHARE on the club's row (the foreign key). Leaving locks the pair's rows,
    then the membership row. The pair is locked FOR NO KEY UPDATE, which a foreign key check does
    not wait for; FOR UPDATE would make the INSERT wait here and, once leaving went on to the
    membership row, deadlock. The interleaving is made step by step; lock_timeout only turns
    waiting forever into a failure."""
    today = today_in_vietnam()
    with app_session(own_app) as session:
        coop, club = make_org("cooperative", name="HTX Khóa thử"), make_org("club", name="Hội quán Khóa thử")
        chair = make_user("seller", club)
        code = make_planting_code(coop, "VN-DTOR-0555", status="active", valid_until=today + timedelta(days=90))
        row = CooperativeMember(cooperative_id=coop.id, club_id=club.id, status="active",
                                proposed_by_org_id=coop.id, answered_at=utcnow())
        session.add(row)
        session.commit()
        ids = coop.id, club.id, chair.id, code.id, row.id

    with own_app.app_context():
        listing_side = db.session
        club_now, user = listing_side.get(Organization, ids[1]), listing_side.get(User, ids[2])
        listing_side.execute(text("SET LOCAL lock_timeout = '20s'"))
        usable = sharing.usable_codes(listing_side, club_now, lock=True)  # membership row locked
        with Session(listing_side.get_bind()) as leaving_side:
            membership._lock_pair(leaving_side, ids[0], ids[1])  # leaving has the pair
            listings.save_listing(listing_side, club_now, listings.ListingInput(
                product="xoài", quantity="1000", unit="kg", price_vnd="38000", available_from=today,
                available_to=today + timedelta(days=30), planting_code_ids=[ids[3]]), user, today=today,
                usable_codes=usable)  # the INSERT does not wait for leaving
            listing_side.commit()
            row_now = leaving_side.get(CooperativeMember, ids[4])
            membership.act(leaving_side, row_now, "leave", acting=leaving_side.get(Organization, ids[1]),
                           user=leaving_side.get(User, ids[2]), reason="Rời HTX")
            leaving_side.commit()
    with app_session(own_app) as session:
        assert session.get(CooperativeMember, ids[4]).status == "ended"
        [listing] = session.scalars(select(Listing).where(Listing.organization_id == ids[1])).all()
        assert listing.planting_codes == []  # leaving took the shared code off
