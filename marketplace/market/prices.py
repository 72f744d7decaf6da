"""Reference prices: record, edit and delete one (the product read as people type it, a name the
catalogue lacks kept as typed and queued for staff, never refused); the board's rows (the latest
price per product, market and unit, with the week's change); a product's history and its weekly
series for the chart.

Services take the session, flush, and never commit; the view commits once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.market import rules, trends
from marketplace.market.labels import FIELD_MESSAGES
from marketplace.market.models import MARKETS, PriceWatch, ReferencePrice
from marketplace.places.models import Commune
from marketplace.products.models import Product
from marketplace.products.services import product_and_unit, product_of
from marketplace.products.units import parse_unit
from marketplace.validation import DATE, FieldProblems
from marketplace.vietnamese import clean, clean_message, fold

BOARD_DAYS = 120  # a price older than this is not "latest" on the board any more
HISTORY_WEEKS = 12  # the chart's weeks


@dataclass
class PriceInput:
    """A price row as a form, a sheet row or the demo gives it: texts as typed."""

    product: str = ""
    variety: str = ""
    market: str = ""
    observed_on: object = ""
    price: str = ""  # "35-42k": both at once; else price_min_vnd and price_max_vnd
    price_min_vnd: object = ""
    price_max_vnd: object = ""
    unit: str = "kg"
    place: str = ""
    commune_code: str = ""
    source: str = ""
    note: str = ""
    ref: str | None = None


def _read_prices(problems: FieldProblems, data: PriceInput) -> tuple[int | None, int | None, bool]:
    """(min, max, read): from `price` when given (a price or a range), else from the two columns
    (each may itself be a range: "35-42k" in price_min_vnd is read whole)."""
    if not any(clean(str(value or "")) for value in (data.price, data.price_min_vnd, data.price_max_vnd)):
        problems.add("price", "required")  # none given: said once, where a form has its one price field
        return None, None, False
    if clean(str(data.price or "")):
        try:
            low, high = rules.read_price_range(str(data.price))
        except rules.NotAPrice:
            problems.add("price", "not_a_price")
            return None, None, False
        return low, high, True
    values = []
    for name in ("price_min_vnd", "price_max_vnd"):
        try:
            values.append(rules.read_price_range(str(getattr(data, name) or "")))
        except rules.NotAPrice:
            problems.add(name, "not_a_price")
            values.append((None, None))
    (low, low_high), (high_low, high) = values
    if low is not None and high is None and "price_max_vnd" not in problems.fields:
        high = low_high  # one price (or a range in the first column) stands for both
    if high is not None and low is None and "price_min_vnd" not in problems.fields:
        low = high_low
    return low, high, not problems.fields


def save_price(db: Session, data: PriceInput, user: User | None, *, today: date,
               price: ReferencePrice | None = None) -> ReferencePrice:
    """Record a reference price (or change `price`); every problem at once as a ValidationError."""
    problems = FieldProblems(FIELD_MESSAGES)
    choice, unit = product_and_unit(db, problems, data.product, data.unit or "kg", data.variety)
    observed_on = problems.parse("observed_on", data.observed_on, DATE)
    low, high, read = _read_prices(problems, data)
    market = rules.market_code(data.market)
    commune = None
    commune_code = clean(str(data.commune_code or ""))
    if commune_code:
        commune = db.get(Commune, commune_code)
        if commune is None:
            problems.add("commune_code", "no_commune")
    ref = clean(data.ref or "") or None
    if ref and (price is None or price.ref != ref):
        taken = db.scalar(select(ReferencePrice.id).where(ReferencePrice.ref == ref))
        if taken is not None and (price is None or taken != price.id):
            problems.add("ref", "ref_taken")
    texts = {"place": clean(data.place), "source": clean(data.source), "note": clean_message(data.note),
             "variety": choice.variety_text if choice else clean(data.variety), "ref": ref or ""}
    found = rules.Problems()
    if read:
        price_field = "price" if clean(str(data.price or "")) else None
        weighs = parse_unit(unit) if unit else None
        rules.check_price(found, low, high, low_field=price_field or "price_min_vnd",
                          high_field=price_field or "price_max_vnd", kg_per_unit=weighs.kg if weighs else None)
    rules.check_row(found, market=market or (clean(data.market) and "?"), observed_on=observed_on,
                    today=today, texts=texts)
    problems.merge(found)
    problems.raise_if_any()

    product = product_of(db, choice)  # a name the catalogue lacks is stored only now, all checks passed
    if price is None:
        price = ReferencePrice(recorded_by_id=user.id if user else None)
        db.add(price)
    price.ref = ref or price.ref
    price.product, price.variety, price.variety_text = product, choice.variety, texts["variety"]
    price.market, price.observed_on, price.unit = market, observed_on, unit
    price.price_min_vnd, price.price_max_vnd = low, high
    price.place, price.commune_code = texts["place"], commune.code if commune else None
    price.source, price.note = texts["source"], texts["note"]
    db.flush()
    return price


def price_by_ref(db: Session, ref: str) -> ReferencePrice | None:
    return db.scalar(select(ReferencePrice).where(ReferencePrice.ref == ref)) if ref else None


def delete_price(db: Session, price: ReferencePrice) -> None:
    db.delete(price)
    db.flush()


def as_typed(price: ReferencePrice) -> dict[str, str]:
    """A price as a person would type it again: its edit form's values."""
    span = (f"{price.price_min_vnd:,}".replace(",", ".") if price.price_min_vnd == price.price_max_vnd else
            f"{price.price_min_vnd:,}-{price.price_max_vnd:,}".replace(",", "."))
    return {"product": price.product.name_vi, "variety": price.variety_name, "market": price.market,
            "observed_on": price.observed_on.strftime("%d/%m/%Y"), "price": span, "unit": price.unit,
            "place": price.place, "commune_code": price.commune_code or "", "source": price.source,
            "note": price.note}


