"""Staff record reference prices as they type them; the public board shows the latest with the
week's change; a product's page has an accessible SVG chart with a table beside it, the reference
rows and what the site saw (never a median of fewer than 3 sellers); signed-in people watch a
product and hear once of a big weekly move."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.market import alerts, observed, prices
from marketplace.market.models import PriceWatch, ReferencePrice
from marketplace.notifications.models import Notification
from marketplace.products.models import Product
from tests.clients import app_session, csrf_token, signed_in, text_of
from tests.factories import make_listing, make_org, make_user


def _price(session, product="xoài cát Chu", market="farm_gate", days_ago=0, price="35-42k", **fields):
    data = prices.PriceInput(product=product, market=market,
                             observed_on=(today_in_vietnam() - timedelta(days=days_ago)).strftime("%d/%m/%Y"),
                             price=price, unit=fields.pop("unit", "kg"), **fields)
    saved = prices.save_price(session, data, None, today=today_in_vietnam())
    session.commit()
    return saved


def test_a_price_is_read_as_typed_and_a_new_name_is_kept_for_staff(session):
    saved = _price(session, product="xoai cat chu", market="cho dau moi", price="35 – 42 nghìn")
    assert (saved.product.slug != "", saved.product.in_catalogue, saved.market) == (True, True, "wholesale")
    assert (saved.price_min_vnd, saved.price_max_vnd) == (35000, 42000)
    typed = _price(session, product="Trái bơ sáp Đồng Tháp lạ", price="38.000")
    assert typed.product.in_catalogue is False  # kept as typed, queued for staff
    assert (typed.price_min_vnd, typed.price_max_vnd) == (38000, 38000)


def test_a_wrong_row_says_every_problem_and_stores_nothing(session):
    with pytest.raises(ValidationError) as caught:
        prices.save_price(session, prices.PriceInput(
            product="", market="chợ trời", observed_on="31/02/2026", price="42-35k", unit="kg"),
            None, today=today_in_vietnam())
    assert set(caught.value.fields) >= {"product", "market", "observed_on", "price"}
    with pytest.raises(ValidationError) as caught:
        prices.save_price(session, prices.PriceInput(
            product="xoài", market="farm_gate", observed_on=(today_in_vietnam() + timedelta(days=2)).isoformat(),
            price="abc"), None, today=today_in_vietnam())
    assert set(caught.value.fields) == {"observed_on", "price"}
    session.rollback()
    assert session.scalar(select(func.count(ReferencePrice.id))) == 0


def test_thousands_left_out_are_asked_again_for_a_weighed_unit(session):
    """"35-42" for a kilogram of mango meant 35–42 nghìn: asked again, never stored as 35 đồng; a
    count unit (a lime, a bunch) may cost a few hundred đồng."""
    with pytest.raises(ValidationError) as caught:
        _price(session, price="35-42")
    assert "35k" in str(caught.value.fields["price"][0])
    with pytest.raises(ValidationError):
        _price(session, price="400", unit="tấn")  # 0.4 đồng a kilogram
    session.rollback()
    assert _price(session, product="chanh", price="500", unit="trái").price_min_vnd == 500
    assert _price(session, price="3.500.000-4.200.000", unit="tạ").price_max_vnd == 4_200_000


def test_the_board_shows_the_latest_price_and_the_week_change(app):
    with app_session(app) as session:
        _price(session, days_ago=8, price="30-30k")
        _price(session, days_ago=1, price="35-37k")
        _price(session, market="supermarket", days_ago=1, price="60k")
    client = app.test_client()
    page = text_of(client.get("/prices?q=xoai cat"))
    assert "35.000" in page and "37.000" in page and "↑" in page and "20 %" in page
    assert "30.000" not in page  # not the latest
    only = text_of(client.get("/prices?market=supermarket"))
    assert "60.000" in only and "37.000" not in only
    assert "No price matches" in text_of(client.get("/prices?q=sầu riêng&lang=en"))
    english = text_of(client.get("/prices?lang=en"))
    assert "Price board" in english and "Farm gate" in english


def test_a_product_page_has_an_accessible_chart_and_a_table_beside_it(app):
    with app_session(app) as session:
        for weeks in range(4):
            _price(session, days_ago=7 * weeks, price=f"{30 + weeks}k")
        product_id = session.scalar(select(ReferencePrice.product_id))
    page = app.test_client().get(f"/prices/{product_id}?lang=en").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg and "aria-labelledby" in svg
    assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg and "<script" not in page.split("</header>")[-1].lower()
    assert 'data-testid="chart-table"' in page  # the same numbers as text
    table = page.split('data-testid="chart-table"')[1].split("</table>")[0]
    assert "30,000" in table or "30.000" in table


def test_medians_of_the_site_ignore_fewer_than_three_sellers(session):
    today = today_in_vietnam()
    clubs = [make_org("club") for _ in range(3)]
    for club, price in zip(clubs[:2], ("38000", "42000"), strict=True):
        make_listing(club, "xoài cát Chu", price_vnd=price)
    product_id = session.scalar(select(Product.id).where(Product.name_vi == "Xoài"))
    seen = [m for m in observed.weekly_medians(session, product_id, today) if m.kind == "listings"]
    assert seen and all(m.median_vnd is None and m.sellers == 2 for m in seen)
    make_listing(clubs[2], "xoài cát Chu", price_vnd="40000")
    make_listing(clubs[2], "xoài cát Chu", price_vnd="90000")
    latest = [m for m in observed.weekly_medians(session, product_id, today) if m.kind == "listings"][-1]
    assert (latest.median_vnd, latest.count, latest.sellers) == (41000, 4, 3)
    # A variety's page counts that variety only: three Hòa Lộc sellers far above, and cát Chu's
    # median stays its own.
    for club in clubs:
        make_listing(club, "xoài cát Hòa Lộc", price_vnd="70000")
    by_variety = {name: [m for m in observed.weekly_medians(session, product_id, today, variety=name)
                         if m.kind == "listings"][-1] for name in ("cát Chu", "Cat hoa loc")}
    assert (by_variety["cát Chu"].median_vnd, by_variety["cát Chu"].count) == (41000, 4)
    assert (by_variety["Cat hoa loc"].median_vnd, by_variety["Cat hoa loc"].sellers) == (70000, 3)


def test_staff_enter_edit_and_delete_a_price(app):
    with app_session(app):
        staff = make_user("staff")
        seller = make_user("seller")
    assert signed_in(app, seller).get("/staff/prices").status_code == 403
    client = signed_in(app, staff)
    assert client.get("/staff/prices").status_code == 200
    form = {"csrf_token": csrf_token(client), "product": "xoai cat chu", "variety": "", "market": "wholesale",
            "observed_on": today_in_vietnam().strftime("%d/%m/%Y"), "price": "42-35k", "unit": "kg",
            "place": "Chợ đầu mối Mỹ Thới", "commune_code": "", "source": "", "note": ""}
    bad = client.post("/staff/prices", data=form)
    assert bad.status_code == 422 and 'value="42-35k"' in bad.get_data(as_text=True)
    empty = client.post("/staff/prices", data=form | {"price": "", "observed_on": "31/02/2026"})
    assert empty.status_code == 422 and 'id="price-error"' in empty.get_data(as_text=True)
    assert 'id="observed_on-error"' in empty.get_data(as_text=True)
    assert client.post("/staff/prices", data=form | {"price": "35-42k"}).status_code == 302
    with app_session(app) as session:
        price = session.scalar(select(ReferencePrice))
        assert (price.market, price.price_min_vnd, price.place) == ("wholesale", 35000, "Chợ đầu mối Mỹ Thới")
    edit = client.get(f"/staff/prices/{price.id}/edit")
    assert 'value="35.000-42.000"' in edit.get_data(as_text=True)
    assert client.post(f"/staff/prices/{price.id}/edit", data=form | {"price": "36k"}).status_code == 302
    with app_session(app) as session:
        assert session.get(ReferencePrice, price.id).price_max_vnd == 36000
    assert client.post(f"/staff/prices/{price.id}/delete", data={"csrf_token": csrf_token(client)}).status_code == 302
    with app_session(app) as session:
        assert session.scalar(select(func.count(ReferencePrice.id))) == 0


def test_a_watcher_hears_once_of_each_variety_s_big_weekly_move(app):
    with app_session(app) as session:
        _price(session, days_ago=7, price="30k")
        _price(session, days_ago=0, price="36k")
        # Hòa Lộc moves the same week, a day earlier: its own notice, not hidden by cát Chu's.
        _price(session, product="xoài cát Hòa Lộc", days_ago=8, price="60k")
        _price(session, product="xoài cát Hòa Lộc", days_ago=1, price="70k")
        product_id = session.scalar(select(ReferencePrice.product_id))
        user = make_user(None)
    client = signed_in(app, user)
    assert client.post(f"/prices/{product_id}/watch", data={
        "csrf_token": csrf_token(client), "market": "", "threshold_pct": "15"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(PriceWatch.id))) == 1
        assert alerts.check_watches(db.session, today_in_vietnam()) == 2
        db.session.commit()
        assert alerts.check_watches(db.session, today_in_vietnam()) == 0  # the same moves: not again
        notices = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
        assert {n.kind for n in notices} == {"price_move"}
        # Each notice opens its variety's chart.
        assert sorted(n.url for n in notices) == [f"/prices/{product_id}?variety=c%C3%A1t+Chu",
                                                  f"/prices/{product_id}?variety=c%C3%A1t+H%C3%B2a+L%E1%BB%99c"]
    assert "20 %" in text_of(client.get("/notifications?lang=en"))


def test_a_typed_name_waits_for_staff_and_its_prices_follow_the_mapping(session):
    from marketplace.catalogue import services as catalogue

    typed = _price(session, product="Trái bơ sáp Đồng Tháp lạ", price="30k")
    queued = [n for n in catalogue.typed_names(session) if n.product.id == typed.product_id]
    assert queued and queued[0].prices == 1
    target = catalogue.map_name(session, typed.product, "xoài")
    session.commit()
    assert session.get(ReferencePrice, typed.id).product_id == target.id


def test_a_seller_sees_the_reference_beside_their_price(app):
    with app_session(app) as session:
        _price(session, market="farm_gate", days_ago=1, price="35-42k")
        _price(session, market="wholesale", days_ago=1, price="45k")
        _price(session, market="supermarket", days_ago=1, price="70k")
        club = make_org("club")
        chair = make_user("seller", club)
        listing = make_listing(club, "xoài cát Chu", price_vnd="38000")
    client = signed_in(app, chair)
    edit = text_of(client.get(f"/listings/{listing.id}/edit"))
    box = edit.split('data-testid="price-reference"')[1].split("</div>")[0]
    assert "35.000" in box and "45.000" in box and "70.000" not in box  # farm gate and wholesale only
    shown_again = client.post("/listings/new", data={"csrf_token": csrf_token(client), "product": "xoai",
                                                     "quantity": "", "unit": "kg", "price_vnd": "38k"})
    assert "45.000" in text_of(shown_again).split('data-testid="price-reference"')[1].split("</div>")[0]
    answer = app.test_client().get("/prices/reference.json?product=xoai cat chu").get_json()
    assert [line["market"] for line in answer["results"]] == ["farm_gate", "wholesale"]
    assert app.test_client().get("/prices/reference.json?product=zzz").get_json()["results"] == []


def test_the_alert_job_is_registered_and_the_notice_reads_in_both_languages(app):
    from flask_babel import force_locale

    from marketplace import worker
    from marketplace.notifications.presentation import describe

    assert worker.jobs(app)["price alerts"].every == alerts.EVERY_SECONDS
    params = {"product": "Quýt", "product_en": "Mandarin", "market": "farm_gate", "unit": "kg", "change": -18,
              "latest": 21000, "previous": 25600, "day": today_in_vietnam().isoformat(), "product_id": 1}
    with app.test_request_context():
        with force_locale("vi"):
            assert describe("price_move", params).startswith("Giá Quýt (Tại vườn) giảm 18 %")
        with force_locale("en"):
            assert describe("price_move", params).startswith("Mandarin (Farm gate) went down 18 %")
