"""The prices sheet: reference prices of the price board through market.prices.save_price, keyed
by `ref` (a re-import updates the row). No organisation owns a price; a product the catalogue
lacks is kept as typed (a warning) and waits in staff's queue of names to map."""

from __future__ import annotations

from typing import Any

from marketplace.imports.cells import RowCheck
from marketplace.imports.handlers import goods
from marketplace.imports.readers import Row
from marketplace.imports.run import ImportRun, handles
from marketplace.market import prices
from marketplace.market.labels import MARKET_LABELS
from marketplace.market.rules import MAX_TEXT


def _price_cell(row: RowCheck, column: str) -> str:
    """A price cell as text: 35000 (a number cell, 35000.0 from a spreadsheet) or "35-42k"."""
    value = row.raw(column)
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return "" if value is None else str(value)


def _summary(price: Any) -> str:
    span = (f"{price.price_min_vnd:,}" if price.price_min_vnd == price.price_max_vnd
            else f"{price.price_min_vnd:,}–{price.price_max_vnd:,}").replace(",", ".")
    return f"{price.title}, {MARKET_LABELS[price.market]}, {price.observed_on:%d/%m/%Y}: {span} đ/{price.unit}"


@handles("prices")
def import_prices(run: ImportRun, rows: list[Row]) -> None:
    sheet = "prices"
    seen: dict[str, int] = {}
    for number, values in rows:
        row = run.row(sheet, number, values)
        ref = row.text("ref", MAX_TEXT["ref"], required=True)
        row.unique(seen, ref, "ref")
        data = prices.PriceInput(
            product=row.text("product", 120), variety=row.text("variety", MAX_TEXT["variety"]),
            market=row.text("market", 40), observed_on=row.raw("observed_on"), price=_price_cell(row, "price"),
            price_min_vnd=_price_cell(row, "price_min_vnd"), price_max_vnd=_price_cell(row, "price_max_vnd"),
            unit=row.text("unit", MAX_TEXT["unit"]) or "kg", place=row.text("place", MAX_TEXT["place"]),
            commune_code=row.commune("commune_code") or "", source=row.text("source", MAX_TEXT["source"]),
            note=row.long_text("note", MAX_TEXT["note"]), ref=ref or None)
        existing = prices.price_by_ref(run.db, ref) if ref else None
        saved = None
        with run.savepoint(row):
            saved = prices.save_price(run.db, data, run.user, today=run.today, price=existing)
        if row.ok and saved is not None:
            run.stored(row, existing is None, ref, _summary(saved))
            goods.warn_kept_as_typed(row, saved)  # a product or unit kept as typed
