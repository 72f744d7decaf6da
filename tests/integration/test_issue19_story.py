"""Issue #19's "Done when", as one story told through the pages (SQLite here, PostgreSQL when
MARKETPLACE_TEST_DATABASE_URL is set):

The chair of Hội quán Xoài Mỹ Xương invites three members, records two households without phones,
lists their cát Chu under the cooperative's US-approved code; staff verify the club; the cooperative
posts a request for 10 tấn to pack for export and its member clubs offer; the chair gets the order
notice on Zalo.

Every step a person takes is a page (test clients signed in as each person, forms posted with the
CSRF token); the services only set the scene (people, the cooperative and its codes as staff
verified them). Zalo is the fake notifier the site is given; the worker's steps (order notices,
Zalo and SMS delivery) run as the worker runs them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace.accounts.models import Membership, Organization, User
from marketplace.cooperatives.models import CooperativeMember
from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost, Offer
from marketplace.forms import as_typed_date
from marketplace.listings.models import Listing
from marketplace.matching import services as matching
from marketplace.members.models import Household
from marketplace.notifications import phone_delivery
from marketplace.notifications.models import OutgoingMessage
from marketplace.notifications.notifier import FakeNotifier
from marketplace.orders import notices as order_notices
from marketplace.orders.models import Order
from tests.clients import app_session, csrf_token, post, signed_in, text_of
from tests.documents import pdf_document
from tests.factories import make_board_member, make_planting_code, make_user
from tests.factories import make_org as _make_org
from tests.integration.orders.confirming import place_confirmed
from tests.pages import staff_decides

CLUB = "Hội quán Xoài Mỹ Xương"
OTHER_CLUB = "Hội quán Nhãn Phú Hựu"
COOP = "HTX Xoài Mỹ Xương"
US_CODE = "VN-DTOR-1901"
PACKING_HOUSE = "VN-DTPH-1902"
CHAIR_PHONE = "0912 345 678"


@dataclass
class Story:
    app: Flask
    club: Organization
    chair: User
    other_club: Organization
    other_chair: User
    coop: Organization
    director: User
    staff: User
    code_id: int = 0
    packing_id: int = 0
    members: list[User] = field(default_factory=list)
    household_ids: list[int] = field(default_factory=list)
    listing_id: int = 0
    demand_id: int = 0


@pytest.fixture
def zalo(app, monkeypatch) -> FakeNotifier:
    fakes = {"zalo": FakeNotifier(), "sms": FakeNotifier()}
    monkeypatch.setitem(app.extensions, "notifiers", fakes)
    return fakes["zalo"]


def _set_the_scene(app: Flask) -> Story:
    """People; the cooperative's US-approved growing-area and packing-house codes, as staff verified
    them; the other member club's listing of cát Chu."""
    with app_session(app) as session:
        club = _make_org("club", name=CLUB, commune_code="30076")
        chair = make_board_member(club, "Nguyễn Văn Tư")
        other_club = _make_org("club", name=OTHER_CLUB)
        other_chair = make_board_member(other_club, "Trần Thị Năm")
        coop = _make_org("cooperative", name=COOP)
        director = make_board_member(coop, "Giám đốc HTX Ba")
        staff = make_user("staff", name="Cán bộ Thu")
        code = make_planting_code(coop, US_CODE, crop="xoài cát Chu", markets="US;CN")
        packing = make_planting_code(coop, PACKING_HOUSE, kind="packing_house", markets="US")
        people = [make_user(None, phone=phone, name=name) for phone, name in
                  (("0903111222", "Lê Văn Sáu"), ("0903333444", "Phạm Thị Bảy"))]
        people.append(make_user(None, email="tam.nguyen@example.test", name="Nguyễn Văn Tám"))
        session.commit()
        return Story(app, club, chair, other_club, other_chair, coop, director, staff, code.id, packing.id,
                     people)


def _the_club_joins_the_cooperative(story: Story) -> None:
    director, chair = signed_in(story.app, story.director), signed_in(story.app, story.chair)
    assert post(director, f"/orgs/{story.coop.id}/cooperative-members",
                {"other_id": str(story.club.id)}).status_code == 302
    assert post(director, f"/orgs/{story.coop.id}/cooperative-members",
                {"other_id": str(story.other_club.id)}).status_code == 302
    for client, org in ((chair, story.club), (signed_in(story.app, story.other_chair), story.other_club)):
        with app_session(story.app) as session:
            row = session.scalar(select(CooperativeMember).where(CooperativeMember.club_id == org.id))
        assert post(client, f"/orgs/{org.id}/cooperative-members/{row.id}",
                    {"action": "accept", "reason": ""}).status_code == 302
    assert "Thành viên của <a" in text_of(story.app.test_client().get(f"/orgs/{story.club.id}"))


