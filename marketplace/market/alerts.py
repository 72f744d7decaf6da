"""Price alerts: once a day the worker compares each watched product's week (trends.week_moves)
with its watchers' thresholds and tells each watcher once per move (bell and mail, as they chose
for notices: notifications.notify); `PriceWatch.last_alerted_on` is the day of the price that last
raised an alert, so the same move never alerts twice.

`check_watches` is the service (session in, flush, no commit); `run_job` is the worker's job.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from urllib.parse import urlencode

import click
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace import db, formatting
from marketplace.dates import today_in_vietnam
from marketplace.market import rules, trends
from marketplace.market.labels import MARKET_LABELS
from marketplace.market.models import PriceWatch
from marketplace.notifications import services as notifications
from marketplace.vietnamese import fold

PREFIX = "price_"
KIND = "price_move"
EVERY_SECONDS = 24 * 3600  # once a day (a second run the same day finds nothing new)


def due_moves(watch: PriceWatch, moves: list[trends.PriceMove]) -> list[trends.PriceMove]:
    """The watched product's moves (at the watched market, or any) at or beyond the watcher's
    threshold, on a day later than the last alert: the biggest per variety, so that one variety's
    move never hides another's of the same week."""
    found = [m for m in moves if m.product_id == watch.product_id and (not watch.market or m.market == watch.market)
             and rules.is_big_move(m.change_pct, watch.threshold_pct)
             and (watch.last_alerted_on is None or m.latest_on > watch.last_alerted_on)]
    biggest: dict[str, trends.PriceMove] = {}
    for move in sorted(found, key=lambda m: -abs(m.change_pct or 0)):
        biggest.setdefault(fold(move.variety), move)
    return list(biggest.values())


def check_watches(session: Session, today: date) -> int:
    """Notify each watcher of a new big move; returns how many were told."""
    watches = list(session.scalars(select(PriceWatch).order_by(PriceWatch.id)))
    if not watches:
        return 0
    moves = trends.week_moves(session, sorted({w.product_id for w in watches}), today)
    by_product: dict[int, list[trends.PriceMove]] = defaultdict(list)
    for move in moves:
        by_product[move.product_id].append(move)
    told = 0
    for watch in watches:
        moves = due_moves(watch, by_product.get(watch.product_id, []))
        if not moves:
            continue
        watch.last_alerted_on = max(move.latest_on for move in moves)
        if not watch.user.active:
            continue
        name_vi, name_en = watch.product.name_vi, watch.product.name_en or watch.product.name_vi
        for move in moves:
            params = {"product": f"{name_vi} {move.variety}".strip(),
                      "product_en": f"{name_en} {move.variety}".strip(),
                      "product_id": watch.product_id, "market": move.market, "unit": move.unit,
                      "change": round(move.change_pct or 0), "latest": move.latest_vnd, "previous": move.previous_vnd,
                      "day": move.latest_on.isoformat()}
            # The variety's own chart ("?variety=" for prices that name none).
            link = f"/prices/{watch.product_id}?{urlencode({'variety': move.variety})}"
            told += notifications.notify(session, [watch.user], notifications.Message(KIND, params, link))
    session.flush()
    return told


def run_job() -> int:
    told = check_watches(db.session, today_in_vietnam())
    db.session.commit()
    if told:
        click.echo(f"price alerts: {told} sent")
    return told


def describe_notice(kind: str, params: dict) -> str | None:
    if kind != KIND:
        return None
    change = int(params.get("change") or 0)
    market = MARKET_LABELS.get(str(params.get("market") or ""), params.get("market") or "")
    product = params.get("product")  # product_en for an English reader (formatting.in_reader_language)
    try:
        day = formatting.day(date.fromisoformat(str(params.get("day") or "")))
    except ValueError:
        day = ""
    words = {"product": product or "", "market": market, "pct": abs(change),
             "price": formatting.money(int(params.get("latest") or 0)),
             "unit": formatting.unit(str(params.get("unit") or "kg")), "day": day}
    if change >= 0:
        return _("%(product)s (%(market)s) went up %(pct)d %% in a week: %(price)s/%(unit)s on %(day)s.", **words)
    return _("%(product)s (%(market)s) went down %(pct)d %% in a week: %(price)s/%(unit)s on %(day)s.", **words)
