"""An export buyer reads the main pages in English: English product names and units, numbers
grouped the English way, and no date written month-first (issue #16, "English that is whole")."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.notifications.presentation import describe
from marketplace.orders import lifecycle as orders
from marketplace.orders.models import Order
from marketplace.orders.presentation import notice_params
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import all_documents
from tests.clients import app_session, signed_in
from tests.factories import make_demand, make_listing, make_org, make_user

# Unit words of Vietnamese that must not reach an English page (as whole words in the text).
VIETNAMESE_UNITS = ("tấn", "trái", "lượt", "thùng", "hộp", "túi", "chục", "nải", "buồng", "cành", "chậu")
MONTH_FIRST = re.compile(r"\b(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{2,4}\b")
TWO_DIGIT_YEAR = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}\b")


def _text(response) -> str:
    """The page's visible text: tags, scripts and attribute values dropped (a hidden input may
    carry a stored unit code, which is data, not words)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def export_market(app, monkeypatch):
    """Made in a short app context: requests made inside the `session` fixture's would share
    its locale (see tests/clients.app_session). The search index is built from what was made."""
    with app_session(app) as session:
        made = _export_market()
        backend = WhooshBackend(None)
        backend.rebuild(list(all_documents(session)))
    monkeypatch.setitem(app.extensions, "search_backend", backend)
    return made


def _export_market():
    club = make_org("club", name="Hội quán Xoài Mỹ Xương")
    exporter = make_org("exporter", name="Công ty Xuất khẩu Mekong")
    make_user("seller", club)
    buyer = make_user("buyer", exporter)
    mango = make_listing(club, "xoài", variety="cát Hòa Lộc", quantity="5000", unit="kg", price_vnd="38000")
    coconut = make_listing(club, "dừa", variety="xiêm xanh", quantity="1200", unit="trái", price_vnd="9000")
    tour = make_listing(club, "du lịch vườn", quantity="40", unit="lượt", price_vnd="150000")
    tonnes = make_listing(club, "sầu riêng", variety="Ri6", quantity="12", unit="tấn", price_vnd="85000")
    demand = make_demand(
        exporter, "xoài", variety="cát Chu", quantity="20", unit="tấn", price_min_vnd="30000", price_max_vnd="45000"
    )
    order = orders.place_order(db.session, tonnes.id, exporter, buyer, "2", today=today_in_vietnam())
    db.session.commit()
    return {
        "club": club,
        "buyer": buyer,
        "mango": mango,
        "coconut": coconut,
        "tour": tour,
        "tonnes": tonnes,
        "demand": demand,
        "order": order,
    }


def _assert_english(text: str, path: str) -> None:
    words = set(re.findall(r"\w+", text.lower()))
    assert not [w for w in VIETNAMESE_UNITS if w in words], (path, [w for w in VIETNAMESE_UNITS if w in words])
    assert not MONTH_FIRST.search(text), (path, MONTH_FIRST.search(text).group(0))
    assert not TWO_DIGIT_YEAR.search(text), (path, TWO_DIGIT_YEAR.search(text).group(0))
    assert not re.search(r"\d\.\d{3} ₫", text), path  # "38.000 ₫" is the Vietnamese grouping


