"""One run pinned just before midnight in Việt Nam (23:59:50 Asia/Ho_Chi_Minh, 16:59:50 UTC —
the UTC date does not change at that midnight), then moved past it: the services that depend on
the date all turn to the new day together, and none follows the UTC date or the server's.

The clock is frozen with time-machine (datetime.now, date.today and time.time alike), so what the
tests create is stamped with the pinned moment too.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from marketplace.credentials import services as credentials
from marketplace.dates import VIETNAM, today_in_vietnam
from marketplace.errors import Conflict
from marketplace.listings import rules as listing_rules
from marketplace.notifications import delivery
from marketplace.notifications import services as notifications
from marketplace.orders import lifecycle as orders
from tests.clients import signed_in
from tests.factories import make_certificate, make_listing, make_org, make_user

DAY = today_in_vietnam()  # the Vietnamese day the run is pinned to (any day works)
BEFORE = datetime.combine(DAY, time(23, 59, 50), tzinfo=VIETNAM)
AFTER = BEFORE + timedelta(seconds=20)  # 00:00:10 the next day in Việt Nam


@pytest.fixture
def clock():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


def test_the_pinned_moment_is_a_vietnamese_midnight_not_a_utc_one(clock):
    assert BEFORE.astimezone(UTC).date() == AFTER.astimezone(UTC).date() == DAY  # UTC stays on DAY
    assert today_in_vietnam() == DAY
    clock.move_to(AFTER)
    assert today_in_vietnam() == DAY + timedelta(days=1)


def test_a_listing_ending_today_is_on_sale_until_midnight_and_not_after(app, session, clock):
    club = make_org("club", name="Hội quán Nửa đêm")
    buyer_org = make_org("supermarket", name="Siêu thị Nửa đêm")
    buyer = make_user("buyer", buyer_org)
    listing = make_listing(club, quantity="100", price_vnd="30000", available_from=DAY - timedelta(days=5),
                           available_to=DAY)
    client = signed_in(app, buyer)

    def on_sale() -> bool:
        today = today_in_vietnam()
        page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
        public = listing_rules.is_public(listing.status, listing.available_to, listing.quantity_available, today)
        assert ('data-testid="order-submit"' in page) == public  # the page and the rule agree
        return public

    assert on_sale()
    clock.move_to(AFTER)
    assert not on_sale()
    with pytest.raises(Conflict):  # the window ended with the Vietnamese day
        orders.place_order(session, listing.id, buyer_org, buyer, "10", today=today_in_vietnam())
    session.rollback()
    session.refresh(listing)
    assert listing.quantity_available == 100  # nothing reserved


def test_a_certificate_ending_today_is_valid_until_midnight_then_expires(app, session, clock):
    club = make_org("club", name="Hội quán Chứng nhận nửa đêm")
    certificate = make_certificate(club, "vietgap", expires_on=DAY, issued_on=DAY - timedelta(days=300))
    listing = make_listing(club, quantity="100", certificates=[certificate])
    client = app.test_client()

    def shown_valid() -> bool:
        shown = client.get(f"/api/v1/listings/{listing.id}").get_json()["certificates"]
        return [c["valid"] for c in shown] == [True]

    assert shown_valid()
    assert credentials.expire_due(session, today_in_vietnam()) == 0
    clock.move_to(AFTER)
    assert not shown_valid()
    assert credentials.expire_due(session, today_in_vietnam()) == 1
    session.commit()
    session.refresh(certificate)
    assert certificate.status == "expired"


def test_the_daily_digest_waits_for_seven_oclock_across_midnight(app, session, clock):
    """Yesterday's digest went at 07:05; a notice at 23:59:50 is mailed at 07:00 the next day,
    not at midnight (in Việt Nam or in UTC)."""
    reader = make_user("seller", email="nua-dem@example.test")
    reader.mail_notifications = "daily"
    reader.digest_sent_at = datetime.combine(DAY, time(7, 5), tzinfo=VIETNAM).astimezone(UTC)
    session.commit()
    assert notifications.notify(session, [reader], notifications.Message(
        "message", {"org": "Siêu thị", "subject": "Xoài", "excerpt": "Còn hàng không?"}, "/inbox/1")) == 1
    session.commit()
    assert delivery.send_digests(session, datetime.now(UTC)) == 0
    clock.move_to(AFTER)
    assert delivery.send_digests(session, datetime.now(UTC)) == 0
    clock.move_to(datetime.combine(DAY + timedelta(days=1), time(6, 59, 59), tzinfo=VIETNAM))
    assert delivery.send_digests(session, datetime.now(UTC)) == 0
    clock.move_to(datetime.combine(DAY + timedelta(days=1), time(7, 0), tzinfo=VIETNAM))
    assert delivery.send_digests(session, datetime.now(UTC)) == 1
