"""A club publishes its visits; visitors find them without accents; the club's page lists them."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from marketplace.tourism.models import TourismOffer
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_org, make_user
from tests.images import camera_jpeg
from tests.integration.tourism.helpers import make_visit


def _offer_form(client, **fields):
    data = {"csrf_token": csrf_token(client), "kind": "boat_trip", "title": "Đi xuồng trên kênh",
            "months": "tháng 9 đến tháng 11", "min_group": "2", "max_group": "8", "price_per_person_vnd": "120k",
            "included": "Áo phao, nước", "directions": "Bến đò chợ Mỹ Xương"} | fields
    return data


def test_a_chair_writes_a_visit_publishes_it_and_it_shows_on_the_club_page(app):
    with app_session(app):
        club = make_org("club", name="Hội quán Mùa nước nổi")
        chair = make_user("seller", club)
    client = signed_in(app, chair)
    assert client.get("/tourism/offers/new").status_code == 200
    bad = client.post("/tourism/offers/new", data=_offer_form(client, months="mùa mưa", max_group="1", title=""))
    assert bad.status_code == 422
    page = text_of(bad)
    assert 'value="mùa mưa"' in page  # what was typed stays
    with app_session(app) as session:
        assert session.scalar(select(func.count(TourismOffer.id))) == 0
    assert client.post("/tourism/offers/new", data=_offer_form(client)).status_code == 302
    with app_session(app) as session:
        offer = session.scalar(select(TourismOffer))
        assert (offer.status, offer.months, offer.price_per_person_vnd, offer.max_group) == ("draft", "9;10;11", 120000, 8)
    assert app.test_client().get(f"/tourism/{offer.id}").status_code == 404  # a draft is the club's
    assert "Đi xuồng" not in text_of(app.test_client().get(f"/orgs/{club.id}"))
    assert client.post(f"/tourism/offers/{offer.id}/publish", data={"csrf_token": csrf_token(client)}).status_code == 302
    public = app.test_client().get(f"/tourism/{offer.id}")
    assert public.status_code == 200
    assert "120.000" in text_of(public) and 'data-testid="month-strip"' in text_of(public)
    org_page = text_of(app.test_client().get(f"/orgs/{club.id}"))
    assert "Đi xuồng trên kênh" in org_page and 'data-testid="org-tourism"' in org_page
    edit = client.get(f"/tourism/offers/{offer.id}/edit")
    assert 'value="9-11"' in text_of(edit)
    with app_session(app) as session:
        assert session.get(TourismOffer, offer.id).organization.tourism is True  # the API's flag follows


def test_the_search_finds_tham_vuon_without_accents(app):
    with app_session(app):
        offer = make_visit(title="Tham vườn xoài Cao Lãnh")
        make_visit(offer.organization, offer.organization.memberships[0].user, title="Đi xuồng ba lá",
                   kind="boat_trip")
    client = app.test_client()
    found = text_of(client.get("/tourism?q=tham+vuon"))
    assert "Tham vườn xoài Cao Lãnh" in found and "Đi xuồng ba lá" not in found
    assert "Đi xuồng ba lá" in text_of(client.get("/tourism?q=xuong"))
    assert 'data-testid="tourism-empty"' in text_of(client.get("/tourism?q=khong+co+gi+ca"))
    search = text_of(client.get("/search?q=tham+vuon"))
    assert 'data-testid="tourism-tab"' in search and "/tourism?q=tham+vuon" in search
    assert 'data-testid="search-tourism"' in search and "Tham vườn xoài Cao Lãnh" in search  # the visits, on /search
    assert 'data-testid="search-tourism"' not in text_of(client.get("/search?q=sau+rieng"))


def test_the_old_text_shows_when_a_club_has_no_published_visit(app):
    with app_session(app) as session:
        club = make_org("club", name="Hội quán có du lịch cũ")
        club.tourism, club.tourism_offer = True, "Đón khách tham quan vườn quýt hồng"
        session.commit()
    page = text_of(app.test_client().get(f"/orgs/{club.id}"))
    assert "vườn quýt hồng" in page


def test_photos_sent_from_a_visit_join_the_club_page_and_show_with_the_visit(app):
    with app_session(app):
        offer = make_visit()
        chair = offer.organization.memberships[0].user
        other = make_user("seller", make_org("club", name="Hội quán khác ảnh"))
    client = signed_in(app, chair)
    data = {"csrf_token": csrf_token(client), "photos": (io.BytesIO(camera_jpeg(800, 600)), "vuon.jpg")}
    response = client.post(f"/tourism/offers/{offer.id}/photos", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app_session(app) as session:
        saved = session.get(TourismOffer, offer.id)
        assert len(saved.photos) == 1 and saved.photos[0].listing_id is None
        assert saved.photos[0].organization_id == offer.organization_id
    assert "/media/" in text_of(app.test_client().get(f"/tourism/{offer.id}"))
    outsider = signed_in(app, other)
    refused = outsider.post(f"/tourism/offers/{offer.id}/photos", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(outsider), "photos": (io.BytesIO(camera_jpeg(800, 600)), "x.jpg")})
    assert refused.status_code == 404
    bad = client.post(f"/tourism/offers/{offer.id}/photos", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client), "photos": (io.BytesIO(b"not an image"), "x.jpg")})
    assert bad.status_code == 302
    with app_session(app) as session:
        assert len(session.get(TourismOffer, offer.id).photos) == 1


def test_the_club_page_leads_its_sellers_to_their_visits(app):
    with app_session(app):
        club = make_org("club", name="Hội quán nút du lịch")
        chair = make_user("seller", club)
        admin = make_user("admin")
    assert 'data-testid="manage-tourism"' in text_of(signed_in(app, chair).get(f"/orgs/{club.id}"))
    assert 'data-testid="manage-tourism"' not in text_of(signed_in(app, admin).get(f"/orgs/{club.id}"))
