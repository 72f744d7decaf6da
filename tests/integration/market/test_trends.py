"""A week's price moves keep varieties apart: xoài cát Chu and cát Hòa Lộc are one product at very
different prices, and their average would be a price nobody pays (seen in the demo's bulletin)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.dates import today_in_vietnam
from marketplace.market import prices
from marketplace.market.models import ReferencePrice
from marketplace.market.trends import week_moves
from marketplace.products.services import find_product


def test_moves_are_per_variety_chosen_or_typed(session):
    today = today_in_vietnam()
    mango = find_product(session, "xoài")
    cat_chu = next(v for v in mango.varieties if v.name == "cát Chu")
    rows = ((cat_chu.id, "", 8, 30000, 34000), (cat_chu.id, "", 1, 36000, 40000),  # +17.6 %
            (None, "cát Hòa Lộc", 8, 60000, 64000), (None, "Cát hòa lộc", 1, 61000, 65000),  # typed twice
            (None, "", 8, 20000, 22000), (None, "", 1, 20000, 22000),  # the product as a whole
            (None, "Đài Loan", 8, 30000, 30000), (None, "dai loan", 1, 40000, 40000))  # typed with and without accents
    for variety_id, typed, days, low, high in rows:
        session.add(ReferencePrice(product_id=mango.id, variety_id=variety_id, variety_text=typed, market="farm_gate",
                                   observed_on=today - timedelta(days=days), price_min_vnd=low, price_max_vnd=high))
    session.flush()
    moves = {m.variety.casefold(): m for m in week_moves(session, [mango.id], today)}
    assert set(moves) == {"cát chu", "cát hòa lộc", "", "đài loan"}
    assert (moves["đài loan"].previous_vnd, moves["đài loan"].latest_vnd) == (30000, 40000)
    assert prices.varieties_of(session, mango.id).count("Đài Loan") == 1 and "dai loan" not in \
        prices.varieties_of(session, mango.id)
    assert (moves["cát chu"].previous_vnd, moves["cát chu"].latest_vnd, moves["cát chu"].big) == (32000, 38000, True)
    assert (moves["cát hòa lộc"].previous_vnd, moves["cát hòa lộc"].latest_vnd) == (62000, 63000)
    assert moves[""].change_pct == 0
