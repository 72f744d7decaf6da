"""A request's export market is read from what the buyer types or picks (issue #16): "Trung Quoc",
"TQ", "china" and the list's "Trung Quốc" are all China's code, so that the growing-area code
requirement for China can be met; a market we cannot read is kept as written and shown to staff,
never refused and never dropped; the API gives the code and its names."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.demand.models import DemandPost
from tests.clients import api_token, app_session, post, text_of
from tests.integration.matching.conftest import browser


def dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


def post_request(app, people, market: str, lang: str = "en") -> DemandPost:
    today = today_in_vietnam()
    response = post(browser(app, people.buyer, lang), "/demand/new", {
        "product": "xoài", "variety": "cát Chu", "quantity": "20", "unit": "tấn", "frequency": "once",
        "needed_from": dmy(today), "needed_to": dmy(today + timedelta(days=45)), "commune_query": "",
        "commune_code": "", "price_min_vnd": "", "price_max_vnd": "", "min_ocop_stars": "",
        "export_market": market, "quality_notes": ""})
    assert response.status_code == 302, text_of(response)
    demand_id = int(re.fullmatch(r".*/demand/(\d+)", response.headers["Location"]).group(1))
    with app_session(app) as session:
        return session.get(DemandPost, demand_id)


@pytest.mark.parametrize("typed", ["Trung Quoc", "TQ", "china", "Trung Quốc", "CN", " thị trường trung quốc "])
def test_what_people_type_for_china_is_stored_as_its_code(app, people, typed):
    demand = post_request(app, people, typed)
    assert (demand.export_market, demand.export_market_as_written, demand.needs_planting_code) == ("CN", "", True)


def test_the_form_offers_countries_named_in_both_languages(app, people):
    text = browser(app, people.buyer, "vi").get("/demand/new").get_data(as_text=True)
    assert 'list="export-markets"' in text
    assert '<option value="Trung Quốc" label="China · CN">' in text
    assert '<option value="Hoa Kỳ" label="United States · US">' in text
    english = browser(app, people.buyer, "en").get("/demand/new").get_data(as_text=True)
    assert '<option value="China" label="Trung Quốc · CN">' in english
    # What the list puts in the field is read back as the code.
    assert post_request(app, people, "Hoa Kỳ", "vi").export_market == "US"


def test_the_edit_form_shows_the_market_by_name(app, people):
    demand = post_request(app, people, "TQ")
    text = browser(app, people.buyer, "vi").get(f"/demand/{demand.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="export_market"[^>]*value="Trung Quốc"', text)


def test_a_market_we_cannot_read_is_kept_as_written_and_shown_to_staff(app, people):
    demand = post_request(app, people, "Xứ Wakanda")
    assert (demand.export_market, demand.export_market_as_written) == ("", "Xứ Wakanda")
    assert demand.needs_planting_code is True  # a market was named: a code is still asked for
    page = text_of(browser(app, people.buyer).get(f"/demand/{demand.id}"))
    assert "“Xứ Wakanda”, as written: not a market we could read; our staff will check it." in page
    staff = text_of(browser(app, people.staff).get("/staff"))
    assert "Markets we could not read" in staff and "“Xứ Wakanda”" in staff


def test_the_api_gives_the_code_and_its_names(app, people):
    demand = post_request(app, people, "Trung Quoc")
    body = app.test_client().get(f"/api/v1/demand/{demand.id}").get_json()
    assert body["export_market"] == "CN"
    assert body["export_market_name"] == {"vi": "Trung Quốc", "en": "China"}
    assert body["export_market_as_written"] == ""
    token = api_token(app, people.buyer)
    today = today_in_vietnam()
    created = app.test_client().post("/api/v1/demand", headers={"Authorization": f"Bearer {token}"}, json={
        "product": "xoài", "quantity": 5, "unit": "tấn", "needed_from": today.isoformat(),
        "needed_to": (today + timedelta(days=30)).isoformat(), "export_market": "Wakanda"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["export_market"] == ""
    assert created.get_json()["export_market_name"] is None
    assert created.get_json()["export_market_as_written"] == "Wakanda"


def test_a_china_code_meets_a_request_for_china_typed_as_words(app, people, export_clubs):
    """Before, "Trung Quoc" was stored as "TRUNG QUOC", which no code's markets ("CN") could meet."""
    demand = post_request(app, people, "Trung Quoc")
    response = app.test_client().get(f"/api/v1/demand/{demand.id}/matches?lang=en",
                                     headers={"Authorization": f"Bearer {api_token(app, people.buyer)}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    found = {m["listing_id"]: m for m in response.get_json()["matches"]}
    china = found[export_clubs.china.listing.id]
    assert china["full"] is True and china["unmet"] == []
    growing = export_clubs.china.codes[0].code
    assert f"Planting area code {growing} approved for CN" in china["reasons"]
    both = found[export_clubs.approved_two.listing.id]  # codes for the US and China
    assert both["full"] is True
    us_only = found[export_clubs.approved.listing.id]
    assert us_only["full"] is False
    assert "Planting area code approved for US, not CN" in us_only["unmet"]