def recent(db: Session, limit: int = 30) -> list[ReferencePrice]:
    """The latest entries, newest first (what staff typed last)."""
    return list(db.scalars(select(ReferencePrice).order_by(ReferencePrice.created_at.desc(),
                                                           ReferencePrice.id.desc()).limit(limit)))


# --- the board ----------------------------------------------------------------------------------

@dataclass
class BoardRow:
    product: Product
    market: str
    unit: str
    latest_on: date
    price_min_vnd: int
    price_max_vnd: int
    variety: str = ""  # chosen or as typed; "" for the product as a whole
    places: int = 1
    change_pct: float | None = None

    @property
    def title(self) -> str:
        return f"{self.product.name_vi} {self.variety}".strip()

    @property
    def direction(self) -> str:
        if self.change_pct is None or round(self.change_pct) == 0:
            return "flat" if self.change_pct is not None else ""
        return "up" if self.change_pct > 0 else "down"


@dataclass(frozen=True)
class BoardFilter:
    category: str = ""
    market: str = ""
    q: str = ""
    product_id: int | None = None  # one product's rows only (the listing form's reference)


def _matches(price: ReferencePrice, q: str) -> bool:
    """Every word typed (accents or not) is in the product's names or the price's variety."""
    product = price.product
    words = fold(q).split()
    names = fold(" ".join([product.name_vi, product.name_en or "", product.synonyms or "", price.variety_name]))
    return all(word in names for word in words)


def board(db: Session, today: date, chosen: BoardFilter = BoardFilter()) -> list[BoardRow]:
    """The latest price of each product (and variety) at each market, per unit, for prices of the
    last BOARD_DAYS days, with the week's change (trends.week_move over that variety's days)."""
    query = (select(ReferencePrice).join(Product)
             .where(ReferencePrice.observed_on >= today - timedelta(days=BOARD_DAYS),
                    ReferencePrice.observed_on <= today))
    if chosen.category:
        query = query.where(Product.category_code == chosen.category)
    if chosen.market in MARKETS:
        query = query.where(ReferencePrice.market == chosen.market)
    if chosen.product_id is not None:
        query = query.where(ReferencePrice.product_id == chosen.product_id)
    groups: dict[tuple[int, str, str, str], list[ReferencePrice]] = defaultdict(list)
    for price in db.scalars(query):
        if chosen.q and not _matches(price, chosen.q):
            continue
        groups[(price.product_id, fold(price.variety_name), price.market, price.unit)].append(price)
    rows = []
    for (product_id, _variety, market, unit), found in groups.items():
        latest_on = max(p.observed_on for p in found)
        latest = [p for p in found if p.observed_on == latest_on]
        move = trends.week_move(product_id, market, unit, trends.day_prices(
            [(p.observed_on, p.price_min_vnd, p.price_max_vnd) for p in found]))
        rows.append(BoardRow(
            product=latest[0].product, market=market, unit=unit, latest_on=latest_on,
            price_min_vnd=min(p.price_min_vnd for p in latest), price_max_vnd=max(p.price_max_vnd for p in latest),
            variety=latest[0].variety_name, places=len(latest), change_pct=move.change_pct if move else None))
    order = {m: i for i, m in enumerate(MARKETS)}
    return sorted(rows, key=lambda r: (fold(r.product.name_vi), fold(r.variety), order.get(r.market, 9), r.unit))


