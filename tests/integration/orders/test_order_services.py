"""Ordering, releasing, payments, reminders and expiry through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace import db
from marketplace.changes.models import SearchOutbox
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.listings.models import Listing
from marketplace.matching.facts import public_listing_filter
from marketplace.notifications import delivery
from marketplace.notifications.models import Notification
from marketplace.orders import lifecycle as orders
from marketplace.orders import notices
from marketplace.orders.models import Order, OrderEvent, Payment
from marketplace.orders.payments import bank_accounts, recording
from marketplace.search import services as search
from marketplace.search.backend import make_backend
from marketplace.search.query import read_request
from tests.factories import make_demand, make_listing, make_offer, make_org, make_user
from tests.integration.orders.conftest import place

TODAY = today_in_vietnam


@pytest.fixture(autouse=True)
def english(session):
    """Messages in English, to read the assertions."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_order_reserves_at_the_listing_price(market):
    order = place(market, "10")
    assert (order.status, order.quantity, order.unit, order.amount_vnd) == ("requested", 10, "kg", 300_000)
    assert order.unit_price_vnd == 30_000 and order.price_unit == "kg" and order.amount_paid_vnd == 0
    assert order.ref == f"CHQ-{order.id:06d}"
    assert fresh(Listing, market.listing.id).quantity_available == 90
    assert [(e.from_status, e.to_status, e.by_user_id) for e in order.events] == [(None, "requested", market.buyer.id)]


def test_prices_of_weighed_goods_are_per_kg(session):
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, quantity="8", unit="tấn", price_vnd="38000")
    order = orders.place_order(session, listing.id, buyer_org, buyer, "2,5", today=TODAY())
    assert order.amount_vnd == 95_000_000
    assert order.price_unit == "kg"
    assert fresh(Listing, listing.id).quantity_available == 5.5


@pytest.mark.parametrize(("quantity", "error", "text"), [
    ("abc", ValidationError, "Enter a number"), ("0", ValidationError, "above zero"),
    ("-3", ValidationError, "above zero"), ("", ValidationError, "required"),
    ("2", ValidationError, "minimum order is 5"), ("101", Conflict, "Only 100 kg left"),
])
def test_bad_quantities_store_nothing(session, quantity, error, text):
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, quantity="100", price_vnd="30000", min_order="5")
    with pytest.raises(error) as caught:
        orders.place_order(session, listing.id, buyer_org, buyer, quantity, today=TODAY())
    assert text in str(caught.value.fields["quantity"])
    session.rollback()
    assert fresh(Listing, listing.id).quantity_available == 100
    assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_the_rest_below_the_minimum_can_be_taken_whole(session):
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, quantity="12", price_vnd="30000", min_order="5")
    orders.place_order(session, listing.id, buyer_org, buyer, "9", today=TODAY())
    with pytest.raises(ValidationError):
        orders.place_order(session, listing.id, buyer_org, buyer, "2", today=TODAY())
    order = orders.place_order(session, listing.id, buyer_org, buyer, "3", today=TODAY())
    assert order.quantity == 3
    assert fresh(Listing, listing.id).status == "sold_out"


def test_negotiable_price_cannot_be_ordered_online(session):
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, price_vnd=None, price_negotiable=True)
    with pytest.raises(ValidationError) as caught:
        orders.place_order(session, listing.id, buyer_org, buyer, "1", today=TODAY())
    assert "negotiable" in caught.value.message or "negotiable" in str(caught.value.fields)


def test_sellers_and_clubs_cannot_order(session):
    club, other_club = make_org("club"), make_org("club")
    seller = make_user("seller", other_club)
    listing = make_listing(club)
    with pytest.raises(PermissionDenied):
        orders.place_order(session, listing.id, other_club, seller, "1", today=TODAY())


def test_paused_or_expired_listing_is_a_conflict(session, market):
    listing = fresh(Listing, market.listing.id)
    listing.status = "paused"
    session.commit()
    with pytest.raises(Conflict):
        place(market, "1")
    session.rollback()


