"""Issue #6, done when: an exporter posts "20 tấn xoài cát Chu có mã số vùng trồng đi Mỹ" and sees
only the listings with an active code approved for the US (and a packing-house code for the US) as
full matches, each with its reasons, and the clubs with a suspended or China-only code as near
misses that say so — on the demand page, in the API, in English and in Vietnamese."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost
from tests.clients import api_token, app_session, post, text_of
from tests.integration.matching.conftest import browser


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def posted(app, people, export_clubs) -> DemandPost:
    """The exporter posts the request through the form, as a person would."""
    today = today_in_vietnam()
    client = browser(app, people.buyer)
    response = post(client, "/demand/new", {
        "product": "xoài", "variety": "cát Chu", "quantity": "20", "unit": "tấn", "frequency": "once",
        "needed_from": dmy(today), "needed_to": dmy(today + timedelta(days=45)), "commune_query": "",
        "commune_code": "", "price_min_vnd": "", "price_max_vnd": "", "min_ocop_stars": "",
        "needs_planting_code": "y", "export_market": "US",
        "quality_notes": "Xoài cát Chu xuất khẩu đi Mỹ, có mã số vùng trồng."})
    assert response.status_code == 302, text_of(response)
    demand_id = int(re.fullmatch(r".*/demand/(\d+)", response.headers["Location"]).group(1))
    with app_session(app) as session:
        demand = session.get(DemandPost, demand_id)
        assert (demand.needs_planting_code, demand.export_market, demand.variety.name) == (True, "US", "cát Chu")
        return demand


def matches(app, people, demand, lang="en") -> dict:
    response = app.test_client().get(f"/api/v1/demand/{demand.id}/matches?lang={lang}",
                                     headers=bearer(api_token(app, people.buyer)))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def by_listing(found: dict) -> dict:
    return {m["listing_id"]: m for m in found["matches"]}


def test_only_listings_with_codes_approved_for_the_us_are_full_matches(app, people, export_clubs, posted):
    clubs = export_clubs
    found = matches(app, people, posted)
    full = [m["listing_id"] for m in found["matches"] if m["full"]]
    assert sorted(full) == sorted([clubs.approved.listing.id, clubs.approved_two.listing.id])
    # Full matches first, best score first; then the near misses.
    flags = [m["full"] for m in found["matches"]]
    assert flags == sorted(flags, reverse=True)
    scores = [m["score"] for m in found["matches"] if m["full"]]
    assert scores == sorted(scores, reverse=True)
    assert found["total"] == len(found["matches"]) == 7


def test_each_full_match_says_why(app, people, export_clubs, posted):
    found = by_listing(matches(app, people, posted))
    approved = export_clubs.approved
    match = found[approved.listing.id]
    growing, packing = (c.code for c in approved.codes)
    assert match["unmet"] == []
    assert 0 <= match["score"] <= 100
    assert "Variety cát Chu as asked" in match["reasons"]
    assert f"Planting area code {growing} approved for US" in match["reasons"]
    assert f"Packing house code {packing} approved for US" in match["reasons"]
    assert "Covers 60% of the quantity (12,000 kg left)" in match["reasons"]
    assert any(re.fullmatch(r"\d+ km away", text) for text in match["reasons"])
    assert "With the other 1 matching lots: 100%" in match["reasons"]  # 12 + 10 tấn cover the 20
    codes = [d["code"] for d in match["details"]["reasons"]]
    assert codes[:2] == ["variety", "window"] and codes.count("code") == 2
    assert {"code": "code", "kind": "growing_area", "number": growing, "market": "US",
            "text": f"Planting area code {growing} approved for US"} in match["details"]["reasons"]
    assert found[export_clubs.approved_two.listing.id]["unmet"] == []


def test_suspended_and_china_only_codes_are_near_misses_that_say_so(app, people, export_clubs, posted):
    found = by_listing(matches(app, people, posted))
    clubs = export_clubs
    assert found[clubs.suspended.listing.id]["full"] is False
    assert found[clubs.suspended.listing.id]["unmet"] == ["Planting area code suspended"]
    assert found[clubs.china.listing.id]["unmet"] == ["Planting area code approved for CN, not US",
                                                      "Packing house code approved for CN, not US"]
    assert found[clubs.no_packing.listing.id]["unmet"] == ["No packing house code"]
    assert found[clubs.no_codes.listing.id]["unmet"] == ["No planting area code", "No packing house code"]
    assert found[clubs.hoa_loc.listing.id]["unmet"] == ["Another variety: cát Hòa Lộc, not cát Chu"]
    # Near misses: one unmet item before two.
    near = [m for m in matches(app, people, posted)["matches"] if not m["full"]]
    assert [len(m["unmet"]) for m in near] == sorted(len(m["unmet"]) for m in near)


def test_coconut_and_pineapple_never_match_a_mango_request(app, people, export_clubs, posted):
    found = by_listing(matches(app, people, posted))
    assert export_clubs.coconut.listing.id not in found
    assert export_clubs.pineapple.listing.id not in found


def test_in_vietnamese_by_default(app, people, export_clubs, posted):
    found = by_listing(matches(app, people, posted, lang="vi"))
    approved = found[export_clubs.approved.listing.id]
    assert "Đúng giống cát Chu" in approved["reasons"]
    assert f"Mã số vùng trồng {export_clubs.approved.codes[0].code} được cấp cho thị trường US" in approved["reasons"]
    assert "đáp ứng 60% số lượng (còn 12.000 kg)" in approved["reasons"]
    assert found[export_clubs.suspended.listing.id]["unmet"] == ["Mã số vùng trồng tạm đình chỉ"]
    assert found[export_clubs.china.listing.id]["unmet"][0] == "Mã số vùng trồng chỉ được cấp cho CN, không cho US"


def test_the_exporter_sees_the_cards_on_the_request_page(app, people, export_clubs, posted):
    page = text_of(browser(app, people.buyer).get(f"/demand/{posted.id}"))
    assert 'data-testid="match-cards"' in page
    clubs = export_clubs
    cards = {m.group(1): m.group(0) for m in re.finditer(r'<li class="card match[^"]*" data-testid="match-(\d+-\d+)">'
                                                         r".*?(?=<li class=\"card match|</ul>\s*</section>)", page, re.S)}
    for club in (clubs.approved, clubs.approved_two):
        card = cards[f"{posted.id}-{club.listing.id}"]
        assert "match-full" in card and "Full match" in card
        assert f"Planting area code {club.codes[0].code} approved for US" in card
        assert "Not met:" not in card
    for club, says in ((clubs.suspended, "Planting area code suspended"),
                       (clubs.china, "Planting area code approved for CN, not US")):
        card = cards[f"{posted.id}-{club.listing.id}"]
        assert "match-near" in card and "Near miss" in card
        assert "Not met:" in card and says in card
    assert clubs.coconut.org.name not in page
    assert clubs.pineapple.org.name not in page


def test_the_approved_club_sees_the_exporter_on_its_listing(app, people, export_clubs, posted):
    from tests.factories import make_user

    with app_session(app):
        chair = make_user("seller", export_clubs.approved.org)
    response = app.test_client().get(f"/api/v1/listings/{export_clubs.approved.listing.id}/matches?lang=en",
                                     headers=bearer(api_token(app, chair)))
    assert response.status_code == 200
    found = response.get_json()
    assert found["total"] == 1
    assert found["matches"][0]["demand_id"] == posted.id and found["matches"][0]["full"] is True
    page = text_of(browser(app, chair).get(f"/listings/{export_clubs.approved.listing.id}"))
    assert f'data-testid="match-{posted.id}-{export_clubs.approved.listing.id}"' in page
