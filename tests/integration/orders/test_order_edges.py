"""Edges of the order services that the flows elsewhere do not reach: each is a refusal with
nothing stored, or a call that must change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from marketplace.orders import reservation
from marketplace.orders.models import Order
from marketplace.orders.payments import bank_accounts, card_sessions, recording
from tests.integration.orders.conftest import place


def _orders(session) -> int:
    return session.scalar(select(func.count()).select_from(Order))


def test_a_note_too_long_is_refused_and_nothing_reserved(session, market):
    before = _orders(session)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(session, market.listing.id, market.buyer_org, market.buyer, "10",
                           today=today_in_vietnam(), note="x" * (orders.MAX_NOTE + 1))
    assert "note" in refused.value.fields
    session.rollback()
    assert _orders(session) == before
    assert session.get(Listing, market.listing.id).quantity_available == 100


@pytest.mark.parametrize(("listing_id", "quantity"), [(None, 5), (0, 5), ("listing", 0)])
def test_releasing_nothing_changes_nothing(session, market, listing_id, quantity):
    listing_id = market.listing.id if listing_id == "listing" else listing_id
    reservation.release(session, listing_id, quantity, today=today_in_vietnam())
    session.expire_all()
    assert session.get(Listing, market.listing.id).quantity_available == 100


def test_an_unknown_payment_option_is_refused_and_the_order_kept(session, market):
    order = place(market)
    with pytest.raises(ValidationError) as refused:
        recording.choose_payment_option(session, order, "later")
    assert "payment_option" in refused.value.fields
    session.rollback()
    assert session.get(Order, order.id).payment_option == "full"


def test_no_organisation_has_no_orders(session, market):
    place(market)
    assert orders.orders_of(session, None) == []
    assert len(orders.orders_of(session, None, everyone=True)) >= 1


def test_retiring_the_sessions_of_no_order_marks_none(session):
    assert card_sessions.retire_card_sessions(session, 999_999) == 0


def test_a_holder_name_too_long_is_refused(session, market):
    with pytest.raises(ValidationError) as refused:
        bank_accounts.save_bank_account(session, market.club, bank_bin="970405", account_number="1234 5678 9012",
                                        account_holder="NGUYEN VAN " + "A" * 70)
    assert set(refused.value.fields) == {"account_holder"}
    assert bank_accounts.bank_account_of(session, market.club.id) is None


class _Anonymous:
    is_authenticated = False


@pytest.mark.parametrize("user", [None, _Anonymous()])
def test_nobody_signed_in_is_on_any_side_and_takes_no_payments(session, market, user):
    from marketplace.orders import permissions

    order = place(market)
    assert permissions.sides(user, order) == set()
    assert permissions.can_see(user, order) is False
    assert permissions.can_take_payments(user, market.club) is False


def test_each_side_of_an_order(session, market):
    from marketplace.orders import permissions
    from tests.factories import make_org, make_user

    order = place(market)
    staff, outsider = make_user("staff"), make_user("seller", make_org("club", name="Hội quán ngoài cuộc"))
    assert permissions.sides(market.buyer, order) == {"buyer"}
    assert permissions.sides(market.seller, order) == {"seller"}
    assert permissions.sides(staff, order) == {"staff"}
    assert permissions.sides(outsider, order) == set()
    assert [permissions.can_take_payments(u, market.club) for u in (market.seller, staff, outsider, market.buyer)] \
        == [True, True, False, False]