def test_sold_out_leaves_search_and_matching_and_comes_back_when_released(session, market):
    backend = make_backend("memory://")
    search.reindex(session, backend, commit=session.commit)

    def found() -> bool:
        hits = backend.search(read_request({"q": "xoài", "type": "listing"})[0], TODAY()).hits
        return any(hit.object_id == market.listing.id for hit in hits)

    def public() -> bool:
        return session.scalar(select(func.count()).select_from(Listing).where(
            Listing.id == market.listing.id, public_listing_filter(TODAY()))) == 1

    assert found() and public()
    outbox_before = session.scalar(select(func.count()).select_from(SearchOutbox))
    order = place(market, "100")
    listing = fresh(Listing, market.listing.id)
    assert (listing.status, listing.quantity_available) == ("sold_out", 0)
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) > outbox_before
    search.sync(session, backend, commit=session.commit)
    assert not found() and not public()

    orders.change(session, order, "cancel", actor="buyer", user=market.buyer, today=TODAY())
    session.commit()
    listing = fresh(Listing, market.listing.id)
    assert (listing.status, listing.quantity_available) == ("published", 100)
    search.sync(session, backend, commit=session.commit)
    assert found() and public()


@pytest.mark.parametrize(("action", "actor"), [("decline", "seller"), ("cancel", "buyer")])
def test_decline_and_cancel_release_once(session, market, action, actor):
    order = place(market, "40")
    user = market.seller if actor == "seller" else market.buyer
    orders.change(session, order, action, actor=actor, user=user, today=TODAY())
    assert fresh(Listing, market.listing.id).quantity_available == 100
    with pytest.raises(ValidationError):  # a second click finds nothing to do
        orders.change(session, fresh(Order, order.id), action, actor=actor, user=user, today=TODAY())
    assert fresh(Listing, market.listing.id).quantity_available == 100


def test_a_stale_copy_cannot_change_the_order_twice(session, market):
    order = place(market, "40")
    stale = Order(id=order.id, status="requested", amount_paid_vnd=0)  # what a second tab saw
    orders.change(session, order, "decline", actor="seller", user=market.seller, today=TODAY())
    session.expunge(order)
    with pytest.raises(Conflict):
        orders.change(session, stale, "decline", actor="seller", user=market.seller, today=TODAY())
    assert fresh(Listing, market.listing.id).quantity_available == 100
    assert session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order.id)) == 2


def test_wrong_side_or_wrong_state_is_refused(session, market):
    order = place(market, "1")
    for action, actor in (("confirm", "buyer"), ("deliver", "seller"), ("complete", "buyer"), ("pay", "buyer")):
        with pytest.raises(ValidationError):
            orders.change(session, order, action, actor=actor, user=market.buyer, today=TODAY())
    assert fresh(Order, order.id).status == "requested"


