"""Every form the page shows again reports all its problems in one pass (issue #16): the form's own
checks (a field left empty, a text too long), the service's (numbers, impossible dates, the order
of dates) and the view's (a commune not on the list) — never the commune first and the rest on the
next submit — and the form comes back with everything that was typed, impossible dates included.
Nothing is stored.

Pages are read in Vietnamese, as people use them: the messages asserted are the catalog's own.
"""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.demand.models import DemandPost, Offer
from marketplace.fairs.models import Catalog, CatalogEntry
from marketplace.listings.models import Listing
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_demand, make_org, make_user
from tests.integration.fairs.catalog_support import make_world
from tests.pages import error_beside


def refused(client, path: str, data: dict) -> str:
    """The text of the form sent back with its problems (422)."""
    response = post(client, path, data)
    assert response.status_code == 422
    return text_of(response)


def count(app, model, *where) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def field_value(text: str, name: str) -> str | None:
    """The value a text input was sent back with (None when the input has none)."""
    import re

    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', text)
    assert match, f"no input {name}"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else None


def assert_every_message(text: str, expected: dict[str, str]) -> None:
    missing = {field: want for field, want in expected.items() if want not in (error_beside(text, field) or "")}
    assert not missing, {field: error_beside(text, field) for field in missing}


@pytest.fixture
def people(app):
    with app_session(app):
        buyer_org = make_org("supermarket", name="Siêu thị Thử")
        buyer = make_user("buyer", buyer_org)
        club = make_org("club", name="Hội quán Thử")
        chair = make_user("seller", club)
        demand = make_demand(buyer_org, "xoài", quantity="5", unit="tấn", user=buyer)
    return buyer, chair, club, demand


BAD_DEMAND = {
    "product": "",  # the form's own check
    "variety": "",
    "quantity": "năm tấn",  # the service's reading
    "unit": "tấn",
    "frequency": "weekly",
    "needed_from": "31/02/2026",  # impossible: February has no 31st
    "needed_to": "2026-13-01",  # impossible: no month 13
    "commune_query": "xã không có thật",  # the view's check, once reported alone and first
    "commune_code": "",
    "price_min_vnd": "ba chục",
    "price_max_vnd": "45k",
    "export_market": "Trung Quoc",
    "quality_notes": "Trái 350–450 g",
}


def test_the_demand_form_shows_every_problem_at_once_and_keeps_what_was_typed(app, people):
    buyer = signed_in(app, people[0])
    before = count(app, DemandPost)
    text = refused(buyer, "/demand/new", BAD_DEMAND)
    assert_every_message(text, {
        "product": "điền ô này",
        "quantity": "số",
        "needed_from": "Tháng 2 năm 2026 không có ngày 31",
        "needed_to": "Không có tháng 13",
        "commune_query": "Chọn xã",
        "price_min_vnd": "giá",
    })
    for name in ("quantity", "needed_from", "needed_to", "commune_query", "price_min_vnd", "price_max_vnd",
                 "export_market"):
        assert field_value(text, name) == BAD_DEMAND[name], name
    assert "Trái 350–450 g" in text
    assert count(app, DemandPost) == before


def test_editing_a_request_shows_every_problem_at_once(app, people):
    buyer, _chair, _club, demand = people
    client = signed_in(app, buyer)
    text = refused(client, f"/demand/{demand.id}/edit", BAD_DEMAND)
    assert_every_message(text, {"product": "điền ô này", "needed_from": "không có ngày 31",
                                "needed_to": "tháng 13", "commune_query": "Chọn xã"})
    assert field_value(text, "needed_from") == "31/02/2026"


def test_the_listing_form_shows_every_problem_at_once_and_keeps_what_was_typed(app, people):
    chair = signed_in(app, people[1])
    typed = {"product": "", "variety": "cát Chu", "quantity": "-3", "unit": "kg", "min_order": "hai trăm",
             "price_vnd": "ba chục", "available_from": "30/2", "available_to": "31/04/2027", "publish": "1"}
    text = refused(chair, "/listings/new", typed)
    assert_every_message(text, {
        "product": "điền ô này",
        "quantity": "lớn hơn 0",
        "min_order": "số",
        "price_vnd": "giá",
        "available_from": "Tháng 2 không có ngày 30",
        "available_to": "Tháng 4 năm 2027 không có ngày 31",
    })
    for name in ("quantity", "min_order", "price_vnd", "available_from", "available_to", "variety"):
        assert field_value(text, name) == typed[name], name
    assert count(app, Listing) == 0