def _invite(client, org_id: int, contact: str, name: str, role: str = "seller"):
    page = client.post(f"/orgs/{org_id}/members", data={
        "csrf_token": csrf_token(client), "name": name, "contact": contact, "role": role, "title": "Thành viên"},
        follow_redirects=True).get_data(as_text=True)
    link = re.search(r'id="invite-link" value="[^"]*?(/join/[^"]+)"', page)
    code = re.search(r'id="invite-code" value="(\d{6})"', page)
    return link.group(1), code.group(1)


def _the_chair_invites_three_members(story: Story) -> None:
    chair = signed_in(story.app, story.chair)
    # Typed as people type them: with spaces, with +84, and an e-mail address.
    sau = _invite(chair, story.club.id, "0903 111 222", "Anh Sáu")
    bay = _invite(chair, story.club.id, "+84 903 333 444", "Chị Bảy", role="buyer")
    tam = _invite(chair, story.club.id, "tam.nguyen@example.test", "Anh Tám", role="board")
    for person, (link, code) in zip(story.members, (sau, bay, tam), strict=True):
        member = signed_in(story.app, person)
        if person.email:  # by the code typed on /join, with the address it was sent to
            assert post(member, "/join", {"contact": person.email, "code": code}).status_code == 302
        else:  # by the link, forwarded on Zalo
            assert member.get(link).status_code == 302
        assert post(member, "/join/accept").status_code == 302
    with app_session(story.app) as session:
        joined = {(m.user_id, m.role, m.board) for m in session.scalars(
            select(Membership).where(Membership.organization_id == story.club.id))}
    assert joined == {(story.chair.id, "seller", True), (story.members[0].id, "seller", False),
                      (story.members[1].id, "buyer", False), (story.members[2].id, "seller", True)}
    page = text_of(chair.get(f"/orgs/{story.club.id}/members"))
    assert all(name in page for name in ("Lê Văn Sáu", "Phạm Thị Bảy", "Nguyễn Văn Tám"))


def _two_households_without_phones(story: Story) -> None:
    chair = signed_in(story.app, story.chair)
    form = text_of(chair.get(f"/orgs/{story.club.id}/members/households/new"))
    assert US_CODE in form  # the cooperative's code is one the club's households farm under
    for name, area in (("Hộ ông Chín", "1,5"), ("Hộ bà Mười", "0.8")):
        assert post(chair, f"/orgs/{story.club.id}/members/households/new", {
            "name": name, "area_ha": area, "crops": "xoai cat Chu", "commune_query": "", "commune_code": "",
            "planting_code_ids": [str(story.code_id)]}).status_code == 302
    with app_session(story.app) as session:
        households = list(session.scalars(select(Household).where(Household.organization_id == story.club.id)
                                          .order_by(Household.id)))
        assert [(h.name, h.area_ha, [c.code for c in h.planting_codes]) for h in households] == \
            [("Hộ ông Chín", 1.5, [US_CODE]), ("Hộ bà Mười", 0.8, [US_CODE])]
        story.household_ids = [h.id for h in households]


def _their_cat_chu_under_the_cooperatives_code(story: Story) -> None:
    chair = signed_in(story.app, story.chair)
    form = text_of(chair.get("/listings/new"))
    assert f"{US_CODE} (mã của {COOP})" in form
    today = today_in_vietnam()
    response = post(chair, "/listings/new", {
        "product": "xoai cat chu", "variety": "", "quantity": "12", "unit": "tấn", "price_vnd": "38k",
        "available_from": as_typed_date(today), "available_to": as_typed_date(today + timedelta(days=45)),
        "publish": "1", "household_id": str(story.household_ids[0]),
        "planting_code_ids": [str(story.code_id), str(story.packing_id)]})
    assert response.status_code == 302, text_of(response)
    story.listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = text_of(story.app.test_client().get(f"/listings/{story.listing_id}"))
    assert "Trồng bởi" in page and "Hộ ông Chín" in page and f"mã của {COOP}" in page
    with app_session(story.app) as session:
        listing = session.get(Listing, story.listing_id)
        assert (listing.variety.name, sorted(c.code for c in listing.planting_codes)) == \
            ("cát Chu", [US_CODE, PACKING_HOUSE])
    household = text_of(chair.get(f"/orgs/{story.club.id}/members/households/{story.household_ids[0]}"))
    assert "12 tấn" in household


def _staff_verify_the_club(story: Story) -> None:
    public = story.app.test_client()
    assert "Đã xác minh" not in text_of(public.get(f"/orgs/{story.club.id}"))
    chair = signed_in(story.app, story.chair)
    assert post(chair, f"/orgs/{story.club.id}/verification", {
        "number": "125/QĐ-UBND", "decided_on": "1/8/2019", "commune_query": "Mỹ Xương", "commune_code": "30076",
        "issuer": "UBND xã Mỹ Xương",
        "scan": (io.BytesIO(pdf_document(1)), "Quyet dinh thanh lap.pdf", "application/pdf")},
        content_type="multipart/form-data").status_code == 302
    assert "Đã xác minh" not in text_of(public.get(f"/orgs/{story.club.id}"))  # sent is not verified
    staff = signed_in(story.app, story.staff)
    assert CLUB in text_of(staff.get("/staff/verification"))
    assert staff_decides(staff, story.club.id, "verify").status_code == 302
    today = today_in_vietnam()
    page = text_of(public.get(f"/orgs/{story.club.id}"))
    assert "Đã xác minh bởi cán bộ ngày " + today.strftime("%d/%m/%Y") in page
    assert public.get(f"/api/v1/orgs/{story.club.id}").get_json()["verified_on"] == today.isoformat()