def test_the_whole_way_to_completed(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    assert recording.record_payment(session, order.id, 300_000, provider="vietqr", reference="FT1")
    order = fresh(Order, order.id)
    assert order.status == "paid"
    orders.change(session, order, "deliver", actor="seller", user=market.seller, today=TODAY())
    orders.change(session, order, "complete", actor="buyer", user=market.buyer, today=TODAY())
    assert [e.to_status for e in fresh(Order, order.id).events] == [
        "requested", "confirmed", "paid", "delivered", "completed"]
    assert fresh(Listing, market.listing.id).quantity_available == 90  # a completed order keeps its goods


def test_paid_orders_cannot_be_cancelled(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    recording.choose_payment_option(session, order, "deposit")
    assert recording.record_payment(session, order.id, 50_000, provider="manual", reference="a")
    order = fresh(Order, order.id)
    assert order.status == "confirmed"  # 50.000 of a 90.000 deposit
    with pytest.raises(ValidationError):
        orders.change(session, order, "cancel", actor="buyer", user=market.buyer, today=TODAY())
    with pytest.raises(Conflict):
        recording.choose_payment_option(session, order, "full")  # fixed once money is in


def test_record_payment_is_idempotent_and_reaches_paid_with_a_deposit(session, market):
    order = place(market, "10")
    assert not recording.record_payment(session, order.id, 90_000, provider="vietqr", reference="early")  # requested
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    recording.choose_payment_option(session, order, "deposit")
    assert recording.record_payment(session, order.id, 90_000, provider="vietqr", reference="line-1")
    assert not recording.record_payment(session, order.id, 90_000, provider="vietqr", reference="line-1")
    assert recording.record_payment(session, order.id, 90_000, provider="stripe", reference="line-1") is True
    order = fresh(Order, order.id)
    assert (order.status, order.amount_paid_vnd) == ("paid", 180_000)
    assert [e.to_status for e in order.events].count("paid") == 1
    assert not recording.record_payment(session, order.id, 0, provider="vietqr", reference="zero")
    assert not recording.record_payment(session, 999_999, 1000, provider="vietqr", reference="nobody")
    session.commit()
    assert session.scalar(select(func.count()).select_from(Payment)) == 2


def test_record_payment_on_a_cancelled_order_changes_nothing(session, market):
    order = place(market, "10")
    orders.change(session, order, "cancel", actor="buyer", user=market.buyer, today=TODAY())
    assert not recording.record_payment(session, order.id, 300_000, provider="vietqr", reference="late")
    order = fresh(Order, order.id)
    assert (order.status, order.amount_paid_vnd, order.payments) == ("cancelled", 0, [])


def test_mark_received_with_one_form_counts_once(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    assert recording.mark_received(session, order, "300.000", market.seller, token="form-1")
    order = fresh(Order, order.id)
    assert order.status == "paid"
    with pytest.raises(ValidationError):  # nothing is due any more
        recording.mark_received(session, order, "300.000", market.seller, token="form-1")


def test_mark_received_refuses_bad_amounts(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    for amount in ("abc", "0", "300.001"):
        with pytest.raises(ValidationError):
            recording.mark_received(session, order, amount, market.seller, token=f"t-{amount}")
    assert fresh(Order, order.id).amount_paid_vnd == 0


def test_reminder_after_24_hours_and_expiry_after_72_each_once(session, market, outbox):
    order = place(market, "10")
    other = place(market, "5")
    orders.change(session, other, "confirm", actor="seller", user=market.seller, today=TODAY())
    session.commit()
    start = utcnow()

    def seller_notices(kind):
        return session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == market.seller.id, Notification.kind == kind))

    def buyer_notices(kind):
        return session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == market.buyer.id, Notification.kind == kind))

    report = orders.remind_and_expire(session, start + timedelta(hours=23))
    assert (report.reminded, report.expired) == (0, 0)
    assert seller_notices("order_new") == 2  # the new orders were told
    assert buyer_notices("order_confirmed") == 1

    report = orders.remind_and_expire(session, start + timedelta(hours=25))
    assert (report.reminded, report.expired) == (1, 0)
    assert seller_notices("order_reminder") == 1
    delivery.deliver_due(session, commit=session.commit)  # the worker's mail step
    assert any("CHQ-" in message.subject or "CHQ-" in message.body for message in outbox)
    report = orders.remind_and_expire(session, start + timedelta(hours=30))
    assert (report.reminded, report.expired) == (0, 0)
    assert seller_notices("order_reminder") == 1

    report = orders.remind_and_expire(session, start + timedelta(hours=73))
    assert (report.reminded, report.expired) == (0, 1)
    expired = fresh(Order, order.id)
    assert expired.status == "expired"
    assert expired.events[-1].by_user_id is None
    assert fresh(Order, other.id).status == "confirmed"  # confirmed orders do not expire
    assert fresh(Listing, market.listing.id).quantity_available == 95
    assert buyer_notices("order_expired") == 1
    report = orders.remind_and_expire(session, start + timedelta(hours=100))
    assert (report.reminded, report.expired, report.notices) == (0, 0, 0)
    assert buyer_notices("order_expired") == 1


def test_notices_go_to_the_other_side(session, market):
    order = place(market, "10")
    notices.send_notices(session)
    orders.change(session, order, "cancel", actor="buyer", user=market.buyer, today=TODAY())
    notices.send_notices(session)
    kinds = dict(session.execute(select(Notification.kind, Notification.user_id)
                                 .where(Notification.kind == "order_cancelled")).all())
    assert kinds == {"order_cancelled": market.seller.id}


def _offer_from_a_listing(*, listing: dict, demand: dict, offered: str, price_vnd: str):
    """A club's listing (of the listing fields), a supermarket's request (of the demand fields), and
    the club's pending offer of that listing on it: the buyer, the listing and the offer."""
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    made = make_listing(club, **listing)
    request = make_demand(buyer_org, **demand)
    return buyer, made, make_offer(request, club, offered, price_vnd=price_vnd, listing_id=made.id)