def last_update(db: Session) -> date | None:
    """The latest day a price was seen (the board's "updated")."""
    return db.scalar(select(ReferencePrice.observed_on).order_by(ReferencePrice.observed_on.desc()).limit(1))


# --- a product's history ------------------------------------------------------------------------

def history(db: Session, product_id: int, limit: int = 100) -> list[ReferencePrice]:
    """The product's reference prices, newest first."""
    return list(db.scalars(select(ReferencePrice).where(ReferencePrice.product_id == product_id)
                           .order_by(ReferencePrice.observed_on.desc(), ReferencePrice.market,
                                     ReferencePrice.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Series:
    """One line of the chart: a market's price per week (the middle of min and max on the latest
    day of the week it was seen, averaged over places); None for a week without a price."""

    market: str
    unit: str
    points: tuple[int | None, ...]


def main_unit(db: Session, product_id: int) -> str | None:
    """The unit most of the product's prices are per (the chart draws one unit)."""
    counts: dict[str, int] = defaultdict(int)
    for unit in db.scalars(select(ReferencePrice.unit).where(ReferencePrice.product_id == product_id)):
        counts[unit] += 1
    return max(counts, key=lambda u: (counts[u], u == "kg")) if counts else None


def varieties_of(db: Session, product_id: int) -> list[str]:
    """The varieties the product's prices name (chosen or typed; "" for none), most prices first."""
    counts: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}  # one spelling per variety, with or without accents: the first seen
    for price in db.scalars(select(ReferencePrice).where(ReferencePrice.product_id == product_id)
                            .order_by(ReferencePrice.id)):
        key = fold(price.variety_name)
        names.setdefault(key, price.variety_name)
        counts[key] += 1
    return sorted((names[key] for key in counts), key=lambda v: (-counts[fold(v)], fold(v)))


def weekly_series(db: Session, product_id: int, today: date, weeks: int = HISTORY_WEEKS,
                  unit: str | None = None, variety: str | None = None) -> tuple[list[date], list[Series]]:
    """(the Mondays, one series per market that has a price in those weeks) in `unit` (else the
    product's main unit), of one variety when given ("" : prices that name none)."""
    mondays = rules.weeks_back(today, weeks)
    unit = unit or main_unit(db, product_id)
    if unit is None:
        return mondays, []
    rows = db.scalars(select(ReferencePrice)
                      .where(ReferencePrice.product_id == product_id, ReferencePrice.unit == unit,
                             ReferencePrice.observed_on >= mondays[0], ReferencePrice.observed_on <= today))
    by_market: dict[str, list[tuple[date, int, int]]] = defaultdict(list)
    for price in rows:
        if variety is None or fold(price.variety_name) == fold(variety):
            by_market[price.market].append((price.observed_on, price.price_min_vnd, price.price_max_vnd))
    series = []
    for market in MARKETS:
        if market not in by_market:
            continue
        days = trends.day_prices(by_market[market])
        points = []
        for monday in mondays:
            in_week = [d for d in days if monday <= d < monday + timedelta(days=7)]
            points.append(days[max(in_week)] if in_week else None)
        series.append(Series(market, unit, tuple(points)))
    return mondays, series


# --- watches ------------------------------------------------------------------------------------

def watch_of(db: Session, user: User, product_id: int) -> PriceWatch | None:
    return db.scalar(select(PriceWatch).where(PriceWatch.user_id == user.id, PriceWatch.product_id == product_id))


def watch(db: Session, user: User, product: Product, *, market: str = "", threshold_pct: int = trends.BIG_MOVE_PCT,
          ) -> PriceWatch:
    """Ask to hear of a big weekly move of the product's prices (any market, or one)."""
    market = market if market in MARKETS else ""
    found = db.scalar(select(PriceWatch).where(PriceWatch.user_id == user.id, PriceWatch.product_id == product.id,
                                               PriceWatch.market == market))
    if found is None:
        found = PriceWatch(user_id=user.id, product_id=product.id, market=market)
        db.add(found)
    found.threshold_pct = max(5, min(50, int(threshold_pct)))
    db.flush()
    return found


def unwatch(db: Session, user: User, product_id: int) -> None:
    db.execute(delete(PriceWatch).where(PriceWatch.user_id == user.id, PriceWatch.product_id == product_id))
    db.flush()
