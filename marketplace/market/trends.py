"""How reference prices moved over a week (pure rules, and the one query that feeds them).

A product's price at a market on a day is the middle of its min and max, averaged over the places
that reported it that day. The week's change compares the latest day with the latest day at least
7 days before it (within 21 days, so a price not reported for a month does not count as a move).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.market.models import ReferencePrice
from marketplace.products.models import Variety
from marketplace.vietnamese import fold

BIG_MOVE_PCT = 15
LOOKBACK_DAYS = 21


@dataclass(frozen=True)
class PriceMove:
    product_id: int
    market: str
    unit: str
    latest_on: date
    latest_vnd: int  # middle of min and max, averaged over places that day
    previous_on: date | None
    previous_vnd: int | None
    variety: str = ""  # the variety's name as posted ("cát Chu"); "" for the product as a whole

    @property
    def change_pct(self) -> float | None:
        if not self.previous_vnd:
            return None
        return (self.latest_vnd - self.previous_vnd) * 100 / self.previous_vnd

    @property
    def big(self) -> bool:
        change = self.change_pct
        return change is not None and abs(change) >= BIG_MOVE_PCT


def day_prices(rows: list[tuple[date, int, int]]) -> dict[date, int]:
    """(day, min, max) rows of one product, market and unit → {day: middle price, averaged}."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for day, low, high in rows:
        by_day[day].append((low + high) / 2)
    return {day: round(sum(values) / len(values)) for day, values in by_day.items()}


def week_move(product_id: int, market: str, unit: str, prices: dict[date, int], variety: str = "") -> PriceMove | None:
    """The move from the latest day to the latest day at least a week before it."""
    if not prices:
        return None
    latest = max(prices)
    earlier = [d for d in prices if latest - timedelta(days=LOOKBACK_DAYS) <= d <= latest - timedelta(days=7)]
    previous = max(earlier) if earlier else None
    return PriceMove(
        product_id, market, unit, latest, prices[latest], previous, prices[previous] if previous else None, variety
    )


def week_moves(db: Session, product_ids: list[int] | None, today: date) -> list[PriceMove]:
    """Each product's and variety's (and market's, and unit's) latest move as of today, from the
    reference prices of the last `LOOKBACK_DAYS` + 7 days. Varieties are kept apart (xoài cát Chu
    and cát Hòa Lộc are one product at very different prices: averaged, they would make a price
    nobody pays). `product_ids` None: every product."""
    since = today - timedelta(days=LOOKBACK_DAYS + 7)
    query = select(
        ReferencePrice.product_id, ReferencePrice.market, ReferencePrice.unit, Variety.name,
        ReferencePrice.variety_text, ReferencePrice.observed_on, ReferencePrice.price_min_vnd,
        ReferencePrice.price_max_vnd,
    ).outerjoin(Variety, Variety.id == ReferencePrice.variety_id).where(
        ReferencePrice.observed_on >= since, ReferencePrice.observed_on <= today)
    if product_ids is not None:
        if not product_ids:
            return []
        query = query.where(ReferencePrice.product_id.in_(product_ids))
    groups: dict[tuple[int, str, str, str], list[tuple[date, int, int]]] = defaultdict(list)
    names: dict[tuple[int, str, str, str], str] = {}
    for product_id, market, unit, variety_name, variety_text, day, low, high in db.execute(query):
        variety = variety_name or variety_text or ""
        key = (product_id, fold(variety), market, unit)  # "Đài Loan" and "dai loan" are one variety
        names.setdefault(key, variety)
        groups[key].append((day, low, high))
    moves = [week_move(product_id, market, unit, day_prices(rows), names[key])
             for key, rows in sorted(groups.items()) for product_id, _variety, market, unit in [key]]
    return [move for move in moves if move is not None]