def test_ordering_an_accepted_offer(session):
    buyer, listing, offer = _offer_from_a_listing(
        listing=dict(quantity="8", unit="tấn", price_vnd="38000"), demand=dict(quantity="5", unit="tấn"),
        offered="2", price_vnd="40000")
    with pytest.raises(Conflict):  # pending
        orders.order_from_offer(session, offer, buyer, today=TODAY())
    session.rollback()
    offer.status = "accepted"
    session.commit()
    order = orders.order_from_offer(session, offer, buyer, today=TODAY())
    session.commit()
    assert (order.quantity, order.unit, order.unit_price_vnd, order.amount_vnd) == (2, "tấn", 40_000, 80_000_000)
    assert order.offer_id == offer.id and order.listing_id == listing.id
    assert fresh(Listing, listing.id).quantity_available == 6
    with pytest.raises(Conflict):  # one live order per offer
        orders.order_from_offer(session, offer, buyer, today=TODAY())
    session.rollback()
    order = fresh(Order, order.id)
    orders.change(session, order, "cancel", actor="buyer", user=buyer, today=TODAY())
    assert fresh(Listing, listing.id).quantity_available == 8
    again = orders.order_from_offer(session, fresh(type(offer), offer.id), buyer, today=TODAY())
    assert again.id != order.id


def test_offer_without_a_price_cannot_be_ordered(session):
    club, buyer_org = make_org("club"), make_org("supermarket")
    buyer = make_user("buyer", buyer_org)
    demand = make_demand(buyer_org)
    offer = make_offer(demand, club, "2")
    offer.status = "accepted"
    session.commit()
    with pytest.raises(ValidationError):
        orders.order_from_offer(session, offer, buyer, today=TODAY())


def test_bank_account_is_checked_and_written_as_banks_print_it(session, market):
    with pytest.raises(ValidationError) as caught:
        bank_accounts.save_bank_account(session, market.club, bank_bin="123", account_number="12ab", account_holder="")
    assert set(caught.value.fields) == {"bank_bin", "account_number", "account_holder"}
    account = bank_accounts.save_bank_account(session, market.club, bank_bin="970405", account_number="1234 5678 9012",
                                              account_holder="Hội quán Xoài Mỹ Xương")
    assert (account.account_number, account.account_holder) == ("123456789012", "HOI QUAN XOAI MY XUONG")
    again = bank_accounts.save_bank_account(session, market.club, bank_bin="970436", account_number="999999",
                                            account_holder="X")
    assert again.id == account.id


def test_demo_orders_are_idempotent(session):
    from marketplace.demo import load_demo

    first = load_demo(session, "demo-password-123")
    assert first["orders"] == 3
    statuses = sorted(session.scalars(select(Order.status).where(Order.note.like("Đơn demo%"))))
    assert statuses == ["confirmed", "paid", "requested"]
    assert load_demo(session, "demo-password-123")["orders"] == 0


# -- offers in other units, listings off sale, payments above the amount, cleaned text, drafts ---

def test_an_offer_whose_unit_does_not_convert_to_its_listing_is_refused(session):
    """An offer in boxes on a listing in kg: nothing could be reserved, so no order (before, an
    order pointed at the listing with nothing reserved, and the club could sell twice)."""
    buyer, listing, offer = _offer_from_a_listing(
        listing=dict(quantity="500", unit="kg", price_vnd="30000"), demand=dict(quantity="20", unit="hộp"),
        offered="10", price_vnd="120000")
    offer.status = "accepted"
    session.commit()
    with pytest.raises(ValidationError) as caught:
        orders.order_from_offer(session, offer, buyer, today=TODAY())
    session.rollback()
    # The unit in the message's language: "hộp" in Vietnamese, "box" in English.
    assert ("hộp" in caught.value.message or "box" in caught.value.message) and "kg" in caught.value.message
    assert session.scalar(select(func.count()).select_from(Order).where(Order.offer_id == offer.id)) == 0
    assert fresh(Listing, listing.id).quantity_available == 500


def test_an_offer_in_the_listings_own_unit_reserves_that_quantity(session):
    buyer, listing, offer = _offer_from_a_listing(
        listing=dict(quantity="50", unit="hộp", price_vnd="120000"), demand=dict(quantity="20", unit="hộp"),
        offered="10", price_vnd="120000")
    offer.status = "accepted"
    session.commit()
    order = orders.order_from_offer(session, offer, buyer, today=TODAY())
    session.commit()
    assert (order.listing_id, order.reserved_quantity) == (listing.id, 10)
    assert fresh(Listing, listing.id).quantity_available == 40


@pytest.mark.parametrize("state", ["paused", "expired"])
def test_an_offer_on_a_listing_no_longer_on_sale_says_so(session, state):
    buyer, listing, offer = _offer_from_a_listing(
        listing=dict(quantity="8", unit="tấn", price_vnd="38000"), demand=dict(quantity="5", unit="tấn"),
        offered="2", price_vnd="40000")
    row = fresh(Listing, listing.id)
    offer.status = "accepted"
    if state == "paused":
        row.status = "paused"
    else:
        row.available_to = TODAY() - timedelta(days=1)
    session.commit()
    with pytest.raises(Conflict) as caught:
        orders.order_from_offer(session, fresh(type(offer), offer.id), buyer, today=TODAY())
    session.rollback()
    assert caught.value.message == "This listing is not on sale now."  # not "only 8 tấn left"


