"""Demo reference prices: eight weeks of prices for what the demo clubs sell (xoài cát Chu and cát
Hòa Lộc, quýt hồng Lai Vung, hạt sen tươi) at the farm gate, the wholesale market and the
supermarket, one price a week (Tuesday; this week's is today's when today comes first). Quýt hồng
at the farm gate jumps about 25 % this week, so the board shows a big move and a watch would alert.
Loaded by marketplace/demo.py through the services; each row has a `ref` made of the product,
market and week, so a second load the same day adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.market import prices, rules

WEEKS = 8
# (ref key, product as typed, {market: (low, high) in thousand đồng per kg, eight weeks ago}, weekly step)
SERIES = (
    ("xoai-cat-chu", "xoài cát Chu", {"farm_gate": (28, 32), "wholesale": (34, 38), "supermarket": (45, 52)}, 1),
    ("xoai-hoa-loc", "xoài cát Hòa Lộc", {"farm_gate": (45, 50), "wholesale": (55, 60), "supermarket": (70, 80)}, -1),
    ("quyt-hong", "quýt hồng Lai Vung", {"farm_gate": (20, 22), "wholesale": (26, 28), "supermarket": (35, 40)}, 0),
    ("hat-sen", "hạt sen tươi", {"farm_gate": (90, 100), "wholesale": (110, 120), "supermarket": (150, 160)}, 2),
)
PLACES = {"farm_gate": "Vườn ở Mỹ Xương, Cao Lãnh", "wholesale": "Chợ đầu mối Trái cây Mỹ Hiệp",
          "supermarket": "Siêu thị Mỹ Tho"}
JUMP = ("quyt-hong", "farm_gate", 1.3)  # this week's big move (about +25 % on the week)


def _wave(week: int) -> int:
    """A little up and down from week to week (thousand đồng), the same every load."""
    return (0, 1, 0, -1, 0, 1, 1, 0)[week % 8]


def load(db: Session, staff: User | None, today: date) -> dict[str, int]:
    made = 0
    mondays = rules.weeks_back(today, WEEKS)
    for key, product, markets, step in SERIES:
        for market, (low, high) in markets.items():
            for week, monday in enumerate(mondays):
                day = min(monday + timedelta(days=1), today)
                ref = f"demo-gia-{key}-{market}-{monday.isoformat()}"
                if prices.price_by_ref(db, ref) is not None:
                    continue
                shift = step * week + _wave(week)
                factor = JUMP[2] if (key, market) == JUMP[:2] and week == WEEKS - 1 else 1
                prices.save_price(db, prices.PriceInput(
                    product=product, market=market, observed_on=day.isoformat(),
                    price_min_vnd=str(round((low + shift) * factor) * 1000),
                    price_max_vnd=str(round((high + shift) * factor) * 1000), unit="kg",
                    place=PLACES[market], source="Sở Công Thương (khảo sát hằng tuần)", ref=ref), staff, today=today)
                made += 1
    return {"reference_prices": made}
