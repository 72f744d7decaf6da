"""A listing's numbers at their limits, through the services: a quick update beyond the largest
quantity or price, an end date already past on a listing that started earlier, and an edit that
would leave less than buyers have already ordered. Each says which field and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.orders import lifecycle as orders
from tests.factories import make_club, make_listing, make_org, make_user


@pytest.fixture(autouse=True)
def english(session):
    with force_locale("en"):
        yield


def _as_stored(session, listing_id: int) -> tuple:
    session.expire_all()
    row = session.get(Listing, listing_id)
    return float(row.quantity), float(row.quantity_available), row.price_vnd, row.available_to


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"quantity": "10000001"}, "quantity", "That number is too large."),
        ({"price_vnd": "10000000001"}, "price_vnd", "Enter a price between 0 and 10 billion đồng."),
    ],
)
def test_a_quick_update_beyond_the_largest_number_is_refused(session, change, field, message):
    club, chair = make_club()
    listing = make_listing(club, quantity="1000", price_vnd="38000", user=chair)
    before = _as_stored(session, listing.id)
    with pytest.raises(ValidationError) as caught:
        listings.quick_update(session, session.get(Listing, listing.id), today=today_in_vietnam(), **change)
    session.rollback()
    assert caught.value.fields == {field: [message]}
    assert _as_stored(session, listing.id) == before


def test_a_quick_update_ending_yesterday_on_a_listing_begun_last_week_says_the_date_passed(session):
    """Not "before the start" (it is after it): the end date has passed."""
    today = today_in_vietnam()
    club, chair = make_club()
    listing = make_listing(club, available_from=today - timedelta(days=7), user=chair)
    before = _as_stored(session, listing.id)
    with pytest.raises(ValidationError) as caught:
        listings.quick_update(
            session, session.get(Listing, listing.id), available_to=today - timedelta(days=1), today=today
        )
    session.rollback()
    assert caught.value.fields == {"available_to": ["The end date has passed: choose a date from today on."]}
    assert _as_stored(session, listing.id) == before


def test_editing_a_listing_below_what_buyers_ordered_is_refused(session):
    """100 kg listed, 30 kg ordered: the club cannot edit the lot down to 20 kg."""
    today = today_in_vietnam()
    club, chair = make_club()
    listing = make_listing(club, quantity="100", price_vnd="30000", user=chair)
    buyer_org = make_org("supermarket")
    orders.place_order(session, listing.id, buyer_org, make_user("buyer", buyer_org), "30", today=today)
    session.commit()
    row = session.get(Listing, listing.id)
    data = listings.ListingInput(
        product="xoài",
        quantity="20",
        unit="kg",
        price_vnd="30000",
        available_from=row.available_from,
        available_to=row.available_to,
    )
    with pytest.raises(ValidationError) as caught:
        listings.save_listing(session, club, data, chair, today=today, listing=row)
    session.rollback()
    assert caught.value.fields["quantity"] == ["Buyers have already ordered more than that."]
    assert _as_stored(session, listing.id)[:2] == (100, 70)