def test_a_second_payment_never_takes_what_is_paid_above_the_amount(session, market):
    """Two forms sent at once (two tokens), or a line counted another way: the conditional UPDATE
    checks the balance, not only the status (paid is still payable for a balance)."""
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    assert recording.record_payment(session, order.id, 300_000, provider="manual", reference="manual:one")
    assert not recording.record_payment(session, order.id, 300_000, provider="manual", reference="manual:two")
    assert not recording.record_payment(session, order.id, 1, provider="manual", reference="manual:three")
    session.commit()
    paid = fresh(Order, order.id)
    assert (paid.status, paid.amount_paid_vnd) == ("paid", 300_000)
    assert len(session.scalars(select(Payment).where(Payment.order_id == order.id)).all()) == 1


def test_a_deposit_then_more_than_the_balance_is_refused(session, market):
    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    recording.choose_payment_option(session, order, "deposit")
    assert recording.record_payment(session, order.id, 90_000, provider="manual", reference="manual:deposit")
    assert not recording.record_payment(session, order.id, 210_001, provider="manual", reference="manual:too-much")
    assert recording.record_payment(session, order.id, 210_000, provider="manual", reference="manual:balance")
    assert fresh(Order, order.id).amount_paid_vnd == 300_000


def test_a_statement_line_above_the_balance_records_the_balance_and_reports_the_rest(session, market):
    from marketplace.orders.statement import StatementLine

    order = place(market, "10")
    orders.change(session, order, "confirm", actor="seller", user=market.seller, today=TODAY())
    line = StatementLine(number=2, day="2026-11-29", amount_vnd=400_000, description=f"CHQ {order.id} DH")
    result = recording.apply_statement(session, market.club, [line], market.seller)
    session.commit()
    assert result.matched == [(2, order.ref, 300_000)]
    assert result.over == [(2, order.ref, 100_000)]
    paid = fresh(Order, order.id)
    assert (paid.status, paid.amount_paid_vnd) == ("paid", 300_000)


def test_control_characters_are_dropped_from_notes(session, market):
    """A NUL made PostgreSQL refuse the insert (a 500); other control characters only hide
    things. Newlines and tabs stay."""
    order = orders.place_order(session, market.listing.id, market.buyer_org, market.buyer, "10", today=TODAY(),
                               note="giao\x00 sáng\r\nthứ hai\tcổng\x1b[31m 2\x7f")
    session.commit()
    assert fresh(Order, order.id).note == "giao sáng\nthứ hai\tcổng[31m 2"


def test_a_decline_keeps_its_reason_cleaned_and_tells_the_buyer(session, market):
    order = place(market, "10")
    with pytest.raises(ValidationError):
        orders.change(session, order, "decline", actor="seller", user=market.seller, today=TODAY(), note="x" * 1001)
    session.rollback()
    order = fresh(Order, order.id)
    assert order.status == "requested"
    orders.change(session, order, "decline", actor="seller", user=market.seller, today=TODAY(),
                  note="  Hết hàng\x00 loại 1  ")
    session.commit()
    assert fresh(Order, order.id).events[-1].note == "Hết hàng loại 1"
    notices.send_notices(session)
    session.commit()
    from marketplace.notifications.presentation import describe

    notice = session.scalars(select(Notification).where(Notification.user_id == market.buyer.id,
                                                        Notification.kind == "order_declined")).one()
    assert "Hết hàng loại 1" in describe(notice.kind, notice.params)


def test_a_draft_listing_cannot_be_found_to_order(session, market):
    draft = make_listing(market.club, quantity="50", price_vnd="30000", publish=False)
    assert draft.status == "draft"
    with pytest.raises(NotFound):
        orders.place_order(session, draft.id, market.buyer_org, market.buyer, "5", today=TODAY())
    session.rollback()


@pytest.mark.parametrize("listing_id", [2_147_483_648, 10**20])
def test_ids_past_the_integer_range_are_not_found(session, market, listing_id):
    with pytest.raises(NotFound):
        orders.place_order(session, listing_id, market.buyer_org, market.buyer, "5", today=TODAY())