def test_the_offer_form_shows_every_problem_at_once(app, people):
    _buyer, chair, _club, demand = people
    client = signed_in(app, chair)
    typed = {"quantity": "", "price_vnd": "ba chục", "delivery_date": "31/02/2027", "listing_id": "",
             "note": "x" * 1001}
    text = refused(client, f"/demand/{demand.id}/offers", typed)
    assert_every_message(text, {"quantity": "điền ô này", "price_vnd": "giá",
                                "delivery_date": "Tháng 2 năm 2027 không có ngày 31", "note": "1000"})
    assert field_value(text, "delivery_date") == "31/02/2027"
    assert count(app, Offer) == 0


def test_sign_up_shows_the_person_and_the_organisation_problems_at_once(app):
    client = app.test_client()
    typed = {"name": "", "email": "khong-phai-thu", "phone": "", "password": "123", "password_again": "456",
             "org_kind": "club", "org_name": "", "commune_query": "xã không có thật", "commune_code": ""}
    text = refused(client, "/register", typed)
    assert_every_message(text, {"name": "điền ô này", "email": "email", "password_again": "không giống nhau",
                                "org_name": "tên", "commune_query": "Chọn xã"})
    assert error_beside(text, "password")
    assert field_value(text, "email") == "khong-phai-thu"
    assert field_value(text, "commune_query") == "xã không có thật"
    assert count(app, User, User.email == "khong-phai-thu") == 0


def test_the_organisation_form_shows_every_problem_at_once(app, people):
    client = signed_in(app, make_user_without_org(app))
    typed = {"org_kind": "", "org_name": "", "commune_query": "xã không có thật", "commune_code": "",
             "phone": "12"}
    text = refused(client, "/account/organization", typed)
    assert_every_message(text, {"org_kind": "", "org_name": "", "commune_query": "Chọn xã", "phone": "số điện thoại"})
    assert error_beside(text, "org_kind") and error_beside(text, "org_name")
    assert "Chọn loại tổ chức" not in error_beside(text, "org_kind")  # "required" says it; not said twice


def make_user_without_org(app):
    with app_session(app):
        return make_user(None)


def test_the_profile_form_shows_every_problem_at_once(app, people):
    _buyer, chair, club, _demand = people
    client = signed_in(app, chair)
    typed = {"name": "", "members_count": "nhiều", "commune_query": "xã không có thật", "commune_code": "",
             "phone": "12", "email": "khong-phai-thu"}
    text = refused(client, f"/orgs/{club.id}/edit", typed)
    assert_every_message(text, {"name": "điền ô này", "members_count": "số", "commune_query": "Chọn xã",
                                "phone": "số điện thoại", "email": "email"})
    assert field_value(text, "members_count") == "nhiều"
    with app_session(app) as session:
        assert session.get(Organization, club.id).name == "Hội quán Thử"


def test_the_order_form_checks_the_quantity_and_the_note_in_one_pass(app, people):
    from tests.factories import make_listing

    buyer, _chair, club, _demand = people
    with app_session(app):
        listing = make_listing(club, "xoài", quantity="1000", unit="kg", price_vnd="38000")
    client = signed_in(app, buyer)
    text = refused(client, f"/listings/{listing.id}/order", {"quantity": "ba tạ", "note": "x" * 1001})
    assert_every_message(text, {"quantity": "số", "note": "1000"})
    assert field_value(text, "quantity") == "ba tạ"


def test_the_catalog_forms_show_every_problem_at_once_and_keep_what_was_typed(app):
    """A catalog's details (the form's checks and the service's unknown fair together), a section
    and an entry's note and section; nothing stored."""
    with app_session(app):
        world = make_world()
        entry_id = world.sections[1].entries[0].id
    staff = signed_in(app, world.staff)
    before = count(app, Catalog)
    text = text_of(post(staff, "/staff/catalogs", {"title": "", "title_en": "x" * 201, "fair_id": "999999",
                                                    "cover_text": "Đặc sản Đồng Tháp"}))
    assert_every_message(text, {"title": "điền", "title_en": "200", "fair_id": "hội chợ"})
    assert "Đặc sản Đồng Tháp" in text and field_value(text, "title_en") == "x" * 201
    assert count(app, Catalog) == before
    text = text_of(post(staff, f"/staff/catalogs/{world.catalog.id}/sections",
                        {"section-title": "", "section-title_en": "y" * 201}))
    assert_every_message(text, {"section-title": "điền", "section-title_en": "200"})
    text = text_of(post(staff, f"/staff/catalogs/{world.catalog.id}/entries/{entry_id}",
                        {f"e{entry_id}-section_id": "999999", f"e{entry_id}-note": "n" * 1001,
                         f"e{entry_id}-note_en": "Lotus seeds"}))
    assert_every_message(text, {f"e{entry_id}-section_id": "phần", f"e{entry_id}-note": "1000"})
    assert "Lotus seeds" in text
    with app_session(app) as session:
        assert session.get(CatalogEntry, entry_id).note_en == ""