def _the_cooperative_asks_for_10_tonnes_and_its_clubs_offer(story: Story) -> None:
    director = signed_in(story.app, story.director)
    today = today_in_vietnam()
    assert post(director, "/demand/new", {
        "product": "xoai", "variety": "cat chu", "quantity": "10", "unit": "tấn", "frequency": "once",
        "needed_from": as_typed_date(today), "needed_to": as_typed_date(today + timedelta(days=30)),
        "commune_query": "", "commune_code": "", "price_min_vnd": "35k", "price_max_vnd": "40k",
        "min_ocop_stars": "", "needs_planting_code": "y", "export_market": "US",
        "quality_notes": "Dong goi xuat khau di My"}).status_code == 302
    with app_session(story.app) as session:
        request = session.scalar(select(DemandPost).where(DemandPost.organization_id == story.coop.id))
        story.demand_id = request.id
        full = {m.listing.id: m.full for m in matching.matches_for_demand(session, request.id, today)}
    assert full.get(story.listing_id) is True  # the shared US-approved code counts for the club
    # The club's seller offers from its listing; the other member club offers too.
    seller = signed_in(story.app, story.members[0])
    assert post(seller, f"/demand/{story.demand_id}/offers", {
        "quantity": "10", "price_vnd": "38000", "listing_id": str(story.listing_id)}).status_code == 302
    other = signed_in(story.app, story.other_chair)
    assert post(other, f"/demand/{story.demand_id}/offers", {"quantity": "4", "price_vnd": "37k"}).status_code == 302
    # Never from itself: the cooperative offers nothing on its own request.
    assert post(director, f"/demand/{story.demand_id}/offers", {"quantity": "1"}).status_code == 409
    with app_session(story.app) as session:
        offers = {o.organization_id: o.status for o in session.scalars(
            select(Offer).where(Offer.demand_id == story.demand_id))}
    assert offers == {story.club.id: "pending", story.other_club.id: "pending"}


def _the_chair_hears_of_the_order_on_zalo(story: Story, zalo: FakeNotifier) -> None:
    chair = signed_in(story.app, story.chair)
    # She confirms her number with the code it is sent, and chooses Zalo for orders.
    assert post(chair, "/account/phone", {"phone": CHAIR_PHONE}).status_code == 302
    with app_session(story.app) as session:
        sent = session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == story.chair.id)
                               .order_by(OutgoingMessage.id.desc())).first()
        code = re.search(r"\b(\d{6})\b", sent.text).group(1)
    assert post(chair, "/account/phone/confirm", {"code": code}).status_code == 302
    assert post(chair, "/account/notices", {"topic-orders": ["bell", "zalo"]}).status_code == 302
    # The cooperative accepts the club's offer and orders the 10 tấn.
    director = signed_in(story.app, story.director)
    with app_session(story.app) as session:
        offer_id = session.scalar(select(Offer.id).where(Offer.demand_id == story.demand_id,
                                                         Offer.organization_id == story.club.id))
    assert post(director, f"/offers/{offer_id}/accept").status_code == 302
    placed = place_confirmed(director, f"/listings/{story.listing_id}/order", {"quantity": "10"})
    assert placed.status_code == 302
    with app_session(story.app) as session:
        order = session.scalar(select(Order).where(Order.buyer_org_id == story.coop.id))
        assert order.seller_org_id == story.club.id
        # The worker's steps: the order's notices, then Zalo and SMS delivery.
        order_notices.send_notices(session)
        session.commit()
        report = phone_delivery.deliver_due(session, commit=session.commit)
    assert report.sent >= 1
    to_chair = [m for m in zalo.sent if m.to == "0912345678" and m.template == "order"]
    assert len(to_chair) == 1
    assert to_chair[0].params["product"] == "Xoài cát Chu" and to_chair[0].params["quantity"] == "10 tấn"


def test_issue_19_done_when(app, zalo):
    story = _set_the_scene(app)
    _the_club_joins_the_cooperative(story)
    _the_chair_invites_three_members(story)
    _two_households_without_phones(story)
    _their_cat_chu_under_the_cooperatives_code(story)
    _staff_verify_the_club(story)
    _the_cooperative_asks_for_10_tonnes_and_its_clubs_offer(story)
    _the_chair_hears_of_the_order_on_zalo(story, zalo)
