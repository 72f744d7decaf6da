"""The board records households (area as typed, the club's own planting codes), listings name one,
and the household's page counts what it produced and sold."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.listings.models import Listing
from marketplace.members import services as members
from marketplace.members.models import Household
from marketplace.orders import lifecycle as orders
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_listing, make_org, make_planting_code, make_user
from tests.integration.members.helpers import board_club


def _new_household(client, org_id, **fields):
    return client.post(f"/orgs/{org_id}/members/households/new", data={
        "csrf_token": csrf_token(client), "name": "Hộ ông Tư", "area_ha": "1,5", "crops": "xoài cát Chu",
        "commune_query": "", "commune_code": "", **fields})


def test_a_household_with_area_as_typed_and_the_clubs_own_codes(app):
    with app_session(app):
        club, chair = board_club()
        own = make_planting_code(club, "VN-DTTS-0101", crop="xoài")
        foreign = make_planting_code(make_org("club"), "VN-DTTS-0202")
    board = signed_in(app, chair)
    form = board.get(f"/orgs/{club.id}/members/households/new")
    assert "VN-DTTS-0101" in text_of(form) and "VN-DTTS-0202" not in text_of(form)
    refused = _new_household(board, club.id, area_ha="một", planting_code_ids=[str(foreign.id)])
    assert refused.status_code == 422 and 'value="một"' in refused.get_data(as_text=True)
    assert "héc-ta" in text_of(refused)
    odd = _new_household(board, club.id, name="Hộ số lạ", planting_code_ids=["²"])  # isdigit, not int
    assert odd.status_code == 422
    with app_session(app) as session:
        assert session.scalar(select(Household.id)) is None
    assert _new_household(board, club.id, area_ha=" 1.5 ", planting_code_ids=[str(own.id)]).status_code == 302
    with app_session(app) as session:
        household = session.scalar(select(Household))
        assert (household.area_ha, household.crops, [c.code for c in household.planting_codes]) == \
            (1.5, "xoài cát Chu", ["VN-DTTS-0101"])
        household_id = household.id
    page = text_of(board.get(f"/orgs/{club.id}/members/households/{household_id}"))
    assert "1,5 ha" in page and "VN-DTTS-0101" in page
    editing = board.get(f"/orgs/{club.id}/members/households/{household_id}/edit").get_data(as_text=True)
    assert 'value="1,5"' in editing and "checked" in editing
    changed = board.post(f"/orgs/{club.id}/members/households/{household_id}/edit", data={
        "csrf_token": csrf_token(board), "name": "Hộ ông Tư (con)", "area_ha": "2", "crops": "sầu riêng",
        "commune_query": "Phú Hựu", "commune_code": "30244"})
    assert changed.status_code == 302
    with app_session(app) as session:
        household = session.get(Household, household_id)
        assert (household.name, household.area_ha, household.commune_code, household.planting_codes) == \
            ("Hộ ông Tư (con)", 2.0, "30244", [])


def test_usable_codes_are_the_clubs_own(app, session):
    club = make_org("club")
    make_planting_code(club, "VN-DTTS-0303")
    make_planting_code(make_org("club"), "VN-DTTS-0404")
    assert [c.code for c in members.usable_codes(session, club)] == ["VN-DTTS-0303"]


def test_a_listing_names_a_household_and_its_sales_are_counted(app):
    with app_session(app) as session:
        club, chair = board_club()
        seller = make_user("seller", club)
        buyer_org = make_org("supermarket")
        buyer = make_user("buyer", buyer_org)
        household = members.save_household(session, club, None, members.HouseholdInput(name="Hộ bà Sáu"), chair)
        left = members.save_household(session, club, None, members.HouseholdInput(name="Hộ đã rời"), chair)
        left.active = False
        listing = make_listing(club, "xoài", quantity="100", price_vnd="30000")
        session.commit()
        household_id, left_id, listing_id = household.id, left.id, listing.id
    client = signed_in(app, seller)
    form = client.get(f"/listings/{listing_id}/edit")
    assert "Hộ bà Sáu" in text_of(form) and "Hộ đã rời" not in text_of(form)
    page = form.get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
            if name not in ("photos",)}
    data.update({"csrf_token": csrf_token(client), "product": "xoài", "quantity": "100", "unit": "kg",
                 "household_id": str(left_id)})
    assert client.post(f"/listings/{listing_id}/edit", data=data).status_code == 422  # a household that left
    data["household_id"] = str(household_id)
    assert client.post(f"/listings/{listing_id}/edit", data=data).status_code == 302
    shown = text_of(client.get(f"/listings/{listing_id}"))
    assert "Trồng bởi" in shown and "Hộ bà Sáu" in shown
    assert client.get(f"/api/v1/listings/{listing_id}").get_json()["household"] == {"id": household_id,
                                                                                    "name": "Hộ bà Sáu"}
    with app_session(app) as session:
        today = today_in_vietnam()
        paid = orders.place_order(session, listing_id, session.merge(buyer_org), session.merge(buyer), "10", today=today)
        orders.place_order(session, listing_id, session.merge(buyer_org), session.merge(buyer), "5", today=today)
        paid.status = "paid"  # what paying leads to; the lifecycle itself is the orders' tests' concern
        session.commit()
    report = text_of(client.get(f"/orgs/{club.id}/members/households/{household_id}"))
    assert "1 đơn đã bán" in report and "300.000" in report
    board = signed_in(app, chair)
    members_page = text_of(board.get(f"/orgs/{club.id}/members"))
    assert "Hộ bà Sáu" in members_page and "300.000" in members_page


def test_the_members_page_counts_households_in_one_query(app):
    with app_session(app) as session:
        club, chair = board_club()
        for n in range(3):
            members.save_household(session, club, None, members.HouseholdInput(name=f"Hộ {n}"), chair)
        session.commit()
    with app_session(app) as session:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.get_engine(app), "before_cursor_execute", listener)
        try:
            rows = members.households_with_counts(session, session.get(type(club), club.id))
        finally:
            event.remove(db.get_engine(app), "before_cursor_execute", listener)
        assert len(rows) == 3 and len([s for s in statements if "households" in s]) == 1


def test_members_read_a_household_outsiders_do_not(app):
    with app_session(app) as session:
        club, chair = board_club()
        seller = make_user("seller", club)
        staff = make_user("staff")
        outsider = make_user("seller", make_org("club"))
        household = members.save_household(session, club, None, members.HouseholdInput(name="Hộ ông Bảy"), chair)
        session.commit()
        url = f"/orgs/{club.id}/members/households/{household.id}"
    assert signed_in(app, seller).get(url).status_code == 200
    assert signed_in(app, staff).get(url).status_code == 200
    assert signed_in(app, outsider).get(url).status_code == 403
    assert signed_in(app, seller).get(f"/orgs/{club.id}/members/households/{household.id}/edit").status_code == 403
    board = signed_in(app, chair)
    board.post(url + "/active", data={"csrf_token": csrf_token(board), "active": "0"})
    with app_session(app) as session:
        assert session.get(Household, household.id).active is False
        assert session.scalar(select(Listing.id).where(Listing.household_id == household.id)) is None