def test_the_main_pages_read_in_english(app, export_market):
    m = export_market
    client = signed_in(app, m["buyer"], "en")
    pages = {
        "/?lang=en": ["Hoa Loc mango"],
        "/search?lang=en&q=mango": ["Hoa Loc mango", "5,000 kg", "38,000 ₫ / kg", "Wanted: 20 tonnes Cat Chu mango"],
        "/search?lang=en&q=siamese+coconut": ["Green Siamese coconut", "1,200 fruit"],
        f"/listings/{m['mango'].id}?lang=en": ["Hoa Loc mango", "Xoài cát Hòa Lộc", "5,000 kg", "38,000 ₫ / kg"],
        f"/listings/{m['coconut'].id}?lang=en": ["Green Siamese coconut", "1,200 fruit", "9,000 ₫ / fruit"],
        f"/listings/{m['tour'].id}?lang=en": ["Orchard tour", "40 visits", "150,000 ₫ / visit"],
        f"/listings/{m['tonnes'].id}?lang=en": ["Ri6 durian", "10 tonnes"],
        f"/demand/{m['demand'].id}?lang=en": ["Wanted: 20 tonnes Cat Chu mango", "30,000 ₫ – 45,000 ₫ / kg"],
        f"/orgs/{m['club'].id}?lang=en": ["Hoa Loc mango"],
        f"/orders/{m['order'].id}?lang=en": ["Ri6 durian", "2 tonnes", "170,000,000 ₫", "85,000 ₫ / kg"],
        "/orders?lang=en": ["2 tonnes Ri6 durian"],
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        text = " ".join(_text(response).split())
        for words in expected:
            assert words in text, (path, words)
        _assert_english(text, path)


def test_dates_on_an_english_page_carry_the_month_as_a_word_and_the_full_year(app, export_market):
    listing = export_market["mango"]
    client = signed_in(app)
    text = " ".join(_text(client.get(f"/listings/{listing.id}?lang=en")).split())
    day = listing.available_from
    assert f"{day.day} {day.strftime('%b')} {day.year}" in text


def test_the_same_pages_stay_vietnamese_by_default(app, export_market):
    m = export_market
    client = signed_in(app)
    text = " ".join(_text(client.get(f"/listings/{m['tonnes'].id}")).split())
    assert "Sầu riêng Ri6" in text and "10 tấn" in text and "85.000 ₫ / kg" in text
    assert "durian" not in text
    day = m["tonnes"].available_from
    assert day.strftime("%d/%m/%Y") in text


def test_the_api_adds_english_names_beside_the_vietnamese(app, export_market):
    m = export_market
    client = app.test_client()
    mango = client.get(f"/api/v1/listings/{m['mango'].id}").get_json()
    assert (mango["product"], mango["variety"], mango["unit"]) == ("Xoài", "cát Hòa Lộc", "kg")
    assert (mango["name_en"], mango["unit_en"]) == ("Hoa Loc mango", "kg")
    tour = client.get(f"/api/v1/listings/{m['tour'].id}").get_json()
    assert (tour["unit"], tour["name_en"], tour["unit_en"]) == ("lượt", "Orchard tour", "visits")
    demand = client.get(f"/api/v1/demand/{m['demand'].id}").get_json()
    assert (demand["unit"], demand["name_en"], demand["unit_en"]) == ("tấn", "Cat Chu mango", "tonnes")


def test_an_order_notice_is_worded_in_the_readers_language(app, export_market):
    with app_session(app) as session:
        params = notice_params(session.get(Order, export_market["order"].id))
        with force_locale("en"):
            english = describe("order_new", params)
            # A notice stored before quantities were kept as numbers still reads.
            older = describe("order_new", params | {"quantity": "2", "title_en": ""})
        with force_locale("vi"):
            vietnamese = describe("order_new", params)
    assert "2 tonnes Ri6 durian" in english and "170,000,000 ₫" in english
    assert "2 tấn Sầu riêng Ri6" in vietnamese and "170.000.000 ₫" in vietnamese
    assert "2 tấn Sầu riêng Ri6" in older


def test_the_unit_list_of_a_form_is_in_the_readers_language(app, export_market):
    english = signed_in(app, export_market["buyer"], "en").get("/demand/new").get_data(as_text=True)
    assert '<option value="tấn">tonne</option>' in english and '<option value="lượt">visit</option>' in english
    vietnamese = signed_in(app, export_market["buyer"]).get("/demand/new").get_data(as_text=True)
    assert '<option value="tấn">tấn</option>' in vietnamese and '<option value="lượt">lượt khách</option>' in vietnamese


def test_the_product_catalogue_names_varieties_in_english_too(app):
    text = " ".join(_text(signed_in(app, lang="en").get("/products")).split())
    assert "Xoài (Mango)" in text and "cát Hòa Lộc (Hoa Loc mango)" in text and "Ri6 (Ri6 durian)" in text
    vietnamese = " ".join(_text(signed_in(app).get("/products")).split())
    assert "cát Hòa Lộc" in vietnamese and "Hoa Loc mango" not in vietnamese
