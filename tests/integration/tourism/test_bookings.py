"""A family asks for a visit; the club accepts or proposes another day; who may see a booking."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.dates import today_in_vietnam
from marketplace.forms import as_typed_date
from marketplace.notifications.models import Notification
from marketplace.tourism import offers, rules
from marketplace.tourism.models import TourismBooking
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_org, make_user
from tests.integration.tourism.helpers import all_months_but, make_visit, make_visitor, next_sunday


def _book(client, tour_id, day, size="4", **extra):
    return client.post(f"/tourism/{tour_id}/book", data={
        "csrf_token": csrf_token(client), "visit_on": as_typed_date(day) if hasattr(day, "year") else day,
        "group_size": size, "contact_name": "Chị Thu", "contact_phone": "0987 654 321", "note": "Có 2 bé", **extra})


def _count(app) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count(TourismBooking.id)))


def test_a_family_books_next_sunday_and_the_chair_accepts(app):
    with app_session(app):
        offer = make_visit()
        chair = offer.organization.memberships[0].user
        visitor = make_visitor()
    family = signed_in(app, visitor)
    form = family.get(f"/tourism/{offer.id}/book")
    assert form.status_code == 200 and "Gia đình chị Thu" in text_of(form)  # the name is filled in
    sunday = next_sunday()
    response = _book(family, offer.id, sunday)
    assert response.status_code == 302
    booking_url = response.headers["Location"]
    with app_session(app) as session:
        booking = session.scalar(select(TourismBooking))
        assert (booking.status, booking.visit_on, booking.group_size, booking.contact_phone) == \
            ("requested", sunday, 4, "0987654321")
        assert session.scalar(select(Notification.kind).where(Notification.user_id == chair.id)) == "tour_requested"
    club = signed_in(app, chair)
    assert f"Chị Thu xin đến “{offer.title}”" in text_of(club.get("/notifications"))  # the bell, in Vietnamese
    inbox = club.get("/tourism/bookings")
    assert "Chị Thu" in text_of(inbox)
    page = club.get(booking_url)
    assert 'data-testid="accept-booking"' in text_of(page)
    accepted = club.post(f"{booking_url}/answer", data={"csrf_token": csrf_token(club), "action": "accept"})
    assert accepted.status_code == 302
    with app_session(app) as session:
        assert session.scalar(select(TourismBooking.status)) == "accepted"
        assert session.scalar(select(Notification.kind).where(Notification.user_id == visitor.id)) == "tour_accepted"
    assert "đã nhận lịch tham quan" in text_of(family.get("/notifications"))
    calendar = club.get(f"/tourism/calendar?month={sunday:%Y-%m}")
    assert "Chị Thu" in text_of(calendar)
    assert 'data-testid="booking-status">Đã nhận</span>' in text_of(family.get(booking_url))


def test_a_day_out_of_season_or_past_is_refused_with_the_months_and_nothing_stored(app):
    today = today_in_vietnam()
    with app_session(app):
        offer = make_visit(months=all_months_but((today + timedelta(days=40)).month))
        visitor = make_visitor()
    family = signed_in(app, visitor)
    out = _book(family, offer.id, today + timedelta(days=40))
    assert out.status_code == 422
    assert "chỉ có vào" in text_of(out)  # the message names the months
    past = _book(family, offer.id, today - timedelta(days=1))
    assert past.status_code == 422 and 'value="' + as_typed_date(today - timedelta(days=1)) in text_of(past)
    assert _book(family, offer.id, "31/02/2027").status_code == 422
    assert _book(family, offer.id, next_sunday(), size="100").status_code == 422  # above the largest group
    assert _count(app) == 0


def test_the_club_proposes_another_day_and_the_visitor_takes_it(app):
    with app_session(app):
        offer = make_visit()
        chair = offer.organization.memberships[0].user
        visitor = make_visitor()
    family = signed_in(app, visitor)
    url = _book(family, offer.id, next_sunday()).headers["Location"]
    club = signed_in(app, chair)
    other_day = next_sunday() + timedelta(days=7)
    no_words = club.post(f"{url}/answer", data={"csrf_token": csrf_token(club), "action": "propose",
                                                "proposed_on": as_typed_date(other_day)})
    assert no_words.status_code == 422
    proposed = club.post(f"{url}/answer", data={"csrf_token": csrf_token(club), "action": "propose",
                                                "proposed_on": as_typed_date(other_day),
                                                "reply": "Chủ nhật đó vườn đang phun thuốc, mời anh chị tuần sau."})
    assert proposed.status_code == 302
    page = text_of(family.get(url))
    assert "phun thuốc" in page
    assert family.post(f"{url}/take", data={"csrf_token": csrf_token(family)}).status_code == 302
    with app_session(app) as session:
        booking = session.scalar(select(TourismBooking))
        assert (booking.status, booking.visit_on) == ("accepted", other_day)
    # a second answer finds the booking moved on: nothing changes
    again = club.post(f"{url}/answer", data={"csrf_token": csrf_token(club), "action": "decline"})
    assert again.status_code == 302
    assert family.post(f"{url}/cancel", data={"csrf_token": csrf_token(family)}).status_code == 302
    with app_session(app) as session:
        assert session.scalar(select(TourismBooking.status)) == "cancelled"


def test_only_the_visitor_the_club_and_staff_see_a_booking(app):
    with app_session(app):
        offer = make_visit()
        chair = offer.organization.memberships[0].user
        visitor, stranger = make_visitor(), make_user(None, name="Người lạ", phone="0911111111")
        other_club = make_org("club", name="Hội quán khác")
        other_seller = make_user("seller", other_club)
        staff = make_user("staff")
    url = _book(signed_in(app, visitor), offer.id, next_sunday()).headers["Location"]
    for user in (stranger, other_seller):
        client = signed_in(app, user)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}/answer", data={"csrf_token": csrf_token(client), "action": "accept"}).status_code == 404
        assert client.post(f"{url}/cancel", data={"csrf_token": csrf_token(client)}).status_code == 404
        assert client.get(f"/tourism/calendar?org={offer.organization_id}").status_code == 404
        assert client.get(f"/tourism/offers/{offer.id}/edit").status_code == 404
    looker = signed_in(app, staff)
    assert looker.get(url).status_code == 200
    assert looker.post(f"{url}/answer", data={"csrf_token": csrf_token(looker), "action": "accept"}).status_code == 404
    anonymous = app.test_client()
    assert "/login" in anonymous.get(url).headers["Location"]
    assert "/login" in anonymous.get(f"/tourism/{offer.id}/book").headers["Location"]
    assert anonymous.get(f"/tourism/{offer.id}").status_code == 200  # the visit itself is public
    chair_client = signed_in(app, chair)
    assert chair_client.get(url).status_code == 200
    own = chair_client.get(f"/tourism/{offer.id}/book")  # the club does not book its own visit
    assert own.status_code == 302


def test_a_visitor_has_a_bounded_number_of_open_requests(app):
    with app_session(app):
        offer = make_visit()
        visitor = make_visitor()
    family = signed_in(app, visitor)
    for _ in range(rules.MAX_OPEN_BOOKINGS):
        assert _book(family, offer.id, next_sunday()).status_code == 302
    refused = _book(family, offer.id, next_sunday())
    assert refused.status_code == 302 and f"/tourism/{offer.id}" in refused.headers["Location"]
    assert _count(app) == rules.MAX_OPEN_BOOKINGS


def test_a_draft_or_paused_visit_is_not_public(app):
    with app_session(app) as session:
        offer = make_visit()
        offers.change_status(session, offer, "pause")
        session.commit()
        visitor = make_visitor()
    assert app.test_client().get(f"/tourism/{offer.id}").status_code == 404
    assert signed_in(app, visitor).get(f"/tourism/{offer.id}/book").status_code == 404


def test_refused_forms_do_not_spend_the_booking_budget(app):
    with app_session(app):
        offer = make_visit()
        visitor = make_visitor("Gia đình anh Tư")
    family = signed_in(app, visitor)
    for _ in range(12):  # more than the 10 new conversations an hour
        assert _book(family, offer.id, "31/02/2027").status_code == 422
    assert _book(family, offer.id, next_sunday()).status_code == 302
    assert _count(app) == 1


def test_an_answer_or_a_take_after_the_day_has_passed_is_refused(app):
    today = today_in_vietnam()
    with app_session(app):
        offer = make_visit()
        chair = offer.organization.memberships[0].user
        visitor = make_visitor("Gia đình chị Lan")
    family = signed_in(app, visitor)
    club = signed_in(app, chair)
    first = _book(family, offer.id, next_sunday()).headers["Location"]
    second = _book(family, offer.id, next_sunday() + timedelta(days=7)).headers["Location"]
    proposed = club.post(f"{second}/answer", data={"csrf_token": csrf_token(club), "action": "propose",
                                                   "proposed_on": as_typed_date(next_sunday() + timedelta(days=14)),
                                                   "reply": "Mời anh chị tuần sau nữa."})
    assert proposed.status_code == 302
    with app_session(app) as session:  # the days go by: both days are now behind
        for booking in session.scalars(select(TourismBooking)):
            booking.visit_on = today - timedelta(days=2)
            if booking.proposed_on:
                booking.proposed_on = today - timedelta(days=1)
        session.commit()
    accepted = club.post(f"{first}/answer", data={"csrf_token": csrf_token(club), "action": "accept"},
                         follow_redirects=True)
    assert "đã qua" in text_of(accepted)
    taken = family.post(f"{second}/take", data={"csrf_token": csrf_token(family)}, follow_redirects=True)
    assert "đã qua" in text_of(taken)
    with app_session(app) as session:
        assert sorted(session.scalars(select(TourismBooking.status))) == ["proposed", "requested"]
