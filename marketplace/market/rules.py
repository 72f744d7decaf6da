"""Pure rules of the price board: the kinds of market, a price row's checks (min and max read as
people type them: "35.000", "35k", "35-42k", "35 nghìn"), ISO weeks in Việt Nam time, and medians
that stand for nothing when fewer than three sellers are behind them.

No Flask, no database: services call these and store what they decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median

from marketplace.market.models import MARKETS
from marketplace.numbers import NotANumber, parse_vnd
from marketplace.problems import Problems, check_past_day
from marketplace.vietnamese import fold

# (vi, en) for each market, in MARKETS order: the labels module makes them lazy translations; the
# sheet and the API read either name (and the code) back.
MARKET_NAMES: dict[str, tuple[str, str]] = {
    "farm_gate": ("Giá tại vườn", "Farm gate"),
    "wholesale": ("Chợ đầu mối", "Wholesale market"),
    "supermarket": ("Siêu thị", "Supermarket"),
    "export": ("Xuất khẩu", "Export"),
}
# More words people write for a market (folded, without accents, spaces as "_").
MARKET_ALIASES = {
    "tai_vuon": "farm_gate", "gia_tai_vuon": "farm_gate", "vuon": "farm_gate", "thuong_lai": "farm_gate",
    "gia_vuon": "farm_gate", "farmgate": "farm_gate",
    "cho_dau_moi": "wholesale", "dau_moi": "wholesale", "cho_si": "wholesale", "si": "wholesale",
    "sieu_thi": "supermarket", "ban_le": "supermarket",
    "xuat_khau": "export", "fob": "export",
}
MIN_SELLERS = 3  # a median of fewer sellers' prices is not shown (it would name them)
MAX_PRICE_VND = 100_000_000_000  # a hundred billion đồng per unit: beyond any farm price
MAX_TEXT = {"place": 200, "source": 200, "note": 2000, "variety": 120, "unit": 40, "ref": 60}
# "35-42k", "35 – 42 nghìn", "35.000-42.000đ", "35k đến 42k"
_RANGE = re.compile(r"^\s*(?P<low>[^-–—~]+?)\s*(?:-|–|—|~|đến|den|to)\s*(?P<high>.+?)\s*$", re.IGNORECASE)
_SUFFIX = re.compile(r"(k|nghìn|nghin|ngàn|ngan|tr|triệu|trieu)\s*(?:đ|₫|vnd|vnđ|đồng|dong)?(?:/\s*\w+)?\s*$",
                     re.IGNORECASE)
_PER_UNIT = re.compile(r"\s*/\s*[^\d\s]+\s*$")


class NotAPrice(ValueError):
    """A typed price that cannot be read as đồng."""


def market_code(text: str | None) -> str | None:
    """"farm_gate", "Giá tại vườn", "cho dau moi", "Wholesale market" → the market's code; None
    for a text that names none (the caller reports it)."""
    from_text = _key(text)
    if not from_text:
        return None
    if from_text in MARKETS:
        return from_text
    for code, names in MARKET_NAMES.items():
        if from_text in (_key(n) for n in names):
            return code
    return MARKET_ALIASES.get(from_text)


def _key(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text or "")).strip("_")


def _vnd(text: str) -> int | None:
    text = _PER_UNIT.sub("", text.replace("nghìn", "k").replace("nghin", "k").replace("ngàn", "k")
                         .replace("ngan", "k"))
    try:
        return parse_vnd(text)
    except NotANumber as error:
        raise NotAPrice(text) from error


def read_price_range(text: str | None) -> tuple[int | None, int | None]:
    """A price or a range as people type it → (min, max) in whole đồng. "35.000" → (35000, 35000);
    "35-42k" → (35000, 42000) (a unit written after the last number counts for both);
    "35 nghìn" → (35000, 35000); "" → (None, None). Raises NotAPrice."""
    text = (text or "").strip()
    if not text:
        return None, None
    match = _RANGE.match(text)
    if match and any(c.isdigit() for c in match["low"]) and any(c.isdigit() for c in match["high"]):
        low_text, high_text = match["low"], match["high"]
        suffix = _SUFFIX.search(high_text)
        if suffix and not _SUFFIX.search(low_text):
            low_text += suffix.group(1)
        return _vnd(low_text), _vnd(high_text)
    value = _vnd(text)
    return value, value


# No produce sells under 1,000 đồng a kilogram: a smaller figure is a price in nghìn without its "k".
MIN_VND_PER_KG = 1000


def check_price(problems: Problems, low: int | None, high: int | None, *, low_field: str = "price_min_vnd",
                high_field: str = "price_max_vnd", kg_per_unit: float | None = None) -> None:
    """Both given and above zero, within reason, and the minimum not above the maximum. For a unit
    that weighs (`kg_per_unit`: kg 1, tạ 100, tấn 1,000), under 1,000 đồng a kilogram is the
    thousands left out ("35-42" meant 35–42 nghìn): asked again, never stored as 35 đồng."""
    for name, value in ((low_field, low), (high_field, high)):
        if value is None:
            problems.add(name, "required")
        elif value <= 0:
            problems.add(name, "positive")
        elif value > MAX_PRICE_VND:
            problems.add(name, "too_large")
        elif kg_per_unit and value / kg_per_unit < MIN_VND_PER_KG and "thousands" not in problems.fields.get(name, []):
            problems.add(name, "thousands")  # once, when one "price" field holds both
    if low is not None and high is not None and 0 < high < low:
        problems.add(high_field, "min_above_max")


def check_row(problems: Problems, *, market: str | None, observed_on: date | None, today: date,
              texts: dict[str, str]) -> None:
    """The rest of a price row: a known market, a day not in the future (nor before 2000), texts
    within their lengths."""
    if not market:
        problems.add("market", "required")
    elif market not in MARKETS:
        problems.add("market", "choice")
    check_past_day(problems, "observed_on", observed_on, today)
    for name, text in texts.items():
        if len(text) > MAX_TEXT.get(name, 200):
            problems.add(name, "too_long")


def week_of(day: date) -> date:
    """The Monday of the ISO week a day (in Việt Nam time) belongs to."""
    return day - timedelta(days=day.weekday())


def weeks_back(today: date, count: int) -> list[date]:
    """The Mondays of the last `count` weeks, oldest first, this week last."""
    this_week = week_of(today)
    return [this_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def seller_median(prices: Iterable[tuple[int, int]], min_sellers: int = MIN_SELLERS) -> tuple[int | None, int, int]:
    """(seller id, price) pairs → (median price, how many prices, how many distinct sellers).
    The median is None when fewer than `min_sellers` distinct sellers stand behind the prices."""
    pairs = [(seller, price) for seller, price in prices if price is not None and price > 0]
    sellers = len({seller for seller, _ in pairs})
    if sellers < min_sellers:
        return None, len(pairs), sellers
    return round(median(price for _, price in pairs)), len(pairs), sellers


def change_pct(latest: int | None, previous: int | None) -> float | None:
    if not latest or not previous:
        return None
    return (latest - previous) * 100 / previous


def is_big_move(change: float | None, threshold_pct: int) -> bool:
    return change is not None and abs(change) >= threshold_pct
