"""GET /api/v1/prices: reference prices by product (id or name as typed), market and day (every
response checked against the OpenAPI document by conftest.py)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.dates import today_in_vietnam
from marketplace.market import prices
from tests.clients import app_session


def _price(session, product, market, days_ago, price):
    prices.save_price(session, prices.PriceInput(
        product=product, market=market, observed_on=(today_in_vietnam() - timedelta(days=days_ago)).isoformat(),
        price=price, unit="kg"), None, today=today_in_vietnam())


def test_prices_by_product_market_and_day(app, client):
    with app_session(app) as session:
        _price(session, "xoài cát Chu", "farm_gate", 10, "30k")
        _price(session, "xoài cát Chu", "wholesale", 1, "40-45k")
        _price(session, "quýt hồng", "farm_gate", 1, "20k")
        session.commit()
    body = client.get("/api/v1/prices?product=xoai cat chu").get_json()
    assert body["total"] == 2 and body["results"][0]["market"] == "wholesale"
    assert (body["results"][0]["price_min_vnd"], body["results"][0]["price_max_vnd"]) == (40000, 45000)
    since = (today_in_vietnam() - timedelta(days=5)).isoformat()
    assert client.get(f"/api/v1/prices?market=farm_gate&since={since}").get_json()["total"] == 1
    assert client.get("/api/v1/prices").get_json()["total"] == 3
    assert client.get("/api/v1/prices?product=khong co").get_json() == {"total": 0, "results": []}
    assert client.get("/api/v1/prices?market=moon").status_code == 422
    assert client.get("/api/v1/prices?since=31/12").status_code == 422
